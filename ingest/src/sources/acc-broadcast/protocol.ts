// ACC broadcasting protocol, version 4 (Kunos broadcasting SDK): message types, the inbound message
// decoders and the outbound request builders. Little-endian; strings are u16 byte length + UTF-8.
export const BROADCASTING_PROTOCOL_VERSION = 4;
export const DEFAULT_BROADCAST_PORT = 9000;

/** Outbound (client -> game). */
export const Outbound = {
  REGISTER_COMMAND_APPLICATION: 1,
  UNREGISTER_COMMAND_APPLICATION: 9,
  REQUEST_ENTRY_LIST: 10,
  REQUEST_TRACK_DATA: 11,
} as const;

/** Inbound (game -> client). */
export const Inbound = {
  REGISTRATION_RESULT: 1,
  REALTIME_UPDATE: 2,
  REALTIME_CAR_UPDATE: 3,
  ENTRY_LIST: 4,
  TRACK_DATA: 5,
  ENTRY_LIST_CAR: 6,
  BROADCASTING_EVENT: 7,
} as const;

/** CarLocationEnum: 0 none, 1 track, 2 pit lane, 3 pit entry, 4 pit exit. */
export const CarLocation = { NONE: 0, TRACK: 1, PITLANE: 2, PIT_ENTRY: 3, PIT_EXIT: 4 } as const;
/** BroadcastingCarEventType. */
export const EventType = {
  NONE: 0, GREEN_FLAG: 1, SESSION_OVER: 2, PENALTY_COMM_MSG: 3, ACCIDENT: 4, LAP_COMPLETED: 5,
  BEST_SESSION_LAP: 6, BEST_PERSONAL_LAP: 7,
} as const;
export const EVENT_CODES = ["NONE", "GREENFLAG", "SESSIONOVER", "PENALTYCOMMMSG", "ACCIDENT", "LAPCOMPLETED",
  "BESTSESSIONLAP", "BESTPERSONALLAP"];
/** RaceSessionType (broadcasting numbering differs from the shared memory's). */
export const SessionTypeCode = { PRACTICE: 0, QUALIFYING: 4, SUPERPOLE: 9, RACE: 10, HOTLAP: 11, HOTSTINT: 12, HOTLAP_SUPERPOLE: 13, REPLAY: 14 } as const;
/** SessionPhase 0..8. */
export const PHASES = ["none", "starting", "pre_formation", "formation", "pre_session", "session", "session_over",
  "post_session", "result_ui"];

/** ACC writes INT32_MAX where there is no lap time. */
export const NO_LAP_TIME = 2147483647;

export interface LapInfo {
  lapTimeMs: number;
  carIndex: number;
  driverIndex: number;
  splits: number[];
  isInvalid: boolean;
  isValidForBest: boolean;
  isOutLap: boolean;
  isInLap: boolean;
}

export interface RegistrationResult { connectionId: number; success: boolean; readOnly: boolean; errorMessage: string }

export interface RealtimeUpdate {
  eventIndex: number; sessionIndex: number; sessionType: number; phase: number;
  sessionTimeMs: number; sessionEndTimeMs: number; focusedCarIndex: number;
  activeCameraSet: string; activeCamera: string; currentHudPage: string; isReplayPlaying: boolean;
  replaySessionTimeMs: number; replayRemainingTimeMs: number;
  /** Seconds since midnight. */
  timeOfDayS: number;
  ambientTempC: number; trackTempC: number; clouds: number; rainLevel: number; wetness: number;
  bestSessionLap: LapInfo;
}

export interface RealtimeCarUpdate {
  carIndex: number; driverIndex: number; driverCount: number;
  /** The raw gear byte (0 = reverse, 1 = neutral, 2 = first). */
  gearByte: number;
  worldPosX: number; worldPosY: number; yawRad: number; carLocation: number; speedKmh: number;
  position: number; cupPosition: number; trackPosition: number; splinePosition: number; laps: number; deltaMs: number;
  bestSessionLap: LapInfo; lastLap: LapInfo; currentLap: LapInfo;
}

export interface EntryList { connectionId: number; carIndexes: number[] }

export interface TrackData {
  connectionId: number; trackName: string; trackId: number; trackMeters: number;
  cameraSets: Map<string, string[]>; hudPages: string[];
}

export interface DriverInfo { firstName: string; lastName: string; shortName: string; category: number; nationality: number }

export interface EntryListCar {
  carIndex: number; carModelType: number; teamName: string; raceNumber: number; cupCategory: number;
  currentDriverIndex: number; nationality: number; drivers: DriverInfo[];
}

