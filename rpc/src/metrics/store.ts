// Latest state per (session, car), overwritten in place by each frame. Reporting reads it once per
// collection, so the cost of metrics depends on cars x channels, not on the packet rate.
import type { Attributes } from "@opentelemetry/api";
import { NewSessionBudget, racetel } from "@racetel/proto";
import { toNumber } from "../int64.js";
import {
  CAR_CHANNELS, CAR_GROUPS, LAP_METRICS, WHEELS, WHEEL_CHANNELS, WHEEL_GROUPS,
  LAP_HISTORY_METRICS, damageChannels, damageWheelChannels, lapChannels, motionChannels, readFinishedLap, resultChannels, sessionChannels,
  statusChannels, telemetryChannels, telemetryWheelChannels, timeTrialChannels,
} from "./channels.js";
import type { Channel, WheelChannel } from "./channels.js";

type Frame = racetel.v1.IFrame;
type Labels = racetel.v1.IFrameLabels;

const GAME_NAMES: Record<number, string> = {
  [racetel.v1.Game.GAME_F1]: "f1",
  [racetel.v1.Game.GAME_ACC]: "acc",
  [racetel.v1.Game.GAME_F1_SIMULATED]: "f1_simulated",
};

/** The `game` attribute value for a Game enum number. */
export function gameName(game: number | null | undefined): string {
  return GAME_NAMES[game ?? 0] ?? "unspecified";
}

// Event names: SessionEventType without its prefix, lowercased ("fastest_lap"); built once.
const EVENT_NAMES: string[] = [];
for (const [name, value] of Object.entries(racetel.v1.SessionEventType)) {
  if (typeof value === "number") EVENT_NAMES[value] = name.replace(/^SESSION_EVENT_TYPE_/, "").toLowerCase();
}
export function eventName(type: number | null | undefined): string {
  return EVENT_NAMES[type ?? 0] ?? "unspecified";
}

interface EventCount {
  count: number;
  attrs: Attributes;
}

/** A finished lap, reported for a few collections and then dropped. */
export interface LapRecord {
  lap: number;
  values: Float64Array;
  /** Tyre wear delta per wheel, in WHEELS order; NaN when the frame had none. */
  wearDelta: Float64Array;
  attrs: Attributes;
  wheelAttrs: Attributes[];
  collectionsLeft: number;
}

/** What live timing measured on a lap, kept a little longer than the lap is reported. */
interface LiveLap {
  lap: number;
  values: Float64Array;
  wearDelta: Float64Array;
}

/**
 * Live laps remembered per car. The game's lap history for a car comes round about once a second,
 * so it follows the live record of the same lap closely; a few laps cover a late one.
 */
const LIVE_LAPS_REMEMBERED = 4;
const HISTORY_ORIGIN = racetel.v1.FinishedLapOrigin.FINISHED_LAP_ORIGIN_HISTORY;
const LIVE_ORIGIN = racetel.v1.FinishedLapOrigin.FINISHED_LAP_ORIGIN_LIVE;
const historyScratch = new Float64Array(LAP_METRICS.length);
/** Where racetel.lap.position sits in a lap record's values. */
const LAP_POSITION_SLOT = LAP_METRICS.findIndex((m) => m.name === "racetel.lap.position");

/** Counts attribute sets handed to the SDK, which memoises every one it ever sees (see otel.ts). */
export interface AttributeSetCounter {
  created: number;
}

/**
 * Copies a payload's channels into a car's (or session's) values. NaN never overwrites: it is a value
 * validation dropped (out of range) or a field the frame does not carry, and the last good value stands.
 */
function fillFrom<P>(channels: Channel<P>[], payload: P, out: Float64Array, offset: number): void {
  for (let i = 0; i < channels.length; i++) {
    const v = channels[i]!.read(payload);
    if (v === v) out[offset + i] = v;
  }
}

function setIfNumber(out: Float64Array, at: number, v: number): void {
  if (v === v) out[at] = v;
}

function fillWheelsFrom<P>(channels: WheelChannel<P>[], payload: P, out: Float64Array, group: number): void {
  for (let i = 0; i < channels.length; i++) {
    const w = channels[i]!.read(payload);
    if (w === null || w === undefined) continue;
    const base = (group + i) * 4;
    setIfNumber(out, base, w.frontLeft ?? 0);
    setIfNumber(out, base + 1, w.frontRight ?? 0);
    setIfNumber(out, base + 2, w.rearLeft ?? 0);
    setIfNumber(out, base + 3, w.rearRight ?? 0);
  }
}

