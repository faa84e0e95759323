// Preallocated racetel.v1 frame objects, one per (payload kind, car slot), overwritten on every packet.
// The sink copies or encodes a frame before emit() returns (see ../source.ts), so reuse is safe.
import { racetel } from "@racetel/proto";
import { F1_CAR_SLOTS } from "./sizes.js";

export interface Labels {
  source: string; game: number; format: string; sessionId: string; carIndex: number | null;
  /** null until known (left off the wire, read back as ""). */
  driver: string | null; team: string | null; track: string | null;
}
export interface Wheel { frontLeft: number; frontRight: number; rearLeft: number; rearRight: number }
export interface Vec3 { x: number; y: number; z: number }

/** Scalar fields may be null: left off the wire, read back as the proto3 default (0, false, ""). */
export type Omittable<P> = { [K in keyof P]: P[K] extends number | boolean | string ? P[K] | null : P[K] };
/** Wraps a payload factory so its scalar fields accept null. */
const omittable = <P>(make: () => P) => (): Omittable<P> => make() as Omittable<P>;

/** A frame with labels and header fields always present. */
export interface BaseFrame {
  labels: Labels; receiveTimeUnixNano: number; sessionTimeS: number; gameFrame: number;
}

export const wheel = (): Wheel => ({ frontLeft: 0, frontRight: 0, rearLeft: 0, rearRight: 0 });
export const vec3 = (): Vec3 => ({ x: 0, y: 0, z: 0 });

/** Sets named wheels from values in the F1 order (RL, RR, FL, FR), scaled. */
export function setWheels4(out: Wheel, rl: number, rr: number, fl: number, fr: number, scale: number): void {
  out.rearLeft = rl * scale;
  out.rearRight = rr * scale;
  out.frontLeft = fl * scale;
  out.frontRight = fr * scale;
}

/** setWheels4 that returns `out`. */
export function setWheels4Into(out: Wheel, rl: number, rr: number, fl: number, fr: number, scale: number): Wheel {
  setWheels4(out, rl, rr, fl, fr, scale);
  return out;
}

/** Like setWheels4 into `out`, but returns null (nothing to send) when all four values are zero. */
export function wheelsOrNull(out: Wheel, rl: number, rr: number, fl: number, fr: number, scale: number): Wheel | null {
  if (rl === 0 && rr === 0 && fl === 0 && fr === 0) return null;
  setWheels4(out, rl, rr, fl, fr, scale);
  return out;
}

/** Copies an F1 per-wheel array (RL, RR, FL, FR) into `out` and returns it. */
export function setWheelsInto(out: Wheel, f1: ArrayLike<number>): Wheel {
  setWheels(out, f1, 1);
  return out;
}

/** Copies an F1 per-wheel array (RL, RR, FL, FR) into named wheels, scaled. */
export function setWheels(out: Wheel, f1: ArrayLike<number>, scale: number): void {
  out.rearLeft = f1[0]! * scale;
  out.rearRight = f1[1]! * scale;
  out.frontLeft = f1[2]! * scale;
  out.frontRight = f1[3]! * scale;
}

function base(): BaseFrame {
  return {
    labels: { source: "", game: racetel.v1.Game.GAME_F1, format: "", sessionId: "", carIndex: null,
      driver: "", team: "", track: "" },
    receiveTimeUnixNano: 0, sessionTimeS: 0, gameFrame: 0,
  };
}

export const newTelemetry = () => ({
  speedMps: 0, throttle: 0, brake: 0, clutch: 0, steering: 0, gear: 0, engineRpm: 0, suggestedGear: 0,
  drsOpen: false, tyreSurfaceTemperatureCelsius: wheel(), tyreInnerTemperatureCelsius: wheel(),
  tyrePressureKpa: wheel(), brakeTemperatureCelsius: wheel(), engineTemperatureCelsius: 0, revLights: 0,
  wheelSurface: { frontLeft: "", frontRight: "", rearLeft: "", rearRight: "" },
});

export const newMotionDetail = () => ({
  suspensionPositionM: wheel(), wheelSpeedMps: wheel(), wheelSlipRatio: wheel(), wheelSlipAngleRad: wheel(),
  wheelLoadN: wheel(), localVelocityMps: vec3(), angularVelocityRadps: vec3(), frontWheelsAngleRad: 0,
  frontRideHeightM: 0, rearRideHeightM: 0, centreOfGravityHeightM: 0,
  suspensionVelocityMps: wheel(), suspensionAccelerationMps2: wheel(), angularAccelerationRadps2: vec3(),
  // F1 25 only: null (left off the wire) for 2023/2024; set to the FrameSet's camber wheels otherwise.
  wheelCamberRad: null as Wheel | null, wheelCamberGainRad: null as Wheel | null, chassisPitchRad: 0,
});
export type MotionDetail = ReturnType<typeof newMotionDetail>;

