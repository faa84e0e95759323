// Per-session state: who drives each slot, the track, which packet ids arrived, and the per-car lap
// accumulators behind live finished laps. Preallocated typed arrays; nothing grows per packet.
import { NewSessionBudget, racetel } from "@racetel/proto";
import { NameSlot } from "./names.js";
import { F1_CAR_SLOTS, type F1Format } from "./sizes.js";

const SLOTS = F1_CAR_SLOTS;
/** High 32 bits of the sessionUIDs `racetel simulate` makes: ASCII "SIMU" (docs/simulate.md). */
export const SIMULATED_UID_HIGH = 0x53494d55;
/** Laps per car the history de-duplication remembers (F1 SessionHistory holds up to 100). */
export const MAX_HISTORY_LAPS = 100;
/** Bytes of one car's TyreSets payload (20 sets of 10 bytes and the fitted index). */
export const TYRE_SETS_BYTES = 201;

export class F1Session {
  /** sessionUID as a decimal string (exact u64). */
  readonly id: string;
  readonly uidLow: number;
  readonly uidHigh: number;
  readonly format: F1Format;
  /** racetel.v1.Game of the session's frames: GAME_F1_SIMULATED for `racetel simulate`'s sessions. */
  readonly game: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Packets of this session so far: a session that sent few, briefly, is the first to be evicted. */
  packets = 0;
  // The receive time of the first packet of the two latest game frames (overallFrameIdentifier).
  private frameA = -1;
  private timeA = 0;
  private frameB = -1;
  private timeB = 0;
  /** Bit n set when packet id n arrived in this session. */
  seenPacketIds = 0;
  advised = false;
  gameVersion = "";
  /** True once the session sent a MotionEx: the player's Motion frames then wait for theirs. */
  motionExSeen = false;
  /** Motion packets seen so far (a session's first ones may come before its first MotionEx). */
  motionPackets = 0;

  // Session packet facts
  track = "";
  trackLengthM = 0;
  series = "";
  playerCarIndex = 255;

  // Which slots hold a car
  participantsSeen = false;
  numActiveCars = 0;
  lapDataSeen = false;
  readonly resultStatus = new Uint8Array(SLOTS);
  readonly driver: string[] = new Array<string>(SLOTS).fill("");
  readonly team: string[] = new Array<string>(SLOTS).fill("");
  readonly nameSlots: NameSlot[];
  /** Cars whose owner restricted their telemetry (Participants yourTelemetry = 0). */
  restrictedCars = 0;
  /** True once a car other than the player's showed engine revs. */
  otherCarsTelemetrySeen = false;

  // Live lap accumulators, per car
  readonly lapNumber = new Uint8Array(SLOTS);
  readonly lapSector1Ms = new Uint32Array(SLOTS);
  readonly lapSector2Ms = new Uint32Array(SLOTS);
  readonly lapInvalid = new Uint8Array(SLOTS);
  readonly lapPit = new Uint8Array(SLOTS);
  /** 1 when the car entered the pit lane on the lap being driven (its in-lap: where the stop counts). */
  readonly lapPitEntry = new Uint8Array(SLOTS);
  /** The car's pit status in the previous LapData (255 before the first): an entry is a change from 0. */
  readonly lastPitStatus = new Uint8Array(SLOTS).fill(255);
  /** 1 once the car was seen with result status "finished" (its last lap is then complete). */
  readonly finishSeen = new Uint8Array(SLOTS);
  readonly lapTopSpeedMps = new Float32Array(SLOTS);
  readonly lapStartFuelKg = new Float32Array(SLOTS);
  readonly fuelKg = new Float32Array(SLOTS);
  readonly statusSeen = new Uint8Array(SLOTS);
  readonly lapStartWear = new Float32Array(SLOTS * 4);
  readonly wear = new Float32Array(SLOTS * 4);
  readonly damageSeen = new Uint8Array(SLOTS);
  readonly compoundFamily = new Uint8Array(SLOTS);
  readonly compoundName: string[] = new Array<string>(SLOTS).fill("");
  readonly bestLapMs = new Uint32Array(SLOTS);
  /** 1 when every lap of the car is known (seen from lap 1, or its lap history arrived): bestLapMs is then the best. */
  readonly bestLapKnown = new Uint8Array(SLOTS);
  /** 1 once the car's SessionHistory arrived. */
  readonly historySeen = new Uint8Array(SLOTS);
  // Last emitted bytes and session time of each car's setup and tyre sets (change detection)
  readonly lastSetupBytes = new Uint8Array(SLOTS * 50);
  readonly lastSetupAt = new Float64Array(SLOTS).fill(Number.NaN);
  readonly lastTyreSetBytes = new Uint8Array(SLOTS * TYRE_SETS_BYTES);
  readonly lastTyreSetsAt = new Float64Array(SLOTS).fill(Number.NaN);
  /** 1 when the (car, lap) finished lap from SessionHistory was emitted. */
  readonly historyEmitted = new Uint8Array(SLOTS * MAX_HISTORY_LAPS);

