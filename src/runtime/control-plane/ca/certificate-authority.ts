// The control plane's certificate authority: the roots (root-store.ts), the trust bundle they make,
// and signing (issuer.ts). Lifetimes default to 24 h; proxies renew at half-life.
import { createHash } from "node:crypto";
import type { TrustBundle } from "../../protocol/identity-messages.ts";
import { issueCertificate, type IssuedCertificate } from "./issuer.ts";
import { RootStore, type OperatorRoot, type Root } from "./root-store.ts";
import { checkWorkloadCertificate, type CertificateCheck } from "./verify.ts";

export const DEFAULT_CERT_LIFETIME_MS = 24 * 3600 * 1000;

export interface CertificateAuthorityOptions {
  stateDir: string;
  /** Workload certificate lifetime (default 24 h). */
  lifetimeMs?: number;
  /** The operator's root instead of a generated one. */
  operatorRoot?: OperatorRoot;
}

export interface RootStatus {
  id: string;
  source: Root["source"];
  active: boolean;
  subject: string;
  notAfter: string;
  createdAt: string;
}

export class CertificateAuthority {
  readonly lifetimeMs: number;
  private bundle: TrustBundle;

  private constructor(private readonly roots: RootStore, lifetimeMs: number) {
    this.lifetimeMs = lifetimeMs;
    this.bundle = this.makeBundle();
  }

  static async open(options: CertificateAuthorityOptions, trustDomain: string): Promise<CertificateAuthority> {
    const lifetimeMs = options.lifetimeMs ?? DEFAULT_CERT_LIFETIME_MS;
    if (!(lifetimeMs >= 1000)) throw new Error("certificate lifetime must be at least 1 s");
    return new CertificateAuthority(await RootStore.open(options.stateDir, trustDomain, options.operatorRoot), lifetimeMs);
  }

  /** Every trusted root, the signing one first. */
  trustBundle(): TrustBundle {
    return this.bundle;
  }

  activeRootId(): string {
    return this.roots.active().id;
  }

  issue(csrPem: string, spiffeId: string, now = new Date()): Promise<IssuedCertificate> {
    return issueCertificate(csrPem, { spiffeId }, this.roots.active(), this.lifetimeMs, now);
  }

  check(certificatePem: string, trustDomain: string | undefined, now = new Date()): CertificateCheck {
    return checkWorkloadCertificate(certificatePem, this.roots.all(), trustDomain, now);
  }

  async addRoot(trustDomain: string): Promise<Root> {
    const root = await this.roots.add(trustDomain);
    this.bundle = this.makeBundle();
    return root;
  }

  activate(id: string): void {
    this.roots.activate(id);
    this.bundle = this.makeBundle();
  }

  retire(id: string): void {
    this.roots.retire(id);
    this.bundle = this.makeBundle();
  }

  rootStatus(): RootStatus[] {
    const active = this.roots.active().id;
    return this.roots.all().map((r) => ({
      id: r.id, source: r.source, active: r.id === active, subject: r.certificate.subject.replace(/\n/g, ", "),
      notAfter: new Date(r.certificate.validTo).toISOString(), createdAt: r.createdAt,
    }));
  }

  private makeBundle(): TrustBundle {
    const active = this.roots.active();
    const ordered = [active, ...this.roots.all().filter((r) => r !== active)];
    const version = createHash("sha256").update(ordered.map((r) => r.id).sort().join(",")).digest("hex").slice(0, 16);
    return { version, roots: ordered.map((r) => r.certificatePem) };
  }
}
