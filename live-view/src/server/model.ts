// The live view's state: racetel.v1 frames in (rpc calls apply() for every accepted frame), one CarView
// per car and one SessionInfoView per session out. apply() only overwrites fields of objects built once
// per car: it runs on rpc's packet path. Traces are kept only for sessions a browser watches.
import { racetel } from "@racetel/proto";
import type { CarView, EventView, InsightReading, SessionInfoView, SessionSummary, Wheels } from "../protocol.js";
import { TraceRing } from "./trace-ring.js";
import { TrackOutline } from "./track-outline.js";

type Frame = racetel.v1.IFrame;
type PerWheel = racetel.v1.IPerWheelFloat | null | undefined;

/** Lower-cased enum names without their prefix ("SESSION_TYPE_RACE" -> "race"), built once. */
function enumNames(values: Record<string, unknown>, prefix: string): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "number") out[value] = name.startsWith(prefix) ? name.slice(prefix.length).toLowerCase() : name.toLowerCase();
  }
  return out;
}
const GAME_NAMES = enumNames(racetel.v1.Game, "GAME_");
const SESSION_TYPES = enumNames(racetel.v1.SessionType, "SESSION_TYPE_");
const WEATHER = enumNames(racetel.v1.Weather, "WEATHER_");
const FLAGS = enumNames(racetel.v1.Flag, "FLAG_");
const SAFETY_CAR = enumNames(racetel.v1.SafetyCarStatus, "SAFETY_CAR_STATUS_");
const EVENT_TYPES = enumNames(racetel.v1.SessionEventType, "SESSION_EVENT_TYPE_");
const COMPOUNDS = enumNames(racetel.v1.TyreCompound, "TYRE_COMPOUND_");
const PIT: string[] = ["", "track", "pit_lane", "pit_box"];
const RESULT: string[] = ["", "inactive", "active", "finished", "dnf", "dsq", "not_classified", "retired"];

/** Events a driver or engineer cares about; buttons, lap-completed and start-light ticks are left out. */
const SHOWN_EVENTS = new Set(["fastest_lap", "retirement", "penalty", "safety_car", "red_flag", "chequered_flag",
  "race_winner", "drs_enabled", "drs_disabled", "lights_out", "drive_through_served", "stop_go_served", "overtake",
  "collision", "best_session_lap", "accident", "session_started", "session_ended", "flag", "race_control"]);

const EVENTS_KEPT = 50;

const isSet = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);
const round1 = (v: number): number => Math.round(v * 10) / 10;
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

function lapTime(ms: number): string {
  const m = Math.floor(ms / 60000);
  const s = (ms % 60000) / 1000;
  return `${m}:${s.toFixed(3).padStart(6, "0")}`;
}

/** Writes a per-wheel payload into `out` (rounded), or returns null when absent. */
function wheels(w: PerWheel, out: Wheels | null, scale = 1): Wheels | null {
  if (w === null || w === undefined) return out;
  const target = out ?? ([0, 0, 0, 0] as Wheels);
  target[0] = round1((w.frontLeft ?? 0) * scale);
  target[1] = round1((w.frontRight ?? 0) * scale);
  target[2] = round1((w.rearLeft ?? 0) * scale);
  target[3] = round1((w.rearRight ?? 0) * scale);
  return target;
}

export function emptyCarView(index: number): CarView {
  return {
    index, driver: "", code: "", team: "", raceNumber: null, player: false,
    position: null, lap: null, currentLapMs: null, lastLapMs: null, bestLapMs: null, sector: null,
    gapLeaderMs: null, intervalMs: null, pit: "", pitStops: null, penaltiesS: null, warnings: null,
    unservedPenalties: null, result: "", lapInvalid: false, lapFraction: null, compound: "", compoundName: "", tyreAgeLaps: null,
    speedKmh: null, gear: null, rpm: null, maxRpm: null, throttle: null, brake: null, steering: null,
    drsOpen: false, drsAllowed: false, ersStoreMj: null, ersMode: "", fuel: null, fuelUnit: "", fuelLaps: null,
    tyreSurfaceC: null, tyreInnerC: null, tyrePressureKpa: null, brakeC: null, tyreWear: null, damage: null,
    x: null, z: null,
    fuelPerLap: null, fuelSpareLaps: null, pitWindow: null, tyreLapsToLimit: null, tyreWindow: null, anomalies: null,
  };
}

