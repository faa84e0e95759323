// The valid range of every numeric field of racetel.v1 (physics and the spec's own types): a value outside
// it is not telemetry but a broken or hostile packet. ingest drops a frame that carries one (counted by
// field); rpc drops the value alone, keeps the rest of the frame, and counts it by field. Never clamped,
// never turned into another number. docs/validation.md lists the table; a test keeps it covering the spec.

/** Inclusive [min, max]. */
export type Range = readonly [number, number];

const SPEED: Range = [-200, 200]; // m/s: 720 km/h, beyond any car of these games
const RATIO: Range = [0, 1];
const SIGNED_RATIO: Range = [-1, 1];
const TEMP: Range = [-100, 2000]; // Celsius: brake discs glow at ~1000
const AIR_TEMP: Range = [-60, 100];
const KPA: Range = [0, 2000];
const LAP_MS: Range = [0, 3_600_000]; // a lap, a sector, a gap: under an hour
const LONG_MS: Range = [0, 86_400_000]; // a day
const POSITION: Range = [0, 255];
const CAR: Range = [0, 1023];
const LAPS: Range = [0, 10_000];
const COUNT: Range = [0, 10_000];
const SMALL: Range = [0, 255]; // settings, levels, ids
const ANGLE: Range = [-7, 7]; // radians: a turn and a bit either way
const WORLD: Range = [-1e6, 1e6]; // metres from the world origin
const DISTANCE: Range = [-1e5, 1e9]; // metres: before the line on lap 1 (negative) .. a season
const G: Range = [-50, 50];
const SESSION_S: Range = [0, 1e7]; // about 115 days
const ENERGY_J: Range = [0, 1e8];
const POWER_W: Range = [-1e7, 1e7];
const FUEL: Range = [0, 1000]; // kg or litres
const RPM: Range = [0, 30_000];
const BIG: Range = [-1e6, 1e6]; // game units without a stated scale (ACC body damage)

/** Per payload: field -> range; a nested message is an object of its own fields; wheels/vectors expand. */
type Spec = { [field: string]: Range | Spec | { wheels: Range } | { vector: Range } | { each: Range | Spec } };

const wheels = (r: Range) => ({ wheels: r });
const vector = (r: Range) => ({ vector: r });
const each = (r: Range | Spec) => ({ each: r });

const DATA_SET: Spec = { carIndex: CAR, teamId: SMALL, lapTimeMs: LAP_MS, sector1TimeMs: LAP_MS, sector2TimeMs: LAP_MS, sector3TimeMs: LAP_MS };

