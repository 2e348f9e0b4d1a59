// The config stream's wire messages (JSON text frames over a WebSocket), after Envoy's xDS: every push
// carries a version and a nonce; the proxy answers ACK(version) or NACK(last good version, error).
import type { ServiceIR } from "../../compiler/ir/schema.ts";
import { parseHelloIdentity, parseIdentityProxyMessage, type IdentityControlPlaneMessage, type IdentityProxyMessage } from "./identity-messages.ts";
import { LATENCY_BUCKETS_MS, type StatsFrame } from "./traffic.ts";

/** A workload's inbound listener, where other proxies send its traffic. */
export interface Endpoint {
  proxyId: string;
  version: string;
  host: string;
  port: number;
  /** The SPIFFE ID in the endpoint's certificate: present means it is reached over mTLS and must show it. */
  identity?: string;
}

/** What one proxy needs of the mesh: its own inbound policy, the services it may call, their endpoints. */
export interface ProxyView {
  bundleVersion: string;
  trustDomain: string;
  self: { service: string; version: string };
  /** The proxy's own service, when the bundle declares it. */
  inbound?: ServiceIR;
  /** Services this workload may call, sorted by id. */
  outbound: ServiceIR[];
  /** Services whose authorization refuses every request from this workload: answered 403 locally. */
  denied: string[];
  /** Endpoints of every outbound service and mirror target, by service id. */
  endpoints: Record<string, Endpoint[]>;
}

export interface NodeInfo {
  id: string;
  /** Service name or "namespace/name". */
  service: string;
  version: string;
  inbound: { host: string; port: number };
  /** Set by the control plane (never taken from a hello): the SPIFFE ID it issued this proxy. */
  identity?: string;
}

export type ProxyMessage =
  | { type: "hello"; node: NodeInfo; lastGoodVersion?: string; token?: string; mtls?: true; certificate?: string }
  | { type: "ack"; nonce: string; version: string }
  | { type: "nack"; nonce: string; version: string; error: string }
  | StatsFrame
  | IdentityProxyMessage;

export type ControlPlaneMessage =
  | { type: "snapshot"; nonce: string; version: string; view: ProxyView }
  | { type: "error"; message: string }
  | IdentityControlPlaneMessage;

const isString = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 1024;

/** Parses a frame from a proxy; undefined for anything that is not a well-formed message. */
export function parseProxyMessage(text: string): ProxyMessage | undefined {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!m || typeof m !== "object") return undefined;
  if (m.type === "ack" && isString(m.nonce) && isString(m.version)) return { type: "ack", nonce: m.nonce, version: m.version };
  if (m.type === "nack" && isString(m.nonce) && typeof m.version === "string" && typeof m.error === "string") {
    return { type: "nack", nonce: m.nonce, version: m.version, error: m.error.slice(0, 4096) };
  }
  if (m.type === "stats" && typeof m.at === "number" && Array.isArray(m.series)) {
    const series = m.series.filter(isSeries);
    return series.length === m.series.length ? { type: "stats", at: m.at, series } : undefined;
  }
  if (m.type === "hello" && m.node && typeof m.node === "object") {
    const n = m.node as Record<string, unknown>;
    const inbound = n.inbound as Record<string, unknown> | undefined;
    if (!isString(n.id) || !isString(n.service) || !isString(n.version) || !inbound || !isString(inbound.host)) return undefined;
    const port = inbound.port;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
    return {
      type: "hello",
      node: { id: n.id, service: n.service, version: n.version, inbound: { host: inbound.host, port } },
      ...(isString(m.lastGoodVersion) && { lastGoodVersion: m.lastGoodVersion }),
      ...(isString(m.token) && { token: m.token }),
      ...parseHelloIdentity(m),
    };
  }
  return parseIdentityProxyMessage(m);
}

function isSeries(value: unknown): value is StatsFrame["series"][number] {
  const s = value as Record<string, unknown>;
  return !!s && (s.reporter === "source" || s.reporter === "destination") && typeof s.source === "string" &&
    typeof s.destination === "string" && typeof s.version === "string" && Number.isInteger(s.code) &&
    typeof s.count === "number" && typeof s.sumMs === "number" && Array.isArray(s.buckets) &&
    s.buckets.length === LATENCY_BUCKETS_MS.length + 1 && s.buckets.every((n) => typeof n === "number");
}
