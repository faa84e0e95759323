// Human labels for packet types in summaries (never on the hot path).
import { F1_PACKET_NAMES } from "../sources/f1/index.js";

/** "F1 2023 #06 CarTelemetry" from a datagram's header (packetId at byte 6 since 2023, byte 5 before). */
export function f1PacketLabel(packet: Buffer): string {
  if (packet.length < 7) return "F1 (too short for a header)";
  const format = packet.readUInt16LE(0);
  const id = format >= 2023 ? packet[6] : packet[5];
  const name = F1_PACKET_NAMES[id] ?? "unknown";
  return `F1 ${format} #${String(id).padStart(2, "0")} ${name}`;
}
