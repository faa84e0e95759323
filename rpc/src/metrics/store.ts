// Live state per (session, car), and what of it is to be stored, in event time: the time ingest received
// the game's packet (carried on every frame), never the time rpc happens to look. Three kinds of output:
// - trace samples: the trace channels at every instant the game sent them (trace.ts);
// - state snapshots: the other channels at every export-interval boundary of event time, only the
//   channels that changed since the previous boundary, and all of them at every heartbeat boundary;
// - occurrences: finished laps and events, once, at the time they happened.
// The same frames give the same rows however fast they arrive (replay at any speed, resend after a crash).
import type { Attributes } from "@opentelemetry/api";
import { NewSessionBudget, racetel } from "@racetel/proto";
import { toNumber } from "../int64.js";
import {
  CAR_CHANNELS, CAR_GROUPS, LAP_METRICS, WHEELS, WHEEL_CHANNELS, WHEEL_GROUPS,
  LAP_HISTORY_METRICS, carSlot, damageChannels, damageWheelChannels, lapChannels, motionChannels, readFinishedLap, resultChannels, sessionChannels, sessionSlot,
  statusChannels, telemetryChannels, telemetryWheelChannels, timeTrialChannels,
} from "./channels.js";
import type { Channel, WheelChannel } from "./channels.js";
import { CarInsights } from "../insights/car-insights.js";
import type { InsightEventName } from "../insights/metrics.js";
import { defaultInsightOptions, type InsightOptions } from "../insights/options.js";
import { M_CAR, M_CAR_EVENT, M_CAR_INFO, M_INSIGHT, M_INSIGHT_EVENT, M_INSIGHT_WHEEL, M_LAP, M_LAP_MARK, M_LAP_WEAR, M_SESSION, M_SESSION_EVENT, M_SESSION_INFO, M_TIME_TRIAL, M_TYRE_SETS, M_WHEEL } from "./catalogue.js";
import { CarLapMarks, type MarkMetrics, type SessionBest } from "./lap-marks.js";
import { channelMasks, type ChannelMasks } from "./sent-channels.js";
import { TraceBuffer } from "./trace.js";

type Frame = racetel.v1.IFrame;
type Labels = racetel.v1.IFrameLabels;

