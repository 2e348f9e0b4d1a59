// The vocabulary of the authoring API: every type a policy file can name. Kept free of runtime code so
// that editors and the type tests see exactly what users see.

/** A duration such as "250ms", "2s", "1m" or "1h". */
export type Duration = `${number}ms` | `${number}s` | `${number}m` | `${number}h`;

/** A percentage from 0 to 100 with at most three decimals. */
export type Percent = number;

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "TRACE";

export type MtlsMode = "strict" | "permissive";

/** Exactly one way of comparing a string. */
export type StringMatch =
  | { exact: string; prefix?: never; regex?: never }
  | { prefix: string; exact?: never; regex?: never }
  | { regex: string; exact?: never; prefix?: never };

/** A header or query parameter: compared like a string, or only required to be present. */
export type ValueMatch = StringMatch | { present: true; exact?: never; prefix?: never; regex?: never };

/** All conditions of one match must hold. */
export interface RequestMatch {
  path?: StringMatch;
  headers?: Readonly<Record<string, ValueMatch>>;
  query?: Readonly<Record<string, ValueMatch>>;
  method?: HttpMethod | readonly HttpMethod[];
}

/** What a failed attempt must look like to be retried. A number is a listed status code. */
export type RetryOn = "5xx" | "gateway-error" | "reset" | "connect-failure" | number;

export interface RetryPolicy {
  /** Retries after the first try (Istio's `attempts`): 2 means at most 3 tries. */
  attempts: number;
  perTryTimeout?: Duration;
  retryOn?: readonly RetryOn[];
  /** Exponential backoff with full jitter between tries. */
  backoff?: { base: Duration; max?: Duration };
  /** Retrying POST or PATCH can repeat side effects (a double payment); say so explicitly. */
  retryNonIdempotent?: boolean;
}

export interface FaultInjection {
  delay?: { fixed: Duration; percent: Percent };
  abort?: { status: number; percent: Percent };
}

export interface HeaderChanges {
  set?: Readonly<Record<string, string>>;
  add?: Readonly<Record<string, string>>;
  remove?: readonly string[];
}

export interface HeaderRules {
  request?: HeaderChanges;
  response?: HeaderChanges;
}

export interface ConnectionLimits {
  maxConnections?: number;
  maxPendingRequests?: number;
  maxRequests?: number;
}

export interface OutlierDetection {
  consecutive5xx: number;
  interval: Duration;
  baseEjectionTime: Duration;
  maxEjectionPercent: Percent;
}

export type LoadBalancer = "round-robin" | "least-request";
