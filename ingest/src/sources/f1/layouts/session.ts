// Session (id 1). 2023: 56 weather forecast samples. 2024 and 2025 (same layout): 64 samples plus the
// rules/assists block, weekend structure and sector start distances.
import { Parser } from "binary-parser";
import { type F1Header, withHeader } from "./header.js";

export interface F1MarshalZone { zoneStart: number; zoneFlag: number }
export interface F1ForecastSample {
  sessionType: number; timeOffset: number; weather: number;
  trackTemperature: number; trackTemperatureChange: number;
  airTemperature: number; airTemperatureChange: number; rainPercentage: number;
}
export interface F1SessionPacket {
  header: F1Header;
  weather: number; trackTemperature: number; airTemperature: number; totalLaps: number;
  trackLength: number; sessionType: number; trackId: number; formula: number;
  sessionTimeLeft: number; sessionDuration: number; pitSpeedLimit: number;
  gamePaused: number; isSpectating: number; spectatorCarIndex: number;
  numMarshalZones: number; marshalZones: F1MarshalZone[];
  safetyCarStatus: number; networkGame: number;
  numWeatherForecastSamples: number; weatherForecastSamples: F1ForecastSample[];
  forecastAccuracy: number; aiDifficulty: number;
  pitStopWindowIdealLap: number; pitStopWindowLatestLap: number; pitStopRejoinPosition: number;
  numSafetyCarPeriods: number; numVirtualSafetyCarPeriods: number; numRedFlagPeriods: number;
  /** Minutes since midnight at the track. */
  timeOfDay: number;
  // 2024+: metres from the line where sectors 2 and 3 begin
  sector2LapDistanceStart?: number; sector3LapDistanceStart?: number;
}

const marshalZone = new Parser().endianness("little").floatle("zoneStart").int8("zoneFlag");

const forecastSample = new Parser()
  .uint8("sessionType").uint8("timeOffset").uint8("weather")
  .int8("trackTemperature").int8("trackTemperatureChange")
  .int8("airTemperature").int8("airTemperatureChange")
  .uint8("rainPercentage");

function sessionLayout(forecastSamples: number): Parser {
  return withHeader()
    .uint8("weather").int8("trackTemperature").int8("airTemperature").uint8("totalLaps")
    .uint16le("trackLength").uint8("sessionType").int8("trackId").uint8("formula")
    .uint16le("sessionTimeLeft").uint16le("sessionDuration").uint8("pitSpeedLimit")
    .uint8("gamePaused").uint8("isSpectating").uint8("spectatorCarIndex").uint8("sliProNativeSupport")
    .uint8("numMarshalZones")
    .array("marshalZones", { type: marshalZone, length: 21 })
    .uint8("safetyCarStatus").uint8("networkGame")
    .uint8("numWeatherForecastSamples")
    .array("weatherForecastSamples", { type: forecastSample, length: forecastSamples })
    .uint8("forecastAccuracy").uint8("aiDifficulty")
    .uint32le("seasonLinkIdentifier").uint32le("weekendLinkIdentifier").uint32le("sessionLinkIdentifier")
    .uint8("pitStopWindowIdealLap").uint8("pitStopWindowLatestLap").uint8("pitStopRejoinPosition")
    // steering, braking, gearbox, pit, pit release, ERS, DRS assists, dynamic racing line and its type
    .array("assists", { type: "uint8", length: 9 })
    .uint8("gameMode").uint8("ruleSet").uint32le("timeOfDay").uint8("sessionLength")
    .uint8("speedUnitsLeadPlayer").uint8("temperatureUnitsLeadPlayer")
    .uint8("speedUnitsSecondaryPlayer").uint8("temperatureUnitsSecondaryPlayer")
    .uint8("numSafetyCarPeriods").uint8("numVirtualSafetyCarPeriods").uint8("numRedFlagPeriods");
}

export const sessionParser2023 = sessionLayout(56);

/** F1 24 and F1 25. */
export const sessionParser2024 = sessionLayout(64)
  // equal car performance .. affects licence level MP (24 one-byte settings), then the weekend
  .array("settings", { type: "uint8", length: 24 })
  .uint8("numSessionsInWeekend")
  .array("weekendStructure", { type: "uint8", length: 12 })
  .floatle("sector2LapDistanceStart")
  .floatle("sector3LapDistanceStart");
