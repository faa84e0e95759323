// F1Decoder: the PacketDecoder for F1 23/24/25 UDP datagrams. Dispatches on (packetFormat, packetId),
// checks the exact size, tracks sessions and hands parsed packets to the normaliser. Never throws.
import { DEFAULT_NEW_SESSIONS_PER_MINUTE } from "@racetel/proto";
import type { DecodeContext, PacketDecoder } from "../source.js";
import type { F1CarDamagePacket, F1CarSetupsPacket, F1CarStatusPacket, F1CarTelemetryPacket,
  F1TyreSetsPacket } from "./layouts/car.js";
import type { F1EventPacket } from "./layouts/event.js";
import type { F1Header } from "./layouts/header.js";
import { F1_PARSERS } from "./layouts/index.js";
import type { F1LapDataPacket, F1LapPositionsPacket, F1SessionHistoryPacket,
  F1TimeTrialPacket } from "./layouts/laps.js";
import type { F1MotionExPacket, F1MotionPacket } from "./layouts/motion.js";
import type { F1LobbyInfoPacket, F1ParticipantsPacket } from "./layouts/participants.js";
import type { F1FinalClassificationPacket } from "./layouts/results.js";
import type { F1SessionPacket } from "./layouts/session.js";
import { F1Normaliser } from "./normalise.js";
import { F1Session, SessionTable, hostOf } from "./session.js";
import { F1_HEADER_SIZE, F1_PACKET_NAMES, F1_PACKET_SIZES, type F1Format, F1PacketId } from "./sizes.js";

/** Drop reasons this decoder counts (via DecodeContext.drops). */
export const F1_DROP_REASONS = ["too_short", "unsupported_format", "unknown_packet_id", "wrong_size",
  "decode_error", "session_budget"] as const;
export type F1DropReason = (typeof F1_DROP_REASONS)[number];

export interface F1DecoderOptions {
  /** Sessions kept in memory (least recently used evicted, sessions that never got going first). Default 16. */
  maxSessions?: number;
  /** New sessionUIDs one sender address may start per minute (more are dropped as session_budget). Default 30. */
  newSessionsPerMinute?: number;
  /** Seconds after a session's first packet before its completeness is checked. Default 6 (Participants come every 5 s). */
  completenessCheckAfterS?: number;
}

const ACTIVE_WINDOW_MS = 10_000;
/** Packet ids a normal session sends within seconds (Motion .. CarStatus, CarDamage). */
const EXPECTED_IDS = [0, 1, 2, 4, 6, 7, 10] as const;

function isSupportedFormat(f: number): f is F1Format {
  return f === 2023 || f === 2024 || f === 2025;
}

export class F1Decoder implements PacketDecoder {
  private readonly sessions: SessionTable;
  private readonly normaliser: F1Normaliser;
  private readonly checkAfterMs: number;
  private lastAddress = "";
  private lastSource = "";
  private latestReceiveMs = 0;
  private readonly menuSessions: Partial<Record<F1Format, F1Session>> = {};
  /** Datagrams of menus (sessionUID 0): decoded, not dropped, no frames. */
  menuPackets = 0;
  /** Decoded datagrams by packet id. */
  readonly decodedById = new Float64Array(16);

  constructor(private readonly ctx: DecodeContext, options: F1DecoderOptions = {}) {
    const maxSessions = options.maxSessions ?? 16;
    if (!Number.isInteger(maxSessions) || maxSessions < 1) {
      throw new Error(`F1Decoder: maxSessions must be a positive integer, got ${maxSessions}`);
    }
    const nameCleaned = (): void => ctx.cleanedLabel?.("driver");
    this.sessions = new SessionTable(maxSessions, options.newSessionsPerMinute ?? DEFAULT_NEW_SESSIONS_PER_MINUTE, nameCleaned);
    this.checkAfterMs = (options.completenessCheckAfterS ?? 6) * 1000;
    this.normaliser = new F1Normaliser(ctx.sink, nameCleaned);
  }