const GAME_NAMES: Record<number, string> = {
  [racetel.v1.Game.GAME_F1]: "f1",
  [racetel.v1.Game.GAME_ACC]: "acc",
  [racetel.v1.Game.GAME_F1_SIMULATED]: "f1_simulated",
  [racetel.v1.Game.GAME_F1_LIVE_TIMING]: "f1_live",
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

/** Points to store that share attributes and a time: one line in InfluxDB. */
export interface PointGroup {
  /** Event time, ns since the Unix epoch (a double, as frames carry it). */
  t: number;
  attrs: Attributes;
  metrics: number[];
  values: number[];
}

/** Where each car channel goes in a trace sample (-1: a state channel). */
export type TraceColumns = Int16Array;

export interface RecordingOptions {
  /** False when nothing is exported (--otlp-endpoint off): live state only, nothing kept for a collector. */
  enabled: boolean;
  /** CAR_CHANNELS slots stored at game rate (catalogue.ts traceSlots). */
  traceSlots: readonly number[];
  /** Event-time interval of state snapshots, ms (the export interval). */
  stateIntervalMs: number;
  /** Every channel is stored at boundaries that are multiples of this, changed or not, ms. */
  heartbeatMs: number;
  /** How long after a frame's instant later frames of the same session may still arrive, ms. */
  latenessMs: number;
}

// Payload kinds that carry trace channels, as bits of TraceBuffer.begin.
const KIND_TELEMETRY = 1;
const KIND_MOTION = 2;
const KIND_LAP = 4;

/** Live laps remembered per car: the game's lap history follows the live record of a lap closely. */
const LIVE_LAPS_REMEMBERED = 4;
const HISTORY_ORIGIN = racetel.v1.FinishedLapOrigin.FINISHED_LAP_ORIGIN_HISTORY;
const LIVE_ORIGIN = racetel.v1.FinishedLapOrigin.FINISHED_LAP_ORIGIN_LIVE;
const LAP_POSITION_SLOT = LAP_METRICS.findIndex((m) => m.name === "racetel.lap.position");
const LAP_NUMBER_SLOT = carSlot("racetel.car.lap.number");
const LAP_DISTANCE_SLOT = carSlot("racetel.car.lap.distance");
const LAP_TIME_SLOT = carSlot("racetel.car.lap.current_time");
const LAST_LAP_SLOT = carSlot("racetel.car.lap.last_time");
const LAP_INVALID_SLOT = carSlot("racetel.car.lap.invalid");
const DELTA_PB_SLOT = carSlot("racetel.car.lap.delta_to_personal_best");
const DELTA_SB_SLOT = carSlot("racetel.car.lap.delta_to_session_best");
const SESSION_TYPE_SLOT = sessionSlot("racetel.session.type");
const TRACK_LENGTH_SLOT = sessionSlot("racetel.session.track_length");
const MARK_METRICS: MarkMetrics = { distance: M_LAP_MARK, time: M_LAP_MARK + 1, fraction: M_LAP_MARK + 2, fractionTime: M_LAP_MARK + 3 };
/** racetel.v1.SessionType numbers in words, for session labels. */
const SESSION_TYPE_WORDS = ["session", "Practice", "Qualifying", "Sprint shootout", "Sprint", "Race", "Time trial", "Hotlap", "Warm-up", "Superpole"];

/** The game in words: "F1 24", "ACC", "F1 24 (simulated)". */
function gameWords(game: string, format: string): string {
  const year = /^20(\d\d)$/.exec(format)?.[1];
  const f1 = year === undefined ? "F1" : `F1 ${year}`;
  if (game === "f1") return f1;
  if (game === "f1_simulated") return `${f1} (simulated)`;
  if (game === "f1_live") return "Formula 1 (live timing)";
  return game === "acc" ? "ACC" : game;
}
/** Point groups a session may hold for the collector before the oldest are dropped. */
export const MAX_PENDING_GROUPS = 500_000;

interface LiveLap {
  lap: number;
  values: Float64Array;
  wearDelta: Float64Array;
}

/** Counts attribute sets created (series rpc may create; reported on /metrics). */
export interface AttributeSetCounter {
  created: number;
}

/**
 * Copies a payload's channels into a car's (or session's) values, and the trace ones into the open
 * sample. NaN never overwrites: it is a value validation dropped or a field the frame does not carry.
 */
function fillFrom<P>(channels: Channel<P>[], payload: P, out: Float64Array, offset: number, columns?: TraceColumns, trace?: TraceBuffer, mask?: Uint8Array): void {
  for (let i = 0; i < channels.length; i++) {
    if (mask !== undefined && mask[offset + i] === 0) continue; // a channel this source never sends
    const v = channels[i]!.read(payload);
    if (v !== v) continue;
    out[offset + i] = v;
    if (trace !== undefined) {
      const column = columns![offset + i]!;
      if (column >= 0) trace.put(column, v);
    }
  }
}

const FLAG_NAMES: string[] = [];
for (const [name, value] of Object.entries(racetel.v1.Flag)) if (typeof value === "number") FLAG_NAMES[value] = name.replace(/^FLAG_/, "").toLowerCase();

/** A penalty's type, or a flag event's flag, as a tag: names from the games' fixed tables only (anything else is "other"). */
function eventDetail(e: racetel.v1.ISessionEvent): string {
  if (e.flag !== null && e.flag !== undefined && e.flag !== 0) return FLAG_NAMES[e.flag] ?? "other";
  const p = e.penaltyType;
  if (p === null || p === undefined || p === "") return "";
  return /^[a-z0-9_-]{1,48}$/.test(p) ? p : "other";
}

/** A channel rpc computed: into the car's values, and the open trace sample when it is a trace channel. */
function putComputed(car: CarState, slot: number, v: number, columns: TraceColumns): void {
  if (v !== v) return;
  car.values[slot] = v;
  const column = columns[slot]!;
  if (column >= 0) car.trace.put(column, v);
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

/**
 * Appends to `group` (metric base + i, value) for each value that changed since `baseline` (all of them
 * when `full`), skipping `skip` slots and values never received; then `baseline` takes the values.
 */
function diffInto(values: Float64Array, baseline: Float64Array, metricBase: number, full: boolean, group: PointGroup, skip?: TraceColumns): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v || (skip !== undefined && skip[i]! >= 0)) continue;
    if (full || v !== baseline[i]) {
      group.metrics.push(metricBase + i);
      group.values.push(v);
    }
    baseline[i] = v;
  }
}

/**
 * diffInto() for wheel `w` of channel-major per-wheel values (4 per channel): appends what changed (all
 * of it at a heartbeat) when `emit`, and the baseline takes the values either way.
 */
function wheelDiffInto(values: Float64Array, baseline: Float64Array, metricBase: number, w: number, emit: boolean, heartbeat: boolean, group: PointGroup): void {
  for (let at = w, c = 0; at < values.length; at += 4, c++) {
    const v = values[at]!;
    if (v !== v) continue;
    if (emit && (heartbeat || v !== baseline[at])) {
      group.metrics.push(metricBase + c);
      group.values.push(v);
    }
    baseline[at] = v;
  }
}