export const newMotion = () => ({
  positionM: vec3(), velocityMps: vec3(), gForceLateral: 0, gForceLongitudinal: 0, gForceVertical: 0,
  yawRad: 0, pitchRad: 0, rollRad: 0, detail: null as MotionDetail | null,
});

export const newLap = () => ({
  lapNumber: 0, currentLapTimeMs: 0, lastLapTimeMs: 0, bestLapTimeMs: 0, sector1TimeMs: 0, sector2TimeMs: 0,
  currentSector: 0, lapDistanceM: 0, totalDistanceM: 0, position: 0, gridPosition: 0, pitStatus: 0,
  pitStops: 0, penaltiesS: 0, warnings: 0, unservedDriveThrough: 0, unservedStopGo: 0, lapInvalid: false,
  driverStatus: 0, resultStatus: 0, gapToCarAheadMs: 0, gapToLeaderMs: 0, lapFraction: 0,
  pitLaneTimerActive: false, pitLaneTimeMs: 0, pitStopTimeMs: 0, cornerCuttingWarnings: 0, safetyCarDeltaS: 0,
  speedTrapFastestMps: 0,
});

export const newStatus = () => ({
  fuelMassKg: 0, fuelVolumeL: null as number | null, fuelCapacity: 0, fuelRemainingLaps: 0, ersStoreJ: 0,
  ersDeployMode: "", ersHarvestedThisLapJ: 0, ersDeployedThisLapJ: 0, tyreCompound: 0, tyreCompoundName: "",
  tyreAgeLaps: 0, brakeBiasFront: 0, tractionControl: 0, abs: 0, engineMap: 0, pitLimiterOn: false,
  drsAllowed: false, maxRpm: 0, idleRpm: 0, maxGears: 0, flag: 0, enginePowerW: 0, mgukPowerW: 0,
  drsActivationDistanceM: 0, ersHarvestedMgukThisLapJ: 0, ersHarvestedMguhThisLapJ: 0, tyreVisualCompoundName: "",
  networkPaused: false,
});

export const newDamage = () => ({
  // damage wheels are null (left off the wire) while all four are zero; F1 has no suspension damage
  tyreWear: wheel(), tyreDamage: null as Wheel | null, brakeDamage: null as Wheel | null,
  frontLeftWingDamage: 0, frontRightWingDamage: 0, rearWingDamage: 0, floorDamage: 0, diffuserDamage: 0,
  sidepodDamage: 0, gearboxDamage: 0, engineDamage: 0, engineMguhWear: 0, engineEnergyStoreWear: 0,
  engineControlElectronicsWear: 0, engineIceWear: 0, engineMgukWear: 0, engineTurbochargerWear: 0,
  drsFault: false, ersFault: false, engineBlown: false, engineSeized: false,
  // F1 25 only; null (left off the wire) elsewhere
  tyreBlisters: null as Wheel | null,
});

export const newSetup = () => ({
  frontWing: 0, rearWing: 0, diffOnThrottle: 0, diffOffThrottle: 0, frontCamberRad: 0, rearCamberRad: 0,
  frontToeRad: 0, rearToeRad: 0, frontSuspension: 0, rearSuspension: 0, frontAntiRollBar: 0,
  rearAntiRollBar: 0, frontRideHeight: 0, rearRideHeight: 0, brakePressure: 0, brakeBiasFront: 0,
  tyrePressureKpa: wheel(), fuelLoadKg: 0, engineBraking: 0,
});

export const newParticipant = () => ({
  driverName: "", teamName: "", teamId: 0, raceNumber: 0, nationality: "", aiControlled: false,
  isPlayer: false, telemetryPublic: false, carModel: "", platform: "",
});

export const newFinishedLap = () => ({
  lapNumber: 0, lapTimeMs: 0, sector1TimeMs: 0, sector2TimeMs: 0, sector3TimeMs: 0, valid: false,
  sector1Valid: false, sector2Valid: false, sector3Valid: false, topSpeedMps: 0, fuelUsed: 0,
  tyreWearDelta: wheel(), tyreCompound: 0, tyreCompoundName: "", position: 0, pitLap: false, pitEntry: false, origin: 0,
});

export const newStint = omittable(() => ({ tyreCompound: 0, tyreCompoundName: "", endLap: 0 }));
export type Stint = ReturnType<typeof newStint>;

export const newFinalResult = () => ({
  position: 0, lapsCompleted: 0, gridPosition: 0, points: 0, pitStops: 0, resultStatus: 0,
  bestLapTimeMs: 0, totalRaceTimeS: 0, penaltiesS: 0, penaltiesCount: 0, stints: [] as Stint[],
});

