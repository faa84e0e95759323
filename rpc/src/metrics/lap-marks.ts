// Lap time against lap distance, for delta-time traces. InfluxQL cannot join two laps by distance, so rpc
// measures every lap at fixed marks (every MARK_SPACING_M metres, interpolated between the game's samples)
// and stores one row per mark: two laps then line up on equal distances, and a delta-time trace is a join
// and a subtraction (Grafana's joinByField + calculateField). The same marks give the live deltas: the lap
// being driven against the car's best valid lap and against the session's, a trace channel of every car.
import type { Attributes } from "@opentelemetry/api";
import type { PointGroup } from "./store.js";

/** Distance between two marks, m. */
export const MARK_SPACING_M = 10;
/** Marks a lap may have: 80 km, beyond any circuit (the Nordschleife is 20.8 km). */
const MAX_MARKS = 8192;
/** A lap counts as measured when marks were crossed over at least this share of its length. */
const COMPLETE_SHARE = 0.9;
/**
 * A lap whose first sample is this close to the line (and under 5 s in) was seen from its line: marks from 0
 * are interpolated up to it. Games send 20-60 Hz (metres apart); F1 live timing ~4 Hz (up to ~100 m at speed).
 */
const FROM_LINE_M = 100;
/** Going backwards more than this (a flashback, a reset to track) spoils the lap as a reference. */
const REWIND_M = 20;

/** A measured lap: its time at every mark, and its finish. */
export interface MeasuredLap {
  /** times[m] = lap time (s) at distance m x MARK_SPACING_M; NaN where not measured. */
  times: Float64Array;
  marks: number;
  finishM: number;
  lapTimeS: number;
}

/** The lap time at distance `d` on a measured lap (linear between marks), NaN outside it. */
export function timeAt(lap: MeasuredLap, d: number): number {
  if (!(d >= 0) || d > lap.finishM) return Number.NaN;
  const x = d / MARK_SPACING_M;
  const i = Math.min(Math.floor(x), lap.marks - 1);
  const t0 = lap.times[i];
  if (t0 === undefined || t0 !== t0) return Number.NaN;
  const nextM = (i + 1) * MARK_SPACING_M;
  if (i + 1 < lap.marks && nextM <= lap.finishM) {
    const t1 = lap.times[i + 1]!;
    return t1 === t1 ? t0 + (t1 - t0) * (x - i) : Number.NaN;
  }
  // Between the last mark and the line.
  const span = lap.finishM - i * MARK_SPACING_M;
  return span > 0 ? t0 + (lap.lapTimeS - t0) * ((d - i * MARK_SPACING_M) / span) : t0;
}

/** "1:21.345" style, minutes padded to two digits so labels sort by time. */
export function formatLapTime(s: number): string {
  const ms = Math.round(s * 1000);
  const m = Math.floor(ms / 60000);
  const rest = (ms - m * 60000) / 1000;
  return `${String(m).padStart(2, "0")}:${rest.toFixed(3).padStart(6, "0")}`;
}

/** Metric indices (catalogue) of the mark rows. */
export interface MarkMetrics {
  distance: number;
  time: number;
  fraction: number;
  fractionTime: number;
}

/** Fraction marks per lap (every 0.5%): enough for a delta trace between laps of different tracks. */
export const FRACTION_MARKS = 200;

/** The session's best valid lap, shared by its cars. */
export interface SessionBest {
  lap: MeasuredLap | undefined;
}

/** One car's lap being measured, and its best. */
export class CarLapMarks {
  private lap = -1;
  private times = new Float64Array(256).fill(Number.NaN);
  private nextMark = 0;
  private crossed = 0;
  private lastD = Number.NaN;
  private lastS = Number.NaN;
  private lastNs = Number.NaN;
  /** The lap was seen from its line (mark 0) and nothing spoilt it. */
  private fromLine = false;
  private invalid = false;
  private lapAttrs: Attributes = {};
  personalBest: MeasuredLap | undefined;
  /** Live deltas of the latest sample, NaN when there is no reference yet. */
  deltaToPersonalBest = Number.NaN;
  deltaToSessionBest = Number.NaN;

  constructor(private readonly metrics: MarkMetrics) {}