  decode(packet: Buffer, receiveTimeUnixNano: number, sourceAddress: string): boolean {
    if (packet.length < F1_HEADER_SIZE) return this.drop("too_short", packet);
    const format = packet.readUInt16LE(0);
    if (!isSupportedFormat(format)) {
      this.ctx.advice.once(`f1-format-${format}`,
        `F1 telemetry arrived in UDP format ${format}, which racetel does not read: set UDP Format to ` +
        "2023/2024/2025 in the game's telemetry settings (F1 23 offers 2023; F1 24: 2024; F1 25: 2025).",
        { format, source: sourceAddress });
      return this.drop("unsupported_format", packet);
    }
    const id = packet[6]!;
    const sizes = F1_PACKET_SIZES[format];
    if (id >= sizes.length) return this.drop("unknown_packet_id", packet);
    if (packet.length !== sizes[id]) return this.drop("wrong_size", packet);
    const uidLow = packet.readUInt32LE(7);
    const uidHigh = packet.readUInt32LE(11);
    if (uidLow === 0 && uidHigh === 0) return this.decodeMenu(packet, format, id, receiveTimeUnixNano, sourceAddress);
    const nowMs = receiveTimeUnixNano / 1e6;
    if (nowMs > this.latestReceiveMs) this.latestReceiveMs = nowMs;
    const session = this.sessions.get(uidLow, uidHigh, format, nowMs, sourceAddress);
    if (session === undefined) return this.drop("session_budget", packet);
    session.seenPacketIds |= 1 << id;
    const n = this.normaliser;
    // Setups and tyre sets rarely change: unchanged ones are not even parsed (see normalise.ts)
    if ((id === F1PacketId.TyreSets && !n.tyreSetsDue(packet, session)) ||
      (id === F1PacketId.CarSetups && !n.setupsDue(packet, session))) {
      this.decodedById[id]!++;
      return true;
    }
    let parsed: { header: F1Header };
    try {
      parsed = F1_PARSERS[format][id]!.parse(packet) as { header: F1Header };
    } catch {
      return this.drop("decode_error", packet);
    }
    this.decodedById[id]!++;
    const h = parsed.header;
    if (session.gameVersion === "") {
      session.gameVersion = `${h.gameMajorVersion}.${String(h.gameMinorVersion).padStart(2, "0")}`;
    }
    if (h.playerCarIndex !== session.playerCarIndex) session.playerCarIndex = h.playerCarIndex;
    this.setSource(sourceAddress);
    n.receiveTimeUnixNano = session.instantOf(packet.readUInt32LE(23), receiveTimeUnixNano);
    try {
      this.normalise(id, parsed, session, packet);
    } catch {
      // a bug in normalisation (or a failing sink) must not take the socket loop down: count it
      return this.drop("decode_error", packet);
    }
    if (!session.advised && nowMs - session.firstSeenMs >= this.checkAfterMs) this.checkCompleteness(session);
    return true;
  }

  private normalise(id: number, p: unknown, s: F1Session, raw: Buffer): void {
    const n = this.normaliser;
    switch (id) {
      case F1PacketId.Motion: n.motion(p as F1MotionPacket, s); break;
      case F1PacketId.Session: n.session(p as F1SessionPacket, s); break;
      case F1PacketId.LapData: n.lapData(p as F1LapDataPacket, s); break;
      case F1PacketId.Event: n.event(p as F1EventPacket, s); break;
      case F1PacketId.Participants: n.participants(p as F1ParticipantsPacket, s); break;
      case F1PacketId.CarSetups: n.carSetups(p as F1CarSetupsPacket, s, raw); break;
      case F1PacketId.CarTelemetry: n.carTelemetry(p as F1CarTelemetryPacket, s); break;
      case F1PacketId.CarStatus: n.carStatus(p as F1CarStatusPacket, s); break;
      case F1PacketId.FinalClassification: n.finalClassification(p as F1FinalClassificationPacket, s); break;
      case F1PacketId.LobbyInfo: n.lobbyInfo(p as F1LobbyInfoPacket, s); break;
      case F1PacketId.CarDamage: n.carDamage(p as F1CarDamagePacket, s); break;
      case F1PacketId.SessionHistory: n.sessionHistory(p as F1SessionHistoryPacket, s); break;
      case F1PacketId.TyreSets: n.tyreSets(p as F1TyreSetsPacket, s, raw); break;
      case F1PacketId.MotionEx: n.motionEx(p as F1MotionExPacket, s); break;
      case F1PacketId.TimeTrial: n.timeTrial(p as F1TimeTrialPacket, s); break;
      case F1PacketId.LapPositions: n.lapPositions(p as F1LapPositionsPacket, s); break;
      default: break;
    }
  }

