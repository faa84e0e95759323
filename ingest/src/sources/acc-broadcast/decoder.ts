// Inbound broadcasting datagrams -> racetel.v1 frames: lap state and position of every car, participants
// from the entry list, session from realtime updates and track data, events. Also the state the client
// needs (connection id, whether the entry list or track data must be requested).
import { createHash } from "node:crypto";
import { racetel } from "@racetel/proto";
import type { DecodeContext, Frame, PacketDecoder } from "../source.js";
import { CUP_CATEGORIES, DRIVER_CATEGORIES, carModelName, nationalityName } from "./names.js";
import {
  CarLocation, EVENT_CODES, EventType, GarbageStringError, Inbound, NO_LAP_TIME, PHASES, Reader, SessionTypeCode,
  TruncatedError, emptyCarUpdate, readBroadcastingEvent, readEntryList, readEntryListCar, readRealtimeCarUpdate, readRealtimeUpdate,
  readRegistrationResult, readTrackData,
} from "./protocol.js";
import type { EntryListCar, LapInfo, RealtimeCarUpdate, RealtimeUpdate, RegistrationResult, TrackData } from "./protocol.js";
import { GapTimer } from "./gaps.js";

const v1 = racetel.v1;
const FORMAT = "acc-broadcast-4";
/** An event's text is a lap time or a short notice; a longer one is cut. */
const MAX_MESSAGE_CHARS = 256;

function lapMs(lap: LapInfo): number {
  return lap.lapTimeMs > 0 && lap.lapTimeMs < NO_LAP_TIME ? lap.lapTimeMs : 0;
}

function split(lap: LapInfo, i: number): number {
  const v = lap.splits[i] ?? 0;
  return v > 0 && v < NO_LAP_TIME ? v : 0;
}

/** "01:33.695" -> 93695; 0 when the text is not a lap time. */
export function parseLapTime(text: string): number {
  const m = /^(?:(\d+):)?(\d{1,2})\.(\d{3})$/.exec(text.trim());
  if (!m) return 0;
  return Number(m[1] ?? 0) * 60_000 + Number(m[2]) * 1000 + Number(m[3]);
}

export function broadcastSessionType(code: number): racetel.v1.SessionType {
  switch (code) {
    case SessionTypeCode.PRACTICE: return v1.SessionType.SESSION_TYPE_PRACTICE;
    case SessionTypeCode.QUALIFYING: return v1.SessionType.SESSION_TYPE_QUALIFYING;
    case SessionTypeCode.SUPERPOLE: case SessionTypeCode.HOTLAP_SUPERPOLE: return v1.SessionType.SESSION_TYPE_SUPERPOLE;
    case SessionTypeCode.RACE: return v1.SessionType.SESSION_TYPE_RACE;
    case SessionTypeCode.HOTLAP: return v1.SessionType.SESSION_TYPE_HOTLAP;
    case SessionTypeCode.HOTSTINT: return v1.SessionType.SESSION_TYPE_PRACTICE;
    default: return v1.SessionType.SESSION_TYPE_UNSPECIFIED;
  }
}

function weather(clouds: number, rain: number): racetel.v1.Weather {
  if (rain >= 0.8) return v1.Weather.WEATHER_STORM;
  if (rain >= 0.4) return v1.Weather.WEATHER_HEAVY_RAIN;
  if (rain > 0) return v1.Weather.WEATHER_LIGHT_RAIN;
  if (clouds >= 0.6) return v1.Weather.WEATHER_OVERCAST;
  if (clouds >= 0.2) return v1.Weather.WEATHER_LIGHT_CLOUD;
  return v1.Weather.WEATHER_CLEAR;
}

function eventType(type: number): racetel.v1.SessionEventType {
  switch (type) {
    case EventType.LAP_COMPLETED: return v1.SessionEventType.SESSION_EVENT_TYPE_LAP_COMPLETED;
    case EventType.BEST_SESSION_LAP: return v1.SessionEventType.SESSION_EVENT_TYPE_BEST_SESSION_LAP;
    case EventType.ACCIDENT: return v1.SessionEventType.SESSION_EVENT_TYPE_ACCIDENT;
    case EventType.PENALTY_COMM_MSG: return v1.SessionEventType.SESSION_EVENT_TYPE_PENALTY;
    case EventType.SESSION_OVER: return v1.SessionEventType.SESSION_EVENT_TYPE_SESSION_ENDED;
    case EventType.GREEN_FLAG: return v1.SessionEventType.SESSION_EVENT_TYPE_SESSION_STARTED;
    default: return v1.SessionEventType.SESSION_EVENT_TYPE_OTHER;
  }
}

