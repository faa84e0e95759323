// Test helpers for the ACC source: the shared folder, the layout table, page builders, and a
// recording sink/drop counter (frames are encoded and decoded again, as the real sink copies them).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { racetel } from "@racetel/proto";
import type { DecodeContext, Frame } from "../../src/sources/source.js";
import { LAYOUTS } from "../../src/sources/acc/pages.js";
import type { PageKind } from "../../src/sources/acc/pages.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** ../shared beside the checkout (override: RACETEL_SHARED_DIR); throws a clear message when missing. */
export function sharedDir(): string {
  const dir = process.env.RACETEL_SHARED_DIR ?? path.resolve(repoRoot, "../shared");
  if (!existsSync(dir)) {
    throw new Error(`the shared folder is missing: expected ${dir} (set RACETEL_SHARED_DIR to the folder with formats/ and captures/)`);
  }
  return dir;
}

export interface TsvRow { page: string; offset: number; bytes: number; type: string; count: string; name: string; note: string }

export function layoutTsv(): TsvRow[] {
  const text = readFileSync(path.join(sharedDir(), "formats/acc-shared-memory-layout.tsv"), "utf8");
  return text.trim().split("\n").slice(1).map((line) => {
    const [page, offset, bytes, type, count, name, note] = line.split("\t");
    return { page: page!, offset: Number(offset), bytes: Number(bytes), type: type!, count: count!, name: name!, note: note ?? "" };
  });
}

export type PageValues = Record<string, number | string | readonly number[]>;

/** Writes values into a zeroed page of `size` bytes (default the struct size) at the layout's offsets. */
export function buildPage(kind: PageKind, values: PageValues, size = LAYOUTS[kind].size): Buffer {
  const buf = Buffer.alloc(size);
  const fields = new Map(LAYOUTS[kind].fields.map((f) => [f.name, f]));
  for (const [name, value] of Object.entries(values)) {
    const f = fields.get(name);
    if (!f) throw new Error(`no field ${name} in ${kind}`);
    if (f.type === "utf16") {
      const text = value as string;
      if (text.length >= f.count) throw new Error(`${name}: too long`);
      buf.write(text, f.offset, "utf16le");
      continue;
    }
    const list = typeof value === "number" ? [value] : (value as readonly number[]);
    list.forEach((v, i) => {
      if (f.type === "i32") buf.writeInt32LE(v, f.offset + 4 * i); else buf.writeFloatLE(v, f.offset + 4 * i);
    });
  }
  return buf;
}

export class Recorder implements DecodeContext {
  readonly frames: racetel.v1.Frame[] = [];
  readonly dropped = new Map<string, number>();
  readonly advised: string[] = [];
  readonly sink = { emit: (f: Frame): void => { this.frames.push(racetel.v1.Frame.decode(racetel.v1.Frame.encode(f).finish())); } };
  readonly drops = { drop: (reason: string): void => { this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + 1); } };
  readonly advice = { once: (key: string, message: string): void => { this.advised.push(`${key}: ${message}`); } };

  of(payload: string): racetel.v1.Frame[] {
    return this.frames.filter((f) => f.payload === payload);
  }
  clear(): void { this.frames.length = 0; this.dropped.clear(); }
}

