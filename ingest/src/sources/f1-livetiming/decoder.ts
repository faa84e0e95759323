// F1 live timing -> racetel.v1 frames. Topics are merged into state as the feed documents (merge.ts); then
// each message becomes the frames it changes: CarData samples -> telemetry, Position samples -> motion (the
// spec's axes: x, z on the ground, y up, metres), TimingData -> lap state and finished laps, TimingAppData ->
// tyres, DriverList -> participants, SessionInfo/Status/Data, TrackStatus, WeatherData, LapCount -> session,
// TrackStatus changes and race control messages -> events. Samples carry their own UTC times.
// Rates are low (20 cars x ~4 Hz x 2 kinds): frames are plain objects, made per message.
import { LABEL_LIMITS, cleanLabel, isCleanLabel, racetel } from "@racetel/proto";
import type { DecodeContext, Frame } from "../source.js";
import { FeedError, KNOWN_TOPICS, inflateZ, num, parseGap, parseJson, parseLapTime, parseUtc, type FeedMessage } from "./feed.js";
import { mergeState } from "./merge.js";

const V1 = racetel.v1;
type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : typeof v === "object" && v !== null ? Object.values(v) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");

export const LIVE_TIMING_FORMAT = "livetiming";
/** Feed values that mean "no data" rather than a reading (throttle and brake 104 with the car stopped). */
const NO_DATA = 104;
const KMH = 1 / 3.6;
/** How far the feed's messages reach back in time behind the newest sample (.z messages span up to 1.44 s). */
const REORDER_NS = 3e9;

const SESSION_TYPES: [RegExp, number][] = [
  [/sprint (shootout|qualifying)/i, V1.SessionType.SESSION_TYPE_SPRINT_SHOOTOUT],
  [/qualifying/i, V1.SessionType.SESSION_TYPE_QUALIFYING],
  [/sprint/i, V1.SessionType.SESSION_TYPE_SPRINT],
  [/race/i, V1.SessionType.SESSION_TYPE_RACE],
  [/practice/i, V1.SessionType.SESSION_TYPE_PRACTICE],
];
const COMPOUNDS: Record<string, number> = {
  SOFT: V1.TyreCompound.TYRE_COMPOUND_SOFT, MEDIUM: V1.TyreCompound.TYRE_COMPOUND_MEDIUM, HARD: V1.TyreCompound.TYRE_COMPOUND_HARD,
  INTERMEDIATE: V1.TyreCompound.TYRE_COMPOUND_INTERMEDIATE, WET: V1.TyreCompound.TYRE_COMPOUND_WET,
};
const FLAGS: Record<string, number> = {
  GREEN: V1.Flag.FLAG_GREEN, CLEAR: V1.Flag.FLAG_GREEN, YELLOW: V1.Flag.FLAG_YELLOW, "DOUBLE YELLOW": V1.Flag.FLAG_YELLOW,
  RED: V1.Flag.FLAG_RED, BLUE: V1.Flag.FLAG_BLUE, CHEQUERED: V1.Flag.FLAG_CHEQUERED, "BLACK AND WHITE": V1.Flag.FLAG_PENALTY, BLACK: V1.Flag.FLAG_BLACK,
};
/** TrackStatus codes: 1 AllClear, 2 Yellow, 4 SCDeployed, 5 Red, 6 VSCDeployed, 7 VSCEnding. */
function trackFlag(code: string): number {
  return code === "2" ? V1.Flag.FLAG_YELLOW : code === "5" ? V1.Flag.FLAG_RED : code === "1" ? V1.Flag.FLAG_GREEN : code === "4" || code === "6" || code === "7" ? V1.Flag.FLAG_YELLOW : V1.Flag.FLAG_UNSPECIFIED;
}
function safetyCar(code: string): number {
  return code === "4" ? V1.SafetyCarStatus.SAFETY_CAR_STATUS_FULL : code === "6" || code === "7" ? V1.SafetyCarStatus.SAFETY_CAR_STATUS_VIRTUAL : V1.SafetyCarStatus.SAFETY_CAR_STATUS_NONE;
}

export interface LiveTimingOptions {
  /** The `source` label (the archive folder or the feed's URL). */
  source: string;
  /** Added to every time (ns): replaying a recorded session as if it ran now. */
  timeShiftNs?: number;
}

