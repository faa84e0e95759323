// Every racetel.v1 field that the peer decoder (@z0mt3c/f1-telemetry-client) also exposes, as a pair of
// readers: racetel's frame -> value, and the peer's parse of the same packet -> value in racetel's unit.
// peer.test.ts applies the whole table to every frame of the real captures; nothing here is a sample.
import type { racetel } from "@racetel/proto";
import * as t from "../../src/sources/f1/tables.js";

export type Peer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Frame = racetel.v1.Frame;
type Wheels = racetel.v1.IPerWheelFloat | null | undefined;

/** One field compared: where racetel and the peer keep it, and how close they must be (0 = equal). */
export interface FieldCheck {
  name: string;
  ours: (f: Frame) => unknown;
  /** The peer's value for car `car` of packet `p` (null: the peer does not have it for this format). */
  peer: (p: Peer, car: number, format: number, f: Frame) => unknown;
  eps: number;
}

const KMH = 3.6;
const PSI_TO_KPA = 6.894757;
const DEG = Math.PI / 180;

/** F1 arrays are RL, RR, FL, FR. */
const WHEEL_NAMES = ["rearLeft", "rearRight", "frontLeft", "frontRight"] as const;

function wheel(w: Wheels, i: number): number {
  return (w?.[WHEEL_NAMES[i]!] as number | undefined) ?? 0;
}

/** Four checks, one per wheel, of a PerWheelFloat against a peer array. */
function wheels(name: string, ours: (f: Frame) => Wheels, peer: (p: Peer, car: number) => number[] | undefined | null, scale = 1, eps = 1e-4): FieldCheck[] {
  return WHEEL_NAMES.map((w, i) => ({
    name: `${name}.${w}`, eps,
    ours: (f: Frame) => wheel(ours(f), i),
    peer: (p: Peer, car: number) => {
      const a = peer(p, car);
      return a === undefined || a === null ? null : a[i]! * scale;
    },
  }));
}

const check = (name: string, ours: (f: Frame) => unknown, peer: (p: Peer, car: number, format: number, f: Frame) => unknown, eps = 0): FieldCheck => ({ name, ours, peer, eps });
const bool = (v: unknown): boolean => v === 1;
/** A decoded proto3 number (absent reads as 0). */
const n = (v: number | null | undefined): number => v ?? 0;
/** ms from the F1 split fields "minutes part" + "milliseconds part". */
const ms = (minutes: number | undefined, millis: number): number => (minutes ?? 0) * 60000 + millis;
const name = (v: string): string => v.replace(/\0.*$/s, "");

export const TELEMETRY: FieldCheck[] = [
  check("speedMps", (f) => n(f.telemetry!.speedMps) * KMH, (p, c) => p.m_carTelemetryData[c].m_speed, 1e-3),
  check("throttle", (f) => f.telemetry!.throttle, (p, c) => p.m_carTelemetryData[c].m_throttle, 1e-6),
  check("brake", (f) => f.telemetry!.brake, (p, c) => p.m_carTelemetryData[c].m_brake, 1e-6),
  check("steering", (f) => f.telemetry!.steering, (p, c) => p.m_carTelemetryData[c].m_steer, 1e-6),
  check("clutch", (f) => n(f.telemetry!.clutch) * 100, (p, c) => p.m_carTelemetryData[c].m_clutch, 1e-4),
  check("gear", (f) => f.telemetry!.gear, (p, c) => p.m_carTelemetryData[c].m_gear),
  check("engineRpm", (f) => f.telemetry!.engineRpm, (p, c) => p.m_carTelemetryData[c].m_engineRPM),
  check("drsOpen", (f) => f.telemetry!.drsOpen, (p, c) => bool(p.m_carTelemetryData[c].m_drs)),
  check("revLights", (f) => n(f.telemetry!.revLights) * 100, (p, c) => p.m_carTelemetryData[c].m_revLightsPercent, 1e-4),
  check("engineTemperatureCelsius", (f) => f.telemetry!.engineTemperatureCelsius, (p, c) => p.m_carTelemetryData[c].m_engineTemperature),
  check("suggestedGear", (f) => f.telemetry!.suggestedGear, (p, c) => (c === p.m_header.m_playerCarIndex ? p.m_suggestedGear : 0)),
  ...wheels("brakeTemperatureCelsius", (f) => f.telemetry!.brakeTemperatureCelsius, (p, c) => p.m_carTelemetryData[c].m_brakesTemperature),
  ...wheels("tyreSurfaceTemperatureCelsius", (f) => f.telemetry!.tyreSurfaceTemperatureCelsius, (p, c) => p.m_carTelemetryData[c].m_tyresSurfaceTemperature),
  ...wheels("tyreInnerTemperatureCelsius", (f) => f.telemetry!.tyreInnerTemperatureCelsius, (p, c) => p.m_carTelemetryData[c].m_tyresInnerTemperature),
  ...wheels("tyrePressureKpa", (f) => f.telemetry!.tyrePressureKpa, (p, c) => p.m_carTelemetryData[c].m_tyresPressure, PSI_TO_KPA, 1e-3),
  ...WHEEL_NAMES.map((w, i) => check(`wheelSurface.${w}`, (f) => f.telemetry!.wheelSurface?.[w] ?? "", (p, c) => t.surfaceName(p.m_carTelemetryData[c].m_surfaceType[i]))),
];

