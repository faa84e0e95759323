// Per-session state: who drives each slot, the track, which packet ids arrived, and the per-car lap
// accumulators behind live finished laps. Preallocated typed arrays; nothing grows per packet.
import { racetel } from "@racetel/proto";
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

  constructor(id: string, uidLow: number, uidHigh: number, format: F1Format, nowMs: number) {
    this.id = id;
    this.uidLow = uidLow;
    this.uidHigh = uidHigh;
    this.format = format;
    this.game = uidHigh === SIMULATED_UID_HIGH ? racetel.v1.Game.GAME_F1_SIMULATED : racetel.v1.Game.GAME_F1;
    this.firstSeenMs = nowMs;
    this.lastSeenMs = nowMs;
    this.nameSlots = Array.from({ length: SLOTS }, () => new NameSlot(48));
  }

  /** Whether the player's motion should wait for a MotionEx: the session sent one, or is in its first frames. */
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

/** Sessions by sessionUID, least recently used first; bounded so a long-running ingest stays small. */
export class SessionTable {
  private readonly sessions = new Map<string, F1Session>();
  private last: F1Session | undefined;

  constructor(private readonly maxSessions: number) {}

  /** The session for this uid, creating it (and evicting the oldest) when new. */
  get(uidLow: number, uidHigh: number, format: F1Format, nowMs: number): F1Session {
    const last = this.last;
    if (last !== undefined && last.uidLow === uidLow && last.uidHigh === uidHigh && last.format === format) {
      last.lastSeenMs = nowMs;
      return last;
    }
    const id = ((BigInt(uidHigh) << 32n) | BigInt(uidLow)).toString();
    const key = `${format}:${id}`;
    let session = this.sessions.get(key);
    if (session === undefined) {
      session = new F1Session(id, uidLow, uidHigh, format, nowMs);
      if (this.sessions.size >= this.maxSessions) {
        const oldest = this.sessions.keys().next().value;
        if (oldest !== undefined) this.sessions.delete(oldest);
      }
    } else {
      this.sessions.delete(key);
    }
    this.sessions.set(key, session);
    session.lastSeenMs = nowMs;
    this.last = session;
    return session;
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