/** Every numeric field of racetel.v1's payloads (enums and booleans have their own checks: decoding). */
export const RANGES: Record<string, Spec> = {
  session: {
    trackId: [-1, 1000], trackLengthM: [0, 100_000], totalLaps: LAPS, sessionDurationS: SESSION_S, sessionTimeLeftS: SESSION_S,
    airTemperatureCelsius: AIR_TEMP, trackTemperatureCelsius: [-60, 150], pitSpeedLimitMps: [0, 100], playerCarIndex: CAR,
    activeCars: [0, 1024], rainIntensity: RATIO, trackGrip: RATIO, windSpeedMps: [0, 100], windDirectionRad: ANGLE,
    forecast: each({ offsetMinutes: [0, 10_080], airTemperatureCelsius: AIR_TEMP, trackTemperatureCelsius: [-60, 150], rainProbability: RATIO }),
    pitWindowIdealLap: LAPS, pitWindowLatestLap: LAPS, safetyCarPeriods: COUNT, virtualSafetyCarPeriods: COUNT, redFlagPeriods: COUNT,
    sectorCount: [0, 64], timeOfDayS: [0, 86_400], sector2StartM: [0, 100_000], sector3StartM: [0, 100_000],
    marshalZones: each({ startFraction: RATIO }),
    sessionPart: [0, 10],
  },
  participant: { teamId: SMALL, raceNumber: [0, 9999] },
  telemetry: {
    speedMps: SPEED, throttle: RATIO, brake: RATIO, clutch: RATIO, steering: SIGNED_RATIO, gear: [-1, 15], engineRpm: RPM,
    suggestedGear: [-1, 15], tyreSurfaceTemperatureCelsius: wheels(TEMP), tyreInnerTemperatureCelsius: wheels(TEMP),
    tyreCoreTemperatureCelsius: wheels(TEMP), tyrePressureKpa: wheels(KPA), brakeTemperatureCelsius: wheels(TEMP),
    engineTemperatureCelsius: TEMP, revLights: RATIO, brakePressureBar: wheels([0, 1000]), turboBoostBar: [-5, 50],
  },
  motion: {
    positionM: vector(WORLD), velocityMps: vector(SPEED), gForceLateral: G, gForceLongitudinal: G, gForceVertical: G,
    yawRad: ANGLE, pitchRad: ANGLE, rollRad: ANGLE,
    detail: {
      suspensionPositionM: wheels([-5, 5]), wheelSpeedMps: wheels([-500, 500]), wheelSlipRatio: wheels([-1000, 1000]),
      wheelSlipAngleRad: wheels(ANGLE), wheelLoadN: wheels([-1e6, 1e6]), localVelocityMps: vector(SPEED),
      angularVelocityRadps: vector([-1000, 1000]), frontWheelsAngleRad: ANGLE, frontRideHeightM: [-5, 5], rearRideHeightM: [-5, 5],
      centreOfGravityHeightM: [-5, 5], suspensionVelocityMps: wheels([-1000, 1000]), suspensionAccelerationMps2: wheels([-1e6, 1e6]),
      angularAccelerationRadps2: vector([-1e6, 1e6]), wheelCamberRad: wheels(ANGLE), wheelCamberGainRad: wheels(ANGLE), chassisPitchRad: ANGLE,
    },
  },
  lap: {
    lapNumber: LAPS, currentLapTimeMs: LAP_MS, lastLapTimeMs: LAP_MS, bestLapTimeMs: LAP_MS, sector1TimeMs: LAP_MS, sector2TimeMs: LAP_MS,
    currentSector: [0, 64], lapDistanceM: [-100_000, 100_000], totalDistanceM: DISTANCE, position: POSITION, gridPosition: POSITION,
    pitStops: COUNT, penaltiesS: [0, 86_400], warnings: COUNT, unservedDriveThrough: COUNT, unservedStopGo: COUNT,
    gapToCarAheadMs: LONG_MS, gapToLeaderMs: LONG_MS, lapFraction: [-1, 2], deltaToBestMs: [-LAP_MS[1], LAP_MS[1]],
    pitLaneTimeMs: LAP_MS, pitStopTimeMs: LAP_MS, cornerCuttingWarnings: COUNT, speedTrapFastestMps: SPEED,
    safetyCarDeltaS: [-86_400, 86_400], estimatedLapTimeMs: LAP_MS, classPosition: POSITION,
  },
  status: {
    fuelMassKg: FUEL, fuelVolumeL: FUEL, fuelCapacity: FUEL, fuelRemainingLaps: [-1000, 1000], ersStoreJ: ENERGY_J,
    ersHarvestedThisLapJ: ENERGY_J, ersDeployedThisLapJ: ENERGY_J, tyreAgeLaps: LAPS, brakeBiasFront: RATIO, tractionControl: SMALL,
    abs: SMALL, engineMap: SMALL, maxRpm: RPM, idleRpm: RPM, maxGears: [0, 15], enginePowerW: POWER_W, mgukPowerW: POWER_W,
    drsActivationDistanceM: [0, 100_000], ersHarvestedMgukThisLapJ: ENERGY_J, ersHarvestedMguhThisLapJ: ENERGY_J,
  },
  damage: {
    tyreWear: wheels(RATIO), tyreDamage: wheels(RATIO), brakeDamage: wheels(RATIO), brakePadLifeMm: wheels([0, 100]),
    brakeDiscLifeMm: wheels([0, 100]), suspensionDamage: wheels(RATIO), frontLeftWingDamage: RATIO, frontRightWingDamage: RATIO,
    rearWingDamage: RATIO, floorDamage: RATIO, diffuserDamage: RATIO, sidepodDamage: RATIO, gearboxDamage: RATIO, engineDamage: RATIO,
    engineMguhWear: RATIO, engineEnergyStoreWear: RATIO, engineControlElectronicsWear: RATIO, engineIceWear: RATIO, engineMgukWear: RATIO,
    engineTurbochargerWear: RATIO, bodyDamageFront: BIG, bodyDamageRear: BIG, bodyDamageLeft: BIG, bodyDamageRight: BIG,
    bodyDamageCentre: BIG, tyreBlisters: wheels(RATIO),
  },
  event: {
    otherCarIndex: CAR, lapTimeMs: LAP_MS, penaltyTimeS: [0, 86_400], lapNumber: LAPS, placesGained: POSITION, speedMps: SPEED,
    lights: [0, 10], durationS: SESSION_S, buttons: [0, 0xffffffff], safetyCarType: [0, 10], safetyCarPhase: [0, 10],
  },
  finishedLap: {
    lapNumber: LAPS, lapTimeMs: LAP_MS, sector1TimeMs: LAP_MS, sector2TimeMs: LAP_MS, sector3TimeMs: LAP_MS, topSpeedMps: SPEED,
    fuelUsed: FUEL, tyreWearDelta: wheels(SIGNED_RATIO), position: POSITION,
  },
  finalResult: {
    position: POSITION, lapsCompleted: LAPS, gridPosition: POSITION, points: [0, 1000], pitStops: COUNT, bestLapTimeMs: LAP_MS,
    totalRaceTimeS: SESSION_S, penaltiesS: [0, 86_400], penaltiesCount: COUNT, stints: each({ endLap: [0, 255] }),
  },
  setup: {
    frontWing: SMALL, rearWing: SMALL, diffOnThrottle: RATIO, diffOffThrottle: RATIO, frontCamberRad: ANGLE, rearCamberRad: ANGLE,
    frontToeRad: ANGLE, rearToeRad: ANGLE, frontSuspension: SMALL, rearSuspension: SMALL, frontAntiRollBar: SMALL, rearAntiRollBar: SMALL,
    frontRideHeight: SMALL, rearRideHeight: SMALL, brakePressure: RATIO, brakeBiasFront: RATIO, tyrePressureKpa: wheels(KPA),
    fuelLoadKg: FUEL, engineBraking: RATIO,
  },
  f1TyreSets: { sets: each({ setIndex: [0, 63], wear: RATIO, lifeSpanLaps: SMALL, usableLifeLaps: SMALL, lapDeltaTimeMs: [-LAP_MS[1], LAP_MS[1]] }) },
  f1LobbyPlayer: { teamId: SMALL, raceNumber: [0, 9999] },
  f1TimeTrial: { playerSessionBest: DATA_SET, personalBest: DATA_SET, rival: DATA_SET },
  f1LapPositions: { firstLap: LAPS, positions: each(POSITION) },
  accCarExtras: {
    tyreTreadInnerCelsius: wheels(TEMP), tyreTreadMiddleCelsius: wheels(TEMP), tyreTreadOuterCelsius: wheels(TEMP), tractionControlCut: SMALL,
    currentTyreSet: SMALL, strategyTyreSet: SMALL, missingMandatoryPits: [-1, 255], fuelUsedL: FUEL, fuelPerLapL: FUEL,
    exhaustTemperatureCelsius: TEMP, driverStintTimeLeftS: [-1, SESSION_S[1]], driverStintTotalTimeLeftS: [-1, SESSION_S[1]],
    frontBrakeCompound: SMALL, rearBrakeCompound: SMALL, gapAheadMs: [-LONG_MS[1], LONG_MS[1]], gapBehindMs: [-LONG_MS[1], LONG_MS[1]],
    penaltyCode: [-1, 1000], mfdTyrePressureKpa: wheels(KPA), mfdFuelToAddL: FUEL, tyresOut: [0, 4], ballastKg: [0, 1000],
    airDensityKgpm3: [0, 10], lightsStage: SMALL, wiperLevel: SMALL,
  },
  accSessionExtras: {
    rainIntensityIn_10min: RATIO, rainIntensityIn_30min: RATIO, clockS: [0, 86_400 * 2], sessionIndex: SMALL, numberOfSessions: SMALL,
    pitWindowStartMs: LONG_MS, pitWindowEndMs: LONG_MS,
  },
};