  /**
   * Menu packets (sessionUID 0) are parsed (so bad ones are counted) and counted as menu packets; only
   * LobbyInfo, which exists only in menus, emits frames, labelled session "0". No session is created.
   */
  private decodeMenu(packet: Buffer, format: F1Format, id: number, receiveTimeUnixNano: number,
    sourceAddress: string): boolean {
    let parsed: unknown;
    try {
      parsed = F1_PARSERS[format][id]!.parse(packet);
    } catch {
      return this.drop("decode_error", packet);
    }
    this.decodedById[id]!++;
    this.menuPackets++;
    if (id === F1PacketId.LobbyInfo) this.emitLobby(parsed as F1LobbyInfoPacket, format, receiveTimeUnixNano, sourceAddress);
    return true;
  }

  private emitLobby(p: F1LobbyInfoPacket, format: F1Format, receiveTimeUnixNano: number, sourceAddress: string): void {
    let menu = this.menuSessions[format];
    if (menu === undefined) {
      menu = new F1Session("0", 0, 0, format, 0);
      this.menuSessions[format] = menu;
    }
    this.setSource(sourceAddress);
    this.normaliser.receiveTimeUnixNano = receiveTimeUnixNano;
    try {
      this.normaliser.lobbyInfo(p, menu);
    } catch {
      // counted like any normalisation failure would be; the packet itself was valid
      this.ctx.drops.drop("decode_error", Buffer.alloc(0));
    }
  }

  private setSource(sourceAddress: string): void {
    if (sourceAddress !== this.lastAddress) {
      this.lastAddress = sourceAddress;
      this.lastSource = `f1:${hostOf(sourceAddress)}`;
    }
    this.normaliser.source = this.lastSource;
  }

  /** Reports once per session what a half-configured game leaves out. */
  private checkCompleteness(s: F1Session): void {
    s.advised = true;
    const missing = EXPECTED_IDS.filter((id) => (s.seenPacketIds & (1 << id)) === 0).map((id) => F1_PACKET_NAMES[id]);
    if (missing.length > 0) {
      this.ctx.advice.once(`f1-missing-${s.id}`,
        `F1 session ${s.id} sent no ${missing.join(", ")} packets in its first ${this.checkAfterMs / 1000} s: ` +
        "check that UDP Telemetry is on and the send rate is not too low in the game's telemetry settings.",
        { session: s.id, missing });
    }
    let activeOthers = 0;
    for (let i = 0; i < 22; i++) if (i !== s.playerCarIndex && s.isActive(i)) activeOthers++;
    if (activeOthers > 0 && (s.seenPacketIds & (1 << F1PacketId.CarTelemetry)) !== 0 && !s.otherCarsTelemetrySeen) {
      this.ctx.advice.once(`f1-others-${s.id}`,
        `F1 session ${s.id}: ${activeOthers} other cars are present but only the player's car has telemetry ` +
        "(the others send zeros).", { session: s.id, otherCars: activeOthers });
    }
    if (s.restrictedCars > 0) {
      this.ctx.advice.once(`f1-restricted-${s.id}`,
        `F1 session ${s.id}: ${s.restrictedCars} cars have restricted telemetry ("Your Telemetry: Restricted"), ` +
        "so their fuel, ERS and damage read as zero.", { session: s.id, restrictedCars: s.restrictedCars });
    }
  }

  private drop(reason: F1DropReason, packet: Buffer): false {
    this.ctx.drops.drop(reason, packet);
    return false;
  }

  flush(olderThanUnixNano = Number.POSITIVE_INFINITY): void {
    try {
      this.normaliser.releaseHeldMotion(olderThanUnixNano);
    } catch {
      this.ctx.drops.drop("decode_error", Buffer.alloc(0));
    }
  }

  /** Sessions with a packet in the last 10 s (of `nowMs`, default the wall clock). */
  activeSessions(nowMs: number = Date.now()): number {
    return this.sessions.active(nowMs, ACTIVE_WINDOW_MS);
  }

  sessionsEvicted(): number {
    return this.sessions.evicted;
  }

  /** Receive time (ms) of the newest packet seen; lets replays ask activeSessions() in capture time. */
  get latestReceiveTimeMs(): number {
    return this.latestReceiveMs;
  }
}