export const MOTION: FieldCheck[] = [
  check("positionM.x", (f) => f.motion!.positionM!.x, (p, c) => p.m_carMotionData[c].m_worldPositionX, 1e-4),
  check("positionM.y", (f) => f.motion!.positionM!.y, (p, c) => p.m_carMotionData[c].m_worldPositionY, 1e-4),
  check("positionM.z", (f) => f.motion!.positionM!.z, (p, c) => p.m_carMotionData[c].m_worldPositionZ, 1e-4),
  check("velocityMps.x", (f) => f.motion!.velocityMps?.x ?? 0, (p, c) => p.m_carMotionData[c].m_worldVelocityX, 1e-5),
  check("velocityMps.y", (f) => f.motion!.velocityMps?.y ?? 0, (p, c) => p.m_carMotionData[c].m_worldVelocityY, 1e-5),
  check("velocityMps.z", (f) => f.motion!.velocityMps?.z ?? 0, (p, c) => p.m_carMotionData[c].m_worldVelocityZ, 1e-5),
  check("gForceLateral", (f) => f.motion!.gForceLateral, (p, c) => p.m_carMotionData[c].m_gForceLateral, 1e-6),
  check("gForceLongitudinal", (f) => f.motion!.gForceLongitudinal, (p, c) => p.m_carMotionData[c].m_gForceLongitudinal, 1e-6),
  check("gForceVertical", (f) => f.motion!.gForceVertical, (p, c) => p.m_carMotionData[c].m_gForceVertical, 1e-6),
  check("yawRad", (f) => f.motion!.yawRad, (p, c) => p.m_carMotionData[c].m_yaw, 1e-6),
  check("pitchRad", (f) => f.motion!.pitchRad, (p, c) => p.m_carMotionData[c].m_pitch, 1e-6),
  check("rollRad", (f) => f.motion!.rollRad, (p, c) => p.m_carMotionData[c].m_roll, 1e-6),
];

/** The player's chassis detail against the peer's MotionEx of the same game frame. */
export const MOTION_DETAIL: FieldCheck[] = [
  ...wheels("suspensionPositionM", (f) => f.motion!.detail!.suspensionPositionM, (p) => p.m_suspensionPosition, 1e-3, 1e-6),
  ...wheels("suspensionVelocityMps", (f) => f.motion!.detail!.suspensionVelocityMps, (p) => p.m_suspensionVelocity, 1e-3, 1e-6),
  ...wheels("suspensionAccelerationMps2", (f) => f.motion!.detail!.suspensionAccelerationMps2, (p) => p.m_suspensionAcceleration, 1e-3, 1e-5),
  ...wheels("wheelSpeedMps", (f) => f.motion!.detail!.wheelSpeedMps, (p) => p.m_wheelSpeed),
  ...wheels("wheelSlipRatio", (f) => f.motion!.detail!.wheelSlipRatio, (p) => p.m_wheelSlipRatio, 1, 1e-7),
  ...wheels("wheelSlipAngleRad", (f) => f.motion!.detail!.wheelSlipAngleRad, (p) => p.m_wheelSlipAngle, 1, 1e-7),
  ...wheels("wheelLoadN", (f) => f.motion!.detail!.wheelLoadN, (p) => p.m_wheelVertForce, 1, 1e-2),
  check("localVelocityMps.x", (f) => f.motion!.detail!.localVelocityMps?.x ?? 0, (p) => p.m_localVelocityX, 1e-5),
  check("localVelocityMps.y", (f) => f.motion!.detail!.localVelocityMps?.y ?? 0, (p) => p.m_localVelocityY, 1e-5),
  check("localVelocityMps.z", (f) => f.motion!.detail!.localVelocityMps?.z ?? 0, (p) => p.m_localVelocityZ, 1e-5),
  check("angularVelocityRadps.x", (f) => f.motion!.detail!.angularVelocityRadps?.x ?? 0, (p) => p.m_angularVelocityX, 1e-6),
  check("angularVelocityRadps.y", (f) => f.motion!.detail!.angularVelocityRadps?.y ?? 0, (p) => p.m_angularVelocityY, 1e-6),
  check("angularVelocityRadps.z", (f) => f.motion!.detail!.angularVelocityRadps?.z ?? 0, (p) => p.m_angularVelocityZ, 1e-6),
  check("angularAccelerationRadps2.x", (f) => f.motion!.detail!.angularAccelerationRadps2?.x ?? 0, (p) => p.m_angularAccelerationX, 1e-5),
  check("angularAccelerationRadps2.y", (f) => f.motion!.detail!.angularAccelerationRadps2?.y ?? 0, (p) => p.m_angularAccelerationY, 1e-5),
  check("angularAccelerationRadps2.z", (f) => f.motion!.detail!.angularAccelerationRadps2?.z ?? 0, (p) => p.m_angularAccelerationZ, 1e-5),
  check("frontWheelsAngleRad", (f) => f.motion!.detail!.frontWheelsAngleRad, (p) => p.m_frontWheelsAngle, 1e-7),
  check("centreOfGravityHeightM", (f) => f.motion!.detail!.centreOfGravityHeightM, (p) => p.m_heightOfCOGAboveGround, 1e-7),
  check("frontRideHeightM", (f) => f.motion!.detail!.frontRideHeightM, (p) => p.m_frontAeroHeight ?? null, 1e-7),
  check("rearRideHeightM", (f) => f.motion!.detail!.rearRideHeightM, (p) => p.m_rearAeroHeight ?? null, 1e-7),
  check("chassisPitchRad", (f) => f.motion!.detail!.chassisPitchRad, (p) => p.m_chassisPitch ?? null, 1e-7),
  ...wheels("wheelCamberRad", (f) => f.motion!.detail!.wheelCamberRad, (p) => p.m_wheelCamber, 1, 1e-7),
  ...wheels("wheelCamberGainRad", (f) => f.motion!.detail!.wheelCamberGainRad, (p) => p.m_wheelCamberGain, 1, 1e-7),
];