interface Driver { name: string; team: string; }

/** One car's lap as LapDistance measures it, and its latest lap state from TimingData. */
interface CarLap { lap: number; startNs: number; lastLapMs: number; distanceM: number; lastNs: number; lastSpeed: number; fromLine: boolean; state: racetel.v1.ILapState }

/**
 * The feed has no lap distance; racetel.v1 lap traces, lap marks and delta traces need one. Frames come here
 * in time order: a lap starts when TimingData's lap count moves on, and the distance is the car's speed
 * integrated since (trapezoids between CarData samples, ~4 Hz; the archive's path length and integrated speed
 * agree within 0.1%). The lap's fraction needs the lap's length: the median of the whole laps measured so far
 * in the session. Each CarData sample gets a LapState frame at its own time: lap, distance, fraction, time into
 * the lap, last lap time, with the rest of the car's lap state: a LapState frame is whole (proto3 cannot tell
 * an absent position from 0), so TimingData's frames get the distance and time into the lap too.
 */
class LapDistance {
  private readonly cars = new Map<number, CarLap>();
  private readonly lengths: number[] = [];

  next(f: Frame): Frame | undefined {
    const car = f.labels?.carIndex;
    if (car === null || car === undefined) return undefined;
    const t = Number(f.receiveTimeUnixNano);
    const lapNumber = f.lap?.lapNumber;
    if (lapNumber !== null && lapNumber !== undefined && f.telemetry === undefined) {
      let c = this.cars.get(car);
      if (c === undefined) {
        // Joined mid-lap: this lap's distance is unknown until the next line.
        c = { lap: lapNumber, startNs: t, lastLapMs: 0, distanceM: Number.NaN, lastNs: Number.NaN, lastSpeed: Number.NaN, fromLine: false, state: {} };
        this.cars.set(car, c);
      } else if (lapNumber !== c.lap) {
        if (lapNumber === c.lap + 1 && c.fromLine && c.distanceM > 500) {
          this.lengths.push(c.distanceM);
          if (this.lengths.length > 200) this.lengths.shift();
        }
        c.fromLine = lapNumber === c.lap + 1;
        c.lap = lapNumber;
        c.startNs = t;
        c.distanceM = 0;
      }
      const last = f.lap!.lastLapTimeMs;
      if (last !== null && last !== undefined && last > 0) c.lastLapMs = last;
      c.state = f.lap!;
      this.fill(f.lap!, c, t);
      return undefined;
    }
    const speed = f.telemetry?.speedMps;
    const c = this.cars.get(car);
    if (speed === null || speed === undefined || c === undefined) return undefined;
    if (c.lastNs === c.lastNs && c.distanceM === c.distanceM && t > c.lastNs) c.distanceM += ((speed + c.lastSpeed) / 2) * ((t - Math.max(c.lastNs, c.startNs)) / 1e9);
    c.lastNs = t;
    c.lastSpeed = speed;
    if (c.distanceM !== c.distanceM) return undefined;
    const lap: racetel.v1.ILapState = { ...c.state };
    this.fill(lap, c, t);
    return { labels: f.labels!, receiveTimeUnixNano: f.receiveTimeUnixNano!, lap };
  }

  /** The distance, fraction and time into the lap at `t`, when known. */
  private fill(lap: racetel.v1.ILapState, c: CarLap, t: number): void {
    lap.lapNumber = c.lap;
    if (c.lastLapMs > 0) lap.lastLapTimeMs = c.lastLapMs;
    if (c.distanceM !== c.distanceM) return;
    lap.lapDistanceM = c.distanceM;
    lap.currentLapTimeMs = Math.max(0, Math.round((t - c.startNs) / 1e6));
    const length = this.lapLength();
    if (length === length) lap.lapFraction = Math.min(1, c.distanceM / length);
  }

  private lapLength(): number {
    if (this.lengths.length === 0) return Number.NaN;
    const sorted = [...this.lengths].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }
}

