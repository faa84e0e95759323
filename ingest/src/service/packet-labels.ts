// Human labels for packet types in summaries (never on the hot path).

// F1 2023+ header: packetFormat u16 at 0, packetId u8 at 6 (2021/2022: at 5).
const F1_PACKET_NAMES = ["Motion", "Session", "LapData", "Event", "Participants", "CarSetups", "CarTelemetry", "CarStatus", "FinalClassification", "LobbyInfo", "CarDamage", "SessionHistory", "TyreSets", "MotionEx", "TimeTrial", "LapPositions"];

/** "F1 2023 #06 CarTelemetry" from a datagram's header. */
export function f1PacketLabel(packet: Buffer): string {
  if (packet.length < 7) return "F1 (too short for a header)";
  const format = packet.readUInt16LE(0);
  const id = format >= 2023 ? packet[6] : packet[5];
  const name = F1_PACKET_NAMES[id] ?? "unknown";
  return `F1 ${format} #${String(id).padStart(2, "0")} ${name}`;
}
