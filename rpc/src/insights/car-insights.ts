// The insights of one car, from the live values rpc already keeps for it (metrics/channels.ts slots):
// fuel and tyre-wear predictions at every lap line, the pit window they imply, tyre temperature windows,
// damage steps and lap-distance anomalies at every lap sample. sample() runs on rpc's packet path: it
// reads numbers, writes numbers, allocates nothing after the first lap.
import { racetel } from "@racetel/proto";
import { CAR_GROUPS, WHEELS, carSlot as car, damageChannels, sessionSlot as session, wheelSlot as wheel } from "../metrics/channels.js";
import { LapDistanceBaseline } from "./baseline.js";
import {
  I_ANOMALY_ACTIVE, I_ANOMALY_BRAKE, I_ANOMALY_SPEED, I_ANOMALY_TYRE, I_DAMAGE_MAX, I_FUEL_LAPS_LEFT, I_FUEL_PER_LAP, I_FUEL_SHORT,
  I_FUEL_SURPLUS, I_FUEL_SURPLUS_LAPS, I_PIT_CLOSE, I_PIT_OPEN, I_TYRE_LIMIT_LAPS, INSIGHT_CAR_METRICS, INSIGHT_WHEEL_METRICS,
  IW_LAPS_TO_LIMIT, IW_TEMPERATURE_STATE, IW_WEAR_RATE, type InsightEventName,
} from "./metrics.js";
import type { InsightOptions } from "./options.js";
import { windowsFor, type GameWindows } from "./windows.js";

/** Where raised insights go (the store's pending rows, the live view). */
export type InsightSink = (name: InsightEventName, detail: string, value: number, tNs: number) => void;

const SPEED = car("racetel.car.speed");
const LAP_NUMBER = car("racetel.car.lap.number");
const LAP_DISTANCE = car("racetel.car.lap.distance");
const PIT_STATUS = car("racetel.car.pit.status");
const RESULT_STATUS = car("racetel.car.result_status");
const FUEL_MASS = car("racetel.car.fuel.mass");
const FUEL_VOLUME = car("racetel.car.fuel.volume");
const COMPOUND = car("racetel.car.tyre.compound");
const LAST_LAP_TIME = car("racetel.car.lap.last_time");
const W_SURFACE = wheel("racetel.car.tyre.surface_temperature");
const W_INNER = wheel("racetel.car.tyre.inner_temperature");
const W_CORE = wheel("racetel.car.tyre.core_temperature");
const W_BRAKE = wheel("racetel.car.brake_temperature");
const W_WEAR = wheel("racetel.car.tyre.wear");
const S_TOTAL_LAPS = session("racetel.session.total_laps");
const S_TIME_LEFT = session("racetel.session.time_left");
const S_SAFETY_CAR = session("racetel.session.safety_car");
const S_TRACK_LENGTH = session("racetel.session.track_length");
const DAMAGE_NAMES = damageChannels.map((c) => c.name.replace("racetel.car.damage.", ""));
/** Bodywork parts (wings, floor, diffuser, sidepod): gearbox and engine "damage" in F1 is wear that climbs every lap. */
const BODYWORK = DAMAGE_NAMES.filter((n) => n !== "gearbox" && n !== "engine").length;
const ON_TRACK = racetel.v1.PitStatus.PIT_STATUS_ON_TRACK;
const ACTIVE = racetel.v1.ResultStatus.RESULT_STATUS_ACTIVE;
const SAFETY_CAR_NONE = racetel.v1.SafetyCarStatus.SAFETY_CAR_STATUS_NONE;