const PIT = [1, 2, 3]; // racetel.v1.PitStatus for F1 0 on track, 1 pitting, 2 in pit area
export const LAP: FieldCheck[] = [
  check("lapNumber", (f) => f.lap!.lapNumber, (p, c) => p.m_lapData[c].m_currentLapNum),
  check("currentLapTimeMs", (f) => f.lap!.currentLapTimeMs, (p, c) => p.m_lapData[c].m_currentLapTimeInMS),
  check("lastLapTimeMs", (f) => f.lap!.lastLapTimeMs, (p, c) => p.m_lapData[c].m_lastLapTimeInMS),
  check("sector1TimeMs", (f) => f.lap!.sector1TimeMs, (p, c) => ms(p.m_lapData[c].m_sector1TimeMinutes, p.m_lapData[c].m_sector1TimeInMS)),
  check("sector2TimeMs", (f) => f.lap!.sector2TimeMs, (p, c) => ms(p.m_lapData[c].m_sector2TimeMinutes, p.m_lapData[c].m_sector2TimeInMS)),
  check("currentSector", (f) => f.lap!.currentSector, (p, c) => p.m_lapData[c].m_sector + 1),
  check("lapDistanceM", (f) => f.lap!.lapDistanceM, (p, c) => p.m_lapData[c].m_lapDistance, 1e-4),
  check("totalDistanceM", (f) => f.lap!.totalDistanceM, (p, c) => p.m_lapData[c].m_totalDistance, 1e-3),
  check("safetyCarDeltaS", (f) => f.lap!.safetyCarDeltaS, (p, c) => p.m_lapData[c].m_safetyCarDelta, 1e-6),
  check("position", (f) => f.lap!.position, (p, c) => p.m_lapData[c].m_carPosition),
  check("gridPosition", (f) => f.lap!.gridPosition, (p, c) => p.m_lapData[c].m_gridPosition),
  check("pitStatus", (f) => f.lap!.pitStatus, (p, c) => PIT[p.m_lapData[c].m_pitStatus]),
  check("pitStops", (f) => f.lap!.pitStops, (p, c) => p.m_lapData[c].m_numPitStops),
  check("penaltiesS", (f) => f.lap!.penaltiesS, (p, c) => p.m_lapData[c].m_penalties),
  check("warnings", (f) => f.lap!.warnings, (p, c) => p.m_lapData[c].m_totalWarnings),
  check("cornerCuttingWarnings", (f) => f.lap!.cornerCuttingWarnings, (p, c) => p.m_lapData[c].m_cornerCuttingWarnings),
  check("unservedDriveThrough", (f) => f.lap!.unservedDriveThrough, (p, c) => p.m_lapData[c].m_numUnservedDriveThroughPens),
  check("unservedStopGo", (f) => f.lap!.unservedStopGo, (p, c) => p.m_lapData[c].m_numUnservedStopGoPens),
  check("lapInvalid", (f) => f.lap!.lapInvalid, (p, c) => bool(p.m_lapData[c].m_currentLapInvalid)),
  check("driverStatus", (f) => f.lap!.driverStatus, (p, c) => t.driverStatus(p.m_lapData[c].m_driverStatus)),
  check("resultStatus", (f) => f.lap!.resultStatus, (p, c) => t.resultStatus(p.m_lapData[c].m_resultStatus)),
  check("gapToCarAheadMs", (f) => f.lap!.gapToCarAheadMs, (p, c) => ms(p.m_lapData[c].m_deltaToCarInFrontMinutes, p.m_lapData[c].m_deltaToCarInFrontInMS)),
  check("gapToLeaderMs", (f) => f.lap!.gapToLeaderMs, (p, c) => ms(p.m_lapData[c].m_deltaToRaceLeaderMinutes, p.m_lapData[c].m_deltaToRaceLeaderInMS)),
  check("pitLaneTimerActive", (f) => f.lap!.pitLaneTimerActive, (p, c) => bool(p.m_lapData[c].m_pitLaneTimerActive)),
  check("pitLaneTimeMs", (f) => f.lap!.pitLaneTimeMs, (p, c) => p.m_lapData[c].m_pitLaneTimeInLaneInMS),
  check("pitStopTimeMs", (f) => f.lap!.pitStopTimeMs, (p, c) => p.m_lapData[c].m_pitStopTimerInMS),
  check("speedTrapFastestMps", (f) => n(f.lap!.speedTrapFastestMps) * KMH, (p, c) => p.m_lapData[c].m_speedTrapFastestSpeed ?? null, 1e-3),
];