  constructor(id: string, uidLow: number, uidHigh: number, format: F1Format, nowMs: number, onNameCleaned?: () => void) {
    this.id = id;
    this.uidLow = uidLow;
    this.uidHigh = uidHigh;
    this.format = format;
    this.game = uidHigh === SIMULATED_UID_HIGH ? racetel.v1.Game.GAME_F1_SIMULATED : racetel.v1.Game.GAME_F1;
    this.firstSeenMs = nowMs;
    this.lastSeenMs = nowMs;
    this.nameSlots = Array.from({ length: SLOTS }, () => new NameSlot(48, onNameCleaned));
  }

  /** Whether the player's motion should wait for a MotionEx: the session sent one, or is in its first frames. */
  /**
   * The time every frame of game frame `frameId` carries: the receive time of its first packet. Motion,
   * LapData and CarTelemetry of one instant then share a timestamp, so rpc stores them as one sample.
   */
  instantOf(frameId: number, receiveTimeUnixNano: number): number {
    if (frameId === this.frameA) return this.timeA;
    if (frameId === this.frameB) return this.timeB;
    this.frameB = this.frameA;
    this.timeB = this.timeA;
    this.frameA = frameId;
    this.timeA = receiveTimeUnixNano;
    return receiveTimeUnixNano;
  }

  motionExExpected(): boolean {
    return this.motionExSeen || this.motionPackets++ < 5;
  }

  /** Whether car slot `i` holds a car, from the best information seen so far. */
  isActive(i: number): boolean {
    if (this.participantsSeen) return i < this.numActiveCars;
    if (this.lapDataSeen) return this.resultStatus[i]! >= 2;
    return i === this.playerCarIndex;
  }
}

/** A session that sent this many packets over at least ESTABLISHED_AFTER_MS is kept over newcomers. */
const ESTABLISHED_AFTER_PACKETS = 30;
const ESTABLISHED_AFTER_MS = 1000;
/** Oldest sessions looked at for one that is not established, before the oldest of all is evicted. */
const EVICTION_SCAN = 8;

/** "192.168.1.20:51234" -> "192.168.1.20"; "[::1]:5" -> "::1"; anything else unchanged. */
export function hostOf(address: string): string {
  if (address.startsWith("[")) {
    const end = address.indexOf("]");
    return end > 0 ? address.slice(1, end) : address;
  }
  const colon = address.lastIndexOf(":");
  return colon > 0 && address.indexOf(":") === colon ? address.slice(0, colon) : address;
}

function established(s: F1Session): boolean {
  return s.packets >= ESTABLISHED_AFTER_PACKETS && s.lastSeenMs - s.firstSeenMs >= ESTABLISHED_AFTER_MS;
}

/**
 * Sessions by sessionUID, least recently used first; bounded so a long-running ingest stays small. A
 * flood of made-up sessionUIDs cannot lock a console out: each sender address opens at most
 * `newSessionsPerMinute` sessions, and a newcomer evicts a session that never got going before one
 * that is live.
 */
export class SessionTable {
  private readonly sessions = new Map<string, F1Session>();
  private readonly budget: NewSessionBudget;
  private last: F1Session | undefined;
  /** Sessions evicted to make room, and new sessions refused because their sender had no budget left. */
  evicted = 0;
  refused = 0;

  constructor(private readonly maxSessions: number, newSessionsPerMinute: number, private readonly onNameCleaned?: () => void) {
    this.budget = new NewSessionBudget({ perMinute: newSessionsPerMinute, maxSources: 1024 });
  }

  /** The session for this uid, creating it when new; undefined when its sender may not open another now. */
  get(uidLow: number, uidHigh: number, format: F1Format, nowMs: number, sourceAddress: string): F1Session | undefined {
    const last = this.last;
    if (last !== undefined && last.uidLow === uidLow && last.uidHigh === uidHigh && last.format === format) {
      last.lastSeenMs = nowMs;
      last.packets++;
      return last;
    }
    const key = `${format}:${uidLow}:${uidHigh}`;
    let session = this.sessions.get(key);
    if (session === undefined) {
      if (!this.budget.take(hostOf(sourceAddress), nowMs)) {
        this.refused++;
        return undefined;
      }
      const id = ((BigInt(uidHigh) << 32n) | BigInt(uidLow)).toString();
      session = new F1Session(id, uidLow, uidHigh, format, nowMs, this.onNameCleaned);
      if (this.sessions.size >= this.maxSessions) this.evictOne();
    } else {
      this.sessions.delete(key);
    }
    this.sessions.set(key, session);
    session.lastSeenMs = nowMs;
    session.packets++;
    this.last = session;
    return session;
  }

  private evictOne(): void {
    let victim: string | undefined;
    let scanned = 0;
    for (const [key, s] of this.sessions) {
      victim ??= key; // the least recently used, if every scanned one is established
      if (!established(s)) {
        victim = key;
        break;
      }
      if (++scanned >= EVICTION_SCAN) break;
    }
    if (victim === undefined) return;
    if (this.last === this.sessions.get(victim)) this.last = undefined;
    this.sessions.delete(victim);
    this.evicted++;
  }

  /** Sessions with a packet in the `windowMs` before `nowMs`. */
  active(nowMs: number, windowMs: number): number {
    let n = 0;
    for (const s of this.sessions.values()) if (nowMs - s.lastSeenMs <= windowMs) n++;
    return n;
  }

  get size(): number {
    return this.sessions.size;
  }
}