/** Bumps the count of `event`, creating its series (owner's attributes + `event`) on first sight. */
function countEventIn(events: Map<string, EventCount>, attrs: Attributes, counter: AttributeSetCounter, event: string): void {
  let e = events.get(event);
  if (e === undefined) {
    e = { count: 0, attrs: { ...attrs, event } };
    events.set(event, e);
    counter.created += 1;
  }
  e.count += 1;
}

/** One car of one session. */
export class CarState {
  readonly values = new Float64Array(CAR_CHANNELS.length).fill(Number.NaN);
  /** WHEEL_CHANNELS.length x 4 wheels, channel-major. */
  readonly wheels = new Float64Array(WHEEL_CHANNELS.length * 4).fill(Number.NaN);
  attrs: Attributes = {};
  wheelAttrs: Attributes[] = [];
  readonly laps: LapRecord[] = [];
  readonly events = new Map<string, EventCount>();
  /** Available tyre sets by compound (F1 TyreSets), with their attribute sets. */
  readonly tyreSets = new Map<string, EventCount>();
  /** Last position reported per lap from F1 25 LapPositions (0 = none), so unchanged laps are not re-reported. */
  private lapPositionsSeen: Uint8Array | undefined;
  /** Ring of recent live laps (allocated at the first one). */
  private liveLaps: LiveLap[] | undefined;
  private liveLapNext = 0;
  lastSeenMs = 0;
  private driver = "\u0000";
  private team = "\u0000";
  private track = "\u0000";
  private source = "\u0000";
  private game = "\u0000";

  constructor(
    readonly sessionId: string,
    readonly carIndex: number,
    private readonly counter: AttributeSetCounter,
  ) {}

  /** Rebuilds the attribute objects when a label changed (rare: driver names arrive after the first frames). */
  relabel(labels: Labels): void {
    const driver = labels.driver ?? "";
    const team = labels.team ?? "";
    const track = labels.track ?? "";
    const source = labels.source ?? "";
    const game = gameName(labels.game);
    if (driver === this.driver && team === this.team && track === this.track && source === this.source && game === this.game) return;
    this.driver = driver;
    this.team = team;
    this.track = track;
    this.source = source;
    this.game = game;
    this.attrs = {
      session_id: this.sessionId, car_index: String(this.carIndex), driver, team, game, track, source,
    };
    this.wheelAttrs = WHEELS.map((wheel) => ({ ...this.attrs, wheel }));
    this.counter.created += 1 + WHEELS.length;
    // Lap and event attribute sets are derived from the car's; rebuild them too.
    for (const lap of this.laps) this.setLapAttrs(lap);
    for (const [event, e] of this.events) e.attrs = { ...this.attrs, event };
    for (const [compound, e] of this.tyreSets) e.attrs = { ...this.attrs, compound };
  }

  /** Counts the available sets per compound name (F1 TyreSets: every set of the car, each time). */
  setTyreSets(t: racetel.v1.IF1TyreSets): void {
    for (const e of this.tyreSets.values()) e.count = 0;
    for (const set of t.sets ?? []) {
      if (set.available !== true) continue;
      const compound = set.tyreCompoundName || "unknown";
      let e = this.tyreSets.get(compound);
      if (e === undefined) {
        // Bounded: compound names come from the decoder's fixed table.
        if (this.tyreSets.size >= 16) continue;
        e = { count: 0, attrs: { ...this.attrs, compound } };
        this.tyreSets.set(compound, e);
        this.counter.created += 1;
      }
      e.count += 1;
    }
  }

  /** F1 25 LapPositions: the position at the end of each lap becomes that lap's racetel.lap.position. */
  setLapPositions(p: racetel.v1.IF1LapPositions, holdCollections: number): void {
    const first = p.firstLap ?? 1;
    const positions = p.positions ?? [];
    this.lapPositionsSeen ??= new Uint8Array(256);
    for (let i = 0; i < positions.length; i++) {
      const lap = first + i;
      const position = positions[i]!;
      if (position < 1 || position > 255 || lap < 1 || lap > 255 || this.lapPositionsSeen[lap] === position) continue;
      this.lapPositionsSeen[lap] = position;
      const rec = this.lapRecord(lap);
      rec.values[LAP_POSITION_SLOT] = position;
      rec.collectionsLeft = holdCollections;
    }
  }

