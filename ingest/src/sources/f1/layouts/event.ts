// Event (id 3, 45 bytes in every year): a 4-character code and a 12-byte union whose meaning depends on
// the code. Bytes the code does not use are garbage in real data, so each code has its own small parser.
import { Parser } from "binary-parser";
import { type F1Header, withHeader } from "./header.js";

export interface F1EventPacket { header: F1Header; code: string; details: Buffer }

export const eventParser = withHeader()
  .string("code", { length: 4, encoding: "latin1" })
  .buffer("details", { length: 12 });

/** Union member of one event code; fields a given year lacks read as garbage and are not used. */
export interface F1EventDetails {
  vehicleIdx?: number; otherVehicleIdx?: number; lapTime?: number; reason?: number;
  penaltyType?: number; infringementType?: number; time?: number; lapNum?: number; placesGained?: number;
  speed?: number; numLights?: number; stopTime?: number;
  flashbackFrameIdentifier?: number; flashbackSessionTime?: number; buttonStatus?: number;
  safetyCarType?: number; eventType?: number;
}

const vehicleOnly = new Parser().uint8("vehicleIdx");

/** Parsers of the union, by event code (codes without details are absent). */
export const eventDetailParsers: ReadonlyMap<string, Parser> = new Map<string, Parser>([
  ["FTLP", new Parser().endianness("little").uint8("vehicleIdx").floatle("lapTime")],
  ["RTMT", new Parser().uint8("vehicleIdx").uint8("reason")],
  ["TMPT", vehicleOnly],
  ["RCWN", vehicleOnly],
  ["DTSV", vehicleOnly],
  ["PENA", new Parser()
    .uint8("penaltyType").uint8("infringementType").uint8("vehicleIdx").uint8("otherVehicleIdx")
    .uint8("time").uint8("lapNum").uint8("placesGained")],
  ["SPTP", new Parser().endianness("little").uint8("vehicleIdx").floatle("speed")],
  ["STLG", new Parser().uint8("numLights")],
  ["SGSV", new Parser().endianness("little").uint8("vehicleIdx").floatle("stopTime")],
  ["FLBK", new Parser().endianness("little").uint32le("flashbackFrameIdentifier").floatle("flashbackSessionTime")],
  ["BUTN", new Parser().endianness("little").uint32le("buttonStatus")],
  ["OVTK", new Parser().uint8("vehicleIdx").uint8("otherVehicleIdx")],
  ["SCAR", new Parser().uint8("safetyCarType").uint8("eventType")],
  ["COLL", new Parser().uint8("vehicleIdx").uint8("otherVehicleIdx")],
  ["DRSD", new Parser().uint8("reason")],
]);
