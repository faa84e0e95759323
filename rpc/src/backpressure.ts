// When the collector cannot keep up (a capture replayed as fast as possible, a slow InfluxDB), rpc's
// backlog of samples grows. Above a high-water mark rpc stops reading Publish streams; HTTP/2 flow control
// then holds the senders (`racetel replay --rpc` waits, ingest's bounded queue absorbs or drops, counted),
// and reading resumes below the low-water mark. Memory stays bounded without dropping what was accepted.

export interface BacklogSource {
  backlog(): number;
  /** How full the fullest per-car (or per-session) buffer is, 0..1: one car's ring can fill before the total does. */
  fullest(): number;
}

/** Above this share of one buffer reading pauses, below the second it may go on. */
const FULLEST_HIGH = 0.75;
const FULLEST_LOW = 0.5;

export class Backpressure {
  private paused = false;
  private readonly waiting = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  /** Times reading was paused. */
  pauses = 0;

  constructor(private readonly source: BacklogSource, readonly highWater: number, readonly lowWater: number, private readonly checkEveryMs = 50) {}

  start(): void {
    this.timer = setInterval(() => this.check(), this.checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.release();
  }

  get over(): boolean {
    return this.paused;
  }

  private check(): void {
    const n = this.source.backlog();
    const fullest = this.source.fullest();
    if (!this.paused && (n > this.highWater || fullest > FULLEST_HIGH)) {
      this.paused = true;
      this.pauses++;
    } else if (this.paused && n < this.lowWater && fullest < FULLEST_LOW) {
      this.release();
    }
  }

  private release(): void {
    this.paused = false;
    const resume = [...this.waiting];
    this.waiting.clear();
    for (const r of resume) r();
  }

  /** Calls `resume` once reading may go on. */
  whenRelieved(resume: () => void): void {
    if (!this.paused) resume();
    else this.waiting.add(resume);
  }
}