/** Clean laps averaged for the fuel and wear rates. */
const RATE_LAPS = 5;
/** Clean laps needed before fuel and tyre predictions are made. */
const PREDICT_AFTER_LAPS = 2;
/** Metres after the pit exit not judged for anomalies: a car gathering speed is not a slow car. */
const PIT_EXIT_SETTLE_M = 1000;
/** Consecutive bins beyond the threshold before an anomaly is raised, and within it before it clears. */
const ANOMALY_BINS = 2;
/** Floors of the anomaly scale: a fixed part and a share of the median (units of the channel). */
const SPEED_FLOOR = [2, 0.02] as const;
const BRAKE_FLOOR = [30, 0.05] as const;
const TYRE_FLOOR = [3, 0.02] as const;
/**
 * The longest lap the baseline covers: twice the longest track of the games racetel reads (Spa, 7 km). A
 * spoofed track length cannot make a car's baselines larger than this makes them (~65 KiB at 50 m bins).
 */
const MAX_TRACK_M = 15_000;

/** An anomaly channel: its baseline(s), the run of bins beyond the threshold, and whether it is raised. */
class AnomalyChannel {
  readonly baselines: LapDistanceBaseline[];
  over = 0;
  under = 0;
  raised = false;
  constructor(readonly event: InsightEventName, bins: number, count: number, readonly floor: readonly [number, number], readonly sign: 1 | -1) {
    this.baselines = Array.from({ length: count }, () => new LapDistanceBaseline(bins));
  }
}

export class CarInsights {
  /** INSIGHT_CAR_METRICS values, NaN until known. */
  readonly values = new Float64Array(INSIGHT_CAR_METRICS.length).fill(Number.NaN);
  /** INSIGHT_WHEEL_METRICS x 4 wheels, channel-major. */
  readonly wheels = new Float64Array(INSIGHT_WHEEL_METRICS.length * 4).fill(Number.NaN);
  private readonly windows: GameWindows | undefined;
  /** Out of the car's sight: retired (the game said so), so nothing about it is raised any more. */
  private retired = false;
  // Lap line bookkeeping.
  private lap = Number.NaN;
  private lapClean = false;
  private lapStartFuel = Number.NaN;
  private readonly lapStartWear = new Float64Array(4).fill(Number.NaN);
  private readonly fuelUsed = new Float64Array(RATE_LAPS);
  private fuelLaps = 0;
  private readonly wearUsed = new Float64Array(RATE_LAPS * 4);
  private wearLaps = 0;
  private fuelShortRaised = false;
  private wearLimitRaised = false;
  // Tyre temperature windows: since when each wheel is out (event time, ns), and whether it was raised.
  private readonly outSinceNs = new Float64Array(4).fill(Number.NaN);
  private readonly windowRaised = new Uint8Array(4);
  // Damage: the last values seen.
  private readonly damageSeen = new Float64Array(damageChannels.length).fill(Number.NaN);
  // Anomalies.
  private anomaly: AnomalyChannel[] | undefined;
  private binM = 0;
  private bin = -1;
  private pitExitM = Number.NaN;
  private wasInPit = false;

  constructor(game: string, private readonly options: InsightOptions, private readonly sink: InsightSink) {
    this.windows = windowsFor(game);
  }

  /** The game said the car retired: it raises nothing more. */
  retire(): void {
    this.retired = true;
  }

  /** One lap sample of the car (the lap frame just applied), with the car's and the session's latest values. */
  sample(v: Float64Array, w: Float64Array, s: Float64Array, tNs: number): void {
    const lap = v[LAP_NUMBER]!;
    const distance = v[LAP_DISTANCE]!;
    if (!Number.isFinite(lap) || !Number.isFinite(distance)) return;
    const status = v[RESULT_STATUS]!;
    const racing = !this.retired && (status !== status || status === ACTIVE || status === 0);
    const pit = v[PIT_STATUS]!;
    const onTrack = pit !== pit || pit === ON_TRACK || pit === 0;
    const safetyCar = s[S_SAFETY_CAR]!;
    const green = safetyCar !== safetyCar || safetyCar === SAFETY_CAR_NONE || safetyCar === 0;
    if (lap !== this.lap) this.lapLine(lap, v, w, s, tNs);
    if (!onTrack || !green) this.lapClean = false;
    if (!racing) return;
    this.damage(v, tNs);
    this.temperatureWindows(v, w, onTrack, lap, tNs);
    this.anomalies(v, w, s, lap, distance, onTrack && green, tNs);
  }

