// One car's trace samples: the trace channels at every instant the game sent them (up to 60 Hz), kept
// in event time until the collector has them. The frames of one instant (F1: Motion, LapData and
// CarTelemetry of one game frame, stamped alike by ingest) fill one open sample; a frame of a later
// instant, or a second frame of a kind the sample already has, closes it. Closed samples wait in a
// growable ring; nothing is allocated per frame once the ring has grown.

/** Slots a car's trace ring may hold before the oldest are dropped (about 4.5 minutes at 60 Hz). */
export const MAX_TRACE_SAMPLES = 16_384;

export class TraceBuffer {
  private openTime = Number.NaN;
  private openKinds = 0;
  private readonly open: Float64Array;
  private times: Float64Array;
  private values: Float64Array;
  /** The car's attribute set at each sample: labels as of that instant (a driver announced later does not rewrite it). */
  private labels: unknown[];
  private openLabels: unknown;
  private head = 0;
  /** Closed samples waiting. */
  count = 0;
  /** Samples dropped because the ring was full (the collector away for minutes). */
  dropped = 0;

  constructor(readonly width: number, private readonly maxSamples = MAX_TRACE_SAMPLES) {
    this.open = new Float64Array(width).fill(Number.NaN);
    this.times = new Float64Array(8);
    this.values = new Float64Array(8 * width);
    this.labels = new Array<unknown>(8);
  }

  /** Starts filling from a frame of payload `kindBit` at event time `t` (ns), labelled `labels`. */
  begin(t: number, kindBit: number, labels: unknown): void {
    if (this.openTime === this.openTime && (t !== this.openTime || (this.openKinds & kindBit) !== 0)) this.closeOpen();
    if (this.openTime !== this.openTime) {
      this.openTime = t;
      this.openLabels = labels;
    }
    this.openKinds |= kindBit;
  }

  put(column: number, v: number): void {
    this.open[column] = v;
  }

  /** Time of the open sample (NaN when none). */
  get openAt(): number {
    return this.openTime;
  }

  closeOpen(): void {
    if (this.openTime !== this.openTime) return;
    if (this.count === this.times.length) this.grow();
    const cap = this.times.length;
    let at: number;
    if (this.count === cap) {
      // Full at the limit: the oldest sample goes.
      at = this.head;
      this.head = (this.head + 1) % cap;
      this.dropped++;
    } else {
      at = (this.head + this.count) % cap;
      this.count++;
    }
    this.times[at] = this.openTime;
    this.labels[at] = this.openLabels;
    const w = this.width;
    const open = this.open;
    // A column the instant did not send stays empty (NaN: no field): a stored value is always one the game sent.
    for (let c = 0; c < w; c++) {
      this.values[at * w + c] = open[c]!;
      open[c] = Number.NaN;
    }
    this.openTime = Number.NaN;
    this.openKinds = 0;
  }

  private grow(): void {
    const cap = this.times.length;
    if (cap >= this.maxSamples) return;
    const next = Math.min(this.maxSamples, cap * 2);
    const times = new Float64Array(next);
    const values = new Float64Array(next * this.width);
    const labels = new Array<unknown>(next);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % cap;
      times[i] = this.times[from]!;
      labels[i] = this.labels[from];
      values.set(this.values.subarray(from * this.width, (from + 1) * this.width), i * this.width);
    }
    this.times = times;
    this.values = values;
    this.labels = labels;
    this.head = 0;
  }

  /** Closes the open sample when no frame of its instant can still come, then counts the ready samples (time <= `watermark`). */
  ready(watermark: number): number {
    if (this.openTime <= watermark) this.closeOpen();
    const cap = this.times.length;
    let n = 0;
    while (n < this.count && this.times[(this.head + n) % cap]! <= watermark) n++;
    return n;
  }

  timeAt(i: number): number {
    return this.times[(this.head + i) % this.times.length]!;
  }

  labelsAt(i: number): unknown {
    return this.labels[(this.head + i) % this.times.length];
  }

  valueAt(i: number, column: number): number {
    return this.values[((this.head + i) % this.times.length) * this.width + column]!;
  }

  /** Forgets the `n` oldest samples (they reached the collector). */
  drop(n: number): void {
    const k = Math.min(n, this.count);
    for (let i = 0; i < k; i++) this.labels[(this.head + i) % this.times.length] = undefined;
    this.head = (this.head + k) % this.times.length;
    this.count -= k;
  }
}
