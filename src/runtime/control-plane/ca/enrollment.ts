// One proxy's enrollment on the config stream, before it has a session: who it is entitled to be (a
// join token bound to a service, the certificate it already holds, or open enrollment when the control
// plane has no tokens), and, when it wants mTLS, its first certificate. The protocol is described in
// protocol/identity-messages.ts.
import { randomBytes, verify } from "node:crypto";
import { proofPayload } from "../../protocol/identity-messages.ts";
import type { ControlPlaneMessage, NodeInfo, ProxyMessage } from "../../protocol/messages.ts";
import { spiffeIdOf } from "../../identity/spiffe.ts";
import { CsrRefused } from "./issuer.ts";
import type { AttachedProxy, IdentityService } from "./identity-service.ts";

type Hello = Extract<ProxyMessage, { type: "hello" }>;

export type EnrollmentStep =
  | { kind: "wait" }
  | { kind: "refuse"; reason: string }
  | { kind: "joined"; node: NodeInfo; certificate?: AttachedProxy["certificate"] };

export interface EnrollmentContext {
  identity: IdentityService;
  /** The service id ("namespace/name") a hello's service names under the bundle in force, if it can tell. */
  resolveService(claim: string): string | undefined;
  /** The service of the connected proxy with this id, if any. */
  serviceOfProxy(proxyId: string): string | undefined;
  send(message: ControlPlaneMessage): void;
}

export class Enrollment {
  private state: "start" | "proof" | "csr" | "done" = "start";
  private nonce = "";
  private entitled: { service: string; spiffeId: string } | undefined;

  constructor(private readonly ctx: EnrollmentContext, private readonly hello: Hello) {}

  /** Handles the hello. */
  start(): EnrollmentStep {
    if (this.hello.certificate && this.hello.mtls) {
      this.nonce = randomBytes(18).toString("base64url");
      this.state = "proof";
      this.ctx.send({ type: "challenge", nonce: this.nonce });
      return { kind: "wait" };
    }
    return this.byToken();
  }

  async receive(message: ProxyMessage): Promise<EnrollmentStep> {
    if (this.state === "proof" && message.type === "proof") return this.byCertificate(message.signature);
    if (this.state === "csr" && message.type === "csr") return this.signFirst(message.csr);
    // The trust bundle sent with the identity is ACKed before the CSR; it is sent again on joining.
    if (message.type === "trust-bundle-ack" || message.type === "certificate-ack") return { kind: "wait" };
    return { kind: "refuse", reason: `unexpected ${message.type} while enrolling` };
  }

  private claimed(): string | undefined {
    return this.ctx.resolveService(this.hello.node.service);
  }

  /** A join token bound to the service the hello names, or open enrollment. */
  private byToken(): EnrollmentStep {
    const { tokens } = this.ctx.identity;
    const claimed = this.claimed();
    let service: string | undefined;
    if (tokens.empty) {
      service = claimed;
      if (!service) return { kind: "refuse", reason: `cannot tell the namespace of service ${JSON.stringify(this.hello.node.service)}: name it namespace/name, or apply a bundle that declares it` };
      this.ctx.identity.noteOpenEnrollment(this.hello.node.id, service);
    } else {
      service = tokens.serviceOf(this.hello.token);
      if (!service) return { kind: "refuse", reason: this.hello.token ? "invalid join token" : "a join token is required (--join-token)" };
      if (claimed !== service && !(claimed === undefined && this.hello.node.service === service.split("/")[1])) {
        return { kind: "refuse", reason: `this join token is for ${service}, not ${JSON.stringify(this.hello.node.service)}` };
      }
    }
    return this.entitle(service);
  }

  private entitle(service: string, certificate?: AttachedProxy["certificate"]): EnrollmentStep {
    const other = this.ctx.serviceOfProxy(this.hello.node.id);
    if (other !== undefined && other !== service) return { kind: "refuse", reason: `proxy id ${this.hello.node.id} is in use by ${other}` };
    const node: NodeInfo = { ...this.hello.node, service };
    if (!this.hello.mtls) {
      this.state = "done";
      return { kind: "joined", node };
    }
    const spiffeId = spiffeIdOf(this.ctx.identity.trustDomain(), service);
    if (!spiffeId) return { kind: "refuse", reason: `${service} is not a namespace/name service id` };
    if (certificate) {
      this.state = "done";
      return { kind: "joined", node: { ...node, identity: spiffeId }, certificate };
    }
    this.entitled = { service, spiffeId };
    this.state = "csr";
    this.ctx.send({ type: "identity", spiffeId });
    this.ctx.send({ type: "trust-bundle", ...this.ctx.identity.ca.trustBundle() });
    return { kind: "wait" };
  }

  /** Proof of possession of a certificate that chains to the trust bundle; else the token, if any. */
  private byCertificate(signature: string): EnrollmentStep {
    const { identity } = this.ctx;
    const check = identity.ca.check(this.hello.certificate!, identity.trustDomain());
    let problem: string | undefined;
    if (!check.ok) problem = check.reason;
    else if (!verify("sha256", proofPayload(this.nonce, this.hello.node.id), check.certificate.publicKey, Buffer.from(signature, "base64"))) {
      problem = "the proof is not signed by the certificate's key";
    } else if (this.claimed() !== check.spiffe.serviceId && this.hello.node.service !== check.spiffe.service) {
      problem = `the certificate is for ${check.spiffe.serviceId}, not ${JSON.stringify(this.hello.node.service)}`;
    }
    if (!problem && check.ok) {
      const certificate = { serial: check.certificate.serialNumber.toLowerCase(), notAfter: new Date(check.certificate.validTo).toISOString(), rootId: check.root.id };
      return this.entitle(check.spiffe.serviceId, certificate);
    }
    if (this.hello.token || identity.tokens.empty) return this.byToken();
    return { kind: "refuse", reason: `certificate refused (${problem}) and no join token given: restart the proxy with --join-token` };
  }

  private async signFirst(csr: string): Promise<EnrollmentStep> {
    const entitled = this.entitled!;
    try {
      const issued = await this.ctx.identity.issue({ proxyId: this.hello.node.id }, entitled.spiffeId, csr);
      this.ctx.send({ type: "certificate", certificate: issued.certificatePem, spiffeId: issued.spiffeId, notAfter: issued.notAfter.toISOString() });
      this.state = "done";
      return {
        kind: "joined",
        node: { ...this.hello.node, service: entitled.service, identity: entitled.spiffeId },
        certificate: { serial: issued.serial, notAfter: issued.notAfter.toISOString(), rootId: issued.rootId },
      };
    } catch (error) {
      if (error instanceof CsrRefused) return { kind: "refuse", reason: `CSR refused: ${error.message}` };
      throw error;
    }
  }
}
