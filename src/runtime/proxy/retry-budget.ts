// Retry budgets, one per destination service, kept by the proxy across config swaps. A budget lets
// retries that fail add at most `ratio` of the requests (default 20%) plus a small reserve
// (`minPerSecond` × the window, as Linkerd's budget), over a sliding window of 10 s.
//
// Every retry is charged when it starts and refunded if it succeeds. A budget that kept every retry
// could not both let a flaky upstream serve (50% failures need about one retry per request, and
// those retries succeed) and cap load in an outage; charging only the retries that fail does both:
// in a full outage every retry fails, so retries stay within 20% of requests (plus the reserve), and
// upstream load within about 1.2× instead of (1 + attempts)×.
export interface RetryBudgetOptions {
  ratio: number;
  minPerSecond: number;
  windowMs: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetOptions = { ratio: 0.2, minPerSecond: 10, windowMs: 10_000 };

const BUCKETS = 10;

/** A charged retry, to refund if it succeeds. */
export interface RetryCharge {
  refund(): void;
}

export class RetryBudget {
  private readonly requests = new Float64Array(BUCKETS);
  private readonly retries = new Float64Array(BUCKETS);
  private readonly bucketMs: number;
  /** The absolute bucket number the ring's current slot holds. */
  private head = 0;

  constructor(private readonly options: RetryBudgetOptions = DEFAULT_RETRY_BUDGET, private readonly now: () => number = Date.now) {
    this.bucketMs = options.windowMs / BUCKETS;
    this.head = Math.floor(now() / this.bucketMs);
  }

  /** Moves the window to now, clearing the slots of buckets that fell out of it. */
  private advance(): number {
    const bucket = Math.floor(this.now() / this.bucketMs);
    if (bucket > this.head) {
      const stale = Math.min(BUCKETS, bucket - this.head);
      for (let i = 1; i <= stale; i++) {
        const slot = (this.head + i) % BUCKETS;
        this.requests[slot] = 0;
        this.retries[slot] = 0;
      }
      this.head = bucket;
    }
    return this.head;
  }

  private sum(values: Float64Array): number {
    let total = 0;
    for (let i = 0; i < BUCKETS; i++) total += values[i]!;
    return total;
  }

  /** Counts a request that may retry. */
  deposit(): void {
    this.requests[this.advance() % BUCKETS]!++;
  }

  /** Charges a retry if the budget allows one; undefined when it is exhausted. */
  withdraw(): RetryCharge | undefined {
    const bucket = this.advance();
    const allowed = this.options.minPerSecond * (this.options.windowMs / 1000) + this.options.ratio * this.sum(this.requests);
    if (this.sum(this.retries) + 1 > allowed) return undefined;
    const slot = bucket % BUCKETS;
    this.retries[slot]!++;
    let refunded = false;
    return {
      refund: () => {
        if (refunded) return;
        refunded = true;
        // A refund for a bucket that already left the window has nothing to give back.
        if (this.advance() - bucket < BUCKETS && this.retries[slot]! > 0) this.retries[slot]!--;
      },
    };
  }

  /** What the budget would still allow now (for status and tests). */
  remaining(): number {
    this.advance();
    return this.options.minPerSecond * (this.options.windowMs / 1000) + this.options.ratio * this.sum(this.requests) - this.sum(this.retries);
  }
}

export class RetryBudgets {
  private readonly budgets = new Map<string, RetryBudget>();

  constructor(private readonly options: RetryBudgetOptions = DEFAULT_RETRY_BUDGET, private readonly now: () => number = Date.now) {}

  of(serviceId: string): RetryBudget {
    let budget = this.budgets.get(serviceId);
    if (!budget) {
      budget = new RetryBudget(this.options, this.now);
      this.budgets.set(serviceId, budget);
    }
    return budget;
  }
}