/** One car of one session. */
export class CarState {
  readonly values = new Float64Array(CAR_CHANNELS.length).fill(Number.NaN);
  /** WHEEL_CHANNELS.length x 4 wheels, channel-major. */
  readonly wheels = new Float64Array(WHEEL_CHANNELS.length * 4).fill(Number.NaN);
  /** The values at the previous state boundary (change detection). */
  private readonly baseline = new Float64Array(CAR_CHANNELS.length).fill(Number.NaN);
  private readonly wheelBaseline = new Float64Array(WHEEL_CHANNELS.length * 4).fill(Number.NaN);
  /** Available tyre sets by compound (F1 TyreSets), and the counts at the previous boundary. */
  readonly tyreSets = new Map<string, { count: number; stored: number; attrs: Attributes }>();
  readonly trace: TraceBuffer;
  /**
   * False until this car's first heartbeat boundary in this rpc: before it, rpc cannot know what changed
   * (a car taken over mid-session has no history here), so only heartbeats store its state.
   */
  stateKnown = false;
  attrs: Attributes = {};
  wheelAttrs: Attributes[] = [];
  /** Last position stored per lap from F1 25 LapPositions, so unchanged laps are not stored again. */
  private lapPositionsSeen: Uint8Array | undefined;
  private liveLaps: LiveLap[] | undefined;
  private liveLapNext = 0;
  lastSeenMs = 0;
  /** Lap time at every lap mark, and the live deltas (lap-marks.ts); made by the first lap frame. */
  lapMarks: CarLapMarks | undefined;
  /** Predictions, windows and anomalies (insights/); made by the first lap frame when insights are on. */
  insights: CarInsights | undefined;
  private insightBaseline: Float64Array | undefined;
  private insightWheelBaseline: Float64Array | undefined;
  /** The car named for the dashboards' car picker: "<driver> · #<index>". */
  private infoAttrs: Attributes = {};
  private driver = "\u0000";
  private team = "\u0000";
  private track = "\u0000";
  private source = "\u0000";
  private game = "\u0000";

  constructor(readonly sessionId: string, readonly carIndex: number, private readonly counter: AttributeSetCounter, traceWidth: number) {
    this.trace = new TraceBuffer(traceWidth);
  }

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
    this.attrs = { session_id: this.sessionId, car_index: String(this.carIndex), driver, team, game, track, source };
    this.wheelAttrs = WHEELS.map((wheel) => ({ ...this.attrs, wheel }));
    this.infoAttrs = { session_id: this.sessionId, car_index: String(this.carIndex), car_label: `${driver === "" ? `car ${this.carIndex}` : driver} · #${this.carIndex}` };
    this.counter.created += 2 + WHEELS.length;
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
        e = { count: 0, stored: Number.NaN, attrs: { ...this.attrs, compound } };
        this.tyreSets.set(compound, e);
        this.counter.created += 1;
      }
      e.count += 1;
    }
  }

  /** Appends this car's state to `out` at boundary `t`: changes only, or everything at a heartbeat. */
  snapshot(t: number, heartbeat: boolean, columns: TraceColumns, out: PointGroup[]): void {
    if (heartbeat) this.stateKnown = true;
    const emit = this.stateKnown;
    const car: PointGroup = { t, attrs: this.attrs, metrics: [], values: [] };
    if (emit) diffInto(this.values, this.baseline, M_CAR, heartbeat, car, columns);
    else this.baseline.set(this.values);
    const insights = this.insights;
    if (insights !== undefined) {
      const base = (this.insightBaseline ??= new Float64Array(insights.values.length).fill(Number.NaN));
      if (emit) diffInto(insights.values, base, M_INSIGHT, heartbeat, car);
      else base.set(insights.values);
    }
    if (car.metrics.length > 0) out.push(car);
    if (emit && heartbeat) out.push({ t, attrs: this.infoAttrs, metrics: [M_CAR_INFO], values: [this.carIndex] });
    for (let w = 0; w < 4; w++) {
      const g: PointGroup = { t, attrs: this.wheelAttrs[w]!, metrics: [], values: [] };
      wheelDiffInto(this.wheels, this.wheelBaseline, M_WHEEL, w, emit, heartbeat, g);
      if (insights !== undefined) {
        const base = (this.insightWheelBaseline ??= new Float64Array(insights.wheels.length).fill(Number.NaN));
        wheelDiffInto(insights.wheels, base, M_INSIGHT_WHEEL, w, emit, heartbeat, g);
      }
      if (g.metrics.length > 0) out.push(g);
    }
    for (const e of this.tyreSets.values()) {
      // A compound with none left stops being stored (its last count stays the last row).
      if (emit && e.count > 0 && (heartbeat || e.count !== e.stored)) out.push({ t, attrs: e.attrs, metrics: [M_TYRE_SETS], values: [e.count] });
      e.stored = e.count;
    }
  }

  /** A finished lap, stored once at `t` (a history record merges with the live record of the same lap). */
  addLap(lap: racetel.v1.IFinishedLap, t: number, out: PointGroup[]): void {
    const number = lap.lapNumber ?? 0;
    const values = new Float64Array(LAP_METRICS.length).fill(Number.NaN);
    const wear = new Float64Array(4).fill(Number.NaN);
    // A lap-history record has times and validity only (its position, pit flag, top speed ... are
    // unknown, not zero): it must not wipe what live timing measured on the same lap.
    const live = lap.origin === HISTORY_ORIGIN ? this.liveLaps?.find((l) => l.lap === number) : undefined;
    if (live !== undefined) {
      values.set(live.values);
      wear.set(live.wearDelta);
      const history = new Float64Array(LAP_METRICS.length);
      readFinishedLap(lap, history);
      values.set(history.subarray(0, LAP_HISTORY_METRICS));
    } else {
      readFinishedLap(lap, values);
      const w = lap.tyreWearDelta;
      if (w !== null && w !== undefined) {
        wear[0] = w.frontLeft ?? 0;
        wear[1] = w.frontRight ?? 0;
        wear[2] = w.rearLeft ?? 0;
        wear[3] = w.rearRight ?? 0;
      }
      if (lap.origin === LIVE_ORIGIN) this.rememberLive(number, values, wear);
    }
    const attrs = { ...this.attrs, lap: String(number) };
    const g: PointGroup = { t, attrs, metrics: [], values: [] };
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === v) { g.metrics.push(M_LAP + i); g.values.push(v); }
    }
    if (g.metrics.length > 0) out.push(g);
    for (let w = 0; w < 4; w++) {
      const v = wear[w]!;
      if (v === v) out.push({ t, attrs: { ...attrs, wheel: WHEELS[w]! }, metrics: [M_LAP_WEAR], values: [v] });
    }
  }

  private rememberLive(lap: number, values: Float64Array, wear: Float64Array): void {
    this.liveLaps ??= Array.from({ length: LIVE_LAPS_REMEMBERED }, () => ({ lap: -1, values: new Float64Array(LAP_METRICS.length), wearDelta: new Float64Array(4) }));
    let slot = this.liveLaps.find((l) => l.lap === lap);
    if (slot === undefined) {
      slot = this.liveLaps[this.liveLapNext]!;
      this.liveLapNext = (this.liveLapNext + 1) % LIVE_LAPS_REMEMBERED;
    }
    slot.lap = lap;
    slot.values.set(values);
    slot.wearDelta.set(wear);
  }

  /** F1 25 LapPositions: the position at the end of each lap becomes that lap's racetel.lap.position, once per change. */
  setLapPositions(p: racetel.v1.IF1LapPositions, t: number, out: PointGroup[]): void {
    const first = p.firstLap ?? 1;
    const positions = p.positions ?? [];
    this.lapPositionsSeen ??= new Uint8Array(256);
    for (let i = 0; i < positions.length; i++) {
      const lap = first + i;
      const position = positions[i]!;
      if (position < 1 || position > 255 || lap < 1 || lap > 255 || this.lapPositionsSeen[lap] === position) continue;
      this.lapPositionsSeen[lap] = position;
      out.push({ t, attrs: { ...this.attrs, lap: String(lap) }, metrics: [M_LAP + LAP_POSITION_SLOT], values: [position] });
    }
  }

  /** An insight raised (insights/), stored at the time it happened; its value is its size. */
  insight(name: InsightEventName, detail: string, value: number, t: number, out: PointGroup[]): void {
    out.push({ t, attrs: { ...this.attrs, insight: name, detail }, metrics: [M_INSIGHT_EVENT], values: [value] });
  }

  /** An event of the car; `detail` (a penalty's type) keeps two events of one instant apart. */
  event(name: string, detail: string, t: number, out: PointGroup[]): void {
    if (name === "retirement") this.insights?.retire();
    const attrs = detail === "" ? { ...this.attrs, event: name } : { ...this.attrs, event: name, detail };
    out.push({ t, attrs, metrics: [M_CAR_EVENT], values: [1] });
  }
}