  /**
   * Takes one lap sample: lap number, distance into the lap (m), time into the lap (s), the last lap's
   * time (s) and whether the lap is invalid, at event time `t` (ns). Appends the marks crossed (and, when
   * a lap is complete, its finish row) to `out`, and updates the live deltas.
   */
  sample(lapNumber: number, d: number, s: number, lastLapS: number, invalid: boolean, t: number, trackLengthM: number,
    carAttrs: Attributes, best: SessionBest, out: PointGroup[]): void {
    if (lapNumber !== lapNumber || d !== d || s !== s) return;
    if (lapNumber !== this.lap) {
      if (lapNumber === this.lap + 1 && this.lap >= 1) this.finishLap(lastLapS, t - s * 1e9, trackLengthM, carAttrs, best, out);
      this.startLap(lapNumber, carAttrs);
      if (d >= 0 && d < FROM_LINE_M && s >= 0 && s < 5) {
        // The lap starts at the line: its mark 0 is time 0 at the crossing.
        this.fromLine = true;
        this.record(0, 0, t - s * 1e9, out);
        this.nextMark = 1;
        this.lastD = 0;
        this.lastS = 0;
        this.lastNs = t - s * 1e9;
      }
    }
    if (invalid) this.invalid = true;
    if (d < 0) return;
    const lastD = this.lastD;
    if (lastD === lastD && d + REWIND_M < lastD) this.fromLine = false;
    if (lastD === lastD && d > lastD && s >= this.lastS) {
      const span = d - lastD;
      while (this.nextMark < MAX_MARKS && this.nextMark * MARK_SPACING_M <= d) {
        const at = this.nextMark * MARK_SPACING_M;
        if (at >= lastD) {
          const f = (at - lastD) / span;
          this.record(this.nextMark, this.lastS + (s - this.lastS) * f, this.lastNs + (t - this.lastNs) * f, out);
        }
        this.nextMark++;
      }
    } else if (lastD !== lastD) {
      // The first sample of a lap joined late: no mark before it.
      this.nextMark = Math.min(MAX_MARKS, Math.ceil(d / MARK_SPACING_M));
    }
    this.lastD = d;
    this.lastS = s;
    this.lastNs = t;
    const pb = this.personalBest;
    this.deltaToPersonalBest = pb === undefined ? Number.NaN : s - timeAt(pb, d);
    this.deltaToSessionBest = best.lap === undefined ? Number.NaN : s - timeAt(best.lap, d);
  }

  private startLap(lapNumber: number, carAttrs: Attributes): void {
    this.lap = lapNumber;
    this.times.fill(Number.NaN);
    this.nextMark = 0;
    this.crossed = 0;
    this.lastD = Number.NaN;
    this.lastS = Number.NaN;
    this.lastNs = Number.NaN;
    this.fromLine = false;
    this.invalid = false;
    this.lapAttrs = { ...carAttrs, lap: String(lapNumber) };
  }

  private record(mark: number, s: number, ns: number, out: PointGroup[]): void {
    if (mark >= this.times.length) {
      const grown = new Float64Array(Math.min(MAX_MARKS, this.times.length * 2)).fill(Number.NaN);
      grown.set(this.times);
      this.times = grown;
    }
    this.times[mark] = s;
    this.crossed++;
    out.push({ t: ns, attrs: this.lapAttrs, metrics: [this.metrics.distance, this.metrics.time], values: [mark * MARK_SPACING_M, s] });
  }

  /**
   * The car crossed the line: the lap is stored with its finish (distance = the track length, time = the
   * lap time) and labelled for the dashboards' lap pickers, when it was measured from its line over most
   * of its length. A valid one may become the car's and the session's best.
   */
  private finishLap(lapTimeS: number, lineNs: number, trackLengthM: number, carAttrs: Attributes, best: SessionBest, out: PointGroup[]): void {
    if (!this.fromLine || !(lapTimeS > 0)) return;
    const lastMark = this.nextMark - 1;
    const finishM = trackLengthM > lastMark * MARK_SPACING_M ? trackLengthM : this.lastD;
    if (!(finishM > 0) || this.crossed < COMPLETE_SHARE * (finishM / MARK_SPACING_M)) return;
    const lap = this.lap;
    const time = formatLapTime(lapTimeS);
    const label = `lap ${lap} · ${time}${this.invalid ? " (invalid)" : ""}`;
    // Valid laps sort first by time; invalid ones after them ("~" sorts after digits).
    const byTime = this.invalid ? `~ ${time} · lap ${lap} (invalid)` : `${time} · lap ${lap}`;
    out.push({ t: lineNs, attrs: { ...carAttrs, lap: String(lap), lap_label: label, lap_by_time: byTime }, metrics: [this.metrics.distance, this.metrics.time], values: [finishM, lapTimeS] });
    const measured: MeasuredLap = { times: fillGaps(this.times, lastMark + 1), marks: lastMark + 1, finishM, lapTimeS };
    // The lap again at fixed shares of its length, at the instants the car passed them.
    const startNs = lineNs - lapTimeS * 1e9;
    for (let k = 0; k <= FRACTION_MARKS; k++) {
      const f = k / FRACTION_MARKS;
      const s = k === FRACTION_MARKS ? lapTimeS : timeAt(measured, f * finishM);
      if (s !== s) continue;
      // A distance mark of the same instant shares the row: other fields, no clash.
      out.push({ t: startNs + s * 1e9, attrs: this.lapAttrs, metrics: [this.metrics.fraction, this.metrics.fractionTime], values: [f, s] });
    }
    if (this.invalid) return;
    if (this.personalBest === undefined || lapTimeS < this.personalBest.lapTimeS) this.personalBest = measured;
    if (best.lap === undefined || lapTimeS < best.lap.lapTimeS) best.lap = measured;
  }
}

/** A copy of the first `n` mark times with gaps (marks between two samples more than a mark apart were all recorded; NaN only after a rewind) filled linearly. */
function fillGaps(times: Float64Array, n: number): Float64Array {
  const out = times.slice(0, n);
  let previous = -1;
  for (let i = 0; i < n; i++) {
    if (out[i] !== out[i]) continue;
    if (previous >= 0 && i - previous > 1) {
      for (let k = previous + 1; k < i; k++) out[k] = out[previous]! + ((out[i]! - out[previous]!) * (k - previous)) / (i - previous);
    }
    previous = i;
  }
  return out;
}
