// Workload identity in the control plane: who may join as which service (join tokens, or the
// certificate a proxy already holds), signing and renewing its certificate, and pushing the trust
// bundle to every connected proxy. Trust bundle rotation is three guarded steps: add a root (pushed to
// every proxy, which ACKs it), activate it (it signs; every proxy is asked to renew), retire the old one
// (only once no connected proxy holds a certificate it signed).
import type { ControlPlaneMessage } from "../../protocol/messages.ts";
import type { IssuedCertificate } from "./issuer.ts";
import type { CertificateAuthority } from "./certificate-authority.ts";
import type { JoinTokens } from "./join-tokens.ts";

export interface AttachedProxy {
  proxyId: string;
  service: string;
  spiffeId?: string;
  certificate?: { serial: string; notAfter: string; rootId: string };
  /** Signed and sent, not yet confirmed installed. */
  issuing?: { serial: string; notAfter: string; rootId: string };
  trustBundleAcked?: string;
  send(message: ControlPlaneMessage): void;
  /** Ends the proxy's stream; it reconnects and enrolls again. */
  close(reason: string): void;
}

export interface ProxyIdentityStatus {
  proxyId: string;
  service: string;
  spiffeId?: string;
  certificate?: AttachedProxy["certificate"];
  trustBundleAcked?: string;
}

export class RotationBlocked extends Error {
  constructor(message: string, readonly pending: string[]) {
    super(message);
  }
}

export class IdentityService {
  private readonly attached = new Map<string, AttachedProxy>();
  private trustDomainInUse: string;
  private openEnrollmentNoted = false;

  constructor(
    readonly ca: CertificateAuthority,
    readonly tokens: JoinTokens,
    private readonly trustDomainOf: () => string,
    private readonly log: (line: string) => void,
  ) {
    this.trustDomainInUse = trustDomainOf();
  }

  /** Says once that a proxy joined without a token (open enrollment). */
  noteOpenEnrollment(proxyId: string, service: string): void {
    if (this.openEnrollmentNoted) return;
    this.openEnrollmentNoted = true;
    this.log(`proxy ${proxyId} joined as ${service} without a join token: this control plane has none, so any proxy may join as the service it names (development only; create tokens with POST /api/join-tokens or --join-token)`);
  }

  trustDomain(): string {
    return this.trustDomainOf();
  }

  async issue(proxy: Pick<AttachedProxy, "proxyId">, spiffeId: string, csr: string): Promise<IssuedCertificate> {
    const issued = await this.ca.issue(csr, spiffeId);
    this.log(`issued ${issued.spiffeId} to proxy ${proxy.proxyId}, valid until ${issued.notAfter.toISOString()} (root ${issued.rootId})`);
    return issued;
  }

  attach(proxy: AttachedProxy): void {
    this.attached.set(proxy.proxyId, proxy);
    proxy.send({ type: "trust-bundle", ...this.ca.trustBundle() });
    const current = proxy.certificate;
    if (current && current.rootId !== this.ca.activeRootId()) proxy.send({ type: "renew", reason: "the certificate's root no longer signs: reissue from the new root" });
  }

  detach(proxyId: string, proxy: AttachedProxy): void {
    if (this.attached.get(proxyId) === proxy) this.attached.delete(proxyId);
  }

  recordIssued(proxy: AttachedProxy, issued: IssuedCertificate): void {
    proxy.issuing = { serial: issued.serial, notAfter: issued.notAfter.toISOString(), rootId: issued.rootId };
  }

  /** The proxy installed a certificate: from now on its connections present it. */
  acknowledgeCertificate(proxy: AttachedProxy, serial: string): void {
    if (proxy.issuing?.serial.replace(/^0+/, "") !== serial.replace(/^0+/, "")) return;
    proxy.certificate = proxy.issuing;
    proxy.issuing = undefined;
  }

  acknowledgeTrustBundle(proxy: AttachedProxy, version: string): void {
    proxy.trustBundleAcked = version;
  }

