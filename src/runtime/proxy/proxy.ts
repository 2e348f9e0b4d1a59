// A typemesh sidecar: outbound listener (the app's calls), inbound listener (calls to the app), admin
// port, and the config stream. Holds exactly one router at a time and swaps it atomically.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ProxyView } from "../protocol/messages.ts";
import { handleAdmin } from "./admin.ts";
import { ConfigClient } from "./config-client.ts";
import { guarded, type RequestHandler } from "./http-forwarding.ts";
import { handleInbound } from "./inbound.ts";
import { lastGoodFile, loadLastGood, saveLastGood } from "./last-good.ts";
import { ProxyMetrics } from "./metrics.ts";
import { handleOutbound } from "./outbound.ts";
import { buildRouter, type Router } from "./router.ts";
import { ResilienceState } from "./resilience-state.ts";
import { Upstreams } from "./upstreams.ts";
import { IdentityClient } from "./identity/identity-client.ts";
import { IdentityMetrics } from "./identity/identity-metrics.ts";
import { createInboundListener, type InboundListener } from "./identity/inbound-listener.ts";
import { PeerTls } from "./identity/peer-tls.ts";
import { identityFile, WorkloadIdentity } from "./identity/workload-identity.ts";

export interface ProxyOptions {
  service: string;
  version: string;
  app: { host: string; port: number };
  controlPlane: string;
  host?: string;
  outboundPort?: number;
  inboundPort?: number;
  adminPort?: number;
  stateDir: string;
  id?: string;
  joinToken?: string;
  /**
   * mTLS between proxies (default true): the proxy gets a workload certificate from the control plane
   * when it joins. false makes a plaintext proxy: it neither presents nor checks certificates.
   */
  mtls?: boolean;
  maxViewBytes?: number;
  /** How often traffic counters go to the control plane (default 2 s). */
  statsIntervalMs?: number;
  log?: (line: string) => void;
}

