// The 29-byte packet header of packetFormat 2023, 2024 and 2025 (identical in all three specs).
import { Parser } from "binary-parser";

/** Parsed header. sessionUID is a u64: kept as two u32 halves so no precision is lost. */
export interface F1Header {
  packetFormat: number;
  gameYear: number;
  gameMajorVersion: number;
  gameMinorVersion: number;
  packetVersion: number;
  packetId: number;
  sessionUidLow: number;
  sessionUidHigh: number;
  sessionTime: number;
  frameIdentifier: number;
  overallFrameIdentifier: number;
  playerCarIndex: number;
  secondaryPlayerCarIndex: number;
}

export const headerParser = new Parser()
  .endianness("little")
  .uint16le("packetFormat")
  .uint8("gameYear")
  .uint8("gameMajorVersion")
  .uint8("gameMinorVersion")
  .uint8("packetVersion")
  .uint8("packetId")
  .uint32le("sessionUidLow")
  .uint32le("sessionUidHigh")
  .floatle("sessionTime")
  .uint32le("frameIdentifier")
  .uint32le("overallFrameIdentifier")
  .uint8("playerCarIndex")
  .uint8("secondaryPlayerCarIndex");

/** A new parser starting with the header, nested as `header`. */
export function withHeader(): Parser {
  return new Parser().endianness("little").nest("header", { type: headerParser });
}

/** Four little-endian floats, one per wheel in the F1 order RL, RR, FL, FR. */
export const wheelFloats = { type: "floatle", length: 4 } as const;
/** Four unsigned bytes, one per wheel (RL, RR, FL, FR). */
export const wheelBytes = { type: "uint8", length: 4 } as const;
/** Four little-endian u16, one per wheel (RL, RR, FL, FR). */
export const wheelU16 = { type: "uint16le", length: 4 } as const;

/** Per-wheel tuple in the F1 order: RL, RR, FL, FR. */
export type Wheels = [number, number, number, number];