  private lapRecord(lap: number): LapRecord {
    let rec = this.laps.find((r) => r.lap === lap);
    if (rec === undefined) {
      rec = { lap, values: new Float64Array(LAP_METRICS.length).fill(Number.NaN), wearDelta: new Float64Array(4).fill(Number.NaN), attrs: {}, wheelAttrs: [], collectionsLeft: 0 };
      this.setLapAttrs(rec);
      this.laps.push(rec);
    }
    return rec;
  }

  private setLapAttrs(rec: LapRecord): void {
    rec.attrs = { ...this.attrs, lap: String(rec.lap) };
    rec.wheelAttrs = WHEELS.map((wheel) => ({ ...rec.attrs, wheel }));
    this.counter.created += 1 + WHEELS.length;
  }

  addLap(lap: racetel.v1.IFinishedLap, holdCollections: number): void {
    const number = lap.lapNumber ?? 0;
    const rec = this.lapRecord(number);
    // A lap-history record has times and validity only (its position, pit flag, top speed ... are
    // unknown, not zero): it must not wipe what live timing measured on the same lap.
    const live = lap.origin === HISTORY_ORIGIN ? this.liveLaps?.find((l) => l.lap === number) : undefined;
    if (live !== undefined) {
      rec.values.set(live.values);
      rec.wearDelta.set(live.wearDelta);
      readFinishedLap(lap, historyScratch);
      rec.values.set(historyScratch.subarray(0, LAP_HISTORY_METRICS));
    } else {
      readFinishedLap(lap, rec.values);
      const w = lap.tyreWearDelta;
      if (w === null || w === undefined) rec.wearDelta.fill(Number.NaN);
      else {
        rec.wearDelta[0] = w.frontLeft ?? 0;
        rec.wearDelta[1] = w.frontRight ?? 0;
        rec.wearDelta[2] = w.rearLeft ?? 0;
        rec.wearDelta[3] = w.rearRight ?? 0;
      }
      if (lap.origin === LIVE_ORIGIN) this.rememberLive(number, rec);
    }
    rec.collectionsLeft = holdCollections;
  }

  private rememberLive(lap: number, rec: LapRecord): void {
    this.liveLaps ??= Array.from({ length: LIVE_LAPS_REMEMBERED }, () => ({ lap: -1, values: new Float64Array(LAP_METRICS.length), wearDelta: new Float64Array(4) }));
    let slot = this.liveLaps.find((l) => l.lap === lap);
    if (slot === undefined) {
      slot = this.liveLaps[this.liveLapNext]!;
      this.liveLapNext = (this.liveLapNext + 1) % LIVE_LAPS_REMEMBERED;
    }
    slot.lap = lap;
    slot.values.set(rec.values);
    slot.wearDelta.set(rec.wearDelta);
  }

  countEvent(event: string): void {
    countEventIn(this.events, this.attrs, this.counter, event);
  }
}

/** One session: its session-wide channels and its cars. */
export class SessionState {
  readonly values = new Float64Array(sessionChannels.length).fill(Number.NaN);
  /** F1 24+ time trial laps (timeTrialChannels), NaN until a TimeTrial frame came. */
  readonly timeTrial = new Float64Array(timeTrialChannels.length).fill(Number.NaN);
  readonly cars = new Map<number, CarState>();
  readonly events = new Map<string, EventCount>();
  attrs: Attributes = {};
  lastSeenMs = 0;
  /**
   * False while on probation (fewer than SESSION_ESTABLISHED_AFTER_FRAMES frames or less than
   * SESSION_ESTABLISHED_AFTER_MS of event time so far): such sessions are evicted first when rpc is full,
   * so a flood of one-off session ids evicts itself, not a live console.
   */
  established = false;
  /** Frames so far, and the first and latest frame time (event time, ms) while on probation. */
  frames = 0;
  firstFrameMs = Number.NaN;
  private track = "\u0000";
  private source = "\u0000";
  private game = "\u0000";

  constructor(readonly id: string, private readonly counter: AttributeSetCounter) {}

