// The track's outline, learnt from the positions cars report: the lap is cut into bins by lap fraction
// and each bin keeps the mean world position (x, z) of the cars that passed through it. Works for any
// track of any game that reports a lap fraction, with no track database.

/** Bins per lap: ~10 m each on a 5 km track. */
export const OUTLINE_BINS = 512;
/** After this many samples a bin follows new ones slowly (a moving average), so it settles on the racing line. */
const SETTLE = 64;

export class TrackOutline {
  private readonly x = new Float64Array(OUTLINE_BINS);
  private readonly z = new Float64Array(OUTLINE_BINS);
  private readonly n = new Uint16Array(OUTLINE_BINS);
  /** Bumped when a bin's position moved by more than a metre, or a new bin filled. */
  version = 0;

  add(lapFraction: number, x: number, z: number): void {
    if (!(lapFraction >= 0 && lapFraction < 1) || !Number.isFinite(x) || !Number.isFinite(z)) return;
    const bin = Math.floor(lapFraction * OUTLINE_BINS);
    const count = this.n[bin]!;
    if (count === 0) {
      this.x[bin] = x;
      this.z[bin] = z;
      this.n[bin] = 1;
      this.version++;
      return;
    }
    const weight = 1 / Math.min(count + 1, SETTLE);
    const nx = this.x[bin]! + (x - this.x[bin]!) * weight;
    const nz = this.z[bin]! + (z - this.z[bin]!) * weight;
    if (Math.abs(nx - this.x[bin]!) > 1 || Math.abs(nz - this.z[bin]!) > 1) this.version++;
    this.x[bin] = nx;
    this.z[bin] = nz;
    if (count < SETTLE) this.n[bin] = count + 1;
  }

  /** Filled bins in lap order as a flat [x0, z0, x1, z1, ...] (metres, one decimal). */
  points(): number[] {
    const out: number[] = [];
    for (let i = 0; i < OUTLINE_BINS; i++) {
      if (this.n[i]! === 0) continue;
      out.push(Math.round(this.x[i]! * 10) / 10, Math.round(this.z[i]! * 10) / 10);
    }
    return out;
  }

  /** Share of the lap covered by filled bins, 0..1. */
  coverage(): number {
    let filled = 0;
    for (let i = 0; i < OUTLINE_BINS; i++) if (this.n[i]! > 0) filled++;
    return filled / OUTLINE_BINS;
  }
}
