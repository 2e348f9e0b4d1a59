// The control plane: holds the bundle in force (with history in its state directory), the endpoint
// registry and one session per proxy; serves the config stream and the admin API on one port. It never
// carries request traffic.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Bundle } from "../../compiler/emit/bundle.ts";
import { consistencyProblems } from "../../compiler/ir/consistency.ts";
import { findService } from "../../compiler/simulate/simulate.ts";
import { createDashboard } from "../dashboard/server.ts";
import { handleAdmin } from "./admin-api.ts";
import { BundleStore, type HistoryEntry } from "./bundle-store.ts";
import { CertificateAuthority, type CertificateAuthorityOptions } from "./ca/certificate-authority.ts";
import { IdentityService } from "./ca/identity-service.ts";
import { JoinTokens } from "./ca/join-tokens.ts";
import { createConfigStream, STREAM_PATH } from "./config-stream.ts";
import { sendJson } from "./http-helpers.ts";
import { ProxySessions, type ProxyStatus } from "./proxy-sessions.ts";
import { EndpointRegistry } from "./registry.ts";
import { TrafficStore } from "./traffic-store.ts";
import { RolloutController } from "./rollouts/controller.ts";
import { applyRollouts } from "./rollouts/overrides.ts";
import { RolloutStore } from "./rollouts/store.ts";

export interface ControlPlaneOptions {
  stateDir: string;
  adminToken: string;
  /** Join tokens given by the operator: token → the service id ("namespace/name") it is bound to. */
  joinTokens?: Record<string, string>;
  /** The CA: workload certificate lifetime (default 24 h) and the operator's root (default: generated). */
  ca?: Omit<CertificateAuthorityOptions, "stateDir">;
  host?: string;
  port?: number;
  /** Endpoint changes are coalesced for this long before views are re-pushed (istiod debounces too). */
  endpointDebounceMs?: number;
  /**
   * Started with a bundle from its state directory (a restart): how long proxies that rejoin serving a
   * config keep it before views are published (default 3000 ms; 0: at once). See rejoining().
   */
  rejoinGraceMs?: number;
  log?: (line: string) => void;
}

export type ApplyOutcome = { version: string; changed: boolean } | { error: string; problems: string[] };

export class ControlPlane {
  readonly adminToken: string;
  private readonly store: BundleStore;
  private readonly registry = new EndpointRegistry();
  private readonly sessions = new ProxySessions(this.registry);
  /** Live traffic per edge, from the proxies' stats frames. */
  readonly traffic = new TrafficStore();
  /** Rollouts: weight overrides on top of the bundle, driven by live traffic. */
  readonly rollouts: RolloutController;
  private bundle: Bundle | undefined;
  private server: Server | undefined;
  private stream: ReturnType<typeof createConfigStream> | undefined;
  private publishTimer: NodeJS.Timeout | undefined;
  private rejoinUntil = 0;
  private rejoinTimer: NodeJS.Timeout | undefined;
  private readonly log: (line: string) => void;
  /** Join tokens, each bound to one service (ca/join-tokens.ts). */
  readonly joinTokens: JoinTokens;
  private identityService: IdentityService | undefined;
  /** The web UI on this port: /dashboard/, /api/events, /api/dashboard/… (docs/dashboard.md). */
  private readonly dashboard = createDashboard(this, (version) => this.store.load(version));

  constructor(private readonly options: ControlPlaneOptions) {
    this.adminToken = options.adminToken;
    this.store = new BundleStore(path.resolve(options.stateDir));
    this.bundle = this.store.current();
    this.log = options.log ?? (() => {});
    this.joinTokens = new JoinTokens(path.resolve(options.stateDir), options.joinTokens);
    this.rollouts = new RolloutController(new RolloutStore(path.resolve(options.stateDir)), this.traffic, () => this.publish(), this.log);
  }

  /** The bundle as the proxies get it: rollouts' weights applied on top. */
  effectiveBundle(): Bundle | undefined {
    const bundle = this.bundle;
    return bundle && { ...bundle, ir: applyRollouts(bundle.ir, this.rollouts.inForce()) };
  }

  private publish(): void {
    if (this.rejoining()) return; // published when the rejoin window closes (listen)
    this.sessions.publish(this.effectiveBundle());
  }

  /**
   * After a restart with a bundle in its state directory, the control plane knows the policy but not yet
   * where anyone is: its endpoints come back one proxy at a time as they reconnect. A view sent then
   * would name only those back so far, and take working endpoints away from proxies that are serving
   * fine on their last good config. So for a short window (rejoinGraceMs) proxies that join with a
   * config of their own keep it, and everyone gets their view once the window closes. A proxy with no
   * config at all is served at once: it has nothing to lose.
   */
  private rejoining(): boolean {
    return Date.now() < this.rejoinUntil;
  }

  /** Applies a bundle that already passed readBundle or the compiler. Refuses an inconsistent one. */
  apply(bundle: Bundle, source: string): ApplyOutcome {
    const problems = consistencyProblems(bundle.ir);
    if (problems.length > 0) return { error: "bundle is inconsistent", problems };
    if (bundle.version === this.bundle?.version) return { version: bundle.version, changed: false };
    this.store.record(bundle, source);
    const previous = this.bundle;
    this.bundle = bundle;
    this.log(`applied bundle ${bundle.version} from ${source}`);
    this.rollouts.bundleApplied(previous, bundle);
    this.publish();
    this.identityService?.trustDomainMayHaveChanged();
    return { version: bundle.version, changed: true };
  }

