// FinalClassification (id 8). 2025 adds a result reason byte after the result status.
import { Parser } from "binary-parser";
import { type F1Header, withHeader } from "./header.js";

export interface F1FinalClassification {
  position: number; numLaps: number; gridPosition: number; points: number; numPitStops: number;
  resultStatus: number; resultReason?: number; bestLapTimeInMS: number; totalRaceTime: number;
  penaltiesTime: number; numPenalties: number; numTyreStints: number;
  tyreStintsActual: number[]; tyreStintsVisual: number[]; tyreStintsEndLaps: number[];
}
export interface F1FinalClassificationPacket { header: F1Header; numCars: number; cars: F1FinalClassification[] }

function classification(withReason: boolean): Parser {
  const p = new Parser().endianness("little")
    .uint8("position").uint8("numLaps").uint8("gridPosition").uint8("points").uint8("numPitStops")
    .uint8("resultStatus");
  if (withReason) p.uint8("resultReason");
  return p
    .uint32le("bestLapTimeInMS").doublele("totalRaceTime").uint8("penaltiesTime").uint8("numPenalties")
    .uint8("numTyreStints")
    .array("tyreStintsActual", { type: "uint8", length: 8 })
    .array("tyreStintsVisual", { type: "uint8", length: 8 })
    .array("tyreStintsEndLaps", { type: "uint8", length: 8 });
}

/** F1 23 and F1 24. */
export const finalClassificationParser2023 = withHeader()
  .uint8("numCars").array("cars", { type: classification(false), length: 22 });
export const finalClassificationParser2025 = withHeader()
  .uint8("numCars").array("cars", { type: classification(true), length: 22 });
