// Recent speed/throttle/brake samples of one car at the rate they arrive, for the page's rolling traces.
// A fixed ring of doubles: push() writes four numbers and allocates nothing.
import { TRACE_STRIDE } from "../protocol.js";

/** Samples kept per car: 90 s at 60 Hz, above the 60 s the page shows. */
export const TRACE_CAPACITY = 90 * 60;

export class TraceRing {
  private readonly data = new Float64Array(TRACE_CAPACITY * TRACE_STRIDE);
  /** Samples ever pushed; the ring holds the last min(total, capacity). */
  total = 0;

  push(timeMs: number, speedKmh: number, throttle: number, brake: number): void {
    const base = (this.total % TRACE_CAPACITY) * TRACE_STRIDE;
    const d = this.data;
    d[base] = timeMs;
    d[base + 1] = Math.round(speedKmh * 10) / 10;
    d[base + 2] = Math.round(throttle * 1000) / 1000;
    d[base + 3] = Math.round(brake * 1000) / 1000;
    this.total++;
  }

  /** Flat samples pushed since `since` (a previous `total`), oldest first; older than the ring are gone. */
  since(since: number): number[] {
    const from = Math.max(since, this.total - TRACE_CAPACITY);
    const out = new Array<number>((this.total - from) * TRACE_STRIDE);
    let k = 0;
    for (let i = from; i < this.total; i++) {
      const base = (i % TRACE_CAPACITY) * TRACE_STRIDE;
      for (let j = 0; j < TRACE_STRIDE; j++) out[k++] = this.data[base + j]!;
    }
    return out;
  }
}
