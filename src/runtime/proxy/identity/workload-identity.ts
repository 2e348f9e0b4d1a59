// The proxy's workload identity: its key and certificate (persisted beside its last good config, so a
// restart without the control plane still serves mTLS), the trust bundle, and the TLS contexts built
// from them. Renewal is due at half-life; at expiry the proxy says so and keeps asking.
import { X509Certificate, createPrivateKey, sign } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createSecureContext, type SecureContext, type SecureContextOptions } from "node:tls";
import { proofPayload, type TrustBundle } from "../../protocol/identity-messages.ts";
import { spiffeIdOfCertificate, type SpiffeId } from "../../identity/spiffe.ts";
import type { IdentityMetrics } from "./identity-metrics.ts";

export type IdentityState = "disabled" | "pending" | "ready" | "expired";

interface Material {
  keyPem: string;
  certificatePem: string;
  spiffeId: string;
  /** When the proxy received it: half-life counts from here, so clock skew cannot make it late. */
  receivedAt: number;
  notAfter: number;
}

interface Persisted {
  material?: Material;
  trustBundle?: TrustBundle;
}

export function identityFile(stateDir: string, proxyId: string): string {
  return path.join(stateDir, `${proxyId.replace(/[^\w.-]/g, "_")}.identity.json`);
}

export class WorkloadIdentity {
  private material: Material | undefined;
  private parsed: { material: Material; spiffe: SpiffeId | undefined } | undefined;
  private bundle: TrustBundle | undefined;
  private clientContext: SecureContext | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();
  /** Called when renewal is due (half-life, or a retry). */
  onRenewalDue: () => void = () => {};

  constructor(
    private readonly file: string | undefined,
    private readonly metrics: IdentityMetrics,
    private readonly log: (line: string) => void,
    private readonly enabled = true,
  ) {
    if (enabled && file) this.restore();
    this.changed();
  }

  state(): IdentityState {
    if (!this.enabled) return "disabled";
    if (!this.material || !this.bundle) return "pending";
    return Date.now() >= this.material.notAfter ? "expired" : "ready";
  }

  /** Whether this proxy holds mTLS material (possibly expired): then it speaks mTLS to mTLS endpoints. */
  hasMaterial(): boolean {
    return this.enabled && this.material !== undefined && this.bundle !== undefined;
  }

  spiffeId(): SpiffeId | undefined {
    // Asked on every inbound request (the x-forwarded-client-cert header): parse the certificate once
    // per installed one, not per request (an X.509 parse was a third of the inbound's CPU).
    if (!this.material) return undefined;
    if (this.parsed?.material !== this.material) {
      this.parsed = { material: this.material, spiffe: spiffeIdOfCertificate(new X509Certificate(this.material.certificatePem)) };
    }
    return this.parsed.spiffe;
  }

  certificatePem(): string | undefined {
    return this.material?.certificatePem;
  }

  notAfter(): Date | undefined {
    return this.material && new Date(this.material.notAfter);
  }

  trustBundleVersion(): string | undefined {
    return this.bundle?.version;
  }

  /** Why this proxy cannot take part in mTLS right now, for 503 bodies, /ready and logs. */
  problem(): string | undefined {
    if (this.state() !== "expired") return undefined;
    return `this proxy's certificate for ${this.material!.spiffeId} expired at ${new Date(this.material!.notAfter).toISOString()} and the control plane has not renewed it: is it reachable?`;
  }

  /** Signs the control plane's challenge with the certificate's key. */
  proof(nonce: string, proxyId: string): string {
    return sign("sha256", proofPayload(nonce, proxyId), createPrivateKey(this.material!.keyPem)).toString("base64");
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** TLS options for the inbound listener (key, cert, roots), or undefined without material. */
  serverOptions(): SecureContextOptions | undefined {
    if (!this.material || !this.bundle) return undefined;
    return { key: this.material.keyPem, cert: this.material.certificatePem, ca: this.bundle.roots, minVersion: "TLSv1.3" };
  }

  /** The context outbound connections present and verify peers with. */
  clientSecureContext(): SecureContext | undefined {
    return this.clientContext;
  }

  /** Installs a certificate for the pending key; returns its serial number. */
  install(keyPem: string, certificatePem: string): string {
    const certificate = new X509Certificate(certificatePem);
    if (!certificate.checkPrivateKey(createPrivateKey(keyPem))) throw new Error("the certificate is not for this proxy's key");
    const spiffe = spiffeIdOfCertificate(certificate);
    if (!spiffe) throw new Error("the certificate carries no single SPIFFE ID");
    this.material = { keyPem, certificatePem, spiffeId: spiffe.uri, receivedAt: Date.now(), notAfter: new Date(certificate.validTo).getTime() };
    this.log(`certificate for ${spiffe.uri} installed, valid until ${certificate.validTo}`);
    this.persist();
    this.changed();
    return certificate.serialNumber.toLowerCase();
  }

  setTrustBundle(bundle: TrustBundle): void {
    if (this.bundle?.version === bundle.version) return;
    this.bundle = bundle;
    this.log(`trust bundle ${bundle.version} (${bundle.roots.length} root${bundle.roots.length === 1 ? "" : "s"})`);
    this.persist();
    this.changed();
  }

  /** Due at half-life of the current certificate, or now when there is none or it expired. */
  renewalDue(now = Date.now()): boolean {
    if (!this.material) return true;
    return now >= this.material.receivedAt + (this.material.notAfter - this.material.receivedAt) / 2;
  }

  /** Tries again after `ms` (after a refusal or while the control plane is away). */
  retryRenewalIn(ms: number): void {
    clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => this.onRenewalDue(), ms);
    this.renewTimer.unref();
  }

  stop(): void {
    clearTimeout(this.expiryTimer);
    clearTimeout(this.renewTimer);
  }

  private changed(): void {
    const options = this.serverOptions();
    this.clientContext = options && createSecureContext(options);
    this.metrics.certExpiry.set(this.material ? this.material.notAfter / 1000 : 0);
    this.reportState();
    this.schedule();
    for (const listener of this.listeners) listener();
  }

  private reportState(): void {
    const state = this.state();
    for (const s of ["disabled", "pending", "ready", "expired"] as const) this.metrics.state.set({ state: s }, s === state ? 1 : 0);
  }

  private schedule(): void {
    clearTimeout(this.expiryTimer);
    clearTimeout(this.renewTimer);
    const material = this.material;
    if (!material) return;
    const now = Date.now();
    const renewAt = material.receivedAt + (material.notAfter - material.receivedAt) / 2;
    this.renewTimer = setTimeout(() => this.onRenewalDue(), Math.max(0, renewAt - now));
    this.renewTimer.unref();
    if (material.notAfter > now) {
      this.expiryTimer = setTimeout(() => {
        this.reportState();
        this.log(`${this.problem()} Peers refuse this proxy until it is renewed.`);
        for (const listener of this.listeners) listener();
      }, material.notAfter - now + 1);
      this.expiryTimer.unref();
    }
  }

  private restore(): void {
    let saved: Persisted;
    try {
      saved = JSON.parse(readFileSync(this.file!, "utf8")) as Persisted;
    } catch {
      return;
    }
    if (saved.trustBundle) this.bundle = saved.trustBundle;
    if (saved.material) {
      this.material = saved.material;
      const state = this.state();
      this.log(state === "expired" ? `${this.problem()} It is renewed as soon as the control plane answers.` : `restored certificate for ${saved.material.spiffeId}`);
    }
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ material: this.material, trustBundle: this.bundle } satisfies Persisted), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
