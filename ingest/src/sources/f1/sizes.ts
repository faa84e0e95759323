// Datagram sizes by packetFormat and packetId, from the EA/Codemasters UDP specifications
// (F1 23, F1 24, F1 25 "Packet sizes" tables). Dispatch never relies on size alone.

/** Supported packetFormat values. */
export const F1_FORMATS = [2023, 2024, 2025] as const;
export type F1Format = (typeof F1_FORMATS)[number];

/** Exact datagram size in bytes, by packetFormat, indexed by packetId. */
export const F1_PACKET_SIZES: Readonly<Record<F1Format, readonly number[]>> = {
  2023: [1349, 644, 1131, 45, 1306, 1107, 1352, 1239, 1020, 1218, 953, 1460, 231, 217],
  2024: [1349, 753, 1285, 45, 1350, 1133, 1352, 1239, 1020, 1306, 953, 1460, 231, 237, 101],
  2025: [1349, 753, 1285, 45, 1284, 1133, 1352, 1239, 1042, 954, 1041, 1460, 231, 273, 101, 1131],
};

/** Header size shared by the 2023+ formats. */
export const F1_HEADER_SIZE = 29;

/** The packet ids, named as the specifications name them. */
export const F1PacketId = {
  Motion: 0,
  Session: 1,
  LapData: 2,
  Event: 3,
  Participants: 4,
  CarSetups: 5,
  CarTelemetry: 6,
  CarStatus: 7,
  FinalClassification: 8,
  LobbyInfo: 9,
  CarDamage: 10,
  SessionHistory: 11,
  TyreSets: 12,
  MotionEx: 13,
  TimeTrial: 14,
  LapPositions: 15,
} as const;

/** Packet names by id (for summaries and README tables). */
export const F1_PACKET_NAMES: readonly string[] = Object.keys(F1PacketId);

/** Number of car slots in every per-car array. */
export const F1_CAR_SLOTS = 22;
