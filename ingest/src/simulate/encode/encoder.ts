// One simulated console's packet encoder: a preallocated buffer per packet id for one format.
import type { RaceEvent, RaceModel } from "../model.js";
import { writeCarDamage, writeCarSetups, writeCarStatus, writeCarTelemetry, writeMotion, writeMotionEx } from "./car-packets.js";
import { writeEvent } from "./event.js";
import { ENCODED_PACKET_SIZES, PacketId, PacketWriter, writeHeader, type HeaderFields, type PacketFormat } from "./layout.js";
import { writeLapPositions, writeLobbyInfo } from "./menu-packets.js";
import { writeFinalClassification, writeLapData, writeParticipants, writeSession, writeSessionHistory, writeTyreSets } from "./race-packets.js";

/** Encodes packets of one format from a RaceModel. Each method returns the encoder's own buffer for that
 * packet id: valid until the same method is called again (copy it to keep it). */
export class F1PacketEncoder {
  readonly header: HeaderFields;
  private readonly writers = new Map<number, PacketWriter>();

  constructor(readonly format: PacketFormat, sessionUid: bigint, readonly playerCarIndex: number) {
    this.header = { format, sessionUid, sessionTime: 0, frameIdentifier: 0, playerCarIndex };
    for (const [id, size] of Object.entries(ENCODED_PACKET_SIZES[format])) this.writers.set(Number(id), new PacketWriter(size));
  }

  private begin(id: number): PacketWriter {
    const w = this.writers.get(id) as PacketWriter;
    w.reset();
    writeHeader(w, this.header, id);
    return w;
  }

  /** A packet of the game's menus: sessionUID 0 (F1 spec: LobbyInfo is sent in the lobby, before a session). */
  private beginMenu(id: number): PacketWriter {
    const w = this.writers.get(id) as PacketWriter;
    w.reset();
    writeHeader(w, { ...this.header, sessionUid: 0n }, id);
    return w;
  }

  motion(m: RaceModel): Buffer { const w = this.begin(PacketId.Motion); writeMotion(w, m); return w.buffer; }
  session(m: RaceModel): Buffer { const w = this.begin(PacketId.Session); writeSession(w, m, this.format, this.playerCarIndex); return w.buffer; }
  lapData(m: RaceModel): Buffer { const w = this.begin(PacketId.LapData); writeLapData(w, m, this.format); return w.buffer; }
  event(e: RaceEvent): Buffer { const w = this.begin(PacketId.Event); writeEvent(w, e); return w.buffer; }
  participants(m: RaceModel): Buffer { const w = this.begin(PacketId.Participants); writeParticipants(w, m, this.format, this.playerCarIndex); return w.buffer; }
  carSetups(m: RaceModel): Buffer { const w = this.begin(PacketId.CarSetups); writeCarSetups(w, m, this.format); return w.buffer; }
  carTelemetry(m: RaceModel): Buffer { const w = this.begin(PacketId.CarTelemetry); writeCarTelemetry(w, m); return w.buffer; }
  carStatus(m: RaceModel): Buffer { const w = this.begin(PacketId.CarStatus); writeCarStatus(w, m); return w.buffer; }
  finalClassification(m: RaceModel): Buffer { const w = this.begin(PacketId.FinalClassification); writeFinalClassification(w, m, this.format); return w.buffer; }
  carDamage(m: RaceModel): Buffer { const w = this.begin(PacketId.CarDamage); writeCarDamage(w, m, this.format); return w.buffer; }
  sessionHistory(m: RaceModel, car: number): Buffer { const w = this.begin(PacketId.SessionHistory); writeSessionHistory(w, m, car); return w.buffer; }
  tyreSets(m: RaceModel, car: number): Buffer { const w = this.begin(PacketId.TyreSets); writeTyreSets(w, m, car); return w.buffer; }
  lobbyInfo(m: RaceModel): Buffer { const w = this.beginMenu(PacketId.LobbyInfo); writeLobbyInfo(w, m, this.format, this.playerCarIndex); return w.buffer; }
  /** F1 25 only. */
  lapPositions(table: Uint8Array, laps: number): Buffer { const w = this.begin(PacketId.LapPositions); writeLapPositions(w, table, laps); return w.buffer; }
  motionEx(m: RaceModel): Buffer { const w = this.begin(PacketId.MotionEx); writeMotionEx(w, m, this.playerCarIndex, this.format); return w.buffer; }
}