export interface ProxyPorts {
  outbound: number;
  inbound: number;
  admin: number;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export class Proxy {
  readonly id: string;
  readonly metrics: ProxyMetrics;
  private router: Router | undefined;
  private appliedAt: string | undefined;
  private readonly upstreams: Upstreams;
  /** The workload certificate, trust bundle and their TLS contexts (identity/). */
  readonly identity: WorkloadIdentity;
  private readonly identityMetrics: IdentityMetrics;
  private inboundListener: InboundListener | undefined;
  /** Retry budgets, breakers, outlier ejections: they survive config swaps, like the pools. */
  private readonly resilience: ResilienceState;
  private readonly servers: Server[] = [];
  private client: ConfigClient | undefined;
  private connected = false;
  private readonly log: (line: string) => void;
  private readonly stateFile: string;

  constructor(private readonly options: ProxyOptions) {
    this.id = options.id ?? `${options.service.replace("/", ".")}-${options.version}-${randomBytes(3).toString("hex")}`;
    this.metrics = new ProxyMetrics({ service: options.service, version: options.version });
    this.log = options.log ?? (() => {});
    this.stateFile = lastGoodFile(options.stateDir, this.id);
    this.identityMetrics = new IdentityMetrics(this.metrics.registry);
    this.identity = new WorkloadIdentity(identityFile(options.stateDir, this.id), this.identityMetrics, this.log, options.mtls ?? true);
    const peerTls = new PeerTls(this.identity);
    this.upstreams = new Upstreams(64, peerTls);
    this.resilience = new ResilienceState({ mirrorTls: peerTls });
    // New material: pools opened in plaintext to mTLS endpoints and mTLS pools holding connections made
    // with the old certificate or roots are retired (gracefully), so rotation reaches every connection.
    this.identity.onChange(() => {
      this.upstreams.recycleSecure();
      this.resilience.recycleSecure();
      if (this.router) this.upstreams.retain([...this.router.endpoints(), this.options.app]);
      if (this.router) this.resilience.retain(this.router.view.endpoints);
    });
  }

  /** Builds a router for the view (throws if it cannot be applied), swaps it in, and persists it. */
  apply(version: string, view: ProxyView, persist = true): void {
    const router = buildRouter(version, view, { upstreams: this.upstreams, resilience: this.resilience, events: this.metrics.resilience });
    this.router = router;
    this.appliedAt = new Date().toISOString();
    this.metrics.configApplied.setToCurrentTime();
    this.upstreams.retain([...router.endpoints(), this.options.app]);
    this.resilience.retain(view.endpoints);
    if (persist) saveLastGood(this.stateFile, { version, view });
    this.log(`applied config ${version} (bundle ${view.bundleVersion})`);
  }

  currentVersion(): string | undefined {
    return this.router?.version;
  }

  async start(): Promise<ProxyPorts> {
    const host = this.options.host ?? "127.0.0.1";
    const self = { service: this.options.service, version: this.options.version };
    const saved = loadLastGood(this.stateFile);
    if (saved) {
      try {
        this.apply(saved.version, saved.view, false);
        this.log(`serving persisted config ${saved.version} until the control plane answers`);
      } catch (error) {
        this.log(`persisted config unusable (${(error as Error).message}); waiting for the control plane`);
      }
    }
    const routerOf = () => this.router;
    const serve = (handler: RequestHandler) => {
      // 16 KiB of headers, as Envoy's default; larger requests get 431 from Node before any handler.
      const server = createServer({ maxHeaderSize: 16 * 1024, keepAliveTimeout: 60_000 }, guarded(handler));
      this.servers.push(server);
      return server;
    };
    const outbound = await listen(serve(handleOutbound({ router: routerOf, metrics: this.metrics, self, identityProblem: () => this.identity.problem() })), this.options.outboundPort ?? 0, host);
    const inboundHandler = handleInbound({
      router: routerOf, metrics: this.metrics, self, app: this.options.app, upstreams: this.upstreams,
      identity: { mtlsCapable: () => this.identity.hasMaterial(), spiffeId: () => this.identity.spiffeId()?.uri, metrics: this.identityMetrics },
    });
    // One port for mTLS and plaintext (identity/inbound-listener.ts); the handler decides per request.
    this.inboundListener = createInboundListener({ maxHeaderSize: 16 * 1024, keepAliveTimeout: 60_000 }, guarded(inboundHandler), this.identity);
    const inbound = await listen(this.inboundListener.server as unknown as Server, this.options.inboundPort ?? 0, host);
    const admin = await listen(serve(handleAdmin({
      router: routerOf, appliedAt: () => this.appliedAt, metrics: this.metrics, controlPlaneConnected: () => this.connected,
      identity: () => this.identityStatus(),
    })), this.options.adminPort ?? 0, host);
    this.client = new ConfigClient({
      controlPlane: this.options.controlPlane,
      node: { id: this.id, service: this.options.service, version: this.options.version, inbound: { host, port: inbound } },
      ...(this.options.joinToken && { token: this.options.joinToken }),
      maxViewBytes: this.options.maxViewBytes ?? 16 * 1024 * 1024,
      lastGoodVersion: () => this.router?.version,
      apply: (version, view) => this.apply(version, view),
      onRejected: () => this.metrics.configRejections.inc(),
      stats: () => this.metrics.requests.traffic(),
      ...(this.options.statsIntervalMs !== undefined && { statsIntervalMs: this.options.statsIntervalMs }),
      onConnected: (connected) => {
        this.connected = connected;
        this.metrics.connected.set(connected ? 1 : 0);
      },
      ...(this.identity.state() !== "disabled" && { identity: new IdentityClient(this.identity, this.id, this.identityMetrics, this.log) }),
      log: this.log,
    });
    this.client.start();
    return { outbound, inbound, admin };
  }

  private identityStatus(): { state: string; problem?: string } & Record<string, unknown> {
    const problem = this.identity.problem();
    const spiffeId = this.identity.spiffeId()?.uri;
    const notAfter = this.identity.notAfter()?.toISOString();
    const trustBundle = this.identity.trustBundleVersion();
    return { state: this.identity.state(), ...(spiffeId && { spiffeId }), ...(notAfter && { notAfter }), ...(trustBundle && { trustBundle }), ...(problem && { problem }) };
  }

  async close(): Promise<void> {
    this.client?.stop();
    this.identity.stop();
    await this.inboundListener?.close();
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })));
    await this.upstreams.close();
    await this.resilience.close();
  }
}
