// How many new sessions one source may open, shared by ingest (per sender address) and rpc (per frame
// source): a flood of made-up session ids from one place uses up that place's budget and nobody else's.
// A token bucket per source; the table of sources is bounded too (idle ones go first).

export interface SessionBudgetOptions {
  /** New sessions a source may open per minute, and at once after a quiet spell. */
  perMinute: number;
  /** Sources tracked at once; beyond it the least recently active source is forgotten. */
  maxSources: number;
}

export const DEFAULT_NEW_SESSIONS_PER_MINUTE = 30;

interface Bucket {
  tokens: number;
  refilledAtMs: number;
}

export class NewSessionBudget {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(readonly options: SessionBudgetOptions) {
    if (!(options.perMinute >= 1) || !Number.isInteger(options.maxSources) || options.maxSources < 1) {
      throw new Error(`NewSessionBudget: perMinute must be >= 1 and maxSources a positive integer, got ${options.perMinute}, ${options.maxSources}`);
    }
    this.perMs = options.perMinute / 60_000;
  }

  /** Takes one new session from `source`'s budget; false when it has none left now. */
  take(source: string, nowMs: number): boolean {
    let b = this.buckets.get(source);
    if (b === undefined) {
      if (this.buckets.size >= this.options.maxSources) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = { tokens: this.options.perMinute, refilledAtMs: nowMs };
    } else {
      this.buckets.delete(source); // re-inserted below: the map stays in least-recently-active order
      b.tokens = Math.min(this.options.perMinute, b.tokens + Math.max(0, nowMs - b.refilledAtMs) * this.perMs);
      b.refilledAtMs = nowMs;
    }
    this.buckets.set(source, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  get sources(): number {
    return this.buckets.size;
  }
}
