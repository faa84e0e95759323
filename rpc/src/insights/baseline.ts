// A car's own recent laps as the yardstick of one channel: the value of each of the last LAPS_KEPT laps
// in every lap-distance bin, so "normal here" is the median of what this car did at this place, and
// "how unusual" is the distance from it in MADs. Robust: one odd lap moves neither.

/** Laps kept per bin: the lap being driven and five before it. */
export const LAPS_KEPT = 6;
/** Past laps needed in a bin before it is judged. */
export const MIN_LAPS = 3;
/** MAD to standard deviation for normally distributed values. */
const MAD_SCALE = 1.4826;

export class LapDistanceBaseline {
  /** LAPS_KEPT rows of `bins` values; NaN where nothing was taken. */
  private readonly values: Float32Array;
  private readonly scratch = new Float64Array(LAPS_KEPT);
  private row = -1;

  constructor(readonly bins: number) {
    this.values = new Float32Array(LAPS_KEPT * bins).fill(Number.NaN);
  }

  /** Starts a lap: its row is cleared (it held the lap LAPS_KEPT laps ago). */
  beginLap(lap: number): void {
    this.row = ((lap % LAPS_KEPT) + LAPS_KEPT) % LAPS_KEPT;
    this.values.fill(Number.NaN, this.row * this.bins, (this.row + 1) * this.bins);
  }

  put(bin: number, v: number): void {
    if (this.row >= 0) this.values[this.row * this.bins + bin] = v;
  }

  /**
   * (v - median) / (1.4826 MAD + floor) over the past laps in `bin`, or NaN with fewer than MIN_LAPS of
   * them. `floor` keeps a car that drives identical laps from calling every wobble an anomaly.
   */
  score(bin: number, v: number, floor: number): number {
    const s = this.scratch;
    let n = 0;
    for (let r = 0; r < LAPS_KEPT; r++) {
      if (r === this.row) continue;
      const x = this.values[r * this.bins + bin]!;
      if (x === x) s[n++] = x;
    }
    if (n < MIN_LAPS) return Number.NaN;
    const median = medianOf(s, n);
    for (let i = 0; i < n; i++) s[i] = Math.abs(s[i]! - median);
    const mad = medianOf(s, n);
    return (v - median) / (MAD_SCALE * mad + floor);
  }
}

/** Median of the first n values of `a` (sorted in place; n is at most LAPS_KEPT). */
function medianOf(a: Float64Array, n: number): number {
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) { a[j + 1] = a[j]!; j--; }
    a[j + 1] = x;
  }
  const h = n >> 1;
  return n % 2 === 1 ? a[h]! : (a[h - 1]! + a[h]!) / 2;
}
