// Gap to the leader and interval to the car ahead for every car of an ACC broadcasting session, which the
// protocol does not send. In a race: timing lines, as broadcast clients do. Each car's crossing time of
// every 1/100 of its race distance (laps + spline position) is kept for the last laps; a car's gap to
// another is the difference of the times both crossed the point the car reached last. Elsewhere
// (practice, qualifying): the difference of best laps, as timing screens show there.

/** Timing lines per lap. */
const LINES_PER_LAP = 100;
/** Lines kept per car: two and a half laps, enough for a car a lap down to be timed against the leader. */
const RING = 256;

class CarLines {
  readonly lineOf = new Int32Array(RING).fill(-1);
  readonly timeOf = new Float64Array(RING);
  /** The last line the car crossed, -1 before the first. */
  last = -1;

  cross(line: number, timeMs: number): void {
    if (line <= this.last) return;
    // Lines skipped between two updates share the later time (updates come every ~100 ms).
    for (let l = Math.max(this.last + 1, line - RING + 1); l <= line; l++) {
      this.lineOf[l % RING] = l;
      this.timeOf[l % RING] = timeMs;
    }
    this.last = line;
  }

  timeAt(line: number): number | undefined {
    return this.lineOf[line % RING] === line ? this.timeOf[line % RING] : undefined;
  }
}

export class GapTimer {
  private readonly cars = new Map<number, CarLines>();

  reset(): void {
    this.cars.clear();
  }

  /** Records a car's progress: completed laps and spline position 0..1, at `timeMs`. */
  update(carIndex: number, laps: number, spline: number, timeMs: number): void {
    if (!(spline >= 0 && spline <= 1) || laps < 0) return;
    let c = this.cars.get(carIndex);
    if (c === undefined) this.cars.set(carIndex, (c = new CarLines()));
    c.cross(laps * LINES_PER_LAP + Math.floor(spline * LINES_PER_LAP), timeMs);
  }

  /** Milliseconds `car` is behind `ahead` at the last line `car` crossed; 0 when unknown. */
  gapMs(carIndex: number, aheadIndex: number): number {
    const car = this.cars.get(carIndex);
    const ahead = this.cars.get(aheadIndex);
    if (car === undefined || ahead === undefined || car.last < 0) return 0;
    const mine = car.timeAt(car.last);
    const theirs = ahead.timeAt(car.last);
    return mine !== undefined && theirs !== undefined && mine >= theirs ? Math.round(mine - theirs) : 0;
  }
}
