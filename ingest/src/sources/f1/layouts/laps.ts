// LapData (id 2: 2023; 2024 = 2025 adds minutes parts of the gaps and the speed trap), SessionHistory
// (id 11, all years), TimeTrial (id 14, 2024+) and LapPositions (id 15, 2025).
import { Parser } from "binary-parser";
import { type F1Header, withHeader } from "./header.js";

export interface F1CarLap {
  lastLapTimeInMS: number; currentLapTimeInMS: number;
  sector1TimeMSPart: number; sector1TimeMinutesPart: number;
  sector2TimeMSPart: number; sector2TimeMinutesPart: number;
  deltaToCarInFrontMSPart: number; deltaToCarInFrontMinutesPart?: number;
  deltaToRaceLeaderMSPart: number; deltaToRaceLeaderMinutesPart?: number;
  lapDistance: number; totalDistance: number; safetyCarDelta: number;
  carPosition: number; currentLapNum: number; pitStatus: number; numPitStops: number;
  sector: number; currentLapInvalid: number; penalties: number; totalWarnings: number;
  cornerCuttingWarnings: number; numUnservedDriveThroughPens: number; numUnservedStopGoPens: number;
  gridPosition: number; driverStatus: number; resultStatus: number;
  pitLaneTimerActive: number; pitLaneTimeInLaneInMS: number; pitStopTimerInMS: number;
  pitStopShouldServePen: number;
  speedTrapFastestSpeed?: number; speedTrapFastestLap?: number;
}
export interface F1LapDataPacket {
  header: F1Header; cars: F1CarLap[];
  timeTrialPBCarIdx: number; timeTrialRivalCarIdx: number;
}

function carLap(withMinutes: boolean): Parser {
  const p = new Parser().endianness("little")
    .uint32le("lastLapTimeInMS").uint32le("currentLapTimeInMS")
    .uint16le("sector1TimeMSPart").uint8("sector1TimeMinutesPart")
    .uint16le("sector2TimeMSPart").uint8("sector2TimeMinutesPart")
    .uint16le("deltaToCarInFrontMSPart");
  if (withMinutes) p.uint8("deltaToCarInFrontMinutesPart");
  p.uint16le("deltaToRaceLeaderMSPart");
  if (withMinutes) p.uint8("deltaToRaceLeaderMinutesPart");
  p.floatle("lapDistance").floatle("totalDistance").floatle("safetyCarDelta")
    .uint8("carPosition").uint8("currentLapNum").uint8("pitStatus").uint8("numPitStops")
    .uint8("sector").uint8("currentLapInvalid").uint8("penalties").uint8("totalWarnings")
    .uint8("cornerCuttingWarnings").uint8("numUnservedDriveThroughPens").uint8("numUnservedStopGoPens")
    .uint8("gridPosition").uint8("driverStatus").uint8("resultStatus")
    .uint8("pitLaneTimerActive").uint16le("pitLaneTimeInLaneInMS").uint16le("pitStopTimerInMS")
    .uint8("pitStopShouldServePen");
  if (withMinutes) p.floatle("speedTrapFastestSpeed").uint8("speedTrapFastestLap");
  return p;
}

export const lapDataParser2023 = withHeader()
  .array("cars", { type: carLap(false), length: 22 })
  .uint8("timeTrialPBCarIdx").uint8("timeTrialRivalCarIdx");

/** F1 24 and F1 25. */
export const lapDataParser2024 = withHeader()
  .array("cars", { type: carLap(true), length: 22 })
  .uint8("timeTrialPBCarIdx").uint8("timeTrialRivalCarIdx");

export interface F1LapHistory {
  lapTimeInMS: number;
  sector1TimeMSPart: number; sector1TimeMinutesPart: number;
  sector2TimeMSPart: number; sector2TimeMinutesPart: number;
  sector3TimeMSPart: number; sector3TimeMinutesPart: number;
  lapValidBitFlags: number;
}
export interface F1TyreStintHistory { endLap: number; tyreActualCompound: number; tyreVisualCompound: number }
export interface F1SessionHistoryPacket {
  header: F1Header; carIdx: number; numLaps: number; numTyreStints: number;
  bestLapTimeLapNum: number; bestSector1LapNum: number; bestSector2LapNum: number; bestSector3LapNum: number;
  laps: F1LapHistory[]; stints: F1TyreStintHistory[];
}

const lapHistory = new Parser().endianness("little")
  .uint32le("lapTimeInMS")
  .uint16le("sector1TimeMSPart").uint8("sector1TimeMinutesPart")
  .uint16le("sector2TimeMSPart").uint8("sector2TimeMinutesPart")
  .uint16le("sector3TimeMSPart").uint8("sector3TimeMinutesPart")
  .uint8("lapValidBitFlags");

const tyreStintHistory = new Parser().uint8("endLap").uint8("tyreActualCompound").uint8("tyreVisualCompound");

export const sessionHistoryParser = withHeader()
  .uint8("carIdx").uint8("numLaps").uint8("numTyreStints")
  .uint8("bestLapTimeLapNum").uint8("bestSector1LapNum").uint8("bestSector2LapNum").uint8("bestSector3LapNum")
  .array("laps", { type: lapHistory, length: 100 })
  .array("stints", { type: tyreStintHistory, length: 8 });

export interface F1TimeTrialDataSet {
  carIdx: number; teamId: number; lapTimeInMS: number;
  sector1TimeInMS: number; sector2TimeInMS: number; sector3TimeInMS: number;
  tractionControl: number; gearboxAssist: number; antiLockBrakes: number;
  equalCarPerformance: number; customSetup: number; valid: number;
}
export interface F1TimeTrialPacket {
  header: F1Header;
  playerSessionBest: F1TimeTrialDataSet; personalBest: F1TimeTrialDataSet; rival: F1TimeTrialDataSet;
}

const timeTrialDataSet = new Parser().endianness("little")
  .uint8("carIdx").uint8("teamId")
  .uint32le("lapTimeInMS").uint32le("sector1TimeInMS").uint32le("sector2TimeInMS").uint32le("sector3TimeInMS")
  .uint8("tractionControl").uint8("gearboxAssist").uint8("antiLockBrakes")
  .uint8("equalCarPerformance").uint8("customSetup").uint8("valid");

export const timeTrialParser = withHeader()
  .nest("playerSessionBest", { type: timeTrialDataSet })
  .nest("personalBest", { type: timeTrialDataSet })
  .nest("rival", { type: timeTrialDataSet });

export interface F1LapPositionsPacket { header: F1Header; numLaps: number; lapStart: number; positions: number[] }

/** 50 laps x 22 cars, lap-major: positions[lap * 22 + car]. */
export const lapPositionsParser = withHeader()
  .uint8("numLaps").uint8("lapStart")
  .array("positions", { type: "uint8", length: 50 * 22 });
