// Per-car packets: CarSetups (id 5; 2024+ adds engine braking and a trailing next-front-wing float),
// CarTelemetry (id 6), CarStatus (id 7), CarDamage (id 10; 2025 adds tyre blisters), TyreSets (id 12).
import { Parser } from "binary-parser";
import { type F1Header, type Wheels, wheelFields, wheelFloats, withHeader } from "./header.js";

export interface F1CarSetup {
  frontWing: number; rearWing: number; onThrottle: number; offThrottle: number;
  frontCamber: number; rearCamber: number; frontToe: number; rearToe: number;
  frontSuspension: number; rearSuspension: number; frontAntiRollBar: number; rearAntiRollBar: number;
  frontSuspensionHeight: number; rearSuspensionHeight: number; brakePressure: number; brakeBias: number;
  engineBraking?: number; tyrePressures: Wheels; ballast: number; fuelLoad: number;
}
export interface F1CarSetupsPacket { header: F1Header; cars: F1CarSetup[] }

function carSetup(withEngineBraking: boolean): Parser {
  const p = new Parser().endianness("little")
    .uint8("frontWing").uint8("rearWing").uint8("onThrottle").uint8("offThrottle")
    .floatle("frontCamber").floatle("rearCamber").floatle("frontToe").floatle("rearToe")
    .uint8("frontSuspension").uint8("rearSuspension").uint8("frontAntiRollBar").uint8("rearAntiRollBar")
    .uint8("frontSuspensionHeight").uint8("rearSuspensionHeight").uint8("brakePressure").uint8("brakeBias");
  if (withEngineBraking) p.uint8("engineBraking");
  // tyre pressures RL, RR, FL, FR (psi)
  return p.array("tyrePressures", wheelFloats).uint8("ballast").floatle("fuelLoad");
}

export const carSetupsParser2023 = withHeader().array("cars", { type: carSetup(false), length: 22 });
/** F1 24 and F1 25. */
export const carSetupsParser2024 = withHeader()
  .array("cars", { type: carSetup(true), length: 22 })
  .floatle("nextFrontWingValue");

export interface F1CarTelemetry {
  speed: number; throttle: number; steer: number; brake: number; clutch: number; gear: number;
  engineRPM: number; drs: number; revLightsPercent: number;
  brakesTemperatureRL: number; brakesTemperatureRR: number; brakesTemperatureFL: number; brakesTemperatureFR: number;
  tyresSurfaceTemperatureRL: number; tyresSurfaceTemperatureRR: number;
  tyresSurfaceTemperatureFL: number; tyresSurfaceTemperatureFR: number;
  tyresInnerTemperatureRL: number; tyresInnerTemperatureRR: number;
  tyresInnerTemperatureFL: number; tyresInnerTemperatureFR: number;
  engineTemperature: number;
  tyresPressureRL: number; tyresPressureRR: number; tyresPressureFL: number; tyresPressureFR: number;
  surfaceTypeRL: number; surfaceTypeRR: number; surfaceTypeFL: number; surfaceTypeFR: number;
}
export interface F1CarTelemetryPacket {
  header: F1Header; cars: F1CarTelemetry[];
  mfdPanelIndex: number; mfdPanelIndexSecondaryPlayer: number; suggestedGear: number;
}

const carTelemetry = new Parser().endianness("little")
  .uint16le("speed").floatle("throttle").floatle("steer").floatle("brake")
  .uint8("clutch").int8("gear").uint16le("engineRPM").uint8("drs")
  .uint8("revLightsPercent")
  .seek(2); // revLightsBitValue: the percentage says the same
wheelFields(carTelemetry, "brakesTemperature", "uint16le");
wheelFields(carTelemetry, "tyresSurfaceTemperature", "uint8");
wheelFields(carTelemetry, "tyresInnerTemperature", "uint8");
carTelemetry.uint16le("engineTemperature");
wheelFields(carTelemetry, "tyresPressure", "floatle");
wheelFields(carTelemetry, "surfaceType", "uint8");

/** Same layout 2023-2025. */
export const carTelemetryParser = withHeader()
  .array("cars", { type: carTelemetry, length: 22 })
  .uint8("mfdPanelIndex").uint8("mfdPanelIndexSecondaryPlayer").int8("suggestedGear");