export const STATUS: FieldCheck[] = [
  check("fuelMassKg", (f) => f.status!.fuelMassKg, (p, c) => p.m_carStatusData[c].m_fuelInTank, 1e-5),
  check("fuelCapacity", (f) => f.status!.fuelCapacity, (p, c) => p.m_carStatusData[c].m_fuelCapacity, 1e-5),
  check("fuelRemainingLaps", (f) => f.status!.fuelRemainingLaps, (p, c) => p.m_carStatusData[c].m_fuelRemainingLaps, 1e-6),
  check("ersStoreJ", (f) => f.status!.ersStoreJ, (p, c) => p.m_carStatusData[c].m_ersStoreEnergy, 1e-2),
  check("ersDeployMode", (f) => f.status!.ersDeployMode, (p, c) => t.ERS_DEPLOY_MODES[p.m_carStatusData[c].m_ersDeployMode] ?? ""),
  check("ersHarvestedThisLapJ", (f) => f.status!.ersHarvestedThisLapJ, (p, c) => p.m_carStatusData[c].m_ersHarvestedThisLapMGUK + p.m_carStatusData[c].m_ersHarvestedThisLapMGUH, 1e-1),
  check("ersHarvestedMgukThisLapJ", (f) => f.status!.ersHarvestedMgukThisLapJ, (p, c) => p.m_carStatusData[c].m_ersHarvestedThisLapMGUK, 1e-2),
  check("ersHarvestedMguhThisLapJ", (f) => f.status!.ersHarvestedMguhThisLapJ, (p, c) => p.m_carStatusData[c].m_ersHarvestedThisLapMGUH, 1e-2),
  check("ersDeployedThisLapJ", (f) => f.status!.ersDeployedThisLapJ, (p, c) => p.m_carStatusData[c].m_ersDeployedThisLap, 1e-2),
  check("tyreCompound", (f) => f.status!.tyreCompound, (p, c) => t.compoundFamily(p.m_carStatusData[c].m_visualTyreCompound)),
  check("tyreCompoundName", (f) => f.status!.tyreCompoundName, (p, c) => t.compoundName(p.m_carStatusData[c].m_actualTyreCompound)),
  check("tyreVisualCompoundName", (f) => f.status!.tyreVisualCompoundName, (p, c) => t.visualCompoundName(p.m_carStatusData[c].m_visualTyreCompound)),
  check("tyreAgeLaps", (f) => f.status!.tyreAgeLaps, (p, c) => p.m_carStatusData[c].m_tyresAgeLaps),
  check("brakeBiasFront", (f) => n(f.status!.brakeBiasFront) * 100, (p, c) => p.m_carStatusData[c].m_frontBrakeBias, 1e-4),
  check("tractionControl", (f) => f.status!.tractionControl, (p, c) => p.m_carStatusData[c].m_tractionControl),
  check("abs", (f) => f.status!.abs, (p, c) => p.m_carStatusData[c].m_antiLockBrakes),
  check("engineMap", (f) => f.status!.engineMap, (p, c) => p.m_carStatusData[c].m_fuelMix),
  check("pitLimiterOn", (f) => f.status!.pitLimiterOn, (p, c) => bool(p.m_carStatusData[c].m_pitLimiterStatus)),
  check("drsAllowed", (f) => f.status!.drsAllowed, (p, c) => bool(p.m_carStatusData[c].m_drsAllowed)),
  check("drsActivationDistanceM", (f) => f.status!.drsActivationDistanceM, (p, c) => p.m_carStatusData[c].m_drsActivationDistance),
  check("maxRpm", (f) => f.status!.maxRpm, (p, c) => p.m_carStatusData[c].m_maxRPM),
  check("idleRpm", (f) => f.status!.idleRpm, (p, c) => p.m_carStatusData[c].m_idleRPM),
  check("maxGears", (f) => f.status!.maxGears, (p, c) => p.m_carStatusData[c].m_maxGears),
  check("flag", (f) => f.status!.flag, (p, c) => t.flag(p.m_carStatusData[c].m_vehicleFiaFlags)),
  check("enginePowerW", (f) => f.status!.enginePowerW, (p, c) => p.m_carStatusData[c].m_enginePowerICE, 1e-1),
  check("mgukPowerW", (f) => f.status!.mgukPowerW, (p, c) => p.m_carStatusData[c].m_enginePowerMGUK, 1e-1),
  check("networkPaused", (f) => f.status!.networkPaused, (p, c) => bool(p.m_carStatusData[c].m_networkPaused)),
];