  rollback(version?: string): { version: string; changed: boolean } | { error: string; status: number } {
    const history = this.store.entries();
    const target = version ?? [...history].reverse().find((e) => e.version !== this.bundle?.version)?.version;
    if (!target) return { error: "no earlier bundle to roll back to", status: 409 };
    const bundle = this.store.load(target);
    if (!bundle) return { error: `no bundle ${target} in the history`, status: 404 };
    const outcome = this.apply(bundle, `rollback from ${this.bundle?.version ?? "none"}`);
    return "error" in outcome ? { error: outcome.error, status: 409 } : outcome;
  }

  currentBundle(): Bundle | undefined {
    return this.bundle;
  }

  history(): readonly HistoryEntry[] {
    return this.store.entries();
  }

  status(): { bundle?: HistoryEntry; proxies: ProxyStatus[] } {
    const entry = this.store.entries().at(-1);
    return { ...(entry && { bundle: entry }), proxies: this.sessions.status() };
  }

  /** Certificates, roots and who may join (available once listening). */
  get identity(): IdentityService {
    if (!this.identityService) throw new Error("the control plane's CA starts with listen()");
    return this.identityService;
  }

  /** The service id a name means under the bundle in force ("namespace/name" is taken as it is). */
  resolveService(name: string): string | undefined {
    if (/^[^/\s]+\/[^/\s]+$/.test(name)) return name;
    return this.bundle && findService(this.bundle.ir, name)?.id;
  }

  /** A join token bound to one service; the proxy of that service presents it once to enroll. */
  issueJoinToken(service: string): { token: string; service: string; id: string } {
    const id = this.resolveService(service);
    if (!id) throw new Error(`no service ${JSON.stringify(service)} in the bundle in force: name it namespace/name`);
    const { token, info } = this.joinTokens.issue(id);
    return { token, service: id, id: info.id };
  }

  private schedulePublish(): void {
    if (this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      this.publish();
    }, this.options.endpointDebounceMs ?? 50);
  }

  async listen(): Promise<{ url: string; port: number }> {
    const trustDomain = () => this.bundle?.ir.mesh.trustDomain ?? "cluster.local";
    const ca = await CertificateAuthority.open({ stateDir: path.resolve(this.options.stateDir), ...this.options.ca }, trustDomain());
    this.identityService = new IdentityService(ca, this.joinTokens, trustDomain, this.log);
    const stream = createConfigStream({
      sessions: this.sessions,
      identity: this.identityService,
      resolveService: (name) => this.resolveService(name),
      log: this.log,
      onJoin: (session) => {
        // The newcomer is served at once; its endpoint reaches the others' views with the next
        // (debounced) publish, so a storm of reconnecting proxies costs one publish per debounce.
        if (this.rejoining() && session.lastGoodVersion) return;
        this.sessions.publishTo(session, this.effectiveBundle());
        this.schedulePublish();
      },
      onStats: (session, frame) => this.traffic.ingest(session.node.id, frame),
    });
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://control-plane");
      if (url.pathname === "/healthz") return sendJson(res, 200, { ok: true, bundle: this.bundle?.version ?? null });
      if (this.dashboard.handle(req, res, url)) return;
      if (url.pathname.startsWith("/api/")) {
        handleAdmin(this, req, res, url).catch((error: Error) => sendJson(res, 500, { error: error.message }));
        return;
      }
      sendJson(res, 404, { error: "not found" });
    });
    server.on("upgrade", (req, socket, head) => {
      if (new URL(req.url ?? "/", "http://control-plane").pathname !== STREAM_PATH) return socket.destroy();
      stream.handleUpgrade(req, socket, head);
    });
    this.stream = stream;
    this.rollouts.startTicking();
    // A disconnect removes endpoints: re-push the views that named them.
    this.sessions.onRemove = (proxyId) => {
      this.traffic.forget(proxyId);
      this.schedulePublish();
    };
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 15010, this.options.host ?? "127.0.0.1", () => resolve());
    });
    this.server = server;
    if (this.bundle && (this.options.rejoinGraceMs ?? 3000) > 0) {
      const grace = this.options.rejoinGraceMs ?? 3000;
      this.rejoinUntil = Date.now() + grace;
      this.rejoinTimer = setTimeout(() => {
        this.rejoinUntil = 0;
        this.log(`rejoin window closed: ${this.sessions.status().length} proxies back; publishing views`);
        this.publish();
      }, grace);
    }
    const { port } = server.address() as AddressInfo;
    return { url: `http://${this.options.host ?? "127.0.0.1"}:${port}`, port };
  }

  async close(): Promise<void> {
    clearTimeout(this.publishTimer);
    clearTimeout(this.rejoinTimer);
    this.rollouts.stop();
    // Upgraded config-stream sockets are no longer the HTTP server's: end them first.
    this.stream?.close();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }
}