export interface F1CarStatus {
  tractionControl: number; antiLockBrakes: number; fuelMix: number; frontBrakeBias: number;
  pitLimiterStatus: number; fuelInTank: number; fuelCapacity: number; fuelRemainingLaps: number;
  maxRPM: number; idleRPM: number; maxGears: number; drsAllowed: number; drsActivationDistance: number;
  actualTyreCompound: number; visualTyreCompound: number; tyresAgeLaps: number; vehicleFiaFlags: number;
  enginePowerICE: number; enginePowerMGUK: number; ersStoreEnergy: number; ersDeployMode: number;
  ersHarvestedThisLapMGUK: number; ersHarvestedThisLapMGUH: number; ersDeployedThisLap: number;
  networkPaused: number;
}
export interface F1CarStatusPacket { header: F1Header; cars: F1CarStatus[] }

const carStatus = new Parser().endianness("little")
  .uint8("tractionControl").uint8("antiLockBrakes").uint8("fuelMix").uint8("frontBrakeBias")
  .uint8("pitLimiterStatus").floatle("fuelInTank").floatle("fuelCapacity").floatle("fuelRemainingLaps")
  .uint16le("maxRPM").uint16le("idleRPM").uint8("maxGears").uint8("drsAllowed").uint16le("drsActivationDistance")
  .uint8("actualTyreCompound").uint8("visualTyreCompound").uint8("tyresAgeLaps").int8("vehicleFiaFlags")
  .floatle("enginePowerICE").floatle("enginePowerMGUK").floatle("ersStoreEnergy").uint8("ersDeployMode")
  .floatle("ersHarvestedThisLapMGUK").floatle("ersHarvestedThisLapMGUH").floatle("ersDeployedThisLap")
  .uint8("networkPaused");

/** Same layout 2023-2025. */
export const carStatusParser = withHeader().array("cars", { type: carStatus, length: 22 });

export interface F1CarDamage {
  tyresWearRL: number; tyresWearRR: number; tyresWearFL: number; tyresWearFR: number;
  tyresDamageRL: number; tyresDamageRR: number; tyresDamageFL: number; tyresDamageFR: number;
  brakesDamageRL: number; brakesDamageRR: number; brakesDamageFL: number; brakesDamageFR: number;
  frontLeftWingDamage: number; frontRightWingDamage: number; rearWingDamage: number;
  floorDamage: number; diffuserDamage: number; sidepodDamage: number;
  drsFault: number; ersFault: number; gearBoxDamage: number; engineDamage: number;
  engineMGUHWear: number; engineESWear: number; engineCEWear: number; engineICEWear: number;
  engineMGUKWear: number; engineTCWear: number; engineBlown: number; engineSeized: number;
  /** F1 25 only. */
  tyreBlistersRL?: number; tyreBlistersRR?: number; tyreBlistersFL?: number; tyreBlistersFR?: number;
}
export interface F1CarDamagePacket { header: F1Header; cars: F1CarDamage[] }

function carDamage(withBlisters: boolean): Parser {
  const p = new Parser().endianness("little");
  wheelFields(p, "tyresWear", "floatle");
  wheelFields(p, "tyresDamage", "uint8");
  wheelFields(p, "brakesDamage", "uint8");
  // F1 25: tyre blisters per wheel (percent)
  if (withBlisters) wheelFields(p, "tyreBlisters", "uint8");
  return p
    .uint8("frontLeftWingDamage").uint8("frontRightWingDamage").uint8("rearWingDamage")
    .uint8("floorDamage").uint8("diffuserDamage").uint8("sidepodDamage")
    .uint8("drsFault").uint8("ersFault").uint8("gearBoxDamage").uint8("engineDamage")
    .uint8("engineMGUHWear").uint8("engineESWear").uint8("engineCEWear").uint8("engineICEWear")
    .uint8("engineMGUKWear").uint8("engineTCWear").uint8("engineBlown").uint8("engineSeized");
}

/** F1 23 and F1 24. */
export const carDamageParser2023 = withHeader().array("cars", { type: carDamage(false), length: 22 });
export const carDamageParser2025 = withHeader().array("cars", { type: carDamage(true), length: 22 });

export interface F1TyreSet {
  actualTyreCompound: number; visualTyreCompound: number; wear: number; available: number;
  recommendedSession: number; lifeSpan: number; usableLife: number; lapDeltaTime: number; fitted: number;
}
export interface F1TyreSetsPacket { header: F1Header; carIdx: number; sets: F1TyreSet[]; fittedIdx: number }

const tyreSet = new Parser().endianness("little")
  .uint8("actualTyreCompound").uint8("visualTyreCompound").uint8("wear").uint8("available")
  .uint8("recommendedSession").uint8("lifeSpan").uint8("usableLife").int16le("lapDeltaTime").uint8("fitted");

/** Same layout 2023-2025: 13 dry + 7 wet sets. */
export const tyreSetsParser = withHeader()
  .uint8("carIdx").array("sets", { type: tyreSet, length: 20 }).uint8("fittedIdx");