  /** Called when a bundle is applied: a new trust domain means new SPIFFE IDs for everyone. */
  trustDomainMayHaveChanged(): void {
    const now = this.trustDomainOf();
    if (now === this.trustDomainInUse) return;
    if (this.mtlsProxies().length === 0) {
      this.trustDomainInUse = now;
      return;
    }
    this.log(`trust domain changed from ${this.trustDomainInUse} to ${now}: proxies enroll again for certificates in it`);
    this.trustDomainInUse = now;
    // The SPIFFE ID a proxy is entitled to (and peers expect of its endpoint) is fixed at enrollment.
    for (const proxy of this.attached.values()) if (proxy.spiffeId) proxy.close(`trust domain is now ${now}: enroll again`);
  }

  status(): { trustBundle: { version: string; roots: ReturnType<CertificateAuthority["rootStatus"]> }; lifetimeSeconds: number; openEnrollment: boolean; proxies: ProxyIdentityStatus[] } {
    return {
      trustBundle: { version: this.ca.trustBundle().version, roots: this.ca.rootStatus() },
      lifetimeSeconds: this.ca.lifetimeMs / 1000,
      openEnrollment: this.tokens.empty,
      proxies: [...this.attached.values()].map((p) => ({
        proxyId: p.proxyId, service: p.service,
        ...(p.spiffeId && { spiffeId: p.spiffeId }), ...(p.certificate && { certificate: p.certificate }),
        ...(p.trustBundleAcked && { trustBundleAcked: p.trustBundleAcked }),
      })).sort((a, b) => a.proxyId.localeCompare(b.proxyId)),
    };
  }

  private mtlsProxies(): AttachedProxy[] {
    return [...this.attached.values()].filter((p) => p.spiffeId);
  }

  /** Step 1: a new root, trusted by everyone but not signing yet. */
  async addRoot(): Promise<{ id: string; trustBundleVersion: string }> {
    const root = await this.ca.addRoot(this.trustDomainOf());
    this.broadcastTrustBundle();
    this.log(`added root ${root.id} to the trust bundle (not signing yet)`);
    return { id: root.id, trustBundleVersion: this.ca.trustBundle().version };
  }

  /** Step 2: the root signs from now on, and every proxy is asked to renew. */
  activate(id: string, force = false): void {
    const version = this.ca.trustBundle().version;
    const pending = this.mtlsProxies().filter((p) => p.trustBundleAcked !== version).map((p) => p.proxyId);
    if (pending.length > 0 && !force) {
      throw new RotationBlocked(`${pending.length} proxies have not acknowledged trust bundle ${version} yet`, pending);
    }
    this.ca.activate(id);
    this.log(`root ${id} signs from now on; asking ${this.mtlsProxies().length} proxies to renew`);
    for (const proxy of this.mtlsProxies()) proxy.send({ type: "renew", reason: `root ${id} signs from now on` });
  }

  /** Step 3: the root is no longer trusted; refused while a connected proxy holds a certificate it signed. */
  retire(id: string, force = false): void {
    if (id === this.ca.activeRootId()) throw new Error(`root ${id} signs certificates: activate another root first`);
    const pending = this.mtlsProxies().filter((p) => p.certificate?.rootId === id || p.issuing !== undefined).map((p) => p.proxyId);
    if (pending.length > 0 && !force) {
      throw new RotationBlocked(`${pending.length} proxies still hold certificates signed by root ${id}`, pending);
    }
    this.ca.retire(id);
    this.broadcastTrustBundle();
    this.log(`retired root ${id}`);
  }

  /** The three steps, each waiting until it may proceed (or `timeoutMs` passes). */
  async rotate(timeoutMs = 60_000, pollMs = 100): Promise<{ from: string; to: string }> {
    const from = this.ca.activeRootId();
    const { id: to } = await this.addRoot();
    const deadline = Date.now() + timeoutMs;
    const retrying = async (step: () => void) => {
      for (;;) {
        try {
          return step();
        } catch (error) {
          if (!(error instanceof RotationBlocked) || Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, pollMs));
        }
      }
    };
    await retrying(() => this.activate(to));
    await retrying(() => this.retire(from));
    return { from, to };
  }

  private broadcastTrustBundle(): void {
    const bundle = this.ca.trustBundle();
    for (const proxy of this.attached.values()) proxy.send({ type: "trust-bundle", ...bundle });
  }
}
