// What the resilience layers remember across config swaps, one per proxy (like upstreams.ts): retry
// budgets and connection-limit gates per destination service, outlier state per endpoint, and the
// mirrors' own connection pools. Routers come and go; this stays, keyed by service and endpoint.
import type { Endpoint } from "../protocol/messages.ts";
import { CircuitBreakers } from "./circuit-breakers.ts";
import { OutlierDetector } from "./outlier-detector.ts";
import { DEFAULT_RETRY_BUDGET, RetryBudgets, type RetryBudgetOptions } from "./retry-budget.ts";
import { Upstreams, type UpstreamTls } from "./upstreams.ts";

export interface ResilienceOptions {
  retryBudget?: RetryBudgetOptions;
  /** How the mirrors' pools reach mTLS endpoints: the proxy's identity, as for its other pools. */
  mirrorTls?: UpstreamTls;
  now?: () => number;
}

export class ResilienceState {
  readonly retryBudgets: RetryBudgets;
  readonly breakers = new CircuitBreakers();
  readonly outliers: OutlierDetector;
  /** Mirrors never share connections with primaries: a hanging mirror must not starve them. */
  readonly mirrorUpstreams: Upstreams;

  constructor(options: ResilienceOptions = {}) {
    this.mirrorUpstreams = new Upstreams(32, options.mirrorTls);
    this.retryBudgets = new RetryBudgets(options.retryBudget ?? DEFAULT_RETRY_BUDGET, options.now);
    this.outliers = new OutlierDetector(options.now);
  }

  /** After a config is applied: forget endpoints it no longer names. */
  retain(endpoints: Record<string, readonly Endpoint[]>): void {
    this.outliers.retain(endpoints);
    this.mirrorUpstreams.retain(Object.values(endpoints).flat());
  }

  /** New certificate or trust bundle: the mirrors' mTLS connections are reopened with it. */
  recycleSecure(): void {
    this.mirrorUpstreams.recycleSecure();
  }

  close(): Promise<void> {
    return this.mirrorUpstreams.close();
  }
}