export class F1LiveTimingDecoder {
  private readonly state = new Map<string, unknown>();
  private sessionId = "";
  private track = "";
  private readonly drivers = new Map<number, Driver>();
  /** Per car: the last lap number finished, the last LastLapTime seen. */
  private readonly lapsDone = new Map<number, number>();
  private readonly lastLapTime = new Map<number, string>();
  /** Per car: in the pit lane at the last TimingData, and the lap on which it last entered it. */
  private readonly inPit = new Map<number, boolean>();
  private readonly pitEntryLap = new Map<number, number>();
  private finalised = false;
  /** Per car: its finished laps by number, to mark one invalid when race control deletes it. */
  private readonly finishedLaps = new Map<number, Map<number, racetel.v1.IFinishedLap>>();
  private raceControlSeen = 0;
  private trackStatus = "";
  private readonly shift: number;
  messages = 0;
  dropped = 0;
  readonly droppedByReason = new Map<string, number>();

  constructor(private readonly ctx: DecodeContext, private readonly options: LiveTimingOptions) {
    this.shift = options.timeShiftNs ?? 0;
  }

  /** Sessions this decoder has seen (one per feed). */
  activeSessions(): number {
    return this.sessionId === "" ? 0 : 1;
  }

  /** A message whose payload is still text (the live feed's `A[1]`, an archive line's JSON); never throws. */
  handleText(topic: string, payload: string | unknown, utcMs: number): boolean {
    try {
      const data = typeof payload === "string" && !topic.endsWith(".z") ? parseJson(payload) : topic.endsWith(".z") ? inflateZ(payload) : payload;
      return this.handle({ topic, data, utcMs });
    } catch (err) {
      return this.drop(err instanceof FeedError ? err.reason : "bad_json", topic, (err as Error).message);
    }
  }

  /** One parsed message; returns false when it was dropped (counted). Never throws. */
  handle(m: FeedMessage): boolean {
    this.messages++;
    if (!KNOWN_TOPICS.has(m.topic)) return this.drop("unknown_topic", m.topic, "topic racetel does not read");
    if (!(m.utcMs > 0)) return this.drop("bad_time", m.topic, "message without a time");
    try {
      const t = m.utcMs * 1e6 + this.shift;
      switch (m.topic) {
        case "CarData.z": this.carData(m.data); break;
        case "Position.z": this.positions(m.data); break;
        default: {
          if (typeof m.data !== "object" || m.data === null) return this.drop("bad_json", m.topic, "a state message is a JSON object");
          const merged = mergeState(this.state.get(m.topic), m.data);
          this.state.set(m.topic, merged);
          this.onState(m.topic, m.data as Json, t);
        }
      }
      this.flush(false);
      return true;
    } catch (err) {
      return this.drop("bad_content", m.topic, (err as Error).message);
    }
  }

  /** Counts a message that could not be read (an archive line, a feed frame) and logs it rate-limited. */
  rejected(err: unknown, topic: string): false {
    this.messages++;
    return this.drop(err instanceof FeedError ? err.reason : "bad_json", topic, (err as Error).message);
  }

  private drop(reason: string, topic: string, why: string): false {
    this.dropped++;
    this.droppedByReason.set(reason, (this.droppedByReason.get(reason) ?? 0) + 1);
    this.ctx.drops.drop(`livetiming_${reason}`, Buffer.from(`${topic}: ${why}`.slice(0, 200)));
    return false;
  }

  private label(name: "driver" | "team" | "track", v: string): string {
    const max = LABEL_LIMITS[name];
    if (isCleanLabel(v, max)) return v;
    this.ctx.cleanedLabel?.(name);
    return cleanLabel(v, max);
  }

  private labels(car?: number): racetel.v1.IFrameLabels {
    const l: racetel.v1.IFrameLabels = { sessionId: this.sessionId, game: V1.Game.GAME_F1_LIVE_TIMING, format: LIVE_TIMING_FORMAT, source: this.options.source, track: this.track };
    if (car !== undefined) {
      l.carIndex = car;
      const d = this.drivers.get(car);
      if (d !== undefined) { l.driver = d.name; l.team = d.team; }
    }
    return l;
  }

  /**
   * Frames wait here until no earlier one can come: a .z message carries up to ~1.5 s of samples, and
   * CarData and Position messages interleave, so the feed's order is not time order. Downstream (rpc's event
   * time) expects time order within a small lateness; REORDER_NS of hold gives it, for ~10 ms of buffer.
   */
  private readonly held: Frame[] = [];
  private newestNs = -Infinity;