const pct = (v: number): number => v * 100;
export const DAMAGE: FieldCheck[] = [
  ...wheels("tyreWear", (f) => f.damage!.tyreWear, (p, c) => p.m_carDamageData[c].m_tyresWear, 0.01, 1e-6),
  ...wheels("tyreDamage", (f) => f.damage!.tyreDamage, (p, c) => p.m_carDamageData[c].m_tyresDamage, 0.01, 1e-6),
  ...wheels("brakeDamage", (f) => f.damage!.brakeDamage, (p, c) => p.m_carDamageData[c].m_brakesDamage, 0.01, 1e-6),
  ...wheels("tyreBlisters", (f) => f.damage!.tyreBlisters, (p, c) => p.m_carDamageData[c].m_tyreBlisters, 0.01, 1e-6),
  check("frontLeftWingDamage", (f) => pct(n(f.damage!.frontLeftWingDamage)), (p, c) => p.m_carDamageData[c].m_frontLeftWingDamage, 1e-4),
  check("frontRightWingDamage", (f) => pct(n(f.damage!.frontRightWingDamage)), (p, c) => p.m_carDamageData[c].m_frontRightWingDamage, 1e-4),
  check("rearWingDamage", (f) => pct(n(f.damage!.rearWingDamage)), (p, c) => p.m_carDamageData[c].m_rearWingDamage, 1e-4),
  check("floorDamage", (f) => pct(n(f.damage!.floorDamage)), (p, c) => p.m_carDamageData[c].m_floorDamage, 1e-4),
  check("diffuserDamage", (f) => pct(n(f.damage!.diffuserDamage)), (p, c) => p.m_carDamageData[c].m_diffuserDamage, 1e-4),
  check("sidepodDamage", (f) => pct(n(f.damage!.sidepodDamage)), (p, c) => p.m_carDamageData[c].m_sidepodDamage, 1e-4),
  check("gearboxDamage", (f) => pct(n(f.damage!.gearboxDamage)), (p, c) => p.m_carDamageData[c].m_gearBoxDamage, 1e-4),
  check("engineDamage", (f) => pct(n(f.damage!.engineDamage)), (p, c) => p.m_carDamageData[c].m_engineDamage, 1e-4),
  check("engineMguhWear", (f) => pct(n(f.damage!.engineMguhWear)), (p, c) => p.m_carDamageData[c].m_engineMGUHWear, 1e-4),
  check("engineEnergyStoreWear", (f) => pct(n(f.damage!.engineEnergyStoreWear)), (p, c) => p.m_carDamageData[c].m_engineESWear, 1e-4),
  check("engineControlElectronicsWear", (f) => pct(n(f.damage!.engineControlElectronicsWear)), (p, c) => p.m_carDamageData[c].m_engineCEWear, 1e-4),
  check("engineIceWear", (f) => pct(n(f.damage!.engineIceWear)), (p, c) => p.m_carDamageData[c].m_engineICEWear, 1e-4),
  check("engineMgukWear", (f) => pct(n(f.damage!.engineMgukWear)), (p, c) => p.m_carDamageData[c].m_engineMGUKWear, 1e-4),
  check("engineTurbochargerWear", (f) => pct(n(f.damage!.engineTurbochargerWear)), (p, c) => p.m_carDamageData[c].m_engineTCWear, 1e-4),
  check("drsFault", (f) => f.damage!.drsFault, (p, c) => bool(p.m_carDamageData[c].m_drsFault)),
  check("ersFault", (f) => f.damage!.ersFault, (p, c) => bool(p.m_carDamageData[c].m_ersFault)),
  check("engineBlown", (f) => f.damage!.engineBlown, (p, c) => bool(p.m_carDamageData[c].m_engineBlown)),
  check("engineSeized", (f) => f.damage!.engineSeized, (p, c) => bool(p.m_carDamageData[c].m_engineSeized)),
];

export const PARTICIPANT: FieldCheck[] = [
  check("driverName", (f) => f.participant!.driverName, (p, c) => name(p.m_participants[c].m_name)),
  check("teamId", (f) => f.participant!.teamId, (p, c) => p.m_participants[c].m_teamId),
  check("teamName", (f) => f.participant!.teamName, (p, c, format) => t.teamName(format as 2023, p.m_participants[c].m_teamId)),
  check("raceNumber", (f) => f.participant!.raceNumber, (p, c) => p.m_participants[c].m_raceNumber),
  check("aiControlled", (f) => f.participant!.aiControlled, (p, c) => bool(p.m_participants[c].m_aiControlled)),
  check("telemetryPublic", (f) => f.participant!.telemetryPublic, (p, c) => bool(p.m_participants[c].m_yourTelemetry)),
  check("platform", (f) => f.participant!.platform, (p, c) => t.platformName(p.m_participants[c].m_platform)),
  check("isPlayer", (f) => f.participant!.isPlayer, (p, c) => c === p.m_header.m_playerCarIndex || c === p.m_header.m_secondaryPlayerCarIndex),
];

