// defineService: the one declaration a policy file makes per service. The generic parameter V is the
// set of declared version names, so routes, splits and mirrors can only name versions that exist.
import { registerDeclaration } from "./registry.ts";
import type {
  ConnectionLimits, Duration, FaultInjection, HeaderRules, HttpMethod, LoadBalancer, MtlsMode,
  OutlierDetection, Percent, RequestMatch, RetryPolicy,
} from "./types.ts";

/** A reference to one version of a service, e.g. `payments.versions.v2`. */
export interface VersionRef {
  readonly kind: "version";
  readonly service: string;
  readonly namespace: string;
  readonly version: string;
}

/** What another policy file imports to talk about this service. */
export interface ServiceRef<V extends string = string> {
  readonly kind: "service";
  readonly name: string;
  readonly namespace: string;
  readonly versions: { readonly [K in V]: VersionRef };
}

/**
 * A function returning a service: for services that refer to each other, whose modules import each
 * other. Its return type is `void` on purpose: TypeScript then need not know the other service's type
 * while inferring this one's, which would be circular. The compiler checks what it returns (TM1009).
 */
export type LazyServiceRef = () => void;

/** A service, or a function returning one. */
export type ServiceReference = ServiceRef | LazyServiceRef;

export interface Mirror {
  /** A whole service (all its endpoints) or one version of it. */
  to: ServiceReference | VersionRef;
  /** Share of matching requests copied; 100 when left out. */
  percent?: Percent;
}

export type SplitWeights<V extends string> = { readonly [K in V]?: number };

interface RouteCommon {
  /** Shown in diagnostics, plans and metrics; defaults to the route's position. */
  name?: string;
  /** One match, or several of which any may hold. Leave out to match every request. */
  match?: RequestMatch | readonly RequestMatch[];
  /** Bounds the whole request, retries included. */
  timeout?: Duration;
  retries?: RetryPolicy;
  fault?: FaultInjection;
  mirror?: Mirror;
  headers?: HeaderRules;
}

/** A route sends to one version, or splits by percentages that sum to 100. */
export type Route<V extends string> = RouteCommon &
  ({ to: V; split?: never } | { split: SplitWeights<V>; to?: never });

export interface AuthorizationRule {
  /** Calling services; left out, any caller. */
  from?: readonly ServiceReference[];
  methods?: readonly HttpMethod[];
  /** Istio-style paths: exact, "/prefix/*", "*suffix" or "*". */
  paths?: readonly string[];
}

export interface Authorization {
  allow?: readonly AuthorizationRule[];
  deny?: readonly AuthorizationRule[];
}

/**
 * How `typemesh rollout start` moves traffic from one version to another: weight steps, each held for
 * `interval` while the gates are read from live traffic; a failed gate rolls back at once.
 */
export interface RolloutSpec<V extends string> {
  /** The new version traffic moves to. */
  to: V;
  /** The stable version it moves from; by default the one version the routes send to besides `to`. */
  from?: V;
  /** Canary weight at each step, rising, ending at 100, e.g. [5, 25, 50, 100]. */
  steps?: readonly number[];
  /** Instead of steps: add stepWeight each step up to maxWeight (then 100). */
  stepWeight?: number;
  maxWeight?: number;
  /** How long each step is held and measured. */
  interval: Duration;
  gates: {
    /** Lowest share of non-5xx responses of the new version, in percent. */
    minSuccessRate?: Percent;
    /** Highest p99 latency of the new version. */
    maxP99?: Duration;
    /** Requests the new version must see in a step before its figures count. */
    minRequests?: number;
  };
  /** Failed gate checks tolerated before rolling back (default 0: the first failure rolls back). */
  failureThreshold?: number;
  /** Requests with this header go to the new version first, from the first step. */
  canaryHeader?: { name: string; value: string };
}

export interface VersionSpec {
  labels?: Readonly<Record<string, string>>;
}

export interface ServiceSpec<V extends string> {
  name: string;
  namespace?: string;
  port: number;
  versions: { readonly [K in V]: VersionSpec };
  /** Tried in order; the first match wins. */
  routes?: readonly Route<NoInfer<V>>[];
  mtls?: MtlsMode;
  loadBalancer?: LoadBalancer;
  connectionLimits?: ConnectionLimits;
  outlierDetection?: OutlierDetection;
  authorization?: Authorization;
  rollout?: RolloutSpec<NoInfer<V>>;
}

export type ServiceDefinition<V extends string> = ServiceRef<V> & {
  readonly spec: ServiceSpec<V>;
};

export function defineService<const V extends string>(spec: ServiceSpec<V>): ServiceDefinition<V> {
  const namespace = spec.namespace ?? "default";
  const versions = {} as { [K in V]: VersionRef };
  for (const version of Object.keys(spec.versions ?? {}) as V[]) {
    versions[version] = Object.freeze({ kind: "version", service: spec.name, namespace, version });
  }
  const definition: ServiceDefinition<V> = Object.freeze({
    kind: "service",
    name: spec.name,
    namespace,
    versions: Object.freeze(versions),
    spec,
  });
  registerDeclaration({ kind: "service", value: definition, site: new Error() });
  return definition;
}

// Re-exported so policy files can annotate helpers without a second import.
export type { Duration };