interface CarState { entry: EntryListCar | null; laps: number; driver: string; team: string; position: number; bestLapMs: number }

function carState(entry: EntryListCar | null): CarState {
  const state: CarState = { entry, laps: -1, driver: "", team: "", position: 0, bestLapMs: 0 };
  setEntry(state, entry);
  return state;
}

/** Keeps the label strings of a car, built once per entry-list update rather than per message. */
function setEntry(state: CarState, entry: EntryListCar | null): void {
  state.entry = entry;
  const driver = entry ? entry.drivers[entry.currentDriverIndex] ?? entry.drivers[0] : undefined;
  state.driver = driver ? `${driver.firstName} ${driver.lastName}`.trim() : "";
  state.team = entry ? entry.teamName || carModelName(entry.carModelType) : "";
}

/** Decodes a stream of inbound broadcasting datagrams from one game. */
export class AccBroadcastDecoder implements PacketDecoder {
  /** Set by REGISTRATION_RESULT. */
  registration: RegistrationResult | null = null;
  /** True when a car appeared that the entry list does not hold (the client asks for the list again). */
  needsEntryList = false;
  /** True until TRACK_DATA arrived (the client asks for it). */
  needsTrackData = true;
  /** Message counts by inbound type, for tests and progress. */
  readonly counts = new Map<number, number>();

  private readonly reader = new Reader();
  private readonly carUpdate = emptyCarUpdate();
  // Reused for every car update (the sink copies before returning).
  private readonly lapState = {
    lapNumber: 0, currentLapTimeMs: 0, lastLapTimeMs: 0, bestLapTimeMs: 0, position: 0, lapFraction: 0, lapDistanceM: 0,
    deltaToBestMs: 0, classPosition: 0, lapInvalid: false, pitStatus: v1.PitStatus.PIT_STATUS_UNSPECIFIED, driverStatus: v1.DriverStatus.DRIVER_STATUS_UNSPECIFIED,
    gapToLeaderMs: 0, gapToCarAheadMs: 0,
  };
  private readonly gaps = new GapTimer();
  /** Car index by race position (1-based), from the latest car updates. */
  private readonly byPosition: number[] = [];
  private readonly position = { x: 0, y: 0, z: 0 };
  private readonly motion = { positionM: this.position, yawRad: 0 };
  private readonly lapFrame: Frame;
  private readonly motionFrame: Frame;
  private readonly cars = new Map<number, CarState>();
  private track: TrackData | null = null;
  private realtime: RealtimeUpdate | null = null;
  private sessionId = "";
  /** Session index and type the id was derived for: the id changes only when these do. */
  private sessionKey = "";
  private lastReceiveMs = 0;
  private messageCounter = 0;
  private readonly labels: racetel.v1.IFrameLabels;
  private readonly sessionLabels: racetel.v1.IFrameLabels;

  constructor(private readonly ctx: DecodeContext, source = "acc-broadcast") {
    const base = { source, game: v1.Game.GAME_ACC, format: FORMAT, sessionId: "", driver: "", team: "", track: "" };
    this.labels = { ...base, carIndex: 0 };
    this.sessionLabels = { ...base };
    this.lapFrame = { labels: this.labels, receiveTimeUnixNano: 0, sessionTimeS: 0, gameFrame: 0, lap: this.lapState };
    this.motionFrame = { labels: this.labels, receiveTimeUnixNano: 0, sessionTimeS: 0, gameFrame: 0, motion: this.motion };
  }

  /** The id of the current session ("" before the first realtime update). */
  get currentSessionId(): string { return this.sessionId; }

  /** Cars known from ENTRY_LIST. */
  get knownCars(): number { return this.cars.size; }

  setSource(source: string): void { this.labels.source = source; this.sessionLabels.source = source; }