/** One session: its session-wide channels, its cars, its clock in event time and what waits for the collector. */
export class SessionState {
  readonly values = new Float64Array(sessionChannels.length).fill(Number.NaN);
  /** F1 24+ time trial laps (timeTrialChannels), NaN until a TimeTrial frame came. */
  readonly timeTrial = new Float64Array(timeTrialChannels.length).fill(Number.NaN);
  private readonly baseline = new Float64Array(sessionChannels.length).fill(Number.NaN);
  private readonly timeTrialBaseline = new Float64Array(timeTrialChannels.length).fill(Number.NaN);
  private stateKnown = false;
  readonly cars = new Map<number, CarState>();
  attrs: Attributes = {};
  lastSeenMs = 0;
  /**
   * False while on probation (fewer than SESSION_ESTABLISHED_AFTER_FRAMES frames or less than
   * SESSION_ESTABLISHED_AFTER_MS of event time so far): such sessions are evicted first when rpc is full,
   * so a flood of one-off session ids evicts itself, not a live console.
   */
  established = false;
  /** Frames so far, and the first frame's event time (ms) while on probation. */
  frames = 0;
  firstFrameMs = Number.NaN;
  /** Latest event time seen (ns), and the first. */
  maxEventNs = -Infinity;
  firstEventNs = Number.NaN;
  /** Everything up to this event time (ns) reached the collector; older frames are late. */
  exportedNs = -Infinity;
  /** Frames older than this (ns) need never be sent again: exported, and a heartbeat before the last exported one. */
  safeBeforeNs = -Infinity;
  /** True once the session left rpc and everything it owed reached the collector. */
  closed = false;
  /** Index of the next state boundary (its time is index x interval), NaN before the first frame. */
  nextBoundary = Number.NaN;
  /** The boundary already stored early because the session went quiet (advance() does not store it again). */
  quietBoundary = Number.NaN;
  /** State snapshots, finished laps and events waiting for the collector, oldest first. */
  readonly pending: PointGroup[] = [];
  groupsDropped = 0;
  /**
   * When the session started, ns: receive time less the game's session time of the first frame that has
   * one (the same whichever rpc sees the session first), else the first frame's time.
   */
  startNs = Number.NaN;
  startFromGame = false;
  /** The session's best valid lap, measured at the lap marks (live delta to session best). */
  readonly best: SessionBest = { lap: undefined };
  private track = "\u0000";
  private source = "\u0000";
  private game = "\u0000";
  private format = "";
  private label = "";
  private infoAttrs: Attributes = {};

