// Race-state packets: Session (1), LapData (2), Participants (4), FinalClassification (8), SessionHistory (11),
// TyreSets (12). Layouts from the public F1 23/24/25 UDP specifications.
import { COMPOUNDS, POINTS, RESULT_ACTIVE, RESULT_FINISHED, RESULT_RETIRED, type CarState, type CompoundName, type RaceModel } from "../model.js";
import { HEADER_SIZE, MAX_CARS, type PacketFormat, type PacketWriter } from "./layout.js";

/** Link identifiers (season/weekend/session) of simulated sessions: "SIMU" in ASCII, see docs/simulate.md. */
export const SIMULATED_LINK_ID = 0x53494d55;

/** Session type id of a race: 10 in the F1 23 appendix, 15 in F1 24/25 (sprint shootouts were inserted). */
export function raceSessionType(format: PacketFormat): number {
  return format === 2023 ? 10 : 15;
}

/** Session: 644 bytes in F1 23 (56 forecast samples); 753 in F1 24/25 (64 samples + assists/rules block). */
export function writeSession(w: PacketWriter, model: RaceModel, format: PacketFormat, playerCar: number): void {
  const sessionType = raceSessionType(format);
  const duration = 7200;
  const player = model.cars[playerCar];
  w.at(HEADER_SIZE)
    .u8(0).i8(38).i8(26).u8(model.laps).u16(model.track.length).u8(sessionType).i8(model.track.trackId).u8(0)
    .u16(Math.max(0, duration - model.time)).u16(duration).u8(80).u8(0).u8(0).u8(255).u8(0);
  const zones = 10;
  w.u8(zones);
  for (let z = 0; z < 21; z++) {
    if (z < zones) w.f32(z / zones).i8(model.phase === "done" ? 0 : 1);
    else w.skip(5);
  }
  w.u8(0).u8(0); // safetyCarStatus, networkGame (offline)
  const offsets = [0, 5, 10, 15, 30];
  const maxSamples = format === 2023 ? 56 : 64;
  w.u8(offsets.length);
  for (let s = 0; s < maxSamples; s++) {
    if (s < offsets.length) w.u8(sessionType).u8(offsets[s] as number).u8(0).i8(38).i8(2).i8(26).i8(2).u8(0);
    else w.skip(8);
  }
  w.u8(0).u8(90) // forecastAccuracy, aiDifficulty
    .u32(SIMULATED_LINK_ID).u32(SIMULATED_LINK_ID).u32(SIMULATED_LINK_ID)
    .u8(player?.pitLap ?? 0).u8((player?.pitLap ?? 0) + 1).u8(0) // pit stop window ideal/latest, rejoin position
    .u8(0).u8(0).u8(1).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0) // assists: steering..dynamicRacingLineType
    .u8(3).u8(1) // gameMode (Grand Prix), ruleSet (race)
    .u32(14 * 60) // timeOfDay: 14:00
    .u8(2).u8(1).u8(0).u8(1).u8(0) // sessionLength, speed/temperature units (kph, celsius)
    .u8(0).u8(0).u8(0); // safety car, VSC, red flag periods
  if (format >= 2024) {
    // equalCarPerformance .. affectsLicenceLevelMP (24 settings), then the weekend structure.
    w.u8(0).u8(0).u8(3).u8(1).u8(0).u8(0).u8(1).u8(0).u8(2).u8(1).u8(2).u8(0).u8(0).u8(0).u8(0).u8(1).u8(0)
      .u8(2).u8(0).u8(0).u8(0).u8(2).u8(0).u8(0);
    const weekend = [1, 2, 3, 5, 6, 7, 15];
    w.u8(weekend.length);
    for (let s = 0; s < 12; s++) w.u8(weekend[s] ?? 0);
    w.f32(model.track.sector2Start).f32(model.track.sector3Start);
  }
}

function currentLapNum(car: CarState): number {
  return car.resultStatus === RESULT_FINISHED ? car.completedLaps : car.completedLaps + 1;
}

function driverStatus(car: CarState, model: RaceModel): number {
  // 0 in garage, 1 flying lap, 2 in lap, 3 out lap, 4 on track
  if (car.resultStatus === RESULT_RETIRED) return 0;
  if (car.resultStatus === RESULT_FINISHED) return 2;
  if (model.phase === "grid") return 4;
  if (car.inPitLane) return car.pitStopDone ? 3 : 2;
  return 1;
}

