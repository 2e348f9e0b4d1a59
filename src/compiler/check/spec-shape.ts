// The shape of a declaration as it leaves the sandbox. The type system already enforces it for honest
// code; this catches what `as any`, plain JavaScript values or computed objects slip past it, so that
// the rules after it can rely on types. Ranges and formats are left to the rules, which explain better.
import { Type, type Static, type TSchema } from "@sinclair/typebox";

const Str = Type.String();
const Num = Type.Number();
const Strict = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });

const StringMatch = Strict({ exact: Type.Optional(Str), prefix: Type.Optional(Str), regex: Type.Optional(Str) });
const ValueMatch = Strict({
  exact: Type.Optional(Str), prefix: Type.Optional(Str), regex: Type.Optional(Str), present: Type.Optional(Type.Literal(true)),
});
const Methods = Type.Union([Str, Type.Array(Str)]);

export const RequestMatchShape = Strict({
  path: Type.Optional(StringMatch),
  headers: Type.Optional(Type.Record(Str, ValueMatch)),
  query: Type.Optional(Type.Record(Str, ValueMatch)),
  method: Type.Optional(Methods),
});

export const RefShape = Strict({
  $service: Type.Optional(Str),
  $version: Type.Optional(Str),
  $invalid: Type.Optional(Str),
});

const HeaderChanges = Strict({
  set: Type.Optional(Type.Record(Str, Str)),
  add: Type.Optional(Type.Record(Str, Str)),
  remove: Type.Optional(Type.Array(Str)),
});

export const RetryShape = Strict({
  attempts: Num,
  perTryTimeout: Type.Optional(Str),
  retryOn: Type.Optional(Type.Array(Type.Union([Str, Num]))),
  backoff: Type.Optional(Strict({ base: Str, max: Type.Optional(Str) })),
  retryNonIdempotent: Type.Optional(Type.Boolean()),
});

export const RouteShape = Strict({
  name: Type.Optional(Str),
  match: Type.Optional(Type.Union([RequestMatchShape, Type.Array(RequestMatchShape)])),
  to: Type.Optional(Str),
  split: Type.Optional(Type.Record(Str, Num)),
  timeout: Type.Optional(Str),
  retries: Type.Optional(RetryShape),
  fault: Type.Optional(Strict({
    delay: Type.Optional(Strict({ fixed: Str, percent: Num })),
    abort: Type.Optional(Strict({ status: Num, percent: Num })),
  })),
  mirror: Type.Optional(Strict({ to: RefShape, percent: Type.Optional(Num) })),
  headers: Type.Optional(Strict({ request: Type.Optional(HeaderChanges), response: Type.Optional(HeaderChanges) })),
});

export const AuthzRuleShape = Strict({
  from: Type.Optional(Type.Array(RefShape)),
  methods: Type.Optional(Type.Array(Str)),
  paths: Type.Optional(Type.Array(Str)),
});

export const RolloutShape = Strict({
  to: Str,
  from: Type.Optional(Str),
  steps: Type.Optional(Type.Array(Num)),
  stepWeight: Type.Optional(Num),
  maxWeight: Type.Optional(Num),
  interval: Str,
  gates: Strict({ minSuccessRate: Type.Optional(Num), maxP99: Type.Optional(Str), minRequests: Type.Optional(Num) }),
  failureThreshold: Type.Optional(Num),
  canaryHeader: Type.Optional(Strict({ name: Str, value: Str })),
});

export const ServiceSpecShape = Strict({
  name: Str,
  namespace: Type.Optional(Str),
  port: Num,
  versions: Type.Record(Str, Strict({ labels: Type.Optional(Type.Record(Str, Str)) })),
  routes: Type.Optional(Type.Array(RouteShape)),
  mtls: Type.Optional(Type.Union([Type.Literal("strict"), Type.Literal("permissive")])),
  loadBalancer: Type.Optional(Type.Union([Type.Literal("round-robin"), Type.Literal("least-request")])),
  connectionLimits: Type.Optional(Strict({
    maxConnections: Type.Optional(Num), maxPendingRequests: Type.Optional(Num), maxRequests: Type.Optional(Num),
  })),
  outlierDetection: Type.Optional(Strict({
    consecutive5xx: Num, interval: Str, baseEjectionTime: Str, maxEjectionPercent: Num,
  })),
  authorization: Type.Optional(Strict({
    allow: Type.Optional(Type.Array(AuthzRuleShape)),
    deny: Type.Optional(Type.Array(AuthzRuleShape)),
  })),
  rollout: Type.Optional(RolloutShape),
});

export const MeshSpecShape = Strict({
  trustDomain: Str,
  mtls: Type.Union([Type.Literal("strict"), Type.Literal("permissive")]),
});

export type RequestMatchSpec = Static<typeof RequestMatchShape>;
export type RefSpec = Static<typeof RefShape>;
export type RetrySpec = Static<typeof RetryShape>;
export type RouteSpec = Static<typeof RouteShape>;
export type AuthzRuleSpec = Static<typeof AuthzRuleShape>;
export type ServiceSpecData = Static<typeof ServiceSpecShape>;
export type RolloutSpecData = Static<typeof RolloutShape>;
export type MeshSpecData = Static<typeof MeshSpecShape>;