  /** The car crossed the line (or its first sample): close the lap just driven, predict from the clean ones. */
  private lapLine(lap: number, v: Float64Array, w: Float64Array, s: Float64Array, tNs: number): void {
    const fuel = fuelOf(v);
    const followsOn = lap === this.lap + 1;
    if (followsOn && this.lapClean && this.lap >= 1) {
      const used = this.lapStartFuel - fuel;
      if (used > 0 && used < Infinity) this.fuelUsed[this.fuelLaps++ % RATE_LAPS] = used;
      let wornAll = true;
      for (let k = 0; k < 4; k++) if (!(w[W_WEAR + k]! - this.lapStartWear[k]! >= 0 && w[W_WEAR + k]! <= 1)) wornAll = false;
      if (wornAll) {
        const at = (this.wearLaps++ % RATE_LAPS) * 4;
        for (let k = 0; k < 4; k++) this.wearUsed[at + k] = w[W_WEAR + k]! - this.lapStartWear[k]!;
      }
    }
    // A set of tyres came off: the wear rate of the old set says nothing of the new one.
    for (let k = 0; k < 4; k++) {
      if (w[W_WEAR + k]! < this.lapStartWear[k]! - 0.02) { this.wearLaps = 0; this.wearLimitRaised = false; break; }
    }
    if (fuel > this.lapStartFuel + 0.5) this.fuelShortRaised = false; // refuelled
    this.lap = lap;
    this.lapClean = followsOn || this.lap === 1;
    this.lapStartFuel = fuel;
    for (let k = 0; k < 4; k++) this.lapStartWear[k] = w[W_WEAR + k]!;
    if (v[RESULT_STATUS] === ACTIVE || v[RESULT_STATUS] !== v[RESULT_STATUS]) this.predict(lap, fuel, v, w, s, tNs);
  }

  private predict(lap: number, fuel: number, v: Float64Array, w: Float64Array, s: Float64Array, tNs: number): void {
    const completed = lap - 1;
    const lapsToGo = lapsToGoOf(s, v, completed);
    const out = this.values;
    // Fuel.
    const fuelN = Math.min(this.fuelLaps, RATE_LAPS);
    if (fuelN >= PREDICT_AFTER_LAPS && Number.isFinite(fuel)) {
      let sum = 0;
      for (let i = 0; i < fuelN; i++) sum += this.fuelUsed[i]!;
      const perLap = sum / fuelN;
      out[I_FUEL_PER_LAP] = perLap;
      out[I_FUEL_LAPS_LEFT] = fuel / perLap;
      if (lapsToGo === lapsToGo) {
        const surplus = fuel - perLap * lapsToGo;
        out[I_FUEL_SURPLUS] = surplus;
        out[I_FUEL_SURPLUS_LAPS] = surplus / perLap;
        const short = surplus / perLap < this.options.fuelMarginLaps;
        out[I_FUEL_SHORT] = short ? 1 : 0;
        if (short && !this.fuelShortRaised && !this.retired) {
          this.fuelShortRaised = true;
          this.sink("fuel_short", "", surplus / perLap, tNs);
        }
      }
    }
    // Tyres.
    const wearN = Math.min(this.wearLaps, RATE_LAPS);
    let firstLimit = Infinity;
    let fastest = 0;
    if (wearN >= PREDICT_AFTER_LAPS) {
      for (let k = 0; k < 4; k++) {
        let sum = 0;
        for (let i = 0; i < wearN; i++) sum += this.wearUsed[i * 4 + k]!;
        const rate = sum / wearN;
        const wear = w[W_WEAR + k]!;
        const toLimit = rate > 0 ? Math.max(0, (this.options.tyreWearLimit - wear) / rate) : Number.NaN;
        this.wheels[IW_WEAR_RATE * 4 + k] = rate;
        this.wheels[IW_LAPS_TO_LIMIT * 4 + k] = toLimit;
        if (toLimit < firstLimit) firstLimit = toLimit;
        if (rate > fastest) fastest = rate;
        if (Number.isFinite(wear) && wear >= this.options.tyreWearLimit && !this.wearLimitRaised && !this.retired) {
          this.wearLimitRaised = true;
          this.sink("tyre_wear_limit", WHEELS[k]!, wear, tNs);
        }
      }
      if (firstLimit !== Infinity) out[I_TYRE_LIMIT_LAPS] = completed + firstLimit;
    }
    // Pit window: between the lap from which a new set reaches the finish and the last lap these tyres
    // (and, where a stop refuels, this fuel) last. None when the car reaches the finish as it is.
    const total = completed + lapsToGo;
    if (firstLimit !== Infinity && fastest > 0 && total === total) {
      let close = completed + firstLimit;
      const refuels = v[FUEL_VOLUME] === v[FUEL_VOLUME]; // ACC refuels at a stop; F1 has not since 2010
      if (refuels && out[I_FUEL_LAPS_LEFT] === out[I_FUEL_LAPS_LEFT]) close = Math.min(close, completed + out[I_FUEL_LAPS_LEFT]!);
      if (close >= total) {
        out[I_PIT_OPEN] = Number.NaN;
        out[I_PIT_CLOSE] = Number.NaN;
      } else {
        const closeLap = Math.max(lap, Math.floor(close));
        const stintLaps = this.options.tyreWearLimit / fastest;
        out[I_PIT_CLOSE] = closeLap;
        out[I_PIT_OPEN] = Math.min(closeLap, Math.max(lap, Math.ceil(total - stintLaps)));
      }
    }
  }