/** The frame header's numbers (session_time_s; receive time and game frame are checked where they are used). */
export const HEADER_RANGES = { sessionTimeS: SESSION_S } as const;

/** Every field path the table covers ("telemetry.tyrePressureKpa.frontLeft", "session.forecast.rainProbability"), with its range. */
export function rangePaths(): Map<string, Range> {
  const out = new Map<string, Range>();
  const walk = (spec: Spec, prefix: string): void => {
    for (const [field, r] of Object.entries(spec)) {
      const path = `${prefix}.${field}`;
      if (Array.isArray(r)) out.set(path, r as Range);
      else if ("wheels" in r) for (const w of ["frontLeft", "frontRight", "rearLeft", "rearRight"]) out.set(`${path}.${w}`, (r as { wheels: Range }).wheels);
      else if ("vector" in r) for (const a of ["x", "y", "z"]) out.set(`${path}.${a}`, (r as { vector: Range }).vector);
      else if ("each" in r) {
        const e = (r as { each: Range | Spec }).each;
        if (Array.isArray(e)) out.set(path, e as Range);
        else walk(e as Spec, path);
      } else walk(r as Spec, path);
    }
  };
  for (const [kind, spec] of Object.entries(RANGES)) walk(spec, kind);
  return out;
}

/**
 * Straight-line checker of one payload kind, compiled once from the table (a loop over a table costs
 * several times more per frame on the packet path). It calls bad(path) for each value out of range and,
 * when `clear` is set, replaces that value with NaN (rpc: the value is dropped, the frame kept).
 */
