// MeshIR: the canonical, immutable form of a mesh's policy that every emitter, the differ, simulate and
// the runtime read. Declared once with TypeBox, which gives both the TypeScript types and the JSON Schema
// that ajv checks every IR against before anything is emitted.
import { Type, type Static } from "@sinclair/typebox";

const Location = Type.Object({
  file: Type.String(),
  line: Type.Integer({ minimum: 1 }),
  column: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false });

const Percent = Type.Number({ minimum: 0, maximum: 100 });
const Millis = Type.Integer({ minimum: 0 });
const Method = Type.Union(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"].map((m) => Type.Literal(m)));
const MtlsMode = Type.Union([Type.Literal("strict"), Type.Literal("permissive")]);

export const StringMatchIR = Type.Object({
  kind: Type.Union([Type.Literal("exact"), Type.Literal("prefix"), Type.Literal("regex")]),
  value: Type.String(),
}, { additionalProperties: false });

export const ValueMatchIR = Type.Object({
  kind: Type.Union([Type.Literal("exact"), Type.Literal("prefix"), Type.Literal("regex"), Type.Literal("present")]),
  value: Type.String(),
}, { additionalProperties: false });

const NamedValueMatch = Type.Object({ name: Type.String(), match: ValueMatchIR }, { additionalProperties: false });

export const MatchIR = Type.Object({
  path: Type.Optional(StringMatchIR),
  /** Header names lower-cased, sorted. */
  headers: Type.Array(NamedValueMatch),
  query: Type.Array(NamedValueMatch),
  /** Sorted; absent means any method. */
  methods: Type.Optional(Type.Array(Method, { minItems: 1 })),
}, { additionalProperties: false });

const Destination = Type.Object({
  version: Type.String(),
  weight: Percent,
}, { additionalProperties: false });

export const RetryIR = Type.Object({
  /** Retries after the first try (Istio's attempts). */
  attempts: Type.Integer({ minimum: 0 }),
  perTryTimeoutMs: Type.Optional(Millis),
  /** Condition names, sorted: 5xx, gateway-error, reset, connect-failure. */
  retryOn: Type.Array(Type.String()),
  /** Listed status codes, sorted. */
  retryOnStatus: Type.Array(Type.Integer({ minimum: 100, maximum: 599 })),
  backoff: Type.Object({ baseMs: Millis, maxMs: Millis }, { additionalProperties: false }),
  retryNonIdempotent: Type.Boolean(),
}, { additionalProperties: false });

export const FaultIR = Type.Object({
  delay: Type.Optional(Type.Object({ fixedMs: Millis, percent: Percent }, { additionalProperties: false })),
  abort: Type.Optional(Type.Object({ status: Type.Integer({ minimum: 200, maximum: 599 }), percent: Percent }, { additionalProperties: false })),
}, { additionalProperties: false });

export const MirrorIR = Type.Object({
  /** Service id "namespace/name". */
  service: Type.String(),
  version: Type.Optional(Type.String()),
  percent: Percent,
}, { additionalProperties: false });

const HeaderChangesIR = Type.Object({
  set: Type.Record(Type.String(), Type.String()),
  add: Type.Record(Type.String(), Type.String()),
  remove: Type.Array(Type.String()),
}, { additionalProperties: false });

export const RouteIR = Type.Object({
  name: Type.String(),
  /** Any of these may hold; empty means every request matches (a catch-all). */
  matches: Type.Array(MatchIR),
  /** Weights are percentages summing to 100; one destination has weight 100. */
  destinations: Type.Array(Destination, { minItems: 1 }),
  timeoutMs: Type.Optional(Millis),
  retries: Type.Optional(RetryIR),
  fault: Type.Optional(FaultIR),
  mirror: Type.Optional(MirrorIR),
  requestHeaders: Type.Optional(HeaderChangesIR),
  responseHeaders: Type.Optional(HeaderChangesIR),
  source: Location,
}, { additionalProperties: false });

export const AuthzRuleIR = Type.Object({
  /** Caller service ids; absent means any caller. */
  from: Type.Optional(Type.Array(Type.String())),
  methods: Type.Optional(Type.Array(Method)),
  paths: Type.Optional(Type.Array(Type.String())),
  source: Location,
}, { additionalProperties: false });

export const RolloutIR = Type.Object({
  to: Type.String(),
  from: Type.String(),
  /** Canary weights, rising, the last one 100. */
  steps: Type.Array(Percent, { minItems: 1 }),
  intervalMs: Type.Integer({ minimum: 1 }),
  gates: Type.Object({
    minSuccessRate: Type.Optional(Percent),
    maxP99Ms: Type.Optional(Millis),
    minRequests: Type.Integer({ minimum: 0 }),
  }, { additionalProperties: false }),
  failureThreshold: Type.Integer({ minimum: 0 }),
  canaryHeader: Type.Optional(Type.Object({ name: Type.String(), value: Type.String() }, { additionalProperties: false })),
  source: Location,
}, { additionalProperties: false });

export const ServiceIR = Type.Object({
  /** "namespace/name": how everything else refers to the service. */
  id: Type.String(),
  name: Type.String(),
  namespace: Type.String(),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  /** SPIFFE ID of the service's workloads. */
  identity: Type.String(),
  mtls: MtlsMode,
  loadBalancer: Type.Union([Type.Literal("round-robin"), Type.Literal("least-request")]),
  versions: Type.Array(Type.Object({
    name: Type.String(),
    labels: Type.Record(Type.String(), Type.String()),
  }, { additionalProperties: false }), { minItems: 1 }),
  routes: Type.Array(RouteIR),
  connectionLimits: Type.Optional(Type.Object({
    maxConnections: Type.Optional(Type.Integer({ minimum: 1 })),
    maxPendingRequests: Type.Optional(Type.Integer({ minimum: 0 })),
    maxRequests: Type.Optional(Type.Integer({ minimum: 1 })),
  }, { additionalProperties: false })),
  outlierDetection: Type.Optional(Type.Object({
    consecutive5xx: Type.Integer({ minimum: 1 }),
    intervalMs: Millis,
    baseEjectionTimeMs: Millis,
    maxEjectionPercent: Percent,
  }, { additionalProperties: false })),
  authorization: Type.Object({
    allow: Type.Array(AuthzRuleIR),
    deny: Type.Array(AuthzRuleIR),
  }, { additionalProperties: false }),
  /** The service's declared rollout: what `typemesh rollout start` runs unless told otherwise. */
  rollout: Type.Optional(RolloutIR),
  source: Location,
}, { additionalProperties: false });

export const MeshIR = Type.Object({
  apiVersion: Type.Literal("typemesh.dev/v1"),
  mesh: Type.Object({
    trustDomain: Type.String(),
    mtls: MtlsMode,
    source: Type.Optional(Location),
  }, { additionalProperties: false }),
  /** Sorted by id. */
  services: Type.Array(ServiceIR),
}, { additionalProperties: false, $id: "https://typemesh.dev/schemas/mesh-ir.json" });

export type SourceLocationIR = Static<typeof Location>;
export type StringMatchIR = Static<typeof StringMatchIR>;
export type ValueMatchIR = Static<typeof ValueMatchIR>;
export type MatchIR = Static<typeof MatchIR>;
export type RetryIR = Static<typeof RetryIR>;
export type FaultIR = Static<typeof FaultIR>;
export type MirrorIR = Static<typeof MirrorIR>;
export type RouteIR = Static<typeof RouteIR>;
export type AuthzRuleIR = Static<typeof AuthzRuleIR>;
export type ServiceIR = Static<typeof ServiceIR>;
export type RolloutIR = Static<typeof RolloutIR>;
export type MeshIR = Static<typeof MeshIR>;
export type HttpMethodIR = Static<typeof Method>;