  private damage(v: Float64Array, tNs: number): void {
    let max = Number.NaN;
    for (let i = 0; i < this.damageSeen.length; i++) {
      const d = v[CAR_GROUPS.damage + i]!;
      if (!Number.isFinite(d)) continue;
      if (i < BODYWORK && !(d <= max)) max = d;
      const before = this.damageSeen[i]!;
      this.damageSeen[i] = d;
      if (before === before && d - before >= this.options.damageStep) this.sink("damage", DAMAGE_NAMES[i]!, d, tNs);
    }
    if (max === max) this.values[I_DAMAGE_MAX] = max;
  }

  private temperatureWindows(v: Float64Array, w: Float64Array, onTrack: boolean, lap: number, tNs: number): void {
    const windows = this.windows;
    if (windows === undefined) return;
    const window = windows.byCompound[v[COMPOUND]!];
    if (window === undefined) return;
    const base = windows.temperature === "inner" ? W_INNER : W_CORE;
    const holdNs = this.options.tyreWindowSeconds * 1e9;
    for (let k = 0; k < 4; k++) {
      const t = w[base + k]!;
      if (!Number.isFinite(t)) continue;
      const state = t < window.low ? -1 : t > window.high ? 1 : 0;
      this.wheels[IW_TEMPERATURE_STATE * 4 + k] = state;
      // Judged on track after the first lap: tyres on the grid and in the pit lane are cold by design.
      if (state === 0 || !onTrack || lap < 2) {
        this.outSinceNs[k] = Number.NaN;
        this.windowRaised[k] = 0;
        continue;
      }
      if (this.outSinceNs[k] !== this.outSinceNs[k]) this.outSinceNs[k] = tNs;
      if (this.windowRaised[k] === 0 && tNs - this.outSinceNs[k]! >= holdNs) {
        this.windowRaised[k] = 1;
        this.sink(state > 0 ? "tyre_hot" : "tyre_cold", WHEELS[k]!, t, tNs);
      }
    }
  }