  private emit(frame: Frame): void {
    if (this.sessionId === "") return; // nothing can be placed before SessionInfo names the session
    const t = Number(frame.receiveTimeUnixNano);
    if (t > this.newestNs) this.newestNs = t;
    // Insert in time order (frames mostly come nearly sorted: search from the end).
    let i = this.held.length;
    while (i > 0 && Number(this.held[i - 1]!.receiveTimeUnixNano) > t) i--;
    this.held.splice(i, 0, frame);
  }

  /** Passes on the frames no earlier frame can still precede (all of them with `all`). */
  flush(all = true): void {
    const until = all ? Infinity : this.newestNs - REORDER_NS;
    let n = 0;
    while (n < this.held.length && Number(this.held[n]!.receiveTimeUnixNano) <= until) n++;
    if (n === 0) return;
    for (const f of this.held.splice(0, n)) {
      // First: it completes TimingData's lap frames with the distance and time into the lap.
      const lap = this.laps.next(f);
      this.ctx.sink.emit(f);
      if (lap !== undefined) this.ctx.sink.emit(lap);
    }
  }

  private readonly laps = new LapDistance();

  private carNumber(key: string): number | undefined {
    if (!/^\d{1,3}$/.test(key)) return undefined;
    const n = Number(key);
    return Number.isInteger(n) && n >= 0 && n <= 999 ? n : undefined;
  }

  private carData(data: unknown): void {
    for (const entry of list(obj(data).Entries)) {
      const e = obj(entry);
      const t = parseUtc(e.Utc);
      if (t !== t) continue;
      for (const [key, car] of Object.entries(obj(e.Cars))) {
        const n = this.carNumber(key);
        if (n === undefined) continue;
        const ch = obj(obj(car).Channels);
        const throttle = num(ch["4"]);
        const brake = num(ch["5"]);
        const drs = num(ch["45"]);
        const telemetry: racetel.v1.ICarTelemetry = { engineRpm: num(ch["0"]), speedMps: num(ch["2"]) * KMH, gear: num(ch["3"]) };
        if (throttle >= 0 && throttle <= 100) telemetry.throttle = throttle / 100;
        if (brake >= 0 && brake <= 100) telemetry.brake = brake > 0 ? 1 : 0;
        // 10, 12, 14: open; 8: eligible in a zone; 0/1: off (FastF1's reading of channel 45).
        if (drs === drs) telemetry.drsOpen = drs >= 10 && drs !== NO_DATA;
        for (const k of ["engineRpm", "speedMps", "gear"] as const) if (telemetry[k] !== telemetry[k]) delete telemetry[k];
        this.emit({ labels: this.labels(n), receiveTimeUnixNano: t * 1e6 + this.shift, telemetry });
      }
    }
  }

  private positions(data: unknown): void {
    for (const sample of list(obj(data).Position)) {
      const s = obj(sample);
      const t = parseUtc(s.Timestamp);
      if (t !== t) continue;
      for (const [key, p] of Object.entries(obj(s.Entries))) {
        const n = this.carNumber(key);
        const q = obj(p);
        const x = num(q.X);
        const y = num(q.Y);
        const z = num(q.Z);
        if (n === undefined || x !== x || y !== y || (x === 0 && y === 0 && z === 0)) continue; // 0,0,0: not out yet
        // The feed's X, Y are the ground plane and Z the altitude, in 1/10 m.
        this.emit({ labels: this.labels(n), receiveTimeUnixNano: t * 1e6 + this.shift, motion: { positionM: { x: x / 10, y: z === z ? z / 10 : 0, z: y / 10 } } });
      }
    }
  }

