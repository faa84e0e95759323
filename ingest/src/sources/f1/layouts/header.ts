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

/**
 * Adds four scalar fields `<name>RL`, `<name>RR`, `<name>FL`, `<name>FR` (the F1 wheel order) instead of
 * a 4-element array: the hottest per-car packets then allocate no array per wheel set.
 */
export function wheelFields(p: Parser, name: string, type: "floatle" | "uint8" | "uint16le"): Parser {
  for (const w of ["RL", "RR", "FL", "FR"]) p[type](`${name}${w}`);
  return p;
}

/** Per-wheel tuple in the F1 order: RL, RR, FL, FR. */
export type Wheels = [number, number, number, number];