  private anomalies(v: Float64Array, w: Float64Array, s: Float64Array, lap: number, distance: number, green: boolean, tNs: number): void {
    const length = s[S_TRACK_LENGTH]!;
    if (!(length > 0 && length <= MAX_TRACK_M) || distance < 0) return;
    if (this.anomaly === undefined) {
      const bins = Math.ceil(length / this.options.anomalyBinM) + 1;
      this.binM = this.options.anomalyBinM;
      this.anomaly = [
        new AnomalyChannel("anomaly_speed", bins, 1, SPEED_FLOOR, -1),
        new AnomalyChannel("anomaly_brake_temperature", bins, 4, BRAKE_FLOOR, 1),
        new AnomalyChannel("anomaly_tyre_temperature", bins, 4, TYRE_FLOOR, 1),
      ];
    }
    const bin = Math.floor(distance / this.binM);
    const total = (lap - 1) * length + distance;
    const inPit = this.wasInPit;
    this.wasInPit = !green;
    if (inPit && green) this.pitExitM = total;
    if (bin === this.bin || bin >= this.anomaly[0]!.baselines[0]!.bins) return;
    if (bin < this.bin || this.bin < 0) for (const a of this.anomaly) for (const b of a.baselines) b.beginLap(lap);
    this.bin = bin;
    // Lap 1 (a standing start), the pit lane, the stretch after it and caution periods are not the car's normal.
    const judged = green && lap >= 2 && !(total - this.pitExitM < PIT_EXIT_SETTLE_M);
    let active = 0;
    active += this.judge(this.anomaly[0]!, bin, v, SPEED, 1, judged, I_ANOMALY_SPEED, tNs);
    active += this.judge(this.anomaly[1]!, bin, w, W_BRAKE, 4, judged, I_ANOMALY_BRAKE, tNs);
    active += this.judge(this.anomaly[2]!, bin, w, W_SURFACE, 4, judged, I_ANOMALY_TYRE, tNs);
    this.values[I_ANOMALY_ACTIVE] = active;
  }

  /** Scores a channel's values in this bin against its baselines, stores them, raises or clears the anomaly; 1 while raised. */
  private judge(a: AnomalyChannel, bin: number, from: Float64Array, at: number, count: number, judged: boolean, slot: number, tNs: number): number {
    let worst = Number.NaN;
    let worstAt = 0;
    for (let k = 0; k < count; k++) {
      const x = from[at + k]!;
      if (!Number.isFinite(x)) continue;
      const baseline = a.baselines[k]!;
      if (judged) {
        const z = baseline.score(bin, x, a.floor[0] + a.floor[1] * Math.abs(x));
        if (z === z && !(z * a.sign <= worst * a.sign)) { worst = z; worstAt = k; }
        baseline.put(bin, x);
      }
    }
    if (worst !== worst) return a.raised ? 1 : 0;
    this.values[slot] = worst;
    if (worst * a.sign > this.options.anomalyThreshold) {
      a.under = 0;
      if (++a.over >= ANOMALY_BINS && !a.raised) {
        a.raised = true;
        this.sink(a.event, count === 1 ? "" : WHEELS[worstAt]!, worst, tNs);
      }
    } else {
      a.over = 0;
      if (++a.under >= ANOMALY_BINS) a.raised = false;
    }
    return a.raised ? 1 : 0;
  }
}

function fuelOf(v: Float64Array): number {
  const kg = v[FUEL_MASS]!;
  return kg === kg ? kg : v[FUEL_VOLUME]!;
}

/**
 * Laps still to drive after `completed`: from the race's lap count, or in a timed race (ACC) the time left
 * at the car's last lap's pace, plus the lap the clock runs out on.
 */
function lapsToGoOf(s: Float64Array, v: Float64Array, completed: number): number {
  const total = s[S_TOTAL_LAPS]!;
  if (total > 0) return Math.max(0, total - completed);
  const timeLeft = s[S_TIME_LEFT]!;
  const lastLap = v[LAST_LAP_TIME]!;
  if (timeLeft > 0 && lastLap > 0) return Math.ceil(timeLeft / lastLap);
  return Number.NaN;
}