  private onState(topic: string, patch: Json, t: number): void {
    switch (topic) {
      case "SessionInfo": {
        const info = obj(this.state.get("SessionInfo"));
        const key = num(info.Key);
        if (key === key && this.sessionId === "") this.sessionId = `f1lt-${key}`;
        this.track = this.label("track", str(obj(obj(info.Meeting).Circuit).ShortName));
        this.sessionFrame(t);
        break;
      }
      case "DriverList":
        for (const [key, d] of Object.entries(obj(this.state.get("DriverList")))) {
          const n = this.carNumber(key);
          if (n === undefined || !(key in patch)) continue;
          const dr = obj(d);
          const name = this.label("driver", str(dr.FullName) || str(dr.BroadcastName) || str(dr.Tla));
          const team = this.label("team", str(dr.TeamName));
          const before = this.drivers.get(n);
          this.drivers.set(n, { name, team });
          if (before?.name === name && before.team === team && !("TeamColour" in obj(patch[key]))) continue;
          const colour = /^[0-9A-Fa-f]{6}$/.test(str(dr.TeamColour)) ? `#${str(dr.TeamColour).toUpperCase()}` : "";
          this.emit({ labels: this.labels(n), receiveTimeUnixNano: t, participant: { driverName: name, driverShortName: this.label("driver", str(dr.Tla)), teamName: team, raceNumber: n, teamColour: colour } });
        }
        this.sessionFrame(t);
        break;
      case "TimingData":
        this.timing(patch, t);
        if ("SessionPart" in patch) this.sessionFrame(t);
        break;
      case "TimingAppData":
        this.tyres(patch, t);
        break;
      case "TrackStatus": {
        const code = str(obj(this.state.get("TrackStatus")).Status);
        if (code !== this.trackStatus) {
          this.trackStatus = code;
          this.trackStatusEvent(code, t);
        }
        this.sessionFrame(t);
        break;
      }
      case "RaceControlMessages":
        this.raceControl(t);
        break;
      case "SessionStatus":
        if (!this.finalised && /^(Finalised|Ends)$/.test(str(obj(this.state.get("SessionStatus")).Status))) {
          this.finalised = true;
          this.finalClassification(t);
        }
        this.sessionFrame(t);
        break;
      case "SessionData":
      case "WeatherData":
      case "LapCount":
      case "ExtrapolatedClock":
        this.sessionFrame(t);
        break;
      default:
        break;
    }
  }

  private sessionFrame(t: number): void {
    const info = obj(this.state.get("SessionInfo"));
    const weather = obj(this.state.get("WeatherData"));
    const typeText = `${str(info.Type)} ${str(info.Name)}`;
    const session: racetel.v1.ISessionInfo = {
      track: this.track, series: "Formula 1", activeCars: this.drivers.size,
      sessionType: SESSION_TYPES.find(([re]) => re.test(typeText))?.[1] ?? V1.SessionType.SESSION_TYPE_UNSPECIFIED,
    };
    const air = num(weather.AirTemp);
    const trackTemp = num(weather.TrackTemp);
    const wind = num(weather.WindSpeed);
    if (air === air) session.airTemperatureCelsius = air;
    if (trackTemp === trackTemp) session.trackTemperatureCelsius = trackTemp;
    if (wind === wind) session.windSpeedMps = wind;
    if ("Rainfall" in weather) session.weather = num(weather.Rainfall) > 0 ? V1.Weather.WEATHER_LIGHT_RAIN : V1.Weather.WEATHER_CLEAR;
    const total = num(obj(this.state.get("LapCount")).TotalLaps);
    if (total === total) session.totalLaps = total;
    if (this.trackStatus !== "") {
      session.trackFlag = trackFlag(this.trackStatus);
      session.safetyCarStatus = safetyCar(this.trackStatus);
    }
    // ExtrapolatedClock: time left as "HH:MM:SS" at its Utc (counting down while Extrapolating).
    const left = /^(\d+):(\d\d):(\d\d)$/.exec(str(obj(this.state.get("ExtrapolatedClock")).Remaining));
    if (left !== null) session.sessionTimeLeftS = (Number(left[1]) * 60 + Number(left[2])) * 60 + Number(left[3]);
    const part = num(obj(this.state.get("TimingData")).SessionPart);
    if (part === part) session.sessionPart = part;
    this.emit({ labels: this.labels(), receiveTimeUnixNano: t, session });
  }

  private trackStatusEvent(code: string, t: number): void {
    const event: racetel.v1.ISessionEvent = { code: `TrackStatus:${code}`, message: str(obj(this.state.get("TrackStatus")).Message).slice(0, 64) };
    if (code === "5") event.type = V1.SessionEventType.SESSION_EVENT_TYPE_RED_FLAG;
    else if (code === "4" || code === "6" || code === "7") {
      event.type = V1.SessionEventType.SESSION_EVENT_TYPE_SAFETY_CAR;
      event.safetyCarType = code === "4" ? 1 : 2;
      event.safetyCarPhase = code === "7" ? 1 : 0;
    } else {
      event.type = V1.SessionEventType.SESSION_EVENT_TYPE_FLAG;
      event.flag = trackFlag(code);
    }
    this.emit({ labels: this.labels(), receiveTimeUnixNano: t, event });
  }

