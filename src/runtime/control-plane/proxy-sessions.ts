// The snapshot cache, after go-control-plane minus its resend trap: one session per connected proxy,
// each with the version it was sent, acknowledged or rejected. Publishing sends a proxy its view only
// when the view's version differs from what it was last sent, and never re-sends a version the proxy
// NACKed (the proxy is parked until its view changes).
import { randomUUID } from "node:crypto";
import type { Bundle } from "../../compiler/emit/bundle.ts";
import type { ControlPlaneMessage, NodeInfo, ProxyView } from "../protocol/messages.ts";
import { buildProxyView, viewVersion } from "./proxy-view.ts";
import type { EndpointRegistry } from "./registry.ts";

export type SyncState = "SYNCED" | "STALE" | "NACKED";

export interface ProxySession {
  node: NodeInfo;
  /** Sends one serialized ControlPlaneMessage. */
  send(text: string): void;
  connectedAt: string;
  /** The config the proxy said it serves when it joined (its last good one), if any. */
  lastGoodVersion?: string;
  sent?: { version: string; nonce: string; bundleVersion: string };
  acked?: { version: string; bundleVersion: string };
  nacked?: { version: string; error: string; at: string };
}

export interface ProxyStatus {
  id: string;
  service: string;
  version: string;
  address: string;
  state: SyncState;
  /** The view version in force at the proxy (its last ACK). */
  configVersion?: string;
  bundleVersion?: string;
  desiredVersion?: string;
  error?: string;
  connectedAt: string;
}

interface DesiredView {
  version: string;
  view: ProxyView;
  json: string;
}

export function errorMessage(message: string): string {
  return JSON.stringify({ type: "error", message } satisfies ControlPlaneMessage);
}

export class ProxySessions {
  private readonly sessions = new Map<string, ProxySession>();
  private desired = new Map<string, { version: string; view: ProxyView }>();
  /** Told when a proxy leaves, since its endpoint leaves other proxies' views. */
  onRemove: (proxyId: string) => void = () => {};

  constructor(private readonly registry: EndpointRegistry) {}

  add(session: ProxySession): void {
    this.sessions.get(session.node.id)?.send(errorMessage("replaced by a newer connection with the same proxy id"));
    this.sessions.set(session.node.id, session);
    this.registry.register(session.node);
  }

  remove(session: ProxySession): void {
    if (this.sessions.get(session.node.id) !== session) return;
    this.sessions.delete(session.node.id);
    this.desired.delete(session.node.id);
    this.registry.unregister(session.node.id);
    this.onRemove(session.node.id);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Computes every session's view under `bundle` and pushes those that changed. */
  publish(bundle: Bundle | undefined): void {
    if (!bundle) return;
    // Replicas of one workload share a view: build, hash and serialize it once.
    const views = new Map<string, DesiredView>();
    for (const session of this.sessions.values()) this.push(session, bundle, views);
  }

  /**
   * Serves one newly joined proxy its view at once. Everyone else's view may now name its endpoint, but
   * that waits for the next publish (debounced by the caller): re-publishing to every proxy on every
   * join made a control plane with 1,000 proxies reconnecting take minutes (O(n²) views). Until then the
   * others keep the view last decided for them, and their state says whether they acknowledged that
   * one, as istioctl's proxy-status does: a join no longer flashes every other proxy STALE. Those whose
   * view the publish changes are STALE from when it is sent until they acknowledge it.
   */
  publishTo(session: ProxySession, bundle: Bundle | undefined): void {
    if (bundle) this.push(session, bundle, new Map());
  }

  private push(session: ProxySession, bundle: Bundle, views: Map<string, DesiredView>): void {
    const key = `${session.node.service}\u0000${session.node.version}`;
    let desired = views.get(key);
    if (!desired) {
      const view = buildProxyView(bundle, session.node, (id) => this.registry.endpointsOf(bundle.ir, id));
      desired = { version: viewVersion(view), view, json: JSON.stringify(view) };
      views.set(key, desired);
    }
    this.desired.set(session.node.id, desired);
    if (session.sent?.version === desired.version) return;
    if (session.nacked?.version === desired.version) return; // parked: no resend loop
    const nonce = randomUUID();
    session.sent = { version: desired.version, nonce, bundleVersion: bundle.version };
    session.send(`{"type":"snapshot","nonce":"${nonce}","version":"${desired.version}","view":${desired.json}}`);
  }

  acknowledge(session: ProxySession, nonce: string, version: string): void {
    if (session.sent?.nonce !== nonce || session.sent.version !== version) return; // a stale answer
    session.acked = { version, bundleVersion: session.sent.bundleVersion };
    session.nacked = undefined;
  }

  reject(session: ProxySession, nonce: string, error: string): void {
    if (session.sent?.nonce !== nonce) return;
    session.nacked = { version: session.sent.version, error, at: new Date().toISOString() };
  }

  status(): ProxyStatus[] {
    return [...this.sessions.values()].map((s) => {
      const desired = this.desired.get(s.node.id)?.version;
      const state: SyncState = s.nacked && s.nacked.version === desired ? "NACKED"
        : s.acked && s.acked.version === desired ? "SYNCED" : "STALE";
      return {
        id: s.node.id,
        service: s.node.service,
        version: s.node.version,
        address: `${s.node.inbound.host}:${s.node.inbound.port}`,
        state,
        ...(s.acked && { configVersion: s.acked.version, bundleVersion: s.acked.bundleVersion }),
        ...(desired && { desiredVersion: desired }),
        ...(state === "NACKED" && { error: s.nacked!.error }),
        connectedAt: s.connectedAt,
      };
    }).sort((a, b) => a.service.localeCompare(b.service) || a.version.localeCompare(b.version) || a.id.localeCompare(b.id));
  }
}