export const SETUP: FieldCheck[] = [
  check("frontWing", (f) => f.setup!.frontWing, (p, c) => p.m_carSetups[c].m_frontWing),
  check("rearWing", (f) => f.setup!.rearWing, (p, c) => p.m_carSetups[c].m_rearWing),
  check("diffOnThrottle", (f) => n(f.setup!.diffOnThrottle) * 100, (p, c) => p.m_carSetups[c].m_onThrottle, 1e-4),
  check("diffOffThrottle", (f) => n(f.setup!.diffOffThrottle) * 100, (p, c) => p.m_carSetups[c].m_offThrottle, 1e-4),
  check("frontCamberRad", (f) => f.setup!.frontCamberRad, (p, c) => p.m_carSetups[c].m_frontCamber * DEG, 1e-6),
  check("rearCamberRad", (f) => f.setup!.rearCamberRad, (p, c) => p.m_carSetups[c].m_rearCamber * DEG, 1e-6),
  check("frontToeRad", (f) => f.setup!.frontToeRad, (p, c) => p.m_carSetups[c].m_frontToe * DEG, 1e-6),
  check("rearToeRad", (f) => f.setup!.rearToeRad, (p, c) => p.m_carSetups[c].m_rearToe * DEG, 1e-6),
  check("frontSuspension", (f) => f.setup!.frontSuspension, (p, c) => p.m_carSetups[c].m_frontSuspension),
  check("rearSuspension", (f) => f.setup!.rearSuspension, (p, c) => p.m_carSetups[c].m_rearSuspension),
  check("frontAntiRollBar", (f) => f.setup!.frontAntiRollBar, (p, c) => p.m_carSetups[c].m_frontAntiRollBar),
  check("rearAntiRollBar", (f) => f.setup!.rearAntiRollBar, (p, c) => p.m_carSetups[c].m_rearAntiRollBar),
  check("frontRideHeight", (f) => f.setup!.frontRideHeight, (p, c) => p.m_carSetups[c].m_frontSuspensionHeight),
  check("rearRideHeight", (f) => f.setup!.rearRideHeight, (p, c) => p.m_carSetups[c].m_rearSuspensionHeight),
  check("brakePressure", (f) => n(f.setup!.brakePressure) * 100, (p, c) => p.m_carSetups[c].m_brakePressure, 1e-4),
  check("brakeBiasFront", (f) => n(f.setup!.brakeBiasFront) * 100, (p, c) => p.m_carSetups[c].m_brakeBias, 1e-4),
  check("engineBraking", (f) => n(f.setup!.engineBraking) * 100, (p, c) => p.m_carSetups[c].m_engineBraking ?? 0, 1e-4),
  check("fuelLoadKg", (f) => f.setup!.fuelLoadKg, (p, c) => p.m_carSetups[c].m_fuelLoad, 1e-5),
  check("tyrePressureKpa.rearLeft", (f) => f.setup!.tyrePressureKpa?.rearLeft ?? 0, (p, c) => p.m_carSetups[c].m_rearLeftTyrePressure * PSI_TO_KPA, 1e-3),
  check("tyrePressureKpa.rearRight", (f) => f.setup!.tyrePressureKpa?.rearRight ?? 0, (p, c) => p.m_carSetups[c].m_rearRightTyrePressure * PSI_TO_KPA, 1e-3),
  check("tyrePressureKpa.frontLeft", (f) => f.setup!.tyrePressureKpa?.frontLeft ?? 0, (p, c) => p.m_carSetups[c].m_frontLeftTyrePressure * PSI_TO_KPA, 1e-3),
  check("tyrePressureKpa.frontRight", (f) => f.setup!.tyrePressureKpa?.frontRight ?? 0, (p, c) => p.m_carSetups[c].m_frontRightTyrePressure * PSI_TO_KPA, 1e-3),
];

/**
 * The peer reads the 2024/2025 Session packet with F1 23's forecast length (56 samples, not 64), so every
 * field after the forecast comes out shifted (its weekendStructure is garbage, its sector starts ~1e-43):
 * those fields are compared on F1 23 only (racetel's layouts are checked against the spec's sizes).
 */
const upTo2023 = (format: number, v: unknown): unknown => (format >= 2024 ? null : v);

/** Session-wide: car is unused. */
export const SESSION: FieldCheck[] = [
  check("trackId", (f) => f.session!.trackId, (p) => p.m_trackId),
  check("track", (f) => f.session!.track, (p) => t.trackName(p.m_trackId)),
  check("trackLengthM", (f) => f.session!.trackLengthM, (p) => p.m_trackLength),
  check("totalLaps", (f) => f.session!.totalLaps, (p) => p.m_totalLaps),
  check("sessionType", (f) => f.session!.sessionType, (p, _c, format) => t.sessionType(format as 2023, p.m_sessionType)),
  check("sessionDurationS", (f) => f.session!.sessionDurationS, (p) => p.m_sessionDuration),
  check("sessionTimeLeftS", (f) => f.session!.sessionTimeLeftS, (p) => p.m_sessionTimeLeft),
  check("weather", (f) => f.session!.weather, (p) => t.weather(p.m_weather)),
  check("airTemperatureCelsius", (f) => f.session!.airTemperatureCelsius, (p) => p.m_airTemperature),
  check("trackTemperatureCelsius", (f) => f.session!.trackTemperatureCelsius, (p) => p.m_trackTemperature),
  check("safetyCarStatus", (f) => f.session!.safetyCarStatus, (p) => t.safetyCarStatus(p.m_safetyCarStatus)),
  check("pitSpeedLimitMps", (f) => n(f.session!.pitSpeedLimitMps) * KMH, (p) => p.m_pitSpeedLimit, 1e-4),
  check("networkGame", (f) => f.session!.networkGame, (p) => bool(p.m_networkGame)),
  check("paused", (f) => f.session!.paused, (p) => bool(p.m_gamePaused)),
  check("timeOfDayS", (f) => f.session!.timeOfDayS, (p, _c, y) => upTo2023(y, p.m_timeOfDay * 60)),
  check("pitWindowIdealLap", (f) => f.session!.pitWindowIdealLap, (p, _c, y) => upTo2023(y, p.m_pitStopWindowIdealLap)),
  check("pitWindowLatestLap", (f) => f.session!.pitWindowLatestLap, (p, _c, y) => upTo2023(y, p.m_pitStopWindowLatestLap)),
  check("safetyCarPeriods", (f) => f.session!.safetyCarPeriods, (p, _c, y) => upTo2023(y, p.m_numSafetyCarPeriods)),
  check("virtualSafetyCarPeriods", (f) => f.session!.virtualSafetyCarPeriods, (p, _c, y) => upTo2023(y, p.m_numVirtualSafetyCarPeriods)),
  check("redFlagPeriods", (f) => f.session!.redFlagPeriods, (p, _c, y) => upTo2023(y, p.m_numRedFlagPeriods)),
  check("marshalZones", (f) => JSON.stringify((f.session!.marshalZones ?? []).map((z) => [Math.fround(n(z.startFraction)), z.flag])),
    (p) => JSON.stringify((p.m_marshalZones as { m_zoneStart: number; m_zoneFlag: number }[]).slice(0, p.m_numMarshalZones).map((z) => [Math.fround(z.m_zoneStart), t.flag(z.m_zoneFlag)]))),
  check("forecast", (f) => JSON.stringify((f.session!.forecast ?? []).map((w) => [w.offsetMinutes, w.sessionType, w.weather, w.airTemperatureCelsius, w.trackTemperatureCelsius, Math.round(n(w.rainProbability) * 100)])),
    (p, _c, format) => JSON.stringify((p.m_weatherForecastSamples as Peer[]).slice(0, p.m_numWeatherForecastSamples).map((w) =>
      [w.m_timeOffset, t.sessionType(format as 2023, w.m_sessionType), t.weather(w.m_weather), w.m_airTemperature, w.m_trackTemperature, w.m_rainPercentage]))),
];