  constructor(readonly id: string, private readonly counter: AttributeSetCounter) {}

  relabel(labels: Labels): void {
    const track = labels.track ?? "";
    const source = labels.source ?? "";
    const game = gameName(labels.game);
    this.format = labels.format ?? "";
    if (track === this.track && source === this.source && game === this.game) return;
    this.track = track;
    this.source = source;
    this.game = game;
    this.attrs = { session_id: this.id, game, track, source };
    this.masks = channelMasks(game);
    this.counter.created += 1;
  }

  /** The channels this session's source sends (undefined: all of them). */
  masks: ChannelMasks | undefined;

  /** The `game` attribute value. */
  get gameName(): string {
    return this.game;
  }

  /**
   * The session in words for the dashboards' session picker, newest first when sorted as text:
   * "2026-12-02 14:03:05 UTC · Monza · Race · F1 24 · #<session id>".
   */
  private sessionLabel(): string {
    const start = new Date(Math.floor(this.startNs / 1e6)).toISOString().slice(0, 19).replace("T", " ");
    const type = SESSION_TYPE_WORDS[this.values[SESSION_TYPE_SLOT]!] ?? "session";
    return `${start} UTC · ${this.track === "" ? "unknown track" : this.track} · ${type} · ${gameWords(this.game, this.format)} · #${this.id}`;
  }

  private storeInfo(t: number): void {
    const label = this.sessionLabel();
    if (label !== this.label) {
      this.label = label;
      this.infoAttrs = { session_id: this.id, session_label: label };
      this.counter.created += 1;
    }
    this.push({ t, attrs: this.infoAttrs, metrics: [M_SESSION_INFO], values: [Math.floor(this.startNs / 1e9)] });
  }

  /** The track length the game announced, m (NaN before). */
  get trackLengthM(): number {
    return this.values[TRACK_LENGTH_SLOT]!;
  }

  push(g: PointGroup): void {
    if (this.pending.length >= MAX_PENDING_GROUPS) {
      this.pending.shift();
      this.groupsDropped++;
    }
    this.pending.push(g);
  }

  /** Snapshots the session and every car at boundary `t`. */
  snapshot(t: number, heartbeat: boolean, columns: TraceColumns): void {
    if (heartbeat) this.stateKnown = true;
    const g: PointGroup = { t, attrs: this.attrs, metrics: [], values: [] };
    if (this.stateKnown) {
      diffInto(this.values, this.baseline, M_SESSION, heartbeat, g);
      diffInto(this.timeTrial, this.timeTrialBaseline, M_TIME_TRIAL, heartbeat, g);
    } else {
      this.baseline.set(this.values);
      this.timeTrialBaseline.set(this.timeTrial);
    }
    if (g.metrics.length > 0) this.push(g);
    // A session with neither a track nor a session type is no session to pick (F1's lobby, id 0, before one).
    if (heartbeat && this.startNs === this.startNs && (this.track !== "" || this.values[SESSION_TYPE_SLOT]! > 0)) this.storeInfo(t);
    const out: PointGroup[] = [];
    for (const car of this.cars.values()) car.snapshot(t, heartbeat, columns, out);
    for (const o of out) this.push(o);
  }

