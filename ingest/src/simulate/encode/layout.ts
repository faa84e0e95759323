// Packet ids, sizes and the header of the F1 23/24/25 UDP formats, plus a clamping little-endian writer.
// Facts from the public EA/Codemasters UDP specifications (F1 23, F1 24, F1 25): header 29 bytes,
// everything packed and little-endian; 22 car slots in every per-car array.

export type PacketFormat = 2023 | 2024 | 2025;
export const PACKET_FORMATS: readonly PacketFormat[] = [2023, 2024, 2025];

export const PacketId = {
  Motion: 0, Session: 1, LapData: 2, Event: 3, Participants: 4, CarSetups: 5, CarTelemetry: 6, CarStatus: 7,
  FinalClassification: 8, LobbyInfo: 9, CarDamage: 10, SessionHistory: 11, TyreSets: 12, MotionEx: 13,
  LapPositions: 15,
} as const;
export type PacketIdValue = (typeof PacketId)[keyof typeof PacketId];

/** Byte size of each packet the simulator sends, by format (the spec's size table). */
export const ENCODED_PACKET_SIZES: Readonly<Record<PacketFormat, Readonly<Record<number, number>>>> = {
  2023: { 0: 1349, 1: 644, 2: 1131, 3: 45, 4: 1306, 5: 1107, 6: 1352, 7: 1239, 8: 1020, 9: 1218, 10: 953, 11: 1460, 12: 231, 13: 217 },
  2024: { 0: 1349, 1: 753, 2: 1285, 3: 45, 4: 1350, 5: 1133, 6: 1352, 7: 1239, 8: 1020, 9: 1306, 10: 953, 11: 1460, 12: 231, 13: 237 },
  2025: { 0: 1349, 1: 753, 2: 1285, 3: 45, 4: 1284, 5: 1133, 6: 1352, 7: 1239, 8: 1042, 9: 954, 10: 1041, 11: 1460, 12: 231, 13: 273, 15: 1131 },
};

export const HEADER_SIZE = 29;
export const MAX_CARS = 22;

/** Game version stamped into headers (the last public patch we have real captures of is 1.21 for F1 23/24). */
const GAME_VERSION: Record<PacketFormat, [number, number]> = { 2023: [1, 21], 2024: [1, 21], 2025: [1, 10] };

/** A reusable little-endian writer over one preallocated packet buffer. Integers are rounded and clamped. */
export class PacketWriter {
  readonly buffer: Buffer;
  private readonly view: DataView;
  offset = 0;

  constructor(size: number) {
    this.buffer = Buffer.alloc(size);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, size);
  }

  /** Zeroes the buffer and moves to `offset`. */
  reset(offset = 0): this {
    this.buffer.fill(0);
    this.offset = offset;
    return this;
  }

  at(offset: number): this {
    this.offset = offset;
    return this;
  }

  u8(v: number): this { this.view.setUint8(this.offset, clampInt(v, 0, 255)); this.offset += 1; return this; }
  i8(v: number): this { this.view.setInt8(this.offset, clampInt(v, -128, 127)); this.offset += 1; return this; }
  u16(v: number): this { this.view.setUint16(this.offset, clampInt(v, 0, 65535), true); this.offset += 2; return this; }
  i16(v: number): this { this.view.setInt16(this.offset, clampInt(v, -32768, 32767), true); this.offset += 2; return this; }
  u32(v: number): this { this.view.setUint32(this.offset, clampInt(v, 0, 4294967295), true); this.offset += 4; return this; }
  u64(v: bigint): this { this.view.setBigUint64(this.offset, v, true); this.offset += 8; return this; }
  f32(v: number): this { this.view.setFloat32(this.offset, v, true); this.offset += 4; return this; }
  f64(v: number): this { this.view.setFloat64(this.offset, v, true); this.offset += 8; return this; }
  skip(n: number): this { this.offset += n; return this; }

  /** A NUL-terminated UTF-8 string in a fixed field of `size` bytes (cut on a character boundary). */
  str(text: string, size: number): this {
    let bytes = Buffer.byteLength(text, "utf8");
    let s = text;
    while (bytes > size - 1) { s = s.slice(0, -1); bytes = Buffer.byteLength(s, "utf8"); }
    this.buffer.write(s, this.offset, bytes, "utf8");
    this.offset += size;
    return this;
  }
}

function clampInt(v: number, min: number, max: number): number {
  if (!(v >= min)) return min; // also catches NaN
  if (v > max) return max;
  return Math.round(v);
}

/** What every packet's header carries for one simulated console. */
export interface HeaderFields {
  format: PacketFormat;
  sessionUid: bigint;
  sessionTime: number;
  frameIdentifier: number;
  playerCarIndex: number;
}

/** Writes the 29-byte header: packetFormat u16, gameYear, major, minor, packetVersion, packetId, sessionUID u64,
 * sessionTime f32, frameIdentifier u32, overallFrameIdentifier u32, playerCarIndex, secondaryPlayerCarIndex. */
export function writeHeader(w: PacketWriter, h: HeaderFields, packetId: number): void {
  const [major, minor] = GAME_VERSION[h.format];
  w.at(0).u16(h.format).u8(h.format % 100).u8(major).u8(minor).u8(1).u8(packetId).u64(h.sessionUid)
    .f32(h.sessionTime).u32(h.frameIdentifier).u32(h.frameIdentifier).u8(h.playerCarIndex).u8(255);
}