const orNull = (v: number, round: (x: number) => number): number | null => (Number.isFinite(v) ? round(v) : null);

/** Wheels from four numbers (rounded), or null when the first is unknown; reuses `out`. */
function wheelsOf(w: ArrayLike<number>, out: Wheels | null, round: (x: number) => number): Wheels | null {
  if (!Number.isFinite(w[0])) return null;
  const target = out ?? ([0, 0, 0, 0] as Wheels);
  for (let i = 0; i < 4; i++) target[i] = Number.isFinite(w[i]) ? round(w[i]!) : 0;
  return target;
}

const WHEEL_WORDS = { front_left: "front left", front_right: "front right", rear_left: "rear left", rear_right: "rear right" } as Record<string, string>;

/** An insight in words, for the events list. */
function describeInsight(name: string, detail: string, value: number): string {
  const where = WHEEL_WORDS[detail] ?? detail.replace(/_/g, " ");
  switch (name) {
    case "fuel_short": return `fuel short: ${Math.abs(value).toFixed(1)} laps too little to finish`;
    case "tyre_wear_limit": return `${where} tyre at the wear limit (${Math.round(value * 100)}%)`;
    case "tyre_hot": return `${where} tyre above its window (${Math.round(value)} °C)`;
    case "tyre_cold": return `${where} tyre below its window (${Math.round(value)} °C)`;
    case "damage": return `damage: ${where} ${Math.round(value * 100)}%`;
    case "anomaly_speed": return `slow where it is usually fast (${value.toFixed(1)} σ): off, or damage?`;
    case "anomaly_brake_temperature": return `${where} brake hotter than usual here (+${value.toFixed(1)} σ)`;
    case "anomaly_tyre_temperature": return `${where} tyre hotter than usual here (+${value.toFixed(1)} σ)`;
    default: return name.replace(/_/g, " ");
  }
}

function emptyInfo(): SessionInfoView {
  return {
    game: "", format: "", track: "", sessionType: "", totalLaps: null, timeLeftS: null, weather: "", airC: null,
    trackC: null, trackFlag: "", safetyCar: "", trackLengthM: null, playerCar: null,
  };
}

export class LiveCar {
  readonly view: CarView;
  lastSeenMs = 0;
  /** Best lap from finished laps (valid ones), so a game's "last lap as best" never shows. */
  private bestFinishedMs = 0;
  trace: TraceRing | undefined;

  constructor(index: number) {
    this.view = emptyCarView(index);
  }

  noteFinishedLap(timeMs: number, valid: boolean): void {
    if (!valid || timeMs <= 0) return;
    if (this.bestFinishedMs === 0 || timeMs < this.bestFinishedMs) this.bestFinishedMs = timeMs;
    this.view.bestLapMs = this.bestFinishedMs;
  }

  /** The best lap the game states, unless finished laps already show a better one. */
  noteGameBest(timeMs: number): void {
    if (timeMs <= 0) return;
    this.view.bestLapMs = this.bestFinishedMs > 0 && this.bestFinishedMs < timeMs ? this.bestFinishedMs : timeMs;
  }
}

export class LiveSession {
  readonly info = emptyInfo();
  readonly cars = new Map<number, LiveCar>();
  readonly events: EventView[] = [];
  /** Events since the last tick (the publisher takes them). */
  readonly newEvents: EventView[] = [];
  readonly outline = new TrackOutline();
  /** Browsers watching; traces are recorded while this is above zero. */
  watchers = 0;
  lastSeenMs = 0;

  constructor(readonly id: string, readonly startedMs: number) {}

  summary(nowMs: number, liveWindowMs: number): SessionSummary {
    return {
      id: this.id, game: this.info.game, format: this.info.format, track: this.info.track,
      sessionType: this.info.sessionType, startedMs: this.startedMs, live: nowMs - this.lastSeenMs <= liveWindowMs,
      cars: this.cars.size,
    };
  }