  event(name: string, detail: string, t: number): void {
    this.push({ t, attrs: detail === "" ? { ...this.attrs, event: name } : { ...this.attrs, event: name, detail }, metrics: [M_SESSION_EVENT], values: [1] });
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
  /** Sessions held at once (memory stays bounded); a newcomer evicts a session on probation or a silent one. */
  maxSessions: number;
  /** New sessions one frame source (labels.source) may open per minute. */
  newSessionsPerMinute: number;
  recording: RecordingOptions;
  /** Race-engineer insights (insights/options.ts); on with the defaults when absent. */
  insights?: InsightOptions;
}

/** Told of every insight raised, stored or not (the live view shows them). */
export type InsightListener = (session: SessionState, car: CarState, name: InsightEventName, detail: string, value: number, tNs: number) => void;

export function defaultRecording(): RecordingOptions {
  return { enabled: true, traceSlots: [], stateIntervalMs: 250, heartbeatMs: 5000, latenessMs: 100 };
}

/** All live sessions and cars. apply() is the per-frame hot path: it overwrites numbers and fills a trace slot. */
export class TelemetryStore {
  readonly sessions = new Map<string, SessionState>();
  /** Sessions on probation, least recently active first. */
  readonly probation = new Map<string, SessionState>();
  readonly ingest = new Map<string, IngestRecord>();
  readonly attributeSets: AttributeSetCounter = { created: 0 };
  /** Sessions that went silent or were evicted, with what they still owe the collector. */
  readonly retired: SessionState[] = [];
  private readonly budget: NewSessionBudget;
  readonly columns: TraceColumns;
  readonly traceWidth: number;
  /** CAR_CHANNELS slot of each trace column. */
  readonly traceSlots: readonly number[];
  private readonly intervalNs: number;
  /** Boundaries per heartbeat. */
  private readonly beatEvery: number;
  carsLive = 0;
  sessionsEvicted = 0;
  framesLate = 0;
  /** Samples and groups dropped (full backlog) by sessions no longer live. */
  droppedWithRetired = 0;
  /** Why the last refused frame was refused. */
  refusal: SessionRefusal = "too_many_sessions";
  /** Event time (ns) of the frame apply() last took. */
  lastFrameNs = 0;
  /** Insights raised since start, and who else hears of them. */
  insightsRaised = 0;
  onInsight: InsightListener | undefined;
  private readonly insightOptions: InsightOptions;

  constructor(private readonly options: StoreOptions) {
    this.budget = new NewSessionBudget({ perMinute: options.newSessionsPerMinute, maxSources: 4 * options.maxSessions });
    const r = options.recording;
    this.traceSlots = [...r.traceSlots].sort((a, b) => a - b);
    this.traceWidth = this.traceSlots.length;
    this.columns = new Int16Array(CAR_CHANNELS.length).fill(-1);
    this.traceSlots.forEach((slot, column) => { this.columns[slot] = column; });
    this.intervalNs = r.stateIntervalMs * 1e6;
    this.beatEvery = Math.max(1, Math.round(r.heartbeatMs / r.stateIntervalMs));
    this.insightOptions = options.insights ?? defaultInsightOptions();
  }

  /** The car's insights, made at its first lap sample (they need the session's game); undefined when off. */
  private insightsOf(session: SessionState, car: CarState): CarInsights | undefined {
    if (car.insights !== undefined || !this.insightOptions.enabled) return car.insights;
    const recording = this.options.recording.enabled;
    car.insights = new CarInsights(session.gameName, this.insightOptions, (name, detail, value, tNs) => {
      this.insightsRaised++;
      if (recording) car.insight(name, detail, value, tNs, session.pending);
      this.onInsight?.(session, car, name, detail, value, tNs);
    });
    return car.insights;
  }

  get recording(): RecordingOptions {
    return this.options.recording;
  }

  /** Event time (ns) of the state stored early for a quiet session, else -Infinity: it may go out now. */
  quietStateNs(s: SessionState): number {
    return s.quietBoundary === s.quietBoundary ? s.quietBoundary * this.intervalNs : -Infinity;
  }

  /** Heartbeat period, ns. */
  get heartbeatNs(): number {
    return this.beatEvery * this.intervalNs;
  }

  private session(id: string, labels: Labels, t: number, nowMs: number): SessionState | undefined {
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
      if (!this.options.recording.enabled) s.safeBeforeNs = Infinity; // nothing to keep for a collector
      this.sessions.set(id, s);
    }
    if (!s.established) this.onProbation(s, t / 1e6);
    s.relabel(labels);
    s.lastSeenMs = nowMs;
    return s;
  }

  private onProbation(s: SessionState, tMs: number): void {
    if (s.frames === 0) s.firstFrameMs = tMs;
    s.frames++;
    this.probation.delete(s.id);
    if (s.frames >= SESSION_ESTABLISHED_AFTER_FRAMES && tMs - s.firstFrameMs >= SESSION_ESTABLISHED_AFTER_MS) s.established = true;
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
    this.retire(victim);
    this.sessionsEvicted++;
    return true;
  }

  /** Takes a session out of the live set; what it still owes the collector goes with the next collection. */
  private retire(s: SessionState): void {
    this.carsLive -= s.cars.size;
    this.sessions.delete(s.id);
    this.probation.delete(s.id);
    this.finish(s);
    this.droppedWithRetired += s.groupsDropped;
    for (const car of s.cars.values()) this.droppedWithRetired += car.trace.dropped;
    this.retired.push(s);
  }

  /** Closes every open sample and stores the whole state at the next boundary: nothing more is coming. */
  finish(s: SessionState): void {
    for (const car of s.cars.values()) car.trace.closeOpen();
    if (s.nextBoundary === s.nextBoundary) {
      s.snapshot(s.nextBoundary * this.intervalNs, true, this.columns);
      s.nextBoundary += 1;
    }
  }

