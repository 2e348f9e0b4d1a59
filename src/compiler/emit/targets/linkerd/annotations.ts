// Linkerd configures retries and timeouts with annotations on the route (2.16+). Its retries trigger on
// response status only ("5xx", "gateway-error" = 502–504, or listed codes), with no backoff setting;
// `reset` and `connect-failure` have no annotation and are reported instead.
import type { RouteIR, ServiceIR } from "../../../ir/schema.ts";
import { linkerdDuration } from "../shared/durations.ts";
import type { TargetReport } from "../shared/report.ts";

const STATUS_CONDITIONS = new Set(["5xx", "gateway-error"]);
/** typemesh's default backoff (Envoy's); only a different, declared one is worth a diagnostic. */
const DEFAULT_BACKOFF = { baseMs: 25, maxMs: 250 };

export function routeAnnotations(service: ServiceIR, route: RouteIR, report: TargetReport): Record<string, string> {
  const annotations: Record<string, string> = {};
  if (route.timeoutMs !== undefined) annotations["timeout.linkerd.io/request"] = linkerdDuration(route.timeoutMs);
  const r = route.retries;
  if (!r || r.attempts === 0) return annotations;
  const conditions = [...r.retryOn.filter((c) => STATUS_CONDITIONS.has(c)), ...r.retryOnStatus.map(String)];
  const lost = r.retryOn.filter((c) => !STATUS_CONDITIONS.has(c));
  if (lost.length > 0) {
    report.report("TM3004", route.source,
      `route ${route.name} of ${service.id} retries on ${lost.join(" and ")}, which Linkerd cannot select: it retries on response status only${conditions.length === 0 ? ", so this route is not retried" : ""}`,
      "retry on 5xx or gateway-error, or emit the istio target");
  }
  if (r.backoff.baseMs !== DEFAULT_BACKOFF.baseMs || r.backoff.maxMs !== DEFAULT_BACKOFF.maxMs) {
    report.report("TM3004", route.source, `route ${route.name} of ${service.id} backs off ${r.backoff.baseMs}–${r.backoff.maxMs}ms between retries, which Linkerd cannot set`);
  }
  if (conditions.length === 0) return annotations;
  annotations["retry.linkerd.io/http"] = conditions.join(",");
  annotations["retry.linkerd.io/limit"] = String(r.attempts);
  if (r.perTryTimeoutMs !== undefined) annotations["retry.linkerd.io/timeout"] = linkerdDuration(r.perTryTimeoutMs);
  return annotations;
}
