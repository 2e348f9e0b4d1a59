// Connection limits per destination service, kept by the proxy across config swaps (a new config
// changes the limits, not the count of requests already in flight). HTTP/1.1 without pipelining
// needs one connection per request in flight, so `maxConnections` and `maxRequests` both bound the
// requests in flight to the destination (the lower one binds); idle keep-alive connections are the
// pools' business (upstreams.ts). Past the limit a request waits in a FIFO of at most
// `maxPendingRequests` (Envoy's default of 1,024 when only the other limits are declared); past that
// it is refused at once: fail fast, the queue never grows.
import type { ServiceIR } from "../../compiler/ir/schema.ts";
import type { CancelSignal } from "./layers/cancellation.ts";

export type ConnectionLimits = NonNullable<ServiceIR["connectionLimits"]>;

const DEFAULT_MAX_PENDING = 1024;

/** Releases the slot a request took; safe to call more than once. */
export type Release = () => void;

interface Waiter {
  grant(release: Release): void;
  cancelled: boolean;
}

export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  private limits: ConnectionLimits = {};

  /** Applies the limits of the config in force. */
  configure(limits: ConnectionLimits): void {
    this.limits = limits;
    this.drain();
  }

  get inFlight(): number {
    return this.active;
  }

  get pending(): number {
    return this.waiting.length;
  }

  private capacity(): number {
    return Math.min(this.limits.maxConnections ?? Infinity, this.limits.maxRequests ?? Infinity);
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.capacity() && this.waiting.length > 0) {
      const waiter = this.waiting.shift()!;
      if (waiter.cancelled) continue;
      this.active++;
      waiter.grant(this.releaser());
    }
  }

  /**
   * A slot now, a promise of one when the request may wait, or "open" when the queue is full.
   * A wait ends early (undefined) if the signal aborts; the waiter then leaves the queue.
   */
  acquire(signal: CancelSignal): Release | Promise<Release | undefined> | "open" {
    if (this.active < this.capacity() && this.waiting.length === 0) {
      this.active++;
      return this.releaser();
    }
    if (this.waiting.length >= (this.limits.maxPendingRequests ?? DEFAULT_MAX_PENDING)) return "open";
    return new Promise((resolve) => {
      const waiter: Waiter = {
        cancelled: false,
        grant: (release) => {
          signal.removeEventListener("abort", cancel);
          resolve(release);
        },
      };
      const cancel = () => {
        waiter.cancelled = true;
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve(undefined);
      };
      signal.addEventListener("abort", cancel, { once: true });
      this.waiting.push(waiter);
    });
  }
}

export class CircuitBreakers {
  private readonly gates = new Map<string, ConcurrencyGate>();

  of(serviceId: string, limits: ConnectionLimits): ConcurrencyGate {
    let gate = this.gates.get(serviceId);
    if (!gate) {
      gate = new ConcurrencyGate();
      this.gates.set(serviceId, gate);
    }
    gate.configure(limits);
    return gate;
  }
}