  decode(packet: Buffer, receiveTimeUnixNano: number, _sourceAddress: string): boolean {
    if (packet.length < 1) { this.ctx.drops.drop("too_short", packet); return false; }
    const type = packet[0]!;
    const r = this.reader.reset(packet, 1);
    try {
      switch (type) {
        case Inbound.REGISTRATION_RESULT: this.registration = readRegistrationResult(r); break;
        case Inbound.REALTIME_UPDATE: this.onRealtime(readRealtimeUpdate(r), receiveTimeUnixNano); break;
        case Inbound.REALTIME_CAR_UPDATE: this.onCar(readRealtimeCarUpdate(r, this.carUpdate), receiveTimeUnixNano); break;
        case Inbound.ENTRY_LIST: this.onEntryList(readEntryList(r).carIndexes); break;
        case Inbound.TRACK_DATA: this.onTrack(readTrackData(r), receiveTimeUnixNano); break;
        case Inbound.ENTRY_LIST_CAR: this.onEntryCar(readEntryListCar(r), receiveTimeUnixNano); break;
        case Inbound.BROADCASTING_EVENT: this.onEvent(readBroadcastingEvent(r), receiveTimeUnixNano); break;
        default: this.ctx.drops.drop("unknown_message_type", packet); return false;
      }
    } catch (err) {
      if (err instanceof TruncatedError) { this.ctx.drops.drop("too_short", packet); return false; }
      if (err instanceof GarbageStringError) { this.ctx.drops.drop("garbage_string", packet); return false; }
      throw err;
    }
    this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
    this.lastReceiveMs = receiveTimeUnixNano / 1e6;
    return true;
  }

  activeSessions(): number {
    return this.sessionId && Date.now() - this.lastReceiveMs < 10_000 ? 1 : 0;
  }

  private frame(labels: racetel.v1.IFrameLabels, t: number, payload: Partial<Frame>): Frame {
    const sessionTimeS = this.realtime ? Math.max(0, this.realtime.sessionTimeMs / 1000) : 0;
    return { labels, receiveTimeUnixNano: t, sessionTimeS, gameFrame: ++this.messageCounter, ...payload };
  }

  private stamp(f: Frame, t: number): void {
    f.receiveTimeUnixNano = t;
    f.sessionTimeS = this.realtime ? Math.max(0, this.realtime.sessionTimeMs / 1000) : 0;
    f.gameFrame = ++this.messageCounter;
  }

  private carLabels(carIndex: number): racetel.v1.IFrameLabels {
    const state = this.cars.get(carIndex);
    this.labels.carIndex = carIndex;
    this.labels.driver = state?.driver ?? "";
    this.labels.team = state?.team ?? "";
    return this.labels;
  }

  /**
   * Recomputes labels and, when the session index or type changed, the session id; true when the id changed.
   * The id is derived once per session (from what is known then: the game's address, the track if TRACK_DATA
   * already came, the session index and type): TRACK_DATA arriving later must not split one session in two.
   */
  private refreshSession(): boolean {
    const rt = this.realtime;
    const track = this.track?.trackName ?? "";
    for (const l of [this.labels, this.sessionLabels]) l.track = track;
    // the id needs the session index and type of a realtime update; frames wait for it
    if (!rt) return false;
    const key = `${rt.sessionIndex}\u0001${rt.sessionType}`;
    if (key === this.sessionKey) return false;
    this.sessionKey = key;
    const identity = `${this.labels.source ?? ""}\u0001${track}\u0001${this.track?.trackId ?? -1}\u0001${key}`;
    this.sessionId = createHash("sha256").update(identity).digest().readBigUInt64LE(0).toString();
    for (const l of [this.labels, this.sessionLabels]) l.sessionId = this.sessionId;
    this.gaps.reset();
    this.byPosition.length = 0;
    return true;
  }

  /** Participant frames for every car of the entry list (on a new session id). */
  private emitParticipants(t: number): void {
    for (const car of this.cars.values()) if (car.entry) this.emitParticipant(car.entry, t);
  }

  private onTrack(track: TrackData, t: number): void {
    this.track = track;
    this.needsTrackData = false;
    if (this.refreshSession()) this.emitParticipants(t);
  }