/** LapData: 22 x 50 bytes (F1 24/25: 57, deltas with minute parts and speed-trap fields) + 2 time-trial indices. */
export function writeLapData(w: PacketWriter, model: RaceModel, format: PacketFormat): void {
  w.at(HEADER_SIZE);
  const size = format === 2023 ? 50 : 57;
  for (let slot = 0; slot < MAX_CARS; slot++) {
    const car = model.cars[slot];
    if (!car) { w.skip(size); continue; }
    const racing = car.resultStatus === RESULT_ACTIVE && model.phase !== "grid";
    const currentLapMs = racing ? (model.time - car.lapStartTime) * 1000 : 0;
    w.u32(car.lastLapMs).u32(currentLapMs)
      .u16(car.sector1Ms % 60000).u8(Math.floor(car.sector1Ms / 60000))
      .u16(car.sector2Ms % 60000).u8(Math.floor(car.sector2Ms / 60000));
    if (format === 2023) {
      w.u16(car.deltaToFrontMs).u16(car.deltaToLeaderMs);
    } else {
      w.u16(car.deltaToFrontMs % 60000).u8(Math.floor(car.deltaToFrontMs / 60000))
        .u16(car.deltaToLeaderMs % 60000).u8(Math.floor(car.deltaToLeaderMs / 60000));
    }
    w.f32(car.lapDistance).f32(car.totalDistance).f32(0)
      .u8(car.position).u8(currentLapNum(car)).u8(car.pitStatus).u8(car.numPitStops).u8(car.sector)
      .u8(car.currentLapInvalid ? 1 : 0).u8(car.penaltiesSec).u8(car.warnings).u8(car.cornerCuttingWarnings)
      .u8(0).u8(0).u8(car.gridPosition).u8(driverStatus(car, model)).u8(car.resultStatus)
      .u8(car.inPitLane ? 1 : 0).u16(car.inPitLane ? car.pitLaneTimeMs : 0).u16(car.pitStopTimerMs).u8(0);
    if (format >= 2024) w.f32(car.speedTrapBest).u8(car.speedTrapLap);
  }
  w.u8(255).u8(255);
}

/** Participants: numActiveCars + 22 x 58 bytes (F1 24: 60 with techLevel; F1 25: 57, 32-byte names + livery colours). */
export function writeParticipants(w: PacketWriter, model: RaceModel, format: PacketFormat, playerCar: number): void {
  w.at(HEADER_SIZE).u8(model.cars.length);
  const size = format === 2023 ? 58 : format === 2024 ? 60 : 57;
  for (let slot = 0; slot < MAX_CARS; slot++) {
    const car = model.cars[slot];
    if (!car) { w.skip(size); continue; }
    const d = car.driver;
    w.u8(slot === playerCar ? 0 : 1).u8(d.driverId).u8(0).u8(d.teamId).u8(0).u8(d.raceNumber).u8(d.nationality)
      .str(d.name, format === 2025 ? 32 : 48).u8(1).u8(1);
    if (format >= 2024) w.u16(0); // techLevel
    w.u8(255); // platform unknown
    if (format === 2025) {
      const hue = d.teamId * 25;
      w.u8(1).u8(hue).u8(255 - hue).u8(128).skip(9);
    }
  }
}

function stintCompound(name: CompoundName): { actual: number; visual: number } {
  return COMPOUNDS[name];
}

/** FinalClassification: numCars + 22 x 45 bytes (F1 25: 46, resultReason after resultStatus). */
export function writeFinalClassification(w: PacketWriter, model: RaceModel, format: PacketFormat): void {
  const positions = model.classification();
  w.at(HEADER_SIZE).u8(model.cars.length);
  const size = format === 2025 ? 46 : 45;
  for (let slot = 0; slot < MAX_CARS; slot++) {
    const car = model.cars[slot];
    if (!car) { w.skip(size); continue; }
    const pos = positions[slot] as number;
    const finished = car.resultStatus === RESULT_FINISHED;
    w.u8(pos).u8(car.completedLaps).u8(car.gridPosition).u8(finished ? (POINTS[pos - 1] ?? 0) : 0)
      .u8(car.numPitStops).u8(car.resultStatus);
    if (format === 2025) w.u8(finished ? 2 : 8); // resultReason: 2 finished, 8 mechanical failure
    w.u32(car.bestLapMs).f64(model.raceTime(car)).u8(car.penaltiesSec).u8(car.numPenalties).u8(car.stints.length);
    const stints = car.stints;
    for (let s = 0; s < 8; s++) w.u8(stints[s] ? stintCompound(stints[s]!.compound).actual : 0);
    for (let s = 0; s < 8; s++) w.u8(stints[s] ? stintCompound(stints[s]!.compound).visual : 0);
    for (let s = 0; s < 8; s++) {
      const st = stints[s];
      w.u8(st ? (st.endLap === 255 ? car.completedLaps : st.endLap) : 0);
    }
  }
}