  private raceControl(t: number): void {
    const messages = list(obj(this.state.get("RaceControlMessages")).Messages);
    for (let i = this.raceControlSeen; i < messages.length; i++) {
      const m = obj(messages[i]);
      const text = cleanLabel(str(m.Message), 200);
      const category = str(m.Category);
      const flagName = str(m.Flag).toUpperCase();
      const event: racetel.v1.ISessionEvent = { code: category.slice(0, 32), message: text };
      if (category === "Flag" && flagName === "RED") event.type = V1.SessionEventType.SESSION_EVENT_TYPE_RED_FLAG;
      else if (category === "Flag" && flagName === "CHEQUERED") event.type = V1.SessionEventType.SESSION_EVENT_TYPE_CHEQUERED_FLAG;
      else if (category === "SafetyCar") event.type = V1.SessionEventType.SESSION_EVENT_TYPE_SAFETY_CAR;
      else if (category === "Flag" && FLAGS[flagName] !== undefined) { event.type = V1.SessionEventType.SESSION_EVENT_TYPE_FLAG; event.flag = FLAGS[flagName]; }
      else event.type = V1.SessionEventType.SESSION_EVENT_TYPE_RACE_CONTROL;
      const car = this.carNumber(str(m.RacingNumber)) ?? this.carNumber(/^CAR (\d{1,3}) /.exec(text)?.[1] ?? "");
      this.emit({ labels: this.labels(car !== undefined && this.drivers.has(car) ? car : undefined), receiveTimeUnixNano: t, event });
      // "CAR 5 (BOR) TIME 1:18.964 DELETED - TRACK LIMITS AT TURN 12 LAP 3 ...": that lap no longer counts.
      const deleted = /^CAR (\d{1,3}) \(\w+\) (?:TIME [\d:.]+ |LAP )DELETED\b.*? LAP (\d{1,3})\b/.exec(text);
      if (deleted !== null) this.deleteLap(Number(deleted[1]), Number(deleted[2]), t);
    }
    this.raceControlSeen = Math.max(this.raceControlSeen, messages.length);
  }

  private deleteLap(car: number, lapNumber: number, t: number): void {
    const lap = this.finishedLaps.get(car)?.get(lapNumber);
    if (lap === undefined || lap.valid === false) return;
    lap.valid = false;
    lap.sector1Valid = false; lap.sector2Valid = false; lap.sector3Valid = false;
    this.emit({ labels: this.labels(car), receiveTimeUnixNano: t, finishedLap: lap });
  }

