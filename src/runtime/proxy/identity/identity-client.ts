// The proxy's half of the identity protocol (protocol/identity-messages.ts), riding on the config
// stream: the hello's identity fields, the proof of the certificate held, CSRs when the control plane
// names the identity or asks for renewal or when half-life comes, installing what it signs, and
// ACKing trust bundles.
import type { ControlPlaneMessage, ProxyMessage } from "../../protocol/messages.ts";
import { createCsr, type PendingKey } from "./csr.ts";
import type { IdentityMetrics } from "./identity-metrics.ts";
import type { WorkloadIdentity } from "./workload-identity.ts";

type Send = (message: ProxyMessage) => void;

export class IdentityClient {
  private send: Send | undefined;
  private joined = false;
  private pending: PendingKey | undefined;
  private requesting = false;
  private spiffeId: string | undefined;

  constructor(
    private readonly identity: WorkloadIdentity,
    private readonly proxyId: string,
    private readonly metrics: IdentityMetrics,
    private readonly log: (line: string) => void,
  ) {
    identity.onRenewalDue = () => void this.request("half-life");
  }

  /** The hello's identity fields: a certificate is offered only while it is valid. */
  hello(): { mtls?: true; certificate?: string } {
    if (this.identity.state() === "disabled") return {};
    const certificate = this.identity.state() === "ready" ? this.identity.certificatePem() : undefined;
    return { mtls: true, ...(certificate && { certificate }) };
  }

  connected(send: Send | undefined): void {
    this.send = send;
    this.joined = false;
    this.pending = undefined;
    this.requesting = false;
  }

  receive(message: ControlPlaneMessage): void {
    switch (message.type) {
      case "challenge":
        this.send?.({ type: "proof", signature: this.identity.proof(message.nonce, this.proxyId) });
        return;
      case "identity":
        this.spiffeId = message.spiffeId;
        void this.request(`enrolling as ${message.spiffeId}`);
        return;
      case "certificate":
        return this.installCertificate(message.certificate, message.spiffeId);
      case "csr-refused":
        this.requesting = false;
        this.metrics.certRenewals.inc({ outcome: "refused" });
        this.log(`the control plane refused this proxy's CSR: ${message.reason}`);
        this.identity.retryRenewalIn(5_000);
        return;
      case "trust-bundle":
        this.identity.setTrustBundle({ version: message.version, roots: message.roots });
        this.send?.({ type: "trust-bundle-ack", version: message.version });
        // Every join ends with the trust bundle: a renewal that fell due while away goes out now.
        this.joined = true;
        if (this.identity.hasMaterial() && this.identity.renewalDue()) void this.request("renewal was due while the control plane was away");
        return;
      case "renew":
        this.log(`the control plane asks for a new certificate: ${message.reason}`);
        void this.request(message.reason);
        return;
      default:
        return;
    }
  }

  private async request(why: string): Promise<void> {
    const send = this.send;
    const spiffeId = this.spiffeId ?? this.identity.spiffeId()?.uri;
    if (!send || !spiffeId || this.requesting) {
      // Not connected (or not yet told who it is): try again shortly; a reconnect also triggers it.
      if (!send || !this.joined) this.identity.retryRenewalIn(1_000);
      return;
    }
    this.requesting = true;
    const pending = await createCsr(spiffeId);
    if (this.send !== send) return; // the stream dropped meanwhile; the next connection starts over
    this.pending = pending;
    this.log(`requesting a certificate for ${spiffeId} (${why})`);
    send({ type: "csr", csr: pending.csrPem });
  }

  private installCertificate(certificatePem: string, spiffeId: string): void {
    const pending = this.pending;
    this.requesting = false;
    if (!pending || pending.spiffeId !== spiffeId) return;
    this.pending = undefined;
    try {
      const serial = this.identity.install(pending.keyPem, certificatePem);
      this.metrics.certRenewals.inc({ outcome: "issued" });
      this.send?.({ type: "certificate-ack", serial });
    } catch (error) {
      this.log(`could not install the certificate the control plane sent: ${(error as Error).message}`);
      this.identity.retryRenewalIn(5_000);
    }
  }
}