  private car(session: SessionState, carIndex: number, labels: Labels, nowMs: number): CarState {
    let c = session.cars.get(carIndex);
    if (c === undefined) {
      c = new CarState(session.id, carIndex, this.attributeSets, this.traceWidth);
      session.cars.set(carIndex, c);
      this.carsLive += 1;
    }
    c.relabel(labels);
    c.lastSeenMs = nowMs;
    return c;
  }

  /** Moves the session's clock to `t`, snapshotting the state at the boundaries it passes. */
  private advance(s: SessionState, t: number): void {
    if (t > s.maxEventNs) s.maxEventNs = t;
    if (s.firstEventNs !== s.firstEventNs) s.firstEventNs = t;
    const k = Math.floor(t / this.intervalNs);
    if (s.nextBoundary !== s.nextBoundary) {
      s.nextBoundary = k + 1;
      return;
    }
    if (k < s.nextBoundary) return;
    const first = s.nextBoundary;
    const every = this.beatEvery;
    if (first !== s.quietBoundary) s.snapshot(first * this.intervalNs, first % every === 0, this.columns);
    // A gap over several boundaries: the state did not change in between, but a heartbeat inside it still counts.
    const beat = Math.ceil((first + 1) / every) * every;
    if (beat <= k) s.snapshot(beat * this.intervalNs, true, this.columns);
    s.nextBoundary = k + 1;
  }

  /**
   * Records one (validated) frame and returns its session, or undefined when a new session was refused
   * (why: .refusal). A frame older than what was already stored for its session is counted late and
   * changes nothing (a resend after a reconnect, or a frame held up for longer than the lateness).
   */
  apply(frame: Frame, nowMs: number): SessionState | undefined {
    const labels = frame.labels!;
    const rt = frame.receiveTimeUnixNano;
    let t = rt === null || rt === undefined ? 0 : toNumber(rt as number);
    if (t <= 0) t = nowMs * 1e6;
    this.lastFrameNs = t;
    const session = this.session(labels.sessionId!, labels, t, nowMs);
    if (session === undefined) return undefined;
    if (t <= session.exportedNs) {
      this.framesLate++;
      return session;
    }
    if (session.startNs !== session.startNs || !session.startFromGame) {
      const st = frame.sessionTimeS;
      if (typeof st === "number" && st > 0 && st === st) {
        session.startNs = t - st * 1e9;
        session.startFromGame = true;
      } else if (session.startNs !== session.startNs) {
        session.startNs = t;
      }
    }
    const kind = (frame as racetel.v1.Frame).payload;
    if (!this.options.recording.enabled) return this.applyLiveOnly(session, frame, kind, t, nowMs);
    this.advance(session, t);
    const carIndex = labels.carIndex;
    if (carIndex === null || carIndex === undefined) {
      if (kind === "session") fillFrom(sessionChannels, frame.session!, session.values, 0, undefined, undefined, session.masks?.session);
      else if (kind === "f1TimeTrial") fillFrom(timeTrialChannels, frame.f1TimeTrial!, session.timeTrial, 0);
      else if (kind === "event") session.event(eventName(frame.event!.type), eventDetail(frame.event!), t);
      return session;
    }
    const car = this.car(session, carIndex, labels, nowMs);
    const cols = this.columns;
    const masks = session.masks;
    switch (kind) {
      case "telemetry":
        car.trace.begin(t, KIND_TELEMETRY, car.attrs);
        fillFrom(telemetryChannels, frame.telemetry!, car.values, CAR_GROUPS.telemetry, cols, car.trace, masks?.car);
        if (masks === undefined || masks.wheels) fillWheelsFrom(telemetryWheelChannels, frame.telemetry!, car.wheels, WHEEL_GROUPS.telemetry);
        break;
      case "motion":
        car.trace.begin(t, KIND_MOTION, car.attrs);
        fillFrom(motionChannels, frame.motion!, car.values, CAR_GROUPS.motion, cols, car.trace, masks?.car);
        break;
      case "lap":
        car.trace.begin(t, KIND_LAP, car.attrs);
        fillFrom(lapChannels, frame.lap!, car.values, CAR_GROUPS.lap, cols, car.trace, masks?.car);
        this.measureLap(session, car, t);
        break;
      case "status":
        fillFrom(statusChannels, frame.status!, car.values, CAR_GROUPS.status, undefined, undefined, masks?.car);
        break;
      case "damage":
        fillFrom(damageChannels, frame.damage!, car.values, CAR_GROUPS.damage);
        fillWheelsFrom(damageWheelChannels, frame.damage!, car.wheels, WHEEL_GROUPS.damage);
        break;
      case "finalResult":
        fillFrom(resultChannels, frame.finalResult!, car.values, CAR_GROUPS.result, undefined, undefined, masks?.car);
        break;
      case "finishedLap":
        car.addLap(frame.finishedLap!, t, session.pending);
        break;
      case "event":
        car.event(eventName(frame.event!.type), eventDetail(frame.event!), t, session.pending);
        break;
      case "f1TyreSets":
        car.setTyreSets(frame.f1TyreSets!);
        break;
      case "f1LapPositions":
        car.setLapPositions(frame.f1LapPositions!, t, session.pending);
        break;
      default:
        // Participant, setup (static while a stint lasts: Subscribe has them), lobby players: labels only.
        break;
    }
    return session;
  }