export const newTyreSet = omittable(() => ({
  setIndex: 0, tyreCompound: 0, tyreCompoundName: "", wear: 0, available: false, fitted: false,
  lifeSpanLaps: 0, usableLifeLaps: 0, lapDeltaTimeMs: 0,
}));
export type TyreSet = ReturnType<typeof newTyreSet>;

export const newLobbyPlayer = () => ({
  name: "", teamName: "", teamId: 0, nationality: "", raceNumber: 0, aiControlled: false, readyStatus: "",
  platform: "",
});

export const newTimeTrialSet = omittable(() => ({
  carIndex: 0, teamId: 0, lapTimeMs: 0, sector1TimeMs: 0, sector2TimeMs: 0, sector3TimeMs: 0, valid: false,
}));

export const newEvent = () => ({
  type: 0, code: "", otherCarIndex: null as number | null, lapTimeMs: 0, penaltyType: "", infringement: "",
  penaltyTimeS: 0, lapNumber: 0, placesGained: 0, speedMps: 0, lights: 0, durationS: 0, message: "",
  buttons: 0, safetyCarType: 0, safetyCarPhase: 0,
});
export type EventPayload = ReturnType<typeof newEvent>;

export const newForecast = omittable(() => ({
  offsetMinutes: 0, sessionType: 0, weather: 0, airTemperatureCelsius: 0, trackTemperatureCelsius: 0,
  rainProbability: 0,
}));
export type Forecast = ReturnType<typeof newForecast>;

export const newSessionInfo = () => ({
  gameVersion: "", sessionType: 0, track: "", trackId: -1, trackLengthM: 0, totalLaps: 0,
  sessionDurationS: 0, sessionTimeLeftS: 0, weather: 0, airTemperatureCelsius: 0,
  trackTemperatureCelsius: 0, trackFlag: 0, safetyCarStatus: 0, pitSpeedLimitMps: 0, networkGame: false,
  playerCarIndex: null as number | null, activeCars: 0, series: "", rainIntensity: 0, forecast: [] as Forecast[],
  pitWindowIdealLap: 0, pitWindowLatestLap: 0, safetyCarPeriods: 0, virtualSafetyCarPeriods: 0,
  redFlagPeriods: 0, sectorCount: 3, paused: false, timeOfDayS: 0, sector2StartM: 0, sector3StartM: 0,
  marshalZones: [] as MarshalZone[],
});

export const newMarshalZone = () => ({ startFraction: 0, flag: 0 });
export type MarshalZone = ReturnType<typeof newMarshalZone>;


/** Makes one frame per car slot carrying `key: payload()`. */
function perSlot<K extends string, P>(key: K, payload: () => P): (BaseFrame & Record<K, Omittable<P>>)[] {
  return Array.from({ length: F1_CAR_SLOTS }, () => single(key, payload));
}
function single<K extends string, P>(key: K, payload: () => P): BaseFrame & Record<K, Omittable<P>> {
  return Object.assign(base(), { [key]: payload() }) as BaseFrame & Record<K, Omittable<P>>;
}

/** Every frame object a decoder reuses. */
export function newFrameSet() {
  return {
    telemetry: perSlot("telemetry", newTelemetry),
    motion: perSlot("motion", newMotion),
    motionDetail: newMotionDetail(),
    camberWheels: { camber: wheel(), gain: wheel() },
    lap: perSlot("lap", newLap),
    status: perSlot("status", newStatus),
    damage: perSlot("damage", newDamage),
    damageWheels: Array.from({ length: F1_CAR_SLOTS }, () => ({ tyre: wheel(), brake: wheel(), blisters: wheel() })),
    setup: perSlot("setup", newSetup),
    participant: perSlot("participant", newParticipant),
    finishedLap: perSlot("finishedLap", newFinishedLap),
    finalResult: perSlot("finalResult", newFinalResult),
    stintPools: Array.from({ length: F1_CAR_SLOTS }, () => Array.from({ length: 8 }, newStint)),
    lobbyPlayer: perSlot("f1LobbyPlayer", newLobbyPlayer),
    tyreSets: perSlot("f1TyreSets", () => ({ sets: Array.from({ length: 20 }, newTyreSet) })),
    lapPositions: perSlot("f1LapPositions", () => ({ firstLap: 0, positions: [] as number[] })),
    timeTrial: single("f1TimeTrial", () => ({
      playerSessionBest: newTimeTrialSet(), personalBest: newTimeTrialSet(), rival: newTimeTrialSet(),
    })),
    event: single("event", newEvent),
    session: single("session", newSessionInfo),
    forecastPool: Array.from({ length: 64 }, newForecast),
    marshalZonePool: Array.from({ length: 21 }, newMarshalZone),
  };
}
export type FrameSet = ReturnType<typeof newFrameSet>;