export interface BroadcastingEvent { type: number; message: string; timeMs: number; carIndex: number }

/** Thrown by the reader when a message ends early (caught by the decoder and counted). */
export class TruncatedError extends Error { override name = "TruncatedError"; }
/** Thrown when a string is not valid UTF-8. */
export class GarbageStringError extends Error { override name = "GarbageStringError"; }
const TRUNCATED = new TruncatedError("message ends early");
const GARBAGE = new GarbageStringError("string is not UTF-8 text");
/** Control characters: never part of a name, a track or a message the game writes. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A bounds-checked little-endian cursor over one datagram. */
export class Reader {
  offset = 0;
  private buf: Buffer = Buffer.alloc(0);

  reset(buf: Buffer, offset = 0): this { this.buf = buf; this.offset = offset; return this; }
  get remaining(): number { return this.buf.length - this.offset; }
  private need(n: number): void { if (this.offset + n > this.buf.length) throw TRUNCATED; }
  u8(): number { this.need(1); return this.buf[this.offset++]!; }
  u16(): number { this.need(2); const v = this.buf.readUInt16LE(this.offset); this.offset += 2; return v; }
  i32(): number { this.need(4); const v = this.buf.readInt32LE(this.offset); this.offset += 4; return v; }
  f32(): number { this.need(4); const v = this.buf.readFloatLE(this.offset); this.offset += 4; return v; }
  string(): string {
    const n = this.u16();
    this.need(n);
    let text: string;
    try { text = utf8.decode(this.buf.subarray(this.offset, this.offset + n)); } catch { throw GARBAGE; }
    if (CONTROL.test(text)) throw GARBAGE;
    this.offset += n;
    return text;
  }
}

export function emptyLap(): LapInfo {
  return { lapTimeMs: 0, carIndex: 0, driverIndex: 0, splits: [], isInvalid: false, isValidForBest: false, isOutLap: false, isInLap: false };
}

/** Reads a LapInfo into `out` (reused between messages; its splits array too). */
export function readLap(r: Reader, out: LapInfo = emptyLap()): LapInfo {
  out.lapTimeMs = r.i32();
  out.carIndex = r.u16();
  out.driverIndex = r.u16();
  const splitCount = r.u8();
  out.splits.length = 0;
  for (let i = 0; i < splitCount; i++) out.splits.push(r.i32());
  out.isInvalid = r.u8() > 0;
  out.isValidForBest = r.u8() > 0;
  out.isOutLap = r.u8() > 0;
  out.isInLap = r.u8() > 0;
  return out;
}

// Each read* function starts after the message type byte.
export function readRegistrationResult(r: Reader): RegistrationResult {
  const connectionId = r.i32();
  const success = r.u8() > 0;
  const readOnly = r.u8() === 0; // the SDK sends 0 for a read-only connection
  return { connectionId, success, readOnly, errorMessage: r.string() };
}

export function readRealtimeUpdate(r: Reader): RealtimeUpdate {
  const eventIndex = r.u16();
  const sessionIndex = r.u16();
  const sessionType = r.u8();
  const phase = r.u8();
  const sessionTimeMs = r.f32();
  const sessionEndTimeMs = r.f32();
  const focusedCarIndex = r.i32();
  const activeCameraSet = r.string();
  const activeCamera = r.string();
  const currentHudPage = r.string();
  const isReplayPlaying = r.u8() > 0;
  let replaySessionTimeMs = 0;
  let replayRemainingTimeMs = 0;
  if (isReplayPlaying) { replaySessionTimeMs = r.f32(); replayRemainingTimeMs = r.f32(); }
  const timeOfDayS = r.f32();
  const ambientTempC = r.u8();
  const trackTempC = r.u8();
  const clouds = r.u8() / 10;
  const rainLevel = r.u8() / 10;
  const wetness = r.u8() / 10;
  return {
    eventIndex, sessionIndex, sessionType, phase, sessionTimeMs, sessionEndTimeMs, focusedCarIndex, activeCameraSet,
    activeCamera, currentHudPage, isReplayPlaying, replaySessionTimeMs, replayRemainingTimeMs, timeOfDayS,
    ambientTempC, trackTempC, clouds, rainLevel, wetness, bestSessionLap: readLap(r),
  };
}

export function emptyCarUpdate(): RealtimeCarUpdate {
  return {
    carIndex: 0, driverIndex: 0, driverCount: 0, gearByte: 0, worldPosX: 0, worldPosY: 0, yawRad: 0, carLocation: 0,
    speedKmh: 0, position: 0, cupPosition: 0, trackPosition: 0, splinePosition: 0, laps: 0, deltaMs: 0,
    bestSessionLap: emptyLap(), lastLap: emptyLap(), currentLap: emptyLap(),
  };
}