  private timing(patch: Json, t: number): void {
    const lines = obj(obj(this.state.get("TimingData")).Lines);
    for (const key of Object.keys(obj(patch.Lines))) {
      const n = this.carNumber(key);
      if (n === undefined) continue;
      const l = obj(lines[key]);
      const sectors = list(l.Sectors).map((s) => parseLapTime(obj(s).Value));
      const laps = num(l.NumberOfLaps);
      const lap: racetel.v1.ILapState = {};
      const position = num(l.Position);
      if (position >= 1 && position <= 99) lap.position = position;
      if (laps === laps) lap.lapNumber = laps + 1;
      const last = parseLapTime(obj(l.LastLapTime).Value);
      const best = parseLapTime(obj(l.BestLapTime).Value);
      if (last === last) lap.lastLapTimeMs = last;
      if (best === best) lap.bestLapTimeMs = best;
      if (sectors[0] === sectors[0] && sectors[0] !== undefined) lap.sector1TimeMs = sectors[0];
      if (sectors[1] === sectors[1] && sectors[1] !== undefined) lap.sector2TimeMs = sectors[1];
      const gap = parseGap(l.GapToLeader ?? obj(list(l.Stats).at(-1)).TimeDiffToFastest);
      const interval = parseGap(obj(l.IntervalToPositionAhead).Value ?? obj(list(l.Stats).at(-1)).TimeDifftoPositionAhead);
      if (gap === gap) lap.gapToLeaderMs = gap;
      if (interval === interval) lap.gapToCarAheadMs = interval;
      lap.pitStatus = l.InPit === true ? V1.PitStatus.PIT_STATUS_PIT_LANE : V1.PitStatus.PIT_STATUS_ON_TRACK;
      // Into the pit lane on the lap being driven: the stop counts on that lap (its in-lap).
      if (l.InPit === true && this.inPit.get(n) === false && laps === laps) this.pitEntryLap.set(n, laps + 1);
      if (typeof l.InPit === "boolean") this.inPit.set(n, l.InPit);
      const stops = num(l.NumberOfPitStops);
      if (stops === stops) lap.pitStops = stops;
      lap.knockedOut = l.KnockedOut === true;
      lap.resultStatus = l.Retired === true ? V1.ResultStatus.RESULT_STATUS_RETIRED : V1.ResultStatus.RESULT_STATUS_ACTIVE;
      this.emit({ labels: this.labels(n), receiveTimeUnixNano: t, lap });
      // A lap is finished when the car's LastLapTime changes: once per lap number.
      const lastText = str(obj(l.LastLapTime).Value);
      if (last === last && laps === laps && lastText !== this.lastLapTime.get(n) && this.lapsDone.get(n) !== laps) {
        this.lastLapTime.set(n, lastText);
        this.lapsDone.set(n, laps);
        const finished: racetel.v1.IFinishedLap = { lapNumber: laps, lapTimeMs: last, valid: true, sector1Valid: true, sector2Valid: true, sector3Valid: true, origin: V1.FinishedLapOrigin.FINISHED_LAP_ORIGIN_LIVE };
        if (this.pitEntryLap.get(n) === laps) { finished.pitEntry = true; finished.pitLap = true; }
        if (sectors[0] === sectors[0] && sectors[0] !== undefined) finished.sector1TimeMs = sectors[0];
        if (sectors[1] === sectors[1] && sectors[1] !== undefined) finished.sector2TimeMs = sectors[1];
        if (sectors[2] === sectors[2] && sectors[2] !== undefined) finished.sector3TimeMs = sectors[2];
        if (position === position) finished.position = position;
        let byLap = this.finishedLaps.get(n);
        if (byLap === undefined) this.finishedLaps.set(n, (byLap = new Map()));
        byLap.set(laps, finished);
        if (byLap.size > 300) byLap.delete(byLap.keys().next().value!); // race control deletes recent laps only
        this.emit({ labels: this.labels(n), receiveTimeUnixNano: t, finishedLap: finished });
      }
    }
  }

  /** The session is over: each car's final line of the classification, from TimingData's final state. */
  private finalClassification(t: number): void {
    const lines = obj(obj(this.state.get("TimingData")).Lines);
    for (const [key, v] of Object.entries(lines)) {
      const n = this.carNumber(key);
      const l = obj(v);
      const position = num(l.Position);
      if (n === undefined || !(position >= 1 && position <= 99)) continue;
      const result: racetel.v1.IFinalResult = {
        position, resultStatus: l.Retired === true ? V1.ResultStatus.RESULT_STATUS_RETIRED : V1.ResultStatus.RESULT_STATUS_FINISHED,
      };
      const laps = num(l.NumberOfLaps);
      if (laps >= 0) result.lapsCompleted = laps;
      const best = parseLapTime(obj(l.BestLapTime).Value);
      if (best === best) result.bestLapTimeMs = best;
      const stops = num(l.NumberOfPitStops);
      if (stops >= 0) result.pitStops = stops;
      this.emit({ labels: this.labels(n), receiveTimeUnixNano: t, finalResult: result });
    }
  }

  private tyres(patch: Json, t: number): void {
    const lines = obj(obj(this.state.get("TimingAppData")).Lines);
    for (const key of Object.keys(obj(patch.Lines))) {
      const n = this.carNumber(key);
      if (n === undefined) continue;
      const stint = obj(list(obj(lines[key]).Stints).at(-1));
      const name = str(stint.Compound).toUpperCase();
      if (name === "") continue;
      const status: racetel.v1.ICarStatus = { tyreCompound: COMPOUNDS[name] ?? V1.TyreCompound.TYRE_COMPOUND_UNSPECIFIED, tyreCompoundName: cleanLabel(name, 16) };
      const age = num(stint.TotalLaps);
      if (age >= 0) status.tyreAgeLaps = age;
      this.emit({ labels: this.labels(n), receiveTimeUnixNano: t, status });
    }
  }
}