  relabel(labels: Labels): void {
    const track = labels.track ?? "";
    const source = labels.source ?? "";
    const game = gameName(labels.game);
    if (track === this.track && source === this.source && game === this.game) return;
    this.track = track;
    this.source = source;
    this.game = game;
    this.attrs = { session_id: this.id, game, track, source };
    this.counter.created += 1;
    for (const [event, e] of this.events) e.attrs = { ...this.attrs, event };
  }

  countEvent(event: string): void {
    countEventIn(this.events, this.attrs, this.counter, event);
  }
}

/** ingest's counters as last reported, per ingest instance. */
export interface IngestRecord {
  instance: string;
  stats: racetel.v1.IIngestStats;
  framesDroppedTotal: number;
  lastSeenMs: number;
}

/** A session is established (no longer evicted before live ones) after this many frames spanning this much event time. */
export const SESSION_ESTABLISHED_AFTER_FRAMES = 10;
export const SESSION_ESTABLISHED_AFTER_MS = 1000;
/** Least recently active probation sessions looked at for the one with fewest frames to evict. */
const EVICTION_SCAN = 8;

/** Why apply() refused a frame of a new session. */
export type SessionRefusal = "session_budget" | "too_many_sessions";

export interface StoreOptions {
  carTimeoutMs: number;
  sessionTimeoutMs: number;
  lapHoldCollections: number;
  /** Sessions held at once (memory stays bounded); a newcomer evicts a session on probation or a silent one. */
  maxSessions: number;
  /** New sessions one frame source (labels.source) may open per minute. */
  newSessionsPerMinute: number;
}

/** All live sessions and cars. apply() is the per-frame hot path: it only overwrites numbers. */
export class TelemetryStore {
  readonly sessions = new Map<string, SessionState>();
  readonly ingest = new Map<string, IngestRecord>();
  /** Sessions on probation, least recently active first. */
  readonly probation = new Map<string, SessionState>();
  readonly attributeSets: AttributeSetCounter = { created: 0 };
  private readonly budget: NewSessionBudget;
  carsLive = 0;
  sessionsEvicted = 0;
  /** Why the last refused frame was refused. */
  refusal: SessionRefusal = "too_many_sessions";

  constructor(private readonly options: StoreOptions) {
    this.budget = new NewSessionBudget({ perMinute: options.newSessionsPerMinute, maxSources: 4 * options.maxSessions });
  }

  private session(id: string, labels: Labels, frame: Frame, nowMs: number): SessionState | undefined {
    let s = this.sessions.get(id);
    if (s === undefined) {
      if (!this.budget.take(labels.source ?? "", nowMs)) {
        this.refusal = "session_budget";
        return undefined;
      }
      if (this.sessions.size >= this.options.maxSessions && !this.evictOne(nowMs)) {
        this.refusal = "too_many_sessions";
        return undefined;
      }
      s = new SessionState(id, this.attributeSets);
      this.sessions.set(id, s);
    }
    if (!s.established) this.onProbation(s, frame, nowMs);
    s.relabel(labels);
    s.lastSeenMs = nowMs;
    return s;
  }

  private onProbation(s: SessionState, frame: Frame, nowMs: number): void {
    const t = frame.receiveTimeUnixNano === null || frame.receiveTimeUnixNano === undefined ? nowMs : toNumber(frame.receiveTimeUnixNano) / 1e6;
    if (s.frames === 0) s.firstFrameMs = t;
    s.frames++;
    this.probation.delete(s.id);
    if (s.frames >= SESSION_ESTABLISHED_AFTER_FRAMES && t - s.firstFrameMs >= SESSION_ESTABLISHED_AFTER_MS) s.established = true;
    else this.probation.set(s.id, s);
  }

  /** Makes room for a new session: a probation session first, else one silent for a car timeout. */
  private evictOne(nowMs: number): boolean {
    let victim: SessionState | undefined;
    let scanned = 0;
    for (const s of this.probation.values()) {
      if (victim === undefined || s.frames < victim.frames) victim = s;
      if (++scanned >= EVICTION_SCAN) break;
    }
    if (victim === undefined) {
      for (const s of this.sessions.values()) {
        if (nowMs - s.lastSeenMs > this.options.carTimeoutMs && (victim === undefined || s.lastSeenMs < victim.lastSeenMs)) victim = s;
      }
    }
    if (victim === undefined) return false;
    this.forget(victim);
    this.sessionsEvicted++;
    return true;
  }

  private forget(s: SessionState): void {
    this.carsLive -= s.cars.size;
    this.sessions.delete(s.id);
    this.probation.delete(s.id);
  }