  private onRealtime(u: RealtimeUpdate, t: number): void {
    this.realtime = u;
    if (this.refreshSession()) {
      for (const car of this.cars.values()) car.laps = -1;
      this.emitParticipants(t);
    }
    const trackMeters = this.track?.trackMeters ?? 0;
    this.ctx.sink.emit(this.frame(this.sessionLabels, t, {
      session: {
        sessionType: broadcastSessionType(u.sessionType), track: this.track?.trackName ?? "", trackId: this.track?.trackId ?? -1,
        trackLengthM: trackMeters, sessionDurationS: u.sessionEndTimeMs / 1000,
        sessionTimeLeftS: Math.max(0, (u.sessionEndTimeMs - u.sessionTimeMs) / 1000),
        weather: weather(u.clouds, u.rainLevel), airTemperatureCelsius: u.ambientTempC, trackTemperatureCelsius: u.trackTempC,
        activeCars: this.cars.size, rainIntensity: u.rainLevel, trackFlag: v1.Flag.FLAG_UNSPECIFIED, timeOfDayS: u.timeOfDayS,
      },
    }));
    this.ctx.sink.emit(this.frame(this.sessionLabels, t, {
      accSessionExtras: { phase: PHASES[u.phase] ?? "", clockS: u.timeOfDayS, sessionIndex: u.sessionIndex, status: u.isReplayPlaying ? "replay" : "live" },
    }));
  }

  private onEntryList(indexes: number[]): void {
    const keep = new Set(indexes);
    for (const id of this.cars.keys()) if (!keep.has(id)) this.cars.delete(id);
    for (const id of indexes) if (!this.cars.has(id)) this.cars.set(id, carState(null));
    this.needsEntryList = false;
  }

  private onEntryCar(car: EntryListCar, t: number): void {
    const state = this.cars.get(car.carIndex);
    if (state) setEntry(state, car); else this.cars.set(car.carIndex, carState(car));
    if (this.sessionId) this.emitParticipant(car, t);
  }

  private emitParticipant(car: EntryListCar, t: number): void {
    const driver = car.drivers[car.currentDriverIndex] ?? car.drivers[0];
    const model = carModelName(car.carModelType);
    this.ctx.sink.emit(this.frame(this.carLabels(car.carIndex), t, {
      participant: {
        driverName: driver ? `${driver.firstName} ${driver.lastName}`.trim() : "", driverShortName: driver?.shortName ?? "",
        teamName: car.teamName || model, teamId: 255, raceNumber: Math.max(0, car.raceNumber),
        nationality: nationalityName(driver?.nationality ?? car.nationality), carModel: model, telemetryPublic: true,
        carClass: CUP_CATEGORIES[car.cupCategory] ?? "", driverCategory: driver ? DRIVER_CATEGORIES[driver.category] ?? "" : "",
      },
    }));
  }

