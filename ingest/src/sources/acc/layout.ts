// ACC shared-memory pages (SharedFileOut.h, ACC 1.8+): field tables, and binary-parser parsers built
// from them once at module load. #pragma pack(4): 4-byte fields are aligned to 4; a wchar_t string of
// odd length is followed by 2 pad bytes. Wheel order in every 4-element array: FL, FR, RL, RR.
import { Parser } from "binary-parser";

export type FieldType = "i32" | "f32" | "utf16";
/** [name, type, count]: count is elements (wchar_t for strings, flattened for 2-D arrays). */
export type FieldSpec = readonly [string, FieldType, number];

type Value<F> = F extends readonly [string, "utf16", number] ? string
  : F extends readonly [string, FieldType, 1] ? number : number[];
/** The decoded object of a page: one property per field. */
export type PageOf<T extends readonly FieldSpec[]> = { [F in T[number] as F[0]]: Value<F> };

export const PHYSICS_FIELDS = [
  ["packetId", "i32", 1], ["gas", "f32", 1], ["brake", "f32", 1], ["fuel", "f32", 1], ["gear", "i32", 1],
  ["rpms", "i32", 1], ["steerAngle", "f32", 1], ["speedKmh", "f32", 1], ["velocity", "f32", 3], ["accG", "f32", 3],
  ["wheelSlip", "f32", 4], ["wheelLoad", "f32", 4], ["wheelsPressure", "f32", 4], ["wheelAngularSpeed", "f32", 4],
  ["tyreWear", "f32", 4], ["tyreDirtyLevel", "f32", 4], ["tyreCoreTemperature", "f32", 4], ["camberRAD", "f32", 4],
  ["suspensionTravel", "f32", 4],
  ["drs", "f32", 1], // SDK header/PDF: float (unused by ACC)
  ["tc", "f32", 1], ["heading", "f32", 1], ["pitch", "f32", 1], ["roll", "f32", 1], ["cgHeight", "f32", 1],
  ["carDamage", "f32", 5], ["numberOfTyresOut", "i32", 1], ["pitLimiterOn", "i32", 1], ["abs", "f32", 1],
  ["kersCharge", "f32", 1], ["kersInput", "f32", 1], ["autoShifterOn", "i32", 1], ["rideHeight", "f32", 2],
  ["turboBoost", "f32", 1], ["ballast", "f32", 1], ["airDensity", "f32", 1], ["airTemp", "f32", 1],
  ["roadTemp", "f32", 1], ["localAngularVel", "f32", 3], ["finalFF", "f32", 1], ["performanceMeter", "f32", 1],
  ["engineBrake", "i32", 1], ["ersRecoveryLevel", "i32", 1], ["ersPowerLevel", "i32", 1],
  ["ersHeatCharging", "i32", 1], ["ersIsCharging", "i32", 1], ["kersCurrentKJ", "f32", 1],
  ["drsAvailable", "i32", 1], ["drsEnabled", "i32", 1], ["brakeTemp", "f32", 4], ["clutch", "f32", 1],
  ["tyreTempI", "f32", 4], ["tyreTempM", "f32", 4], ["tyreTempO", "f32", 4], ["isAIControlled", "i32", 1],
  ["tyreContactPoint", "f32", 12], ["tyreContactNormal", "f32", 12], ["tyreContactHeading", "f32", 12],
  ["brakeBias", "f32", 1], ["localVelocity", "f32", 3], ["P2PActivations", "i32", 1], ["P2PStatus", "i32", 1],
  ["currentMaxRpm", "f32", 1], // header says int, PDF float; unused by ACC, read as float like the peers
  ["mz", "f32", 4], ["fx", "f32", 4], ["fy", "f32", 4], ["slipRatio", "f32", 4], ["slipAngle", "f32", 4],
  ["tcinAction", "i32", 1], ["absInAction", "i32", 1], ["suspensionDamage", "f32", 4], ["tyreTemp", "f32", 4],
  ["waterTemp", "f32", 1], ["brakePressure", "f32", 4], ["frontBrakeCompound", "i32", 1],
  ["rearBrakeCompound", "i32", 1], ["padLife", "f32", 4], ["discLife", "f32", 4], ["ignitionOn", "i32", 1],
  ["starterEngineOn", "i32", 1], ["isEngineRunning", "i32", 1], ["kerbVibration", "f32", 1],
  ["slipVibrations", "f32", 1], ["gVibrations", "f32", 1], ["absVibrations", "f32", 1],
] as const satisfies readonly FieldSpec[];