  private car(session: SessionState, carIndex: number, labels: Labels, nowMs: number): CarState {
    let c = session.cars.get(carIndex);
    if (c === undefined) {
      c = new CarState(session.id, carIndex, this.attributeSets);
      session.cars.set(carIndex, c);
      this.carsLive += 1;
    }
    c.relabel(labels);
    c.lastSeenMs = nowMs;
    return c;
  }

  /** Records one (validated) frame and returns its session, or undefined when a new session was refused (why: .refusal). */
  apply(frame: Frame, nowMs: number): SessionState | undefined {
    const labels = frame.labels!;
    const session = this.session(labels.sessionId!, labels, frame, nowMs);
    if (session === undefined) return undefined;
    const carIndex = labels.carIndex;
    const kind = (frame as racetel.v1.Frame).payload;
    if (carIndex === null || carIndex === undefined) {
      if (kind === "session") fillFrom(sessionChannels, frame.session!, session.values, 0);
      else if (kind === "f1TimeTrial") fillFrom(timeTrialChannels, frame.f1TimeTrial!, session.timeTrial, 0);
      else if (kind === "event") session.countEvent(eventName(frame.event!.type));
      return session;
    }
    const car = this.car(session, carIndex, labels, nowMs);
    switch (kind) {
      case "telemetry":
        fillFrom(telemetryChannels, frame.telemetry!, car.values, CAR_GROUPS.telemetry);
        fillWheelsFrom(telemetryWheelChannels, frame.telemetry!, car.wheels, WHEEL_GROUPS.telemetry);
        break;
      case "motion":
        fillFrom(motionChannels, frame.motion!, car.values, CAR_GROUPS.motion);
        break;
      case "lap":
        fillFrom(lapChannels, frame.lap!, car.values, CAR_GROUPS.lap);
        break;
      case "status":
        fillFrom(statusChannels, frame.status!, car.values, CAR_GROUPS.status);
        break;
      case "damage":
        fillFrom(damageChannels, frame.damage!, car.values, CAR_GROUPS.damage);
        fillWheelsFrom(damageWheelChannels, frame.damage!, car.wheels, WHEEL_GROUPS.damage);
        break;
      case "finalResult":
        fillFrom(resultChannels, frame.finalResult!, car.values, CAR_GROUPS.result);
        break;
      case "finishedLap":
        car.addLap(frame.finishedLap!, this.options.lapHoldCollections);
        break;
      case "event":
        car.countEvent(eventName(frame.event!.type));
        break;
      case "f1TyreSets":
        car.setTyreSets(frame.f1TyreSets!);
        break;
      case "f1LapPositions":
        car.setLapPositions(frame.f1LapPositions!, this.options.lapHoldCollections);
        break;
      default:
        // Participant, setup (static while a stint lasts: Subscribe has them), lobby players: labels only.
        break;
    }
    return session;
  }

  /** Records an ingest instance's counters. */
  applyIngest(instance: string, stats: racetel.v1.IIngestStats | null | undefined, framesDroppedTotal: number, nowMs: number): void {
    let rec = this.ingest.get(instance);
    if (rec === undefined) {
      rec = { instance, stats: {}, framesDroppedTotal: 0, lastSeenMs: nowMs };
      this.ingest.set(instance, rec);
      this.attributeSets.created += 1;
    }
    if (stats !== null && stats !== undefined) rec.stats = stats;
    rec.framesDroppedTotal = framesDroppedTotal;
    rec.lastSeenMs = nowMs;
  }

  /** Forgets silent cars, sessions and ingest instances; returns how many cars were dropped. */
  expire(nowMs: number): number {
    let dropped = 0;
    for (const [id, session] of this.sessions) {
      const sessionSilent = nowMs - session.lastSeenMs > this.options.sessionTimeoutMs;
      for (const [index, car] of session.cars) {
        if (sessionSilent || nowMs - car.lastSeenMs > this.options.carTimeoutMs) {
          session.cars.delete(index);
          dropped++;
        }
      }
      if (sessionSilent) {
        this.sessions.delete(id);
        this.probation.delete(id);
      }
    }
    for (const [instance, rec] of this.ingest) {
      if (nowMs - rec.lastSeenMs > this.options.sessionTimeoutMs) this.ingest.delete(instance);
    }
    this.carsLive -= dropped;
    return dropped;
  }
}