type Checker = (payload: Record<string, unknown>, bad: (path: string) => void) => number;

function compile(kind: string, spec: Spec, clear: boolean): Checker {
  const lines: string[] = ["let n = 0, v, o, a;"];
  let id = 0;
  const test = (target: string, key: string, path: string, r: Range): void => {
    lines.push(`v = ${target}[${JSON.stringify(key)}];`);
    lines.push(`if (v !== undefined && v !== null && !(v >= ${r[0]} && v <= ${r[1]})) { bad(${JSON.stringify(path)}); n++;${clear ? ` ${target}[${JSON.stringify(key)}] = NaN;` : ""} }`);
  };
  const walk = (s: Spec, target: string, prefix: string): void => {
    for (const [field, r] of Object.entries(s)) {
      const path = `${prefix}.${field}`;
      if (Array.isArray(r)) { test(target, field, path, r as Range); continue; }
      const sub = `o${id++}`;
      lines.push(`const ${sub} = ${target}[${JSON.stringify(field)}];`);
      if ("wheels" in r) {
        lines.push(`if (${sub} !== undefined && ${sub} !== null) {`);
        for (const w of ["frontLeft", "frontRight", "rearLeft", "rearRight"]) test(sub, w, `${path}.${w}`, (r as { wheels: Range }).wheels);
        lines.push("}");
      } else if ("vector" in r) {
        lines.push(`if (${sub} !== undefined && ${sub} !== null) {`);
        for (const axis of ["x", "y", "z"]) test(sub, axis, `${path}.${axis}`, (r as { vector: Range }).vector);
        lines.push("}");
      } else if ("each" in r) {
        const e = (r as { each: Range | Spec }).each;
        const i = `i${id++}`;
        lines.push(`if (Array.isArray(${sub})) for (let ${i} = 0; ${i} < ${sub}.length; ${i}++) {`);
        if (Array.isArray(e)) {
          const range = e as Range;
          lines.push(`v = ${sub}[${i}]; if (!(v >= ${range[0]} && v <= ${range[1]})) { bad(${JSON.stringify(path)}); n++;${clear ? ` ${sub}[${i}] = NaN;` : ""} }`);
        } else {
          const item = `e${id++}`;
          lines.push(`const ${item} = ${sub}[${i}]; if (${item} !== undefined && ${item} !== null) {`);
          walk(e as Spec, item, path);
          lines.push("}");
        }
        lines.push("}");
      } else {
        lines.push(`if (${sub} !== undefined && ${sub} !== null) {`);
        walk(r as Spec, sub, path);
        lines.push("}");
      }
    }
  };
  walk(spec, "p", kind);
  lines.push("return n;");
  // Generated from the constant table above, once: a straight-line check per payload kind.
  return new Function("p", "bad", lines.join("\n")) as Checker;
}