export const GRAPHICS_FIELDS = [
  ["packetId", "i32", 1], ["status", "i32", 1], ["session", "i32", 1], ["currentTime", "utf16", 15],
  ["lastTime", "utf16", 15], ["bestTime", "utf16", 15], ["split", "utf16", 15], ["completedLaps", "i32", 1],
  ["position", "i32", 1], ["iCurrentTime", "i32", 1], ["iLastTime", "i32", 1], ["iBestTime", "i32", 1],
  ["sessionTimeLeft", "f32", 1], ["distanceTraveled", "f32", 1], ["isInPit", "i32", 1],
  ["currentSectorIndex", "i32", 1], ["lastSectorTime", "i32", 1], ["numberOfLaps", "i32", 1],
  ["tyreCompound", "utf16", 33], ["replayTimeMultiplier", "f32", 1], ["normalizedCarPosition", "f32", 1],
  ["activeCars", "i32", 1],
  ["carCoordinates", "f32", 180], // 60 cars x (x, y, z), flattened
  ["carID", "i32", 60], ["playerCarID", "i32", 1], ["penaltyTime", "f32", 1], ["flag", "i32", 1],
  ["penalty", "i32", 1], ["idealLineOn", "i32", 1], ["isInPitLane", "i32", 1], ["surfaceGrip", "f32", 1],
  ["mandatoryPitDone", "i32", 1], ["windSpeed", "f32", 1], ["windDirection", "f32", 1],
  ["isSetupMenuVisible", "i32", 1], ["mainDisplayIndex", "i32", 1], ["secondaryDisplayIndex", "i32", 1],
  ["TC", "i32", 1], ["TCCut", "i32", 1], ["EngineMap", "i32", 1], ["ABS", "i32", 1],
  ["fuelXLap", "f32", 1], // header says int, PDF and every reader float
  ["rainLights", "i32", 1], ["flashingLights", "i32", 1], ["lightsStage", "i32", 1],
  ["exhaustTemperature", "f32", 1], ["wiperLV", "i32", 1], ["DriverStintTotalTimeLeft", "i32", 1],
  ["DriverStintTimeLeft", "i32", 1], ["rainTyres", "i32", 1], ["sessionIndex", "i32", 1], ["usedFuel", "f32", 1],
  ["deltaLapTime", "utf16", 15], ["iDeltaLapTime", "i32", 1], ["estimatedLapTime", "utf16", 15],
  ["iEstimatedLapTime", "i32", 1], ["isDeltaPositive", "i32", 1], ["iSplit", "i32", 1], ["isValidLap", "i32", 1],
  ["fuelEstimatedLaps", "f32", 1], ["trackStatus", "utf16", 33], ["missingMandatoryPits", "i32", 1],
  ["Clock", "f32", 1], ["directionLightsLeft", "i32", 1], ["directionLightsRight", "i32", 1],
  ["GlobalYellow", "i32", 1], ["GlobalYellow1", "i32", 1], ["GlobalYellow2", "i32", 1],
  ["GlobalYellow3", "i32", 1], ["GlobalWhite", "i32", 1], ["GlobalGreen", "i32", 1],
  ["GlobalChequered", "i32", 1], ["GlobalRed", "i32", 1], ["mfdTyreSet", "i32", 1], ["mfdFuelToAdd", "f32", 1],
  ["mfdTyrePressureFL", "f32", 1], ["mfdTyrePressureFR", "f32", 1], ["mfdTyrePressureRL", "f32", 1],
  ["mfdTyrePressureRR", "f32", 1], ["trackGripStatus", "i32", 1], ["rainIntensity", "i32", 1],
  ["rainIntensityIn10min", "i32", 1], ["rainIntensityIn30min", "i32", 1], ["currentTyreSet", "i32", 1],
  ["strategyTyreSet", "i32", 1], ["gapAhead", "i32", 1], ["gapBehind", "i32", 1],
] as const satisfies readonly FieldSpec[];