  addEvent(e: EventView): void {
    this.events.unshift(e);
    if (this.events.length > EVENTS_KEPT) this.events.length = EVENTS_KEPT;
    this.newEvents.push(e);
    if (this.newEvents.length > EVENTS_KEPT) this.newEvents.shift();
  }

  car(index: number, nowMs: number): LiveCar {
    let c = this.cars.get(index);
    if (c === undefined) {
      c = new LiveCar(index);
      if (this.watchers > 0) c.trace = new TraceRing();
      this.cars.set(index, c);
    }
    c.lastSeenMs = nowMs;
    return c;
  }

  watch(): void {
    this.watchers++;
    for (const c of this.cars.values()) c.trace ??= new TraceRing();
  }

  unwatch(): void {
    this.watchers = Math.max(0, this.watchers - 1);
    if (this.watchers === 0) for (const c of this.cars.values()) c.trace = undefined;
  }
}

export interface LiveModelOptions {
  /** A car silent this long leaves the view. */
  carTimeoutMs: number;
  /** A session silent this long leaves the list. */
  sessionTimeoutMs: number;
  /** A session is "live" while its last frame is younger than this. */
  liveWindowMs: number;
}

export function defaultLiveModelOptions(): LiveModelOptions {
  return { carTimeoutMs: 10_000, sessionTimeoutMs: 300_000, liveWindowMs: 10_000 };
}

export class LiveModel {
  readonly sessions = new Map<string, LiveSession>();
  /** Bumped when a session appears, leaves or changes its label; the publisher resends the list. */
  listVersion = 0;

  constructor(readonly options: LiveModelOptions = defaultLiveModelOptions()) {}

  /** Records one accepted frame. Never throws on a well-typed frame; cost is a few field writes. */
  apply(frame: Frame, nowMs: number): void {
    const labels = frame.labels;
    const id = labels?.sessionId;
    if (labels === null || labels === undefined || id === null || id === undefined || id === "" || id === "0") return;
    let s = this.sessions.get(id);
    if (s === undefined) {
      s = new LiveSession(id, nowMs);
      this.sessions.set(id, s);
      this.listVersion++;
    }
    s.lastSeenMs = nowMs;
    this.label(s, labels);
    const carIndex = labels.carIndex;
    const kind = (frame as racetel.v1.Frame).payload;
    if (carIndex === null || carIndex === undefined) {
      if (kind === "session") this.session(s, frame.session!);
      else if (kind === "event") this.event(s, frame.event!, null, nowMs);
      return;
    }
    const car = s.car(carIndex, nowMs);
    const v = car.view;
    if (labels.driver) v.driver = labels.driver;
    if (labels.team) v.team = labels.team;
    const receiveMs = Number(frame.receiveTimeUnixNano ?? 0) / 1e6 || nowMs;
    switch (kind) {
      case "telemetry": this.telemetry(car, frame.telemetry!, receiveMs); break;
      case "motion": this.motion(s, car, frame.motion!); break;
      case "lap": this.lap(s, car, frame.lap!, nowMs); break;
      case "status": this.status(v, frame.status!); break;
      case "damage": this.damage(v, frame.damage!); break;
      case "participant": this.participant(s, v, frame.participant!); break;
      case "finishedLap": car.noteFinishedLap(frame.finishedLap!.lapTimeMs ?? 0, frame.finishedLap!.valid === true); break;
      case "event": this.event(s, frame.event!, car, nowMs); break;
      case "finalResult": {
        const r = frame.finalResult!;
        if (isSet(r.position) && r.position > 0) v.position = r.position;
        v.result = RESULT[r.resultStatus ?? 0] ?? "";
        break;
      }
      default: break;
    }
  }

  private label(s: LiveSession, labels: racetel.v1.IFrameLabels): void {
    const game = GAME_NAMES[labels.game ?? 0] ?? "";
    const format = labels.format ?? "";
    const track = labels.track ?? "";
    const info = s.info;
    if (info.game !== game || info.format !== format || (track !== "" && info.track !== track)) {
      info.game = game;
      info.format = format;
      if (track !== "") info.track = track;
      this.listVersion++;
    }
  }