/** A plausible set of pages of one session (values chosen to be exactly representable as f32). */
export function samplePages(overrides: { physics?: PageValues; graphics?: PageValues; static?: PageValues } = {}) {
  const physics = buildPage("physics", {
    packetId: 1000, gas: 0.75, brake: 0.25, fuel: 42.5, gear: 4, rpms: 7250, steerAngle: -0.5, speedKmh: 180,
    velocity: [10, 0.5, -48], accG: [1.25, 0.125, -0.5], wheelsPressure: [27.5, 27.75, 26.5, 26.25],
    tyreCoreTemperature: [80, 81, 82, 83], tyreTemp: [85, 86, 87, 88], brakeTemp: [400, 410, 300, 310],
    tyreWear: [0.5, 0.25, 0.125, 0], padLife: [28, 27.5, 27, 26.5], discLife: [32, 31.5, 31, 30.5],
    carDamage: [1, 2, 3, 4, 5], suspensionDamage: [0, 0.5, 0, 0], heading: 1.5, pitch: 0.0625, roll: -0.03125,
    waterTemp: 90, clutch: 0, tc: 0, abs: 0.5, absInAction: 1, tcinAction: 0, brakeBias: 0.625, pitLimiterOn: 0,
    tyreTempI: [70, 71, 72, 73], tyreTempM: [74, 75, 76, 77], tyreTempO: [78, 79, 80, 81], wheelAngularSpeed: [100, 100, 90, 90],
    airTemp: 22.5, roadTemp: 31.5, numberOfTyresOut: 2, ballast: 15, airDensity: 1.25, frontBrakeCompound: 1,
    rearBrakeCompound: 2, localVelocity: [0.5, 0, 50], localAngularVel: [0, 0.25, 0], rideHeight: [0.0625, 0.078125],
    brakePressure: [0.5, 0.5, 0.25, 0.25], turboBoost: 1.5, camberRAD: [-0.0625, -0.0625, -0.03125, -0.03125],
    ...overrides.physics,
  });
  const graphics = buildPage("graphics", {
    packetId: 500, status: 2, session: 2, completedLaps: 3, position: 5, iCurrentTime: 45123, iLastTime: 93695,
    iBestTime: 93001, sessionTimeLeft: 1_200_000, distanceTraveled: 12345.5, isInPit: 0, isInPitLane: 1,
    currentSectorIndex: 1, iSplit: 31000, numberOfLaps: 0, tyreCompound: "dry_compound", normalizedCarPosition: 0.375,
    activeCars: 3, carCoordinates: [1, 2, 3, 10, 20, 30, 100, 200, 300], carID: [7, 1005, 12], playerCarID: 1005,
    penaltyTime: 5, flag: 1, penalty: 22, surfaceGrip: 0.96875, mandatoryPitDone: 1, windSpeed: 3.5, windDirection: 1.25,
    TC: 3, TCCut: 2, EngineMap: 1, ABS: 4, fuelXLap: 2.75, exhaustTemperature: 600, DriverStintTotalTimeLeft: -1,
    DriverStintTimeLeft: 1_800_000, rainTyres: 0, sessionIndex: 2, usedFuel: 12.25, iDeltaLapTime: -350,
    isValidLap: 1, fuelEstimatedLaps: 15.5, Clock: 50400, GlobalYellow: 1, mfdTyrePressureFL: 26.5,
    mfdTyrePressureFR: 26.5, mfdTyrePressureRL: 25.5, mfdTyrePressureRR: 25.5, mfdFuelToAdd: 30, trackGripStatus: 2,
    rainIntensity: 0, rainIntensityIn10min: 1, rainIntensityIn30min: 5, currentTyreSet: 3, strategyTyreSet: 4,
    gapAhead: 1500, gapBehind: 2500, missingMandatoryPits: 0, iEstimatedLapTime: 93500, lightsStage: 1,
    rainLights: 1, wiperLV: 2, GlobalYellow2: 1,
    ...overrides.graphics,
  });
  const stat = buildPage("static", {
    smVersion: "1.9", acVersion: "1.10.2", numberOfSessions: 3, numCars: 20, carModel: "mercedes_amg_gt3_evo",
    track: "Red_Bull_Ring", playerName: "Luca", playerSurname: "Stolz", playerNick: "STO", sectorCount: 3,
    maxRpm: 8000, maxFuel: 120, tyreRadius: [0.34375, 0.34375, 0.34375, 0.34375], trackSPlineLength: 4318,
    trackConfiguration: "", isOnline: 1, PitWindowStart: 600000, PitWindowEnd: 1200000, dryTyresName: "DHE2023",
    ...overrides.static,
  });
  return { physics, graphics, static: stat };
}