export const STATIC_FIELDS = [
  ["smVersion", "utf16", 15], ["acVersion", "utf16", 15], ["numberOfSessions", "i32", 1], ["numCars", "i32", 1],
  ["carModel", "utf16", 33], ["track", "utf16", 33], ["playerName", "utf16", 33], ["playerSurname", "utf16", 33],
  ["playerNick", "utf16", 33], ["sectorCount", "i32", 1], ["maxTorque", "f32", 1], ["maxPower", "f32", 1],
  ["maxRpm", "i32", 1], ["maxFuel", "f32", 1], ["suspensionMaxTravel", "f32", 4], ["tyreRadius", "f32", 4],
  ["maxTurboBoost", "f32", 1], ["deprecated_1", "f32", 1], ["deprecated_2", "f32", 1],
  ["penaltiesEnabled", "i32", 1], ["aidFuelRate", "f32", 1], ["aidTireRate", "f32", 1],
  ["aidMechanicalDamage", "f32", 1], ["aidAllowTyreBlankets", "i32", 1], ["aidStability", "f32", 1],
  ["aidAutoClutch", "i32", 1], ["aidAutoBlip", "i32", 1], ["hasDRS", "i32", 1], ["hasERS", "i32", 1],
  ["hasKERS", "i32", 1], ["kersMaxJ", "f32", 1], ["engineBrakeSettingsCount", "i32", 1],
  ["ersPowerControllerCount", "i32", 1], ["trackSPlineLength", "f32", 1], ["trackConfiguration", "utf16", 33],
  ["ersMaxJ", "f32", 1], ["isTimedRace", "i32", 1], ["hasExtraLap", "i32", 1], ["carSkin", "utf16", 33],
  ["reversedGridPositions", "i32", 1], ["PitWindowStart", "i32", 1], ["PitWindowEnd", "i32", 1],
  ["isOnline", "i32", 1], ["dryTyresName", "utf16", 33], ["wetTyresName", "utf16", 33],
] as const satisfies readonly FieldSpec[];

export type PhysicsPage = PageOf<typeof PHYSICS_FIELDS>;
export type GraphicsPage = PageOf<typeof GRAPHICS_FIELDS>;
export type StaticPage = PageOf<typeof STATIC_FIELDS>;

/** A field with its byte offset inside the page (pack(4) applied). */
export interface PlacedField { name: string; type: FieldType; count: number; offset: number; bytes: number }

/** Lays fields out as MSVC does under #pragma pack(4): numbers aligned to 4, wchar_t to 2. */
export function placeFields(fields: readonly FieldSpec[]): { placed: PlacedField[]; size: number } {
  const placed: PlacedField[] = [];
  let offset = 0;
  for (const [name, type, count] of fields) {
    const align = type === "utf16" ? 2 : 4;
    offset = Math.ceil(offset / align) * align;
    const bytes = (type === "utf16" ? 2 : 4) * count;
    placed.push({ name, type, count, offset, bytes });
    offset += bytes;
  }
  return { placed, size: Math.ceil(offset / 4) * 4 };
}

const utf16 = new TextDecoder("utf-16le");

/** Decodes a wchar_t buffer up to its first NUL (the rest of the buffer is stale bytes). */
export function decodeWchar(bytes: Uint8Array): string {
  let end = 0;
  while (end + 1 < bytes.length && (bytes[end] !== 0 || bytes[end + 1] !== 0)) end += 2;
  return end === 0 ? "" : utf16.decode(bytes.subarray(0, end));
}

function buildParser(fields: readonly FieldSpec[]): Parser {
  let parser = new Parser().endianness("little");
  let offset = 0;
  for (const field of placeFields(fields).placed) {
    if (field.offset > offset) parser = parser.seek(field.offset - offset);
    if (field.type === "utf16") {
      parser = parser.buffer(field.name, { length: field.bytes, formatter: decodeWchar });
    } else if (field.count === 1) {
      parser = field.type === "i32" ? parser.int32(field.name) : parser.floatle(field.name);
    } else {
      parser = parser.array(field.name, { type: field.type === "i32" ? "int32le" : "floatle", length: field.count });
    }
    offset = field.offset + field.bytes;
  }
  return parser;
}

/** A page kind: its parser, struct size, and what the drop checks need to know. */
export interface PageLayout<T> {
  readonly kind: "physics" | "graphics" | "static";
  readonly size: number;
  readonly parser: Parser;
  readonly fields: readonly PlacedField[];
  /** Byte offsets of every f32 value (for the NaN check without touching decoded objects). */
  readonly floatOffsets: Int32Array;
  parse(bytes: Uint8Array): T;
}

function layout<T>(kind: PageLayout<T>["kind"], fields: readonly FieldSpec[]): PageLayout<T> {
  const { placed, size } = placeFields(fields);
  const parser = buildParser(fields);
  const floats: number[] = [];
  for (const f of placed) if (f.type === "f32") for (let i = 0; i < f.count; i++) floats.push(f.offset + 4 * i);
  return {
    kind, size, parser, fields: placed, floatOffsets: Int32Array.from(floats),
    parse: (bytes) => parser.parse(bytes) as T,
  };
}

export const PHYSICS = layout<PhysicsPage>("physics", PHYSICS_FIELDS);
export const GRAPHICS = layout<GraphicsPage>("graphics", GRAPHICS_FIELDS);
export const STATIC = layout<StaticPage>("static", STATIC_FIELDS);

/** Struct sizes of ACC 1.8+ (SharedFileOut.h). */
export const PAGE_SIZES = { physics: 800, graphics: 1588, static: 820 } as const;