/** Lap-history records (origin HISTORY) against the peer's SessionHistory of that car, lap by lap. */
const historyLap = (p: Peer, f: Frame): Peer => p.m_lapHistoryData[n(f.finishedLap!.lapNumber) - 1];
const stintOf = (p: Peer, lap: number): Peer | undefined => (p.m_tyreStintsHistoryData as Peer[]).slice(0, p.m_numTyreStints).find((s) => s.m_endLap >= lap || s.m_endLap === 255);
export const HISTORY_LAP: FieldCheck[] = [
  check("lapTimeMs", (f) => f.finishedLap!.lapTimeMs, (p, _c, _y, f) => historyLap(p, f).m_lapTimeInMS),
  check("sector1TimeMs", (f) => f.finishedLap!.sector1TimeMs, (p, _c, _y, f) => ms(historyLap(p, f).m_sector1TimeMinutes, historyLap(p, f).m_sector1TimeInMS)),
  check("sector2TimeMs", (f) => f.finishedLap!.sector2TimeMs, (p, _c, _y, f) => ms(historyLap(p, f).m_sector2TimeMinutes, historyLap(p, f).m_sector2TimeInMS)),
  check("sector3TimeMs", (f) => f.finishedLap!.sector3TimeMs, (p, _c, _y, f) => ms(historyLap(p, f).m_sector3TimeMinutes, historyLap(p, f).m_sector3TimeInMS)),
  check("valid", (f) => f.finishedLap!.valid, (p, _c, _y, f) => (historyLap(p, f).m_lapValidBitFlags & 1) !== 0),
  check("sector1Valid", (f) => f.finishedLap!.sector1Valid, (p, _c, _y, f) => (historyLap(p, f).m_lapValidBitFlags & 2) !== 0),
  check("sector2Valid", (f) => f.finishedLap!.sector2Valid, (p, _c, _y, f) => (historyLap(p, f).m_lapValidBitFlags & 4) !== 0),
  check("sector3Valid", (f) => f.finishedLap!.sector3Valid, (p, _c, _y, f) => (historyLap(p, f).m_lapValidBitFlags & 8) !== 0),
  check("tyreCompound", (f) => f.finishedLap!.tyreCompound, (p, _c, _y, f) => t.compoundFamily(stintOf(p, n(f.finishedLap!.lapNumber))?.m_tyreVisualCompound ?? 0)),
  check("tyreCompoundName", (f) => f.finishedLap!.tyreCompoundName, (p, _c, _y, f) => t.compoundName(stintOf(p, n(f.finishedLap!.lapNumber))?.m_tyreActualCompound ?? 0)),
];