const CHECK = new Map(Object.entries(RANGES).map(([kind, spec]) => [kind, compile(kind, spec, false)]));
const CLEAR = new Map(Object.entries(RANGES).map(([kind, spec]) => [kind, compile(kind, spec, true)]));
const PAYLOAD_KINDS = [...CHECK.keys()];

let firstBad: string | undefined;
const remember = (path: string): void => { firstBad ??= path; };

/** The payload kind a frame carries (its oneof member), or undefined. */
export function payloadKind(frame: Record<string, unknown>): string | undefined {
  const declared = frame["payload"];
  if (typeof declared === "string") return declared;
  for (const kind of PAYLOAD_KINDS) if (frame[kind] !== undefined && frame[kind] !== null) return kind;
  return undefined;
}

/**
 * The first field of `frame` outside its valid range ("telemetry.speedMps", "sessionTimeS"), or undefined
 * when every number is valid. Never throws, changes nothing (ingest drops such a frame, the fuzzer counts it).
 */
export function firstOutOfRange(frame: object): string | undefined {
  const f = frame as Record<string, unknown>;
  const t = f["sessionTimeS"] as number | undefined;
  if (t !== undefined && t !== null && !(t >= HEADER_RANGES.sessionTimeS[0] && t <= HEADER_RANGES.sessionTimeS[1])) return "sessionTimeS";
  const kind = payloadKind(f);
  if (kind === undefined) return undefined;
  const payload = f[kind] as Record<string, unknown> | undefined;
  const check = CHECK.get(kind);
  if (payload === undefined || payload === null || check === undefined) return undefined;
  firstBad = undefined;
  check(payload, remember);
  return firstBad;
}

/** True when the frame header's numbers are valid (a frame with a broken header is not used at all). */
export function headerInRange(frame: object): boolean {
  const t = (frame as Record<string, unknown>)["sessionTimeS"] as number | undefined;
  return t === undefined || t === null || (t >= HEADER_RANGES.sessionTimeS[0] && t <= HEADER_RANGES.sessionTimeS[1]);
}

/** Replaces every out-of-range number of the frame's payload with NaN, calling bad(path) for each; returns how many. */
export function clearOutOfRange(frame: object, bad: (path: string) => void): number {
  const f = frame as Record<string, unknown>;
  const kind = payloadKind(f);
  if (kind === undefined) return 0;
  const payload = f[kind] as Record<string, unknown> | undefined;
  const clear = CLEAR.get(kind);
  if (payload === undefined || payload === null || clear === undefined) return 0;
  return clear(payload, bad);
}