/** Reads a REALTIME_CAR_UPDATE into `out` (the most frequent message: reused, no allocation). */
export function readRealtimeCarUpdate(r: Reader, out: RealtimeCarUpdate = emptyCarUpdate()): RealtimeCarUpdate {
  out.carIndex = r.u16();
  out.driverIndex = r.u16();
  out.driverCount = r.u8();
  out.gearByte = r.u8();
  out.worldPosX = r.f32();
  out.worldPosY = r.f32();
  out.yawRad = r.f32();
  out.carLocation = r.u8();
  out.speedKmh = r.u16();
  out.position = r.u16();
  out.cupPosition = r.u16();
  out.trackPosition = r.u16();
  out.splinePosition = r.f32();
  out.laps = r.u16();
  out.deltaMs = r.i32();
  readLap(r, out.bestSessionLap);
  readLap(r, out.lastLap);
  readLap(r, out.currentLap);
  return out;
}

/** The SDK's gear: raw byte - 2 (so reverse is -1 and neutral 0). */
export function gearOf(gearByte: number): number { return gearByte - 2; }

export function readEntryList(r: Reader): EntryList {
  const connectionId = r.i32();
  const n = r.u16();
  const carIndexes: number[] = [];
  for (let i = 0; i < n; i++) carIndexes.push(r.u16());
  return { connectionId, carIndexes };
}

export function readTrackData(r: Reader): TrackData {
  const connectionId = r.i32();
  const trackName = r.string();
  const trackId = r.i32();
  const trackMeters = r.i32();
  const cameraSets = new Map<string, string[]>();
  const sets = r.u8();
  for (let i = 0; i < sets; i++) {
    const name = r.string();
    const cams: string[] = [];
    const n = r.u8();
    for (let j = 0; j < n; j++) cams.push(r.string());
    cameraSets.set(name, cams);
  }
  const hudPages: string[] = [];
  const pages = r.u8();
  for (let i = 0; i < pages; i++) hudPages.push(r.string());
  return { connectionId, trackName, trackId, trackMeters, cameraSets, hudPages };
}

export function readEntryListCar(r: Reader): EntryListCar {
  const carIndex = r.u16();
  const carModelType = r.u8();
  const teamName = r.string();
  const raceNumber = r.i32();
  const cupCategory = r.u8();
  const currentDriverIndex = r.u8();
  const nationality = r.u16();
  const drivers: DriverInfo[] = [];
  const n = r.u8();
  for (let i = 0; i < n; i++) {
    drivers.push({ firstName: r.string(), lastName: r.string(), shortName: r.string(), category: r.u8(), nationality: r.u16() });
  }
  return { carIndex, carModelType, teamName, raceNumber, cupCategory, currentDriverIndex, nationality, drivers };
}

export function readBroadcastingEvent(r: Reader): BroadcastingEvent {
  return { type: r.u8(), message: r.string(), timeMs: r.i32(), carIndex: r.i32() };
}

function withString(parts: (Buffer | string)[]): Buffer {
  return Buffer.concat(parts.map((p) => {
    if (typeof p !== "string") return p;
    const bytes = Buffer.from(p, "utf8");
    const len = Buffer.alloc(2);
    len.writeUInt16LE(bytes.length);
    return Buffer.concat([len, bytes]);
  }));
}

function u8(v: number): Buffer { return Buffer.from([v]); }
function i32(v: number): Buffer { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; }

export interface Registration { displayName: string; connectionPassword: string; updateIntervalMs: number; commandPassword: string }

/** REGISTER_COMMAND_APPLICATION: type, protocol version, display name, password, interval, command password. */
export function registerRequest(reg: Registration): Buffer {
  return withString([u8(Outbound.REGISTER_COMMAND_APPLICATION), u8(BROADCASTING_PROTOCOL_VERSION), reg.displayName,
    reg.connectionPassword, i32(reg.updateIntervalMs), reg.commandPassword]);
}

export function unregisterRequest(connectionId: number): Buffer {
  return Buffer.concat([u8(Outbound.UNREGISTER_COMMAND_APPLICATION), i32(connectionId)]);
}

export function entryListRequest(connectionId: number): Buffer {
  return Buffer.concat([u8(Outbound.REQUEST_ENTRY_LIST), i32(connectionId)]);
}

export function trackDataRequest(connectionId: number): Buffer {
  return Buffer.concat([u8(Outbound.REQUEST_TRACK_DATA), i32(connectionId)]);
}
