// Proxy facts that later runtime work adds to the control plane's proxy status, read where present:
// the workload certificate's expiry (mTLS) and endpoints the circuit breaker ejected. Until a field
// exists the views say "not reported". One place to adapt when those fields land.
import type { ProxyStatus } from "../../control-plane/proxy-sessions.ts";

type Loose = ProxyStatus & Record<string, unknown>;

function asIso(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value < 1e12 ? value * 1000 : value).toISOString();
  if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return undefined;
}

/** When the proxy's workload certificate expires: certExpiresAt, or cert/certificate.{notAfter,expiresAt}. */
export function certExpiryOf(proxy: ProxyStatus): string | undefined {
  const p = proxy as Loose;
  const nested = (p.cert ?? p.certificate) as Record<string, unknown> | undefined;
  return asIso(p.certExpiresAt) ?? asIso(p.certNotAfter) ?? asIso(nested?.notAfter) ?? asIso(nested?.expiresAt);
}

/** Whether the control plane reports certificates at all (any proxy has the field). */
export function certsReported(proxies: readonly ProxyStatus[]): boolean {
  return proxies.some((p) => certExpiryOf(p) !== undefined);
}

/** Endpoints this proxy's breaker has ejected, when proxies report them (`ejected: [{service, endpoint}]`). */
export function ejectedOf(proxy: ProxyStatus): { service: string; endpoint: string; until?: string }[] | undefined {
  const list = (proxy as Loose).ejected;
  return Array.isArray(list) ? list.filter((e): e is { service: string; endpoint: string } => typeof e?.service === "string" && typeof e?.endpoint === "string") : undefined;
}