const details = (p: Peer): Peer => p.m_eventDetails ?? {};
/** The car an event is about, as the peer names it per code. */
function eventCar(p: Peer): number | null {
  const d = details(p);
  const car = d.vehicleIdx ?? d.overtakingVehicleIdx ?? d.vehicle1Idx;
  return car === undefined || car >= 22 ? null : car;
}
function eventOther(p: Peer): number | null {
  const d = details(p);
  const other = d.otherVehicleIdx ?? d.beingOvertakenVehicleIdx ?? d.vehicle2Idx;
  return other === undefined || other >= 22 ? null : other;
}
export const EVENT: FieldCheck[] = [
  check("code", (f) => f.event!.code, (p) => p.m_eventStringCode),
  check("type", (f) => f.event!.type, (p) => t.EVENT_TYPES.get(p.m_eventStringCode) ?? 27),
  check("carIndex", (f) => f.labels!.carIndex ?? null, (p) => eventCar(p)),
  check("otherCarIndex", (f) => f.event!.otherCarIndex ?? null, (p) => eventOther(p)),
  check("lapTimeMs", (f) => f.event!.lapTimeMs, (p) => (p.m_eventStringCode === "FTLP" ? Math.round(details(p).lapTime * 1000) : 0)),
  check("penaltyType", (f) => f.event!.penaltyType, (p) => (p.m_eventStringCode === "PENA" ? t.PENALTY_TYPES[details(p).penaltyType] ?? `penalty-${details(p).penaltyType}` : "")),
  check("infringement", (f) => f.event!.infringement, (p) => (p.m_eventStringCode === "PENA" ? t.infringementName(details(p).infringementType) : "")),
  check("penaltyTimeS", (f) => f.event!.penaltyTimeS, (p) => (p.m_eventStringCode === "PENA" && details(p).time !== 255 ? details(p).time : 0)),
  check("lapNumber", (f) => f.event!.lapNumber, (p) => (p.m_eventStringCode === "PENA" ? details(p).lapNum : 0)),
  check("placesGained", (f) => f.event!.placesGained, (p) => (p.m_eventStringCode === "PENA" ? details(p).placesGained : 0)),
  check("speedMps", (f) => n(f.event!.speedMps) * KMH, (p) => (p.m_eventStringCode === "SPTP" ? details(p).speed : 0), 1e-3),
  check("lights", (f) => f.event!.lights, (p) => (p.m_eventStringCode === "STLG" ? details(p).numLights : 0)),
  check("durationS (flashback)", (f) => (f.event!.code === "FLBK" ? f.event!.durationS : 0), (p) => (p.m_eventStringCode === "FLBK" ? details(p).flashbackSessionTime : 0), 1e-4),
  check("buttons", (f) => f.event!.buttons, (p) => (p.m_eventStringCode === "BUTN" ? details(p).buttonStatus : 0)),
  check("safetyCarType", (f) => f.event!.safetyCarType, (p) => (p.m_eventStringCode === "SCAR" ? details(p).safetyCarType : 0)),
  check("safetyCarPhase", (f) => f.event!.safetyCarPhase, (p) => (p.m_eventStringCode === "SCAR" ? details(p).eventType : 0)),
];

export const FINAL_RESULT: FieldCheck[] = [
  check("position", (f) => f.finalResult!.position, (p, c) => p.m_classificationData[c].m_position),
  check("lapsCompleted", (f) => f.finalResult!.lapsCompleted, (p, c) => p.m_classificationData[c].m_numLaps),
  check("gridPosition", (f) => f.finalResult!.gridPosition, (p, c) => p.m_classificationData[c].m_gridPosition),
  check("points", (f) => f.finalResult!.points, (p, c) => p.m_classificationData[c].m_points),
  check("pitStops", (f) => f.finalResult!.pitStops, (p, c) => p.m_classificationData[c].m_numPitStops),
  check("resultStatus", (f) => f.finalResult!.resultStatus, (p, c) => t.resultStatus(p.m_classificationData[c].m_resultStatus)),
  check("bestLapTimeMs", (f) => f.finalResult!.bestLapTimeMs, (p, c) => p.m_classificationData[c].m_bestLapTimeInMS),
  check("totalRaceTimeS", (f) => f.finalResult!.totalRaceTimeS, (p, c) => p.m_classificationData[c].m_totalRaceTime, 1e-6),
  check("penaltiesS", (f) => f.finalResult!.penaltiesS, (p, c) => p.m_classificationData[c].m_penaltiesTime),
  check("penaltiesCount", (f) => f.finalResult!.penaltiesCount, (p, c) => p.m_classificationData[c].m_numPenalties),
  check("stints", (f) => JSON.stringify((f.finalResult!.stints ?? []).map((s) => [s.tyreCompound, s.tyreCompoundName, s.endLap])), (p, c) => {
    const r = p.m_classificationData[c];
    return JSON.stringify(Array.from({ length: r.m_numTyreStints }, (_, i) => [t.compoundFamily(r.m_tyreStintsVisual[i]), t.compoundName(r.m_tyreStintsActual[i]), r.m_tyreStintsEndLaps[i]]));
  }),
];

export const TYRE_SETS: FieldCheck[] = [
  check("sets", (f) => JSON.stringify((f.f1TyreSets!.sets ?? []).map((s) => [s.setIndex, s.tyreCompound, s.tyreCompoundName, Math.round(n(s.wear) * 100), s.available, s.fitted, s.lifeSpanLaps, s.usableLifeLaps, s.lapDeltaTimeMs])),
    (p) => JSON.stringify((p.m_tyreSetData as Peer[]).map((s, i) => [i, t.compoundFamily(s.m_visualTyreCompound), t.compoundName(s.m_actualTyreCompound), s.m_wear, s.m_available === 1, s.m_fitted === 1, s.m_lifeSpan, s.m_usableLife, s.m_lapDeltaTime]))),
];

export const LOBBY: FieldCheck[] = [
  check("name", (f) => f.f1LobbyPlayer!.name, (p, c) => name(p.m_lobbyPlayers[c].m_name)),
  check("teamId", (f) => f.f1LobbyPlayer!.teamId, (p, c) => p.m_lobbyPlayers[c].m_teamId),
  check("raceNumber", (f) => f.f1LobbyPlayer!.raceNumber, (p, c) => p.m_lobbyPlayers[c].m_carNumber),
  check("aiControlled", (f) => f.f1LobbyPlayer!.aiControlled, (p, c) => bool(p.m_lobbyPlayers[c].m_aiControlled)),
  check("readyStatus", (f) => f.f1LobbyPlayer!.readyStatus, (p, c) => t.LOBBY_READY_STATUS[p.m_lobbyPlayers[c].m_readyStatus] ?? ""),
  check("platform", (f) => f.f1LobbyPlayer!.platform, (p, c) => t.platformName(p.m_lobbyPlayers[c].m_platform)),
];