/** SessionHistory of one car: 7 bytes + 100 x LapHistoryData (14) + 8 x TyreStintHistoryData (3). */
export function writeSessionHistory(w: PacketWriter, model: RaceModel, carIndex: number): void {
  const car = model.cars[carIndex];
  w.at(HEADER_SIZE);
  if (!car) return;
  const laps = car.laps;
  const inProgress = car.resultStatus === RESULT_ACTIVE && model.phase !== "grid";
  const numLaps = Math.min(100, laps.length + (inProgress ? 1 : 0));
  let best = 0, b1 = 0, b2 = 0, b3 = 0;
  for (let i = 0; i < laps.length; i++) {
    const l = laps[i]!;
    if (l.valid && (best === 0 || l.lapTimeMs < laps[best - 1]!.lapTimeMs)) best = i + 1;
    if (b1 === 0 || l.sector1Ms < laps[b1 - 1]!.sector1Ms) b1 = i + 1;
    if (b2 === 0 || l.sector2Ms < laps[b2 - 1]!.sector2Ms) b2 = i + 1;
    if (b3 === 0 || l.sector3Ms < laps[b3 - 1]!.sector3Ms) b3 = i + 1;
  }
  w.u8(carIndex).u8(numLaps).u8(car.stints.length).u8(best).u8(b1).u8(b2).u8(b3);
  for (let i = 0; i < 100; i++) {
    const l = laps[i];
    if (l) {
      w.u32(l.lapTimeMs).u16(l.sector1Ms % 60000).u8(Math.floor(l.sector1Ms / 60000))
        .u16(l.sector2Ms % 60000).u8(Math.floor(l.sector2Ms / 60000))
        .u16(l.sector3Ms % 60000).u8(Math.floor(l.sector3Ms / 60000)).u8(l.valid ? 0x0f : 0x0e);
    } else if (i === laps.length && inProgress) {
      // The lap in progress: sectors done so far.
      w.u32(0).u16(car.sector1Ms % 60000).u8(Math.floor(car.sector1Ms / 60000))
        .u16(car.sector2Ms % 60000).u8(Math.floor(car.sector2Ms / 60000)).u16(0).u8(0).u8(car.currentLapInvalid ? 0x0e : 0x0f);
    } else {
      w.skip(14);
    }
  }
  for (let s = 0; s < 8; s++) {
    const st = car.stints[s];
    if (st) { const c = stintCompound(st.compound); w.u8(st.endLap).u8(c.actual).u8(c.visual); }
    else w.skip(3);
  }
}

/** The 20 tyre sets every car has (13 slick, 7 wet): 6 soft, 4 medium, 3 hard, 5 inter, 2 wet. */
const TYRE_SETS: readonly (CompoundName | "inter" | "wet")[] = [
  "soft", "soft", "soft", "soft", "soft", "soft", "medium", "medium", "medium", "medium", "hard", "hard", "hard",
  "inter", "inter", "inter", "inter", "inter", "wet", "wet",
];
const LIFE: Record<string, number> = { soft: 15, medium: 25, hard: 35, inter: 20, wet: 25 };
const DELTA_MS: Record<string, number> = { soft: 0, medium: 600, hard: 1100, inter: 4000, wet: 7000 };

function firstSetOf(name: CompoundName): number {
  return TYRE_SETS.indexOf(name);
}

/** TyreSets of one car: carIdx + 20 x TyreSetData (10) + fittedIdx. Used sets carry their stint's wear. */
export function writeTyreSets(w: PacketWriter, model: RaceModel, carIndex: number): void {
  const car = model.cars[carIndex];
  w.at(HEADER_SIZE);
  if (!car) return;
  // Stint k uses the first unused set of its compound.
  const setOfStint: number[] = [];
  const used = new Set<number>();
  for (const st of car.stints) {
    let idx = firstSetOf(st.compound);
    while (used.has(idx)) idx++;
    used.add(idx);
    setOfStint.push(idx);
  }
  const fitted = setOfStint[setOfStint.length - 1] as number;
  w.u8(carIndex);
  for (let s = 0; s < 20; s++) {
    const kind = TYRE_SETS[s] as string;
    const actual = kind === "inter" ? 7 : kind === "wet" ? 8 : COMPOUNDS[kind as CompoundName].actual;
    const visual = kind === "inter" ? 7 : kind === "wet" ? 8 : COMPOUNDS[kind as CompoundName].visual;
    const wear = s === fitted ? (car.tyreWear[2] as number) : used.has(s) ? 20 : 0;
    const life = LIFE[kind] as number;
    w.u8(actual).u8(visual).u8(wear).u8(used.has(s) && s !== fitted ? 0 : 1).u8(kind === "inter" || kind === "wet" ? 0 : 15)
      .u8(life).u8(Math.max(0, life - 5 - (s === fitted ? car.tyreAgeLaps : 0)))
      .i16((DELTA_MS[kind] as number) - (DELTA_MS[car.compound] as number)).u8(s === fitted ? 1 : 0);
  }
  w.u8(fitted);
}