  private session(s: LiveSession, p: racetel.v1.ISessionInfo): void {
    const i = s.info;
    const type = SESSION_TYPES[p.sessionType ?? 0] ?? "";
    if (type !== i.sessionType || (p.track && p.track !== i.track)) {
      i.sessionType = type;
      if (p.track) i.track = p.track;
      this.listVersion++;
    }
    i.totalLaps = p.totalLaps ? p.totalLaps : null;
    i.timeLeftS = isSet(p.sessionTimeLeftS) ? Math.round(p.sessionTimeLeftS) : null;
    i.weather = WEATHER[p.weather ?? 0] ?? "";
    i.airC = isSet(p.airTemperatureCelsius) ? round1(p.airTemperatureCelsius) : null;
    i.trackC = isSet(p.trackTemperatureCelsius) ? round1(p.trackTemperatureCelsius) : null;
    i.trackFlag = FLAGS[p.trackFlag ?? 0] ?? "";
    i.safetyCar = SAFETY_CAR[p.safetyCarStatus ?? 0] ?? "";
    i.trackLengthM = p.trackLengthM ? Math.round(p.trackLengthM) : null;
    const player = p.playerCarIndex;
    i.playerCar = isSet(player) ? player : null;
    if (i.playerCar !== null) {
      for (const c of s.cars.values()) c.view.player = c.view.index === i.playerCar || c.view.player;
    }
  }

  private participant(s: LiveSession, v: CarView, p: racetel.v1.IParticipant): void {
    if (p.driverName) v.driver = p.driverName;
    v.code = p.driverShortName ?? "";
    if (p.teamName) v.team = p.teamName;
    v.raceNumber = p.raceNumber ? p.raceNumber : null;
    v.player = p.isPlayer === true || s.info.playerCar === v.index;
  }

  private telemetry(car: LiveCar, t: racetel.v1.ICarTelemetry, receiveMs: number): void {
    const v = car.view;
    const kmh = (t.speedMps ?? 0) * 3.6;
    v.speedKmh = round1(kmh);
    v.gear = t.gear ?? 0;
    v.rpm = t.engineRpm ?? 0;
    v.throttle = round3(t.throttle ?? 0);
    v.brake = round3(t.brake ?? 0);
    v.steering = round3(t.steering ?? 0);
    v.drsOpen = t.drsOpen === true;
    v.tyreSurfaceC = wheels(t.tyreSurfaceTemperatureCelsius, v.tyreSurfaceC);
    v.tyreInnerC = wheels(t.tyreInnerTemperatureCelsius, v.tyreInnerC);
    v.tyrePressureKpa = wheels(t.tyrePressureKpa, v.tyrePressureKpa);
    v.brakeC = wheels(t.brakeTemperatureCelsius, v.brakeC);
    car.trace?.push(receiveMs, kmh, t.throttle ?? 0, t.brake ?? 0);
  }

  private motion(s: LiveSession, car: LiveCar, m: racetel.v1.ICarMotion): void {
    const p = m.positionM;
    if (p === null || p === undefined) return;
    const x = p.x ?? 0;
    const z = p.z ?? 0;
    // A car parked at the origin (garage, not yet placed) is no position at all.
    if (x === 0 && z === 0) return;
    car.view.x = round1(x);
    car.view.z = round1(z);
    const f = car.view.lapFraction;
    // Pit-lane positions would pull the outline off the racing line.
    if (f !== null && (car.view.pit === "track" || car.view.pit === "")) s.outline.add(f, x, z);
  }