  /** Lap marks and the live deltas of the lap sample just taken (lap-marks.ts). */
  private measureLap(session: SessionState, car: CarState, t: number): void {
    const v = car.values;
    const marks = (car.lapMarks ??= new CarLapMarks(MARK_METRICS));
    marks.sample(v[LAP_NUMBER_SLOT]!, v[LAP_DISTANCE_SLOT]!, v[LAP_TIME_SLOT]!, v[LAST_LAP_SLOT]!, v[LAP_INVALID_SLOT] === 1, t,
      session.trackLengthM, car.attrs, session.best, session.pending);
    putComputed(car, DELTA_PB_SLOT, marks.deltaToPersonalBest, this.columns);
    putComputed(car, DELTA_SB_SLOT, marks.deltaToSessionBest, this.columns);
    this.insightsOf(session, car)?.sample(v, car.wheels, session.values, t);
  }

  /** Without a collector: the live values only (subscribers, /metrics), nothing kept for storage. */
  private applyLiveOnly(session: SessionState, frame: Frame, kind: string | undefined, t: number, nowMs: number): SessionState {
    const labels = frame.labels!;
    const carIndex = labels.carIndex;
    if (carIndex === null || carIndex === undefined) {
      if (kind === "session") fillFrom(sessionChannels, frame.session!, session.values, 0, undefined, undefined, session.masks?.session);
      return session;
    }
    const car = this.car(session, carIndex, labels, nowMs);
    const masks = session.masks;
    // What the insights read is kept too: the live view shows them without a collector.
    if (kind === "telemetry") {
      fillFrom(telemetryChannels, frame.telemetry!, car.values, CAR_GROUPS.telemetry, undefined, undefined, masks?.car);
      if (masks === undefined || masks.wheels) fillWheelsFrom(telemetryWheelChannels, frame.telemetry!, car.wheels, WHEEL_GROUPS.telemetry);
    } else if (kind === "motion") fillFrom(motionChannels, frame.motion!, car.values, CAR_GROUPS.motion, undefined, undefined, masks?.car);
    else if (kind === "lap") {
      fillFrom(lapChannels, frame.lap!, car.values, CAR_GROUPS.lap, undefined, undefined, masks?.car);
      this.insightsOf(session, car)?.sample(car.values, car.wheels, session.values, t);
    } else if (kind === "status") fillFrom(statusChannels, frame.status!, car.values, CAR_GROUPS.status, undefined, undefined, masks?.car);
    else if (kind === "damage") {
      fillFrom(damageChannels, frame.damage!, car.values, CAR_GROUPS.damage);
      fillWheelsFrom(damageWheelChannels, frame.damage!, car.wheels, WHEEL_GROUPS.damage);
    } else if (kind === "event" && eventName(frame.event!.type) === "retirement") car.insights?.retire();
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

  /** Forgets silent cars, retires silent sessions (their last samples still go out); returns the cars dropped. */
  expire(nowMs: number): number {
    let dropped = 0;
    for (const session of [...this.sessions.values()]) {
      if (nowMs - session.lastSeenMs > this.options.sessionTimeoutMs) {
        dropped += session.cars.size;
        this.retire(session);
        continue;
      }
      for (const [index, car] of session.cars) {
        // A silent car goes once its last samples went out.
        if (nowMs - car.lastSeenMs > this.options.carTimeoutMs && car.trace.count === 0 && car.trace.openAt !== car.trace.openAt) {
          session.cars.delete(index);
          this.carsLive--;
          dropped++;
        }
      }
    }
    for (const [instance, rec] of this.ingest) {
      if (nowMs - rec.lastSeenMs > this.options.sessionTimeoutMs) this.ingest.delete(instance);
    }
    return dropped;
  }

  /**
   * A session that went quiet (the game paused, the replay ended) stores its state at the next boundary
   * once its event clock, running on with the wall clock since the last frame, is a lateness past it: the
   * snapshot the next frame would have made, without waiting for that frame.
   */
  storeQuietState(s: SessionState, nowMs: number): void {
    const quietMs = nowMs - s.lastSeenMs;
    const lateness = this.options.recording.latenessMs;
    if (quietMs < lateness || s.nextBoundary !== s.nextBoundary || s.quietBoundary === s.nextBoundary) return;
    const first = s.nextBoundary;
    if (s.maxEventNs + (quietMs - lateness) * 1e6 < first * this.intervalNs) return;
    s.snapshot(first * this.intervalNs, first % this.beatEvery === 0, this.columns);
    s.quietBoundary = first;
  }

  /** The event time up to which a session's samples may be stored now (ns): its newest frame less the lateness, or all of it once silent. */
  watermark(s: SessionState, nowMs: number): number {
    const lateness = this.options.recording.latenessMs;
    if (nowMs - s.lastSeenMs > lateness) return s.maxEventNs;
    return s.maxEventNs - lateness * 1e6;
  }
}