  private onCar(c: RealtimeCarUpdate, t: number): void {
    const state = this.cars.get(c.carIndex);
    if (!state?.entry) this.needsEntryList = true;
    if (!this.sessionId) return;
    const labels = this.carLabels(c.carIndex);
    const inPits = c.carLocation === CarLocation.PITLANE || c.carLocation === CarLocation.PIT_ENTRY || c.carLocation === CarLocation.PIT_EXIT;
    const trackMeters = this.track?.trackMeters ?? 0;
    const l = this.lapState;
    l.lapNumber = c.laps + 1; l.currentLapTimeMs = lapMs(c.currentLap); l.lastLapTimeMs = lapMs(c.lastLap);
    l.bestLapTimeMs = lapMs(c.bestSessionLap); l.position = c.position; l.classPosition = c.cupPosition; l.lapFraction = c.splinePosition;
    l.lapDistanceM = c.splinePosition * trackMeters; l.deltaToBestMs = c.deltaMs; l.lapInvalid = c.currentLap.isInvalid;
    this.timeGaps(c, state, t / 1e6);
    l.pitStatus = c.carLocation === CarLocation.NONE ? v1.PitStatus.PIT_STATUS_UNSPECIFIED
      : inPits ? v1.PitStatus.PIT_STATUS_PIT_LANE : v1.PitStatus.PIT_STATUS_ON_TRACK;
    l.driverStatus = c.currentLap.isOutLap ? v1.DriverStatus.DRIVER_STATUS_OUT_LAP
      : c.currentLap.isInLap ? v1.DriverStatus.DRIVER_STATUS_IN_LAP : v1.DriverStatus.DRIVER_STATUS_ON_TRACK;
    this.stamp(this.lapFrame, t);
    this.ctx.sink.emit(this.lapFrame);
    // racetel.v1 axis convention: y is up; the broadcast's map coordinates lie on the ground plane (x, z).
    this.position.x = c.worldPosX; this.position.y = 0; this.position.z = c.worldPosY; this.motion.yawRad = c.yawRad;
    this.stamp(this.motionFrame, t);
    this.ctx.sink.emit(this.motionFrame);
    // a lap count that moved on: the last lap is a finished lap
    if (state && state.laps >= 0 && c.laps > state.laps && lapMs(c.lastLap) > 0) {
      const s1 = split(c.lastLap, 0);
      const s2 = split(c.lastLap, 1);
      const s3 = split(c.lastLap, 2);
      this.ctx.sink.emit(this.frame(labels, t, {
        finishedLap: {
          lapNumber: c.laps, lapTimeMs: lapMs(c.lastLap), sector1TimeMs: s1, sector2TimeMs: s2,
          sector3TimeMs: s3 || Math.max(0, lapMs(c.lastLap) - s1 - s2), valid: !c.lastLap.isInvalid,
          position: c.position, origin: v1.FinishedLapOrigin.FINISHED_LAP_ORIGIN_LIVE,
        },
      }));
    }
    if (state) state.laps = c.laps;
  }

  /** Gap to the leader and interval for this car (the protocol sends neither). */
  private timeGaps(c: RealtimeCarUpdate, state: CarState | undefined, nowMs: number): void {
    const l = this.lapState;
    if (state) { state.position = c.position; state.bestLapMs = lapMs(c.bestSessionLap); }
    if (c.position >= 1 && c.position < 256) this.byPosition[c.position] = c.carIndex;
    const race = this.realtime?.sessionType === SessionTypeCode.RACE;
    const leader = this.byPosition[1];
    const ahead = c.position > 1 ? this.byPosition[c.position - 1] : undefined;
    if (race) {
      this.gaps.update(c.carIndex, c.laps, c.splinePosition, nowMs);
      l.gapToLeaderMs = leader !== undefined && leader !== c.carIndex ? this.gaps.gapMs(c.carIndex, leader) : 0;
      l.gapToCarAheadMs = ahead !== undefined ? this.gaps.gapMs(c.carIndex, ahead) : 0;
    } else {
      // Practice and qualifying: how far each best lap is from the best one, and from the car ahead's.
      const best = lapMs(c.bestSessionLap);
      const leaderBest = leader !== undefined ? this.cars.get(leader)?.bestLapMs ?? 0 : 0;
      const aheadBest = ahead !== undefined ? this.cars.get(ahead)?.bestLapMs ?? 0 : 0;
      l.gapToLeaderMs = best > 0 && leaderBest > 0 && best >= leaderBest ? best - leaderBest : 0;
      l.gapToCarAheadMs = best > 0 && aheadBest > 0 && best >= aheadBest ? best - aheadBest : 0;
    }
  }

  private onEvent(e: { type: number; message: string; timeMs: number; carIndex: number }, t: number): void {
    if (!this.sessionId) return;
    const labels = this.carLabels(e.carIndex >= 0 ? e.carIndex : 0);
    const f = this.frame(labels, t, {
      event: {
        type: eventType(e.type), code: EVENT_CODES[e.type] ?? `EVENT${e.type}`, message: e.message.slice(0, MAX_MESSAGE_CHARS),
        lapTimeMs: e.type === EventType.LAP_COMPLETED || e.type === EventType.BEST_SESSION_LAP || e.type === EventType.BEST_PERSONAL_LAP
          ? parseLapTime(e.message) : 0,
      },
    });
    f.sessionTimeS = Math.max(0, e.timeMs / 1000);
    this.ctx.sink.emit(f);
  }
}