  private lap(s: LiveSession, car: LiveCar, l: racetel.v1.ILapState, nowMs: number): void {
    const v = car.view;
    v.position = l.position ? l.position : v.position;
    v.lap = l.lapNumber ? l.lapNumber : null;
    v.currentLapMs = l.currentLapTimeMs ?? 0;
    v.lastLapMs = l.lastLapTimeMs ? l.lastLapTimeMs : v.lastLapMs;
    car.noteGameBest(l.bestLapTimeMs ?? 0);
    v.sector = l.currentSector ? l.currentSector : null;
    v.gapLeaderMs = l.gapToLeaderMs ?? 0;
    v.intervalMs = l.gapToCarAheadMs ?? 0;
    const pit = PIT[l.pitStatus ?? 0] ?? "";
    if (v.pit === "track" && pit === "pit_lane") this.event(s, { type: racetel.v1.SessionEventType.SESSION_EVENT_TYPE_PIT_ENTRY }, car, nowMs);
    else if (v.pit !== "" && v.pit !== "track" && pit === "track") this.event(s, { type: racetel.v1.SessionEventType.SESSION_EVENT_TYPE_PIT_EXIT }, car, nowMs);
    v.pit = pit;
    v.pitStops = l.pitStops ?? 0;
    v.penaltiesS = l.penaltiesS ?? 0;
    v.warnings = l.warnings ?? 0;
    v.unservedPenalties = (l.unservedDriveThrough ?? 0) + (l.unservedStopGo ?? 0);
    // Retirements come as the game's own events (F1 RTMT); deriving them here would show them twice.
    const result = RESULT[l.resultStatus ?? 0] ?? "";
    v.result = result;
    v.lapInvalid = l.lapInvalid === true;
    v.lapFraction = isSet(l.lapFraction) && l.lapFraction >= 0 && l.lapFraction <= 1 ? round3(l.lapFraction) : null;
  }

  private status(v: CarView, st: racetel.v1.ICarStatus): void {
    if (isSet(st.fuelMassKg)) {
      v.fuel = round1(st.fuelMassKg);
      v.fuelUnit = "kg";
    } else if (isSet(st.fuelVolumeL)) {
      v.fuel = round1(st.fuelVolumeL);
      v.fuelUnit = "L";
    }
    v.fuelLaps = isSet(st.fuelRemainingLaps) ? round1(st.fuelRemainingLaps) : null;
    v.ersStoreMj = isSet(st.ersStoreJ) ? round3(st.ersStoreJ / 1e6) : null;
    v.ersMode = st.ersDeployMode ?? "";
    // The broad compound (soft/medium/hard/...) colours the badge; the exact one ("C3") is its tooltip.
    const broad = COMPOUNDS[st.tyreCompound ?? 0] ?? "";
    v.compound = broad === "unspecified" || broad === "other" || broad === "" ? (st.tyreVisualCompoundName || st.tyreCompoundName || "") : broad;
    v.compoundName = st.tyreCompoundName ?? "";
    v.tyreAgeLaps = st.tyreAgeLaps ?? 0;
    v.drsAllowed = st.drsAllowed === true;
    v.maxRpm = st.maxRpm ? st.maxRpm : null;
  }

  private damage(v: CarView, d: racetel.v1.ICarDamage): void {
    v.tyreWear = wheels(d.tyreWear, v.tyreWear, 100);
    const parts = v.damage ?? (v.damage = [0, 0, 0, 0, 0, 0, 0, 0]);
    parts[0] = round3(d.frontLeftWingDamage ?? 0);
    parts[1] = round3(d.frontRightWingDamage ?? 0);
    parts[2] = round3(d.rearWingDamage ?? 0);
    parts[3] = round3(d.floorDamage ?? 0);
    parts[4] = round3(d.diffuserDamage ?? 0);
    parts[5] = round3(d.sidepodDamage ?? 0);
    parts[6] = round3(d.gearboxDamage ?? 0);
    parts[7] = round3(d.engineDamage ?? 0);
  }

  private event(s: LiveSession, e: racetel.v1.ISessionEvent, car: LiveCar | null, nowMs: number): void {
    const type = EVENT_TYPES[e.type ?? 0] ?? "other";
    if (!SHOWN_EVENTS.has(type) && type !== "pit_entry" && type !== "pit_exit" && type !== "retirement") return;
    const driver = car?.view.driver ?? "";
    s.addEvent({ atMs: nowMs, type, car: car?.view.index ?? null, driver, text: describe(type, e, s) });
  }

