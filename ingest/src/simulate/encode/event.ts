// Event packets (3): 4-character code + a 12-byte union whose layout depends on the code (F1 23/24/25 spec).
import type { RaceEvent } from "../model.js";
import { HEADER_SIZE, type PacketWriter } from "./layout.js";

/** Writes the event code and the fields of its union member; the rest of the union stays zero. */
export function writeEvent(w: PacketWriter, event: RaceEvent): void {
  w.at(HEADER_SIZE);
  w.buffer.write(event.code, HEADER_SIZE, 4, "ascii");
  w.skip(4);
  switch (event.code) {
    case "FTLP": w.u8(event.car).f32(event.lapTimeSec); break;
    case "RTMT": w.u8(event.car).u8(event.reason); break; // reason: F1 25 only; spare union bytes before
    case "DRSD": w.u8(event.reason); break;
    case "STLG": w.u8(event.lights); break;
    case "RCWN": w.u8(event.car); break;
    case "OVTK": w.u8(event.car).u8(event.other); break;
    case "PENA":
      w.u8(event.penaltyType).u8(event.infringement).u8(event.car).u8(event.other).u8(event.time).u8(event.lap)
        .u8(event.placesGained);
      break;
    case "SPTP":
      w.u8(event.car).f32(event.speedKmh).u8(event.overallFastest ? 1 : 0).u8(event.driverFastest ? 1 : 0)
        .u8(event.fastestCar).f32(event.fastestKmh);
      break;
    default: break; // SSTA, SEND, LGOT, DRSE, CHQF carry no details
  }
}