  /** The car's insights as rpc computed them (after each lap sample): a few number writes. */
  noteInsights(sessionId: string, carIndex: number, r: InsightReading): void {
    const v = this.sessions.get(sessionId)?.cars.get(carIndex)?.view;
    if (v === undefined) return;
    v.fuelPerLap = orNull(r.fuelPerLap, round3);
    v.fuelSpareLaps = orNull(r.fuelSpareLaps, round1);
    if (Number.isFinite(r.pitOpen) && Number.isFinite(r.pitClose)) {
      const w = v.pitWindow ?? (v.pitWindow = [0, 0]);
      w[0] = r.pitOpen;
      w[1] = r.pitClose;
    } else v.pitWindow = null;
    v.tyreLapsToLimit = wheelsOf(r.lapsToLimit, v.tyreLapsToLimit, round1);
    v.tyreWindow = wheelsOf(r.temperatureState, v.tyreWindow, Math.round);
    v.anomalies = orNull(r.anomalies, Math.round);
  }

  /** An insight rpc raised, into the session's events. */
  insightEvent(sessionId: string, carIndex: number, name: string, detail: string, value: number, nowMs: number): void {
    const s = this.sessions.get(sessionId);
    if (s === undefined) return;
    const driver = s.cars.get(carIndex)?.view.driver ?? "";
    s.addEvent({ atMs: nowMs, type: `insight_${name}`, car: carIndex, driver, text: describeInsight(name, detail, value) });
  }

  /** Drops silent cars and sessions; returns the removed car indices per session still listed. */
  expire(nowMs: number): Map<string, number[]> {
    const removed = new Map<string, number[]>();
    for (const [id, s] of this.sessions) {
      if (nowMs - s.lastSeenMs > this.options.sessionTimeoutMs) {
        this.sessions.delete(id);
        this.listVersion++;
        continue;
      }
      for (const [index, c] of s.cars) {
        if (nowMs - c.lastSeenMs > this.options.carTimeoutMs) {
          s.cars.delete(index);
          let list = removed.get(id);
          if (list === undefined) removed.set(id, (list = []));
          list.push(index);
        }
      }
    }
    return removed;
  }

  /** Sessions, newest live first, then newest ended. */
  list(nowMs: number): SessionSummary[] {
    const out: SessionSummary[] = [];
    for (const s of this.sessions.values()) out.push(s.summary(nowMs, this.options.liveWindowMs));
    out.sort((a, b) => Number(b.live) - Number(a.live) || b.startedMs - a.startedMs);
    return out;
  }
}

function describe(type: string, e: racetel.v1.ISessionEvent, s: LiveSession): string {
  const other = isSet(e.otherCarIndex) ? s.cars.get(e.otherCarIndex)?.view.driver || `car ${e.otherCarIndex}` : "";
  switch (type) {
    case "fastest_lap": return e.lapTimeMs ? `fastest lap ${lapTime(e.lapTimeMs)}` : "fastest lap";
    case "best_session_lap": return e.lapTimeMs ? `best lap of the session ${lapTime(e.lapTimeMs)}` : "best lap of the session";
    case "penalty": {
      const parts = [e.penaltyType || "penalty"];
      if (e.infringement) parts.push(`(${e.infringement})`);
      if (e.penaltyTimeS) parts.push(`+${e.penaltyTimeS} s`);
      if (e.lapNumber) parts.push(`lap ${e.lapNumber}`);
      return parts.join(" ");
    }
    case "retirement": return e.code && e.code !== "RTMT" ? `out of the race (${e.code})` : "retired";
    case "safety_car": return ["no safety car", "safety car", "virtual safety car", "formation lap"][e.safetyCarType ?? 0] + " " + (["deployed", "returning", "returned", "race resumes"][e.safetyCarPhase ?? 0] ?? "");
    case "overtake": return other ? `overtook ${other}` : "overtake";
    case "collision": return other ? `collision with ${other}` : "collision";
    case "speed_trap": return e.speedMps ? `speed trap ${Math.round(e.speedMps * 3.6)} km/h` : "speed trap";
    case "flag": return `${(FLAGS[e.flag ?? 0] ?? "").replace(/_/g, " ") || "flag"} flag${e.message ? `: ${e.message}` : ""}`;
    case "race_control": return e.message || "race control";
    case "pit_entry": return "entered the pit lane";
    case "pit_exit": return "left the pit lane";
    case "drive_through_served": return "served a drive-through";
    case "stop_go_served": return "served a stop-go";
    default: return (e.message || type.replace(/_/g, " "));
  }
}
