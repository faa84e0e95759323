// The race model: cars driving a track's speed profile with per-driver pace and seeded noise, lap and
// sector timing, pit stops with a compound change, tyre wear and temperatures, fuel, ERS, overtakes, one
// retirement, penalties, the chequered flag and the classification. Pure state + step(dt): no clock, no
// I/O, no Math.random, so a seed fully determines the race.
import { DRIVERS, type DriverProfile } from "./drivers.js";
import { Prng } from "./prng.js";
import { SCENARIO_EFFECTS, type ScenarioSpec, type ScenarioTruth } from "./scenarios.js";
import { tractionAccel, type Track } from "./tracks.js";

/** Tyre compounds used by the simulated weekend (F1 modern ids: actual C-number, visual colour). */
export const COMPOUNDS = {
  soft: { actual: 17, visual: 16, wearPerLap: 3.2, paceLoss: 0 },
  medium: { actual: 18, visual: 17, wearPerLap: 2.1, paceLoss: 0.003 },
  hard: { actual: 19, visual: 18, wearPerLap: 1.4, paceLoss: 0.0055 },
} as const;
export type CompoundName = keyof typeof COMPOUNDS;

const G = 9.81;
const PIT_SPEED = 80 / 3.6; // m/s, the pit lane limit
const PIT_ENTRY_BEFORE_LINE = 250; // m
const PIT_BOX_AFTER_LINE = 90; // m
const PIT_EXIT_AFTER_LINE = 350; // m
const GRID_SLOT = 8; // m between grid slots
const CHECKPOINT = 10; // m between timing checkpoints used for gaps
const FUEL_PER_LAP = 1.7; // kg, the burn at full throttle scale (the real burn follows the throttle)
const ERS_MAX = 4e6; // J
const TOP_GEAR_KMH = [0, 105, 145, 180, 215, 250, 285, 318, 350];
const MAX_RPM = 12500;
const IDLE_RPM = 4000;
export const POINTS = [25, 18, 15, 12, 10, 8, 6, 4, 2, 1];

/** Result status as in the F1 spec: 2 active, 3 finished, 7 retired. */
export const RESULT_ACTIVE = 2;
export const RESULT_FINISHED = 3;
export const RESULT_RETIRED = 7;

export interface LapRecord {
  lapTimeMs: number;
  sector1Ms: number;
  sector2Ms: number;
  sector3Ms: number;
  valid: boolean;
}

export interface Stint {
  compound: CompoundName;
  /** Last lap of the stint; 255 while it is the current stint (as in SessionHistory). */
  endLap: number;
}

export interface CarState {
  index: number;
  driver: DriverProfile;
  paceFactor: number;
  gridPosition: number;
  position: number;
  /** Laps completed; currentLapNum is completedLaps + 1 while racing. */
  completedLaps: number;
  /** Metres from the line on the current lap; negative on the grid before the line. */
  lapDistance: number;
  /** completedLaps * length + lapDistance. */
  totalDistance: number;
  speed: number; // m/s
  accel: number; // m/s^2
  throttle: number;
  brake: number;
  steer: number;
  gear: number;
  rpm: number;
  drs: boolean;
  drsAllowed: boolean;
  lateralG: number;
  lineOffset: number;
  // Timing
  lapStartTime: number;
  sector: number;
  sector1Ms: number;
  sector2Ms: number;
  lastLapMs: number;
  bestLapMs: number;
  laps: LapRecord[];
  currentLapInvalid: boolean;
  lapNoise: number;
  deltaToFrontMs: number;
  deltaToLeaderMs: number;
  passTimes: Float64Array;
  // Pit
  pitLap: number;
  pitStatus: number; // 0 none, 1 pitting, 2 in pit area
  inPitLane: boolean;
  pitStopDone: boolean;
  numPitStops: number;
  pitLaneTimeMs: number;
  pitStopTimerMs: number;
  stopDuration: number;
  // Tyres
  compound: CompoundName;
  nextCompound: CompoundName;
  tyreAgeLaps: number;
  stints: Stint[];
  tyreWear: Float64Array; // RL RR FL FR, percent
  tyreSurfaceTemp: Float64Array;
  tyreInnerTemp: Float64Array;
  brakeTemp: Float64Array;
  tyrePressure: Float64Array;
  // Energy
  fuel: number;
  fuelStart: number;
  /** Laps driven (completedLaps + share of the lap) when the tank ran dry; NaN while it has fuel. */
  fuelDryAtLaps: number;
  /** Front left wing damage, percent (F1 CarDamage). */
  frontLeftWingDamage: number;
  /** Scenario effects in force: extra degrees on one wheel's tyre temperatures (-1: none), pace lost to damage. */
  hotWheel: number;
  damagePaceLoss: number;
  ersStore: number;
  ersDeployedLap: number;
  ersHarvestedKLap: number;
  ersHarvestedHLap: number;
  engineTemp: number;
  // Race control
  penaltiesSec: number;
  numPenalties: number;
  warnings: number;
  cornerCuttingWarnings: number;
  resultStatus: number;
  finishTime: number;
  retireLap: number;
  retireDistance: number;
  retiring: boolean;
  penaltyLap: number;
  penaltyDistance: number;
  warningLap: number;
  warningDistance: number;
  speedTrapBest: number;
  speedTrapLap: number;
}

/** A notable moment, turned into an Event packet by the encoder. */
export type RaceEvent =
  | { code: "SSTA" | "LGOT" | "DRSE" | "CHQF" | "SEND" }
  | { code: "STLG"; lights: number }
  | { code: "DRSD"; reason: number }
  | { code: "FTLP"; car: number; lapTimeSec: number }
  | { code: "RTMT"; car: number; reason: number }
  | { code: "RCWN"; car: number }
  | { code: "OVTK"; car: number; other: number }
  | { code: "PENA"; penaltyType: number; infringement: number; car: number; other: number; time: number; lap: number; placesGained: number }
  | { code: "SPTP"; car: number; speedKmh: number; overallFastest: boolean; driverFastest: boolean; fastestCar: number; fastestKmh: number };

export interface RaceOptions {
  track: Track;
  cars: number;
  laps: number;
  seed: number;
  /** Incidents made to happen on purpose (scenarios.ts); the race is otherwise the seed's. */
  scenarios?: readonly ScenarioSpec[];
}

export type RacePhase = "grid" | "racing" | "finishing" | "done";

/** A whole race, advanced by step(dt). */
export class RaceModel {
  readonly track: Track;
  readonly laps: number;
  readonly cars: CarState[];
  /** Session time in seconds. */
  time = 0;
  phase: RacePhase = "grid";
  readonly lightsOutTime: number;
  drsEnabled = false;
  chequeredFlag = false;
  fastestLapMs = Infinity;
  fastestLapCar = 255;
  speedTrapFastest = 0;
  speedTrapFastestCar = 255;
  /** Events raised by the last step() (cleared at the start of each step). */
  readonly events: RaceEvent[] = [];
  /** Car indices in race order (P1 first). */
  readonly order: number[];
  /** What the scenarios did, when and to whom: the ground truth insights are measured against. */
  readonly truth: ScenarioTruth[] = [];
  /** Kilograms each car burns per lap at this track's throttle profile (the under-fuelled scenario's yardstick). */
  readonly fuelPerLap: number;
  private readonly scenarios: readonly ScenarioSpec[];
  private readonly previousOrder: number[];
  private readonly rng: Prng;
  private finishedAt = 0;
  private winner = -1;

  constructor(options: RaceOptions) {
    this.track = options.track;
    this.laps = options.laps;
    this.rng = new Prng(options.seed);
    this.scenarios = options.scenarios ?? [];
    this.fuelPerLap = expectedFuelPerLap(this.track);
    const setup = this.rng.fork(1);
    this.lightsOutTime = 5 + setup.range(0.3, 2.5);
    const L = this.track.length;
    const checkpoints = Math.ceil(((this.laps + 1) * L + 400) / CHECKPOINT);
    // Qualifying: pace with noise decides the grid, so faster cars sometimes start behind slower ones.
    const profiles = DRIVERS.slice(0, options.cars);
    const quali = profiles.map((d, i) => ({ i, t: 1 / d.pace + setup.gauss(0.0025) }));
    quali.sort((a, b) => a.t - b.t);
    const gridOf = new Array<number>(profiles.length);
    quali.forEach((q, pos) => { gridOf[q.i] = pos + 1; });
    const retireCar = options.laps >= 2 ? setup.int(0, profiles.length - 1) : -1;
    const penaltyCar = setup.int(0, profiles.length - 1);
    const warnCar = (penaltyCar + 1 + setup.int(0, profiles.length - 2)) % profiles.length;
    this.cars = profiles.map((driver, index) => {
      const grid = gridOf[index] as number;
      const start: CompoundName = setup.next() < 0.6 ? "medium" : "soft";
      const pitLap = options.laps >= 2 ? setup.int(Math.max(1, Math.floor(options.laps / 3)), options.laps - 1) : 0;
      const lapDistance = -(GRID_SLOT * grid) - (grid % 2) * 2;
      // A lap and a bit to spare, as teams fuel (the under-fuelled scenario takes it away).
      let fuelStart = this.fuelPerLap * (options.laps + 1.2 + setup.range(0, 0.6));
      if (this.scenarios.some((sc) => sc.kind === "under-fuelled" && sc.car === index)) fuelStart = this.fuelPerLap * (options.laps - SCENARIO_EFFECTS.underFuelledLaps);
      return {
        index, driver, paceFactor: driver.pace * (1 + setup.gauss(0.0015)), gridPosition: grid, position: grid,
        completedLaps: 0, lapDistance, totalDistance: lapDistance, speed: 0, accel: 0, throttle: 0, brake: 0, steer: 0,
        gear: 1, rpm: IDLE_RPM, drs: false, drsAllowed: false, lateralG: 0, lineOffset: (grid % 2 ? 1.5 : -1.5),
        lapStartTime: 0, sector: 0, sector1Ms: 0, sector2Ms: 0, lastLapMs: 0, bestLapMs: 0, laps: [],
        currentLapInvalid: false, lapNoise: 1 + setup.gauss(0.002), deltaToFrontMs: 0, deltaToLeaderMs: 0,
        passTimes: new Float64Array(checkpoints).fill(-1),
        pitLap, pitStatus: 0, inPitLane: false, pitStopDone: false, numPitStops: 0, pitLaneTimeMs: 0, pitStopTimerMs: 0,
        stopDuration: setup.range(2.2, 3.6),
        compound: start, nextCompound: start === "soft" ? "medium" : "hard", tyreAgeLaps: setup.int(0, 2),
        stints: [{ compound: start, endLap: 255 }],
        tyreWear: new Float64Array(4), tyreSurfaceTemp: new Float64Array(4).fill(85),
        tyreInnerTemp: new Float64Array(4).fill(90), brakeTemp: new Float64Array(4).fill(350),
        tyrePressure: new Float64Array([21.5, 21.5, 23, 23]),
        fuel: fuelStart, fuelStart, fuelDryAtLaps: Number.NaN, frontLeftWingDamage: 0, hotWheel: -1, damagePaceLoss: 0, ersStore: ERS_MAX, ersDeployedLap: 0, ersHarvestedKLap: 0, ersHarvestedHLap: 0,
        engineTemp: 95,
        penaltiesSec: 0, numPenalties: 0, warnings: 0, cornerCuttingWarnings: 0, resultStatus: RESULT_ACTIVE,
        finishTime: 0,
        retireLap: index === retireCar ? setup.int(1, Math.max(1, options.laps - 1)) : 0,
        retireDistance: setup.range(0.2, 0.8) * L, retiring: false,
        penaltyLap: index === penaltyCar ? setup.int(1, options.laps) : 0, penaltyDistance: setup.range(0.1, 0.9) * L,
        warningLap: index === warnCar ? setup.int(1, options.laps) : 0, warningDistance: setup.range(0.1, 0.9) * L,
        speedTrapBest: 0, speedTrapLap: 255,
      } satisfies CarState;
    });
    this.order = this.cars.map((c) => c.index).sort((a, b) => (this.cars[a] as CarState).gridPosition - (this.cars[b] as CarState).gridPosition);
    this.previousOrder = [...this.order];
    this.events.push({ code: "SSTA" });
  }

  get leader(): CarState {
    return this.cars[this.order[0] as number] as CarState;
  }

  /** Number of cars still running (not finished, not retired). */
  runningCars(): number {
    let n = 0;
    for (const c of this.cars) if (c.resultStatus === RESULT_ACTIVE) n++;
    return n;
  }

  /** Advances the race by dt seconds; raised events are in `events`. */
  step(dt: number): void {
    this.events.length = 0;
    const t0 = this.time;
    const t1 = t0 + dt;
    this.time = t1;
    if (this.phase === "grid") {
      const lights = Math.floor(t1);
      if (lights >= 1 && lights <= 5 && Math.floor(t0) < lights) this.events.push({ code: "STLG", lights });
      if (t1 >= this.lightsOutTime) {
        this.phase = "racing";
        this.events.push({ code: "LGOT" }, { code: "DRSD", reason: 3 });
        for (const car of this.cars) car.lapStartTime = this.lightsOutTime;
      }
      for (const car of this.cars) this.updateSystems(car, dt);
      return;
    }
    if (this.phase === "done") return;
    for (const car of this.cars) this.moveCar(car, t0, dt);
    this.updateOrder();
    this.updateGaps();
    if (!this.drsEnabled && !this.chequeredFlag && this.laps >= 2 && this.leader.completedLaps >= Math.min(2, this.laps - 1)) {
      this.drsEnabled = true;
      this.events.push({ code: "DRSE" });
    }
    if (this.chequeredFlag && this.runningCars() === 0) {
      if (this.finishedAt === 0) this.finishedAt = t1;
      if (t1 - this.finishedAt >= 2) this.phase = "done";
    }
  }

  private moveCar(car: CarState, t0: number, dt: number): void {
    const track = this.track;
    const L = track.length;
    if (car.resultStatus === RESULT_RETIRED || (car.resultStatus === RESULT_FINISHED && car.speed === 0)) {
      car.speed = 0; car.throttle = 0; car.brake = car.resultStatus === RESULT_FINISHED ? 0.2 : 0; car.accel = 0;
      this.updateSystems(car, dt);
      return;
    }
    const idx = ((Math.floor(car.lapDistance) % L) + L) % L;
    let target = (track.speed[idx] as number) * car.paceFactor * car.lapNoise *
      (1 - COMPOUNDS[car.compound].paceLoss - 0.0006 * averageWear(car)) * (1 - 0.00025 * car.fuel);
    if (car.drs) target *= 1.015;
    target *= 1 - car.damagePaceLoss;
    target *= this.slowdownFactor(car);
    if (car.inPitLane) target = Math.min(target, PIT_SPEED);
    if (car.resultStatus === RESULT_FINISHED) target = 0; // cool-down: pull over after the line
    if (car.retiring) target = 0;
    // Pit box: stop, change tyres, go.
    if (car.inPitLane && !car.pitStopDone && car.completedLaps === car.pitLap && car.lapDistance >= PIT_BOX_AFTER_LINE) {
      if (car.pitStatus !== 2) { car.pitStatus = 2; car.pitStopTimerMs = 0; }
      car.speed = 0; car.throttle = 0; car.brake = 1; car.accel = 0;
      car.pitStopTimerMs += dt * 1000;
      car.pitLaneTimeMs += dt * 1000;
      if (car.pitStopTimerMs >= car.stopDuration * 1000) this.changeTyres(car);
      this.updateSystems(car, dt);
      return;
    }
    const v0 = car.speed;
    let v1: number;
    if (target >= v0) v1 = Math.min(target, v0 + Math.max(0.5, tractionAccel(v0)) * dt);
    else v1 = Math.max(target, v0 - (car.retiring || car.resultStatus === RESULT_FINISHED ? 8 : 45) * dt);
    car.accel = (v1 - v0) / dt;
    car.speed = v1;
    const d0 = car.lapDistance;
    const d1 = d0 + ((v0 + v1) / 2) * dt;
    car.lapDistance = d1;
    // Driver inputs follow the profile, with what the car is actually doing.
    if (car.accel < -2) { car.brake = Math.min(1, -car.accel / 45); car.throttle = 0; }
    else if (car.accel > 0.5) { car.throttle = car.inPitLane ? 0.35 : 1; car.brake = 0; }
    else { car.throttle = v1 < 1 ? 0 : track.throttle[idx] as number; car.brake = v1 < 1 && target === 0 ? 0.3 : 0; }
    const k = track.curvature[idx] as number;
    car.steer = Math.max(-1, Math.min(1, -k * 20));
    car.lateralG = (v1 * v1 * k) / G;
    if (car.retiring && v1 === 0) {
      car.retiring = false;
      car.resultStatus = RESULT_RETIRED;
    }
    // Sector and line crossings, with the crossing time interpolated inside the step.
    const crossTime = (boundary: number): number => t0 + (dt * (boundary - d0)) / Math.max(1e-9, d1 - d0);
    if (car.resultStatus === RESULT_ACTIVE) {
      if (d0 < track.sector2Start && d1 >= track.sector2Start && car.sector === 0) {
        car.sector = 1;
        car.sector1Ms = Math.round((crossTime(track.sector2Start) - car.lapStartTime) * 1000);
      }
      if (d0 < track.sector3Start && d1 >= track.sector3Start && car.sector === 1) {
        car.sector = 2;
        car.sector2Ms = Math.round((crossTime(track.sector3Start) - car.lapStartTime) * 1000) - car.sector1Ms;
      }
      if (d0 < track.speedTrapDistance && d1 >= track.speedTrapDistance && !car.inPitLane) this.speedTrap(car);
      this.raceControl(car, d0, d1);
      if (!car.inPitLane && car.completedLaps + 1 === car.pitLap && d1 >= L - PIT_ENTRY_BEFORE_LINE && !car.pitStopDone) {
        car.inPitLane = true; car.pitStatus = 1; car.pitLaneTimeMs = 0;
      }
      if (car.inPitLane) car.pitLaneTimeMs += dt * 1000;
      if (car.inPitLane && car.pitStopDone && car.completedLaps === car.pitLap && d1 >= PIT_EXIT_AFTER_LINE) {
        car.inPitLane = false; car.pitStatus = 0;
      }
      if (d1 >= L) this.completeLap(car, crossTime(L));
    }
    car.totalDistance = car.completedLaps * L + car.lapDistance;
    if (car.resultStatus === RESULT_ACTIVE) {
      const cp0 = Math.max(0, Math.floor((car.completedLaps * L + d0 + 400) / CHECKPOINT));
      const cp1 = Math.min(car.passTimes.length - 1, Math.floor((car.totalDistance + 400) / CHECKPOINT));
      for (let cp = cp0 + 1; cp <= cp1; cp++) if ((car.passTimes[cp] as number) < 0) car.passTimes[cp] = this.time;
    }
    this.updateSystems(car, dt);
  }

  private completeLap(car: CarState, at: number): void {
    const L = this.track.length;
    car.lapDistance -= L;
    const lapMs = Math.round((at - car.lapStartTime) * 1000);
    const s1 = car.sector1Ms, s2 = car.sector2Ms;
    car.laps.push({ lapTimeMs: lapMs, sector1Ms: s1, sector2Ms: s2, sector3Ms: Math.max(0, lapMs - s1 - s2), valid: !car.currentLapInvalid });
    car.completedLaps++;
    car.lastLapMs = lapMs;
    if (!car.currentLapInvalid && (car.bestLapMs === 0 || lapMs < car.bestLapMs)) car.bestLapMs = lapMs;
    if (!car.currentLapInvalid && lapMs < this.fastestLapMs) {
      this.fastestLapMs = lapMs;
      this.fastestLapCar = car.index;
      this.events.push({ code: "FTLP", car: car.index, lapTimeSec: lapMs / 1000 });
    }
    car.lapStartTime = at;
    car.sector = 0; car.sector1Ms = 0; car.sector2Ms = 0;
    car.currentLapInvalid = false;
    car.tyreAgeLaps++;
    car.ersDeployedLap = 0; car.ersHarvestedKLap = 0; car.ersHarvestedHLap = 0;
    car.lapNoise = 1 + this.rng.gauss(0.002);
    this.startLapScenarios(car);
    if (car.completedLaps >= this.laps || this.chequeredFlag) {
      car.resultStatus = RESULT_FINISHED;
      car.finishTime = at;
      car.inPitLane = false; car.pitStatus = 0;
      if (!this.chequeredFlag) {
        this.chequeredFlag = true;
        this.winner = car.index;
        this.drsEnabled = false;
        this.events.push({ code: "CHQF" }, { code: "RCWN", car: car.index });
      }
    }
  }

  private changeTyres(car: CarState): void {
    const stint = car.stints[car.stints.length - 1] as Stint;
    stint.endLap = car.completedLaps;
    car.compound = car.nextCompound;
    car.stints.push({ compound: car.compound, endLap: 255 });
    car.tyreAgeLaps = 0;
    car.tyreWear.fill(0);
    car.tyreSurfaceTemp.fill(70);
    car.tyreInnerTemp.fill(80);
    car.numPitStops++;
    car.pitStopDone = true;
    car.pitStatus = 1;
  }

  private raceControl(car: CarState, d0: number, d1: number): void {
    const lap = car.completedLaps + 1;
    for (const sc of this.scenarios) {
      if (sc.car !== car.index || sc.lap !== lap) continue;
      const at = this.scenarioDistance(sc);
      if (d0 >= at || d1 < at) continue;
      if (sc.kind === "damage") {
        car.frontLeftWingDamage = SCENARIO_EFFECTS.wingDamagePct;
        car.damagePaceLoss = SCENARIO_EFFECTS.damagePaceLoss;
        this.truth.push({ kind: "damage", car: car.index, lap, timeS: this.time, distanceM: at, detail: "front_left_wing" });
      } else if (sc.kind === "slowdown") {
        this.truth.push({ kind: "slowdown", car: car.index, lap, timeS: this.time, distanceM: at, detail: this.cornerAt(at) });
      }
    }
    if (lap === car.retireLap && d0 < car.retireDistance && d1 >= car.retireDistance && !car.retiring) {
      car.retiring = true;
      car.inPitLane = false; car.pitStatus = 0;
      this.events.push({ code: "RTMT", car: car.index, reason: 8 }); // 8 = mechanical failure (F1 25 appendix)
    }
    if (lap === car.penaltyLap && d0 < car.penaltyDistance && d1 >= car.penaltyDistance) {
      car.penaltiesSec += 5;
      car.numPenalties++;
      // Penalty type 4 = time penalty, infringement 7 = corner cutting gained time (spec appendix).
      this.events.push({ code: "PENA", penaltyType: 4, infringement: 7, car: car.index, other: 255, time: 5, lap, placesGained: 0 });
    }
    if (lap === car.warningLap && d0 < car.warningDistance && d1 >= car.warningDistance) {
      car.warnings++;
      car.cornerCuttingWarnings++;
      car.currentLapInvalid = true;
      // 5 = warning, then 10 = this lap invalidated, both for corner cutting (7).
      this.events.push({ code: "PENA", penaltyType: 5, infringement: 7, car: car.index, other: 255, time: 255, lap, placesGained: 0 });
      this.events.push({ code: "PENA", penaltyType: 10, infringement: 7, car: car.index, other: 255, time: 255, lap, placesGained: 0 });
    }
  }

  private speedTrap(car: CarState): void {
    const kmh = car.speed * 3.6;
    const driverFastest = kmh > car.speedTrapBest;
    if (driverFastest) { car.speedTrapBest = kmh; car.speedTrapLap = car.completedLaps + 1; }
    const overall = kmh > this.speedTrapFastest;
    if (overall) { this.speedTrapFastest = kmh; this.speedTrapFastestCar = car.index; }
    if (driverFastest) {
      this.events.push({ code: "SPTP", car: car.index, speedKmh: kmh, overallFastest: overall, driverFastest, fastestCar: this.speedTrapFastestCar, fastestKmh: this.speedTrapFastest });
    }
  }

  /** Gear, rpm, tyres, brakes, fuel, ERS: everything that follows from speed and inputs. */
  private updateSystems(car: CarState, dt: number): void {
    const kmh = car.speed * 3.6;
    let gear = 1;
    while (gear < 8 && kmh > (TOP_GEAR_KMH[gear] as number) * 0.97) gear++;
    if (car.speed < 0.5 && this.phase !== "grid" && car.resultStatus !== RESULT_ACTIVE) gear = 0;
    car.gear = gear;
    car.rpm = Math.round(Math.max(IDLE_RPM, Math.min(MAX_RPM, (MAX_RPM * kmh) / (TOP_GEAR_KMH[gear] as number || 1))));
    if (gear === 0) car.rpm = IDLE_RPM;
    car.drsAllowed = this.drsEnabled && car.deltaToFrontMs > 0 && car.deltaToFrontMs < 1000 && !car.inPitLane;
    car.drs = car.drsAllowed && car.throttle >= 1 && this.track.curvature[((Math.floor(car.lapDistance) % this.track.length) + this.track.length) % this.track.length] === 0;
    const lapFraction = (car.speed * dt) / this.track.length;
    const wearRate = COMPOUNDS[car.compound].wearPerLap * lapFraction;
    const corner = Math.abs(car.lateralG);
    for (let w = 0; w < 4; w++) {
      // Fronts (2, 3) wear faster; the outside tyre in a corner works hardest.
      const front = w >= 2 ? 1.15 : 1;
      car.tyreWear[w] = (car.tyreWear[w] as number) + wearRate * front;
      const load = 1 + 0.15 * corner + (car.brake > 0 && w >= 2 ? 0.1 : 0);
      const heat = w === car.hotWheel ? SCENARIO_EFFECTS.tyreHeatC : 0;
      const surfaceTarget = (car.speed < 1 ? 60 : 88 + 9 * load + 4 * car.throttle) + heat;
      car.tyreSurfaceTemp[w] = approach(car.tyreSurfaceTemp[w] as number, surfaceTarget, dt, 2.5);
      car.tyreInnerTemp[w] = approach(car.tyreInnerTemp[w] as number, (car.speed < 1 ? 70 : 96 + 4 * load) + heat, dt, 20);
      const brakeTarget = 300 + 700 * car.brake * (w >= 2 ? 1.1 : 0.9);
      car.brakeTemp[w] = approach(car.brakeTemp[w] as number, brakeTarget, dt, car.brake > 0 ? 0.8 : 4);
      car.tyrePressure[w] = (w >= 2 ? 23 : 21.5) + ((car.tyreSurfaceTemp[w] as number) - 90) * 0.03;
    }
    car.engineTemp = approach(car.engineTemp, 92 + 20 * car.throttle, dt, 15);
    const burn = (FUEL_PER_LAP * car.speed * dt / this.track.length) * (0.3 + 0.7 * car.throttle) * 1.25;
    car.fuel = Math.max(0, car.fuel - burn);
    if (car.fuel === 0 && car.fuelDryAtLaps !== car.fuelDryAtLaps && car.resultStatus === RESULT_ACTIVE && this.phase !== "grid") {
      car.fuelDryAtLaps = car.completedLaps + Math.max(0, car.lapDistance) / this.track.length;
      this.truth.push({ kind: "fuel-dry", car: car.index, lap: car.completedLaps + 1, timeS: this.time, distanceM: car.lapDistance, detail: "" });
    }
    if (car.throttle >= 1 && car.speed > 40 && car.ersStore > 0 && car.ersDeployedLap < ERS_MAX) {
      const e = 120000 * dt; car.ersStore = Math.max(0, car.ersStore - e); car.ersDeployedLap += e;
    }
    if (car.brake > 0) {
      const e = 250000 * car.brake * dt; car.ersStore = Math.min(ERS_MAX, car.ersStore + e); car.ersHarvestedKLap += e;
    }
    if (car.throttle >= 1) {
      const e = 40000 * dt; car.ersStore = Math.min(ERS_MAX, car.ersStore + e); car.ersHarvestedHLap += e;
    }
  }

  /** Scenarios that take effect as a car starts a lap (the tyre that starts to overheat). */
  private startLapScenarios(car: CarState): void {
    const lap = car.completedLaps + 1;
    for (const sc of this.scenarios) {
      if (sc.car !== car.index || sc.lap !== lap || sc.kind !== "overheating-tyre") continue;
      car.hotWheel = SCENARIO_EFFECTS.hotWheel;
      this.truth.push({ kind: "overheating-tyre", car: car.index, lap, timeS: this.time, distanceM: 0, detail: "front_left" });
    }
  }

  /** Where on the lap a scenario strikes: the entry of the corner nearest two thirds of the lap. */
  private scenarioDistance(sc: ScenarioSpec): number {
    if (sc.kind !== "slowdown") return this.track.length * 0.4;
    let best = this.track.corners[0]?.distance ?? this.track.length / 2;
    for (const c of this.track.corners) if (Math.abs(c.distance - this.track.length * 2 / 3) < Math.abs(best - this.track.length * 2 / 3)) best = c.distance;
    return best;
  }

  private cornerAt(distance: number): string {
    return this.track.corners.find((c) => c.distance === distance)?.name ?? "";
  }

  /** The slowdown scenario: a moment off the track at one corner (speed capped over a short stretch). */
  private slowdownFactor(car: CarState): number {
    for (const sc of this.scenarios) {
      if (sc.kind !== "slowdown" || sc.car !== car.index || sc.lap !== car.completedLaps + 1) continue;
      const into = car.lapDistance - this.scenarioDistance(sc);
      if (into >= 0 && into < SCENARIO_EFFECTS.slowdownLengthM) return SCENARIO_EFFECTS.slowdownSpeedFactor;
    }
    return 1;
  }

  private updateOrder(): void {
    const prev = this.previousOrder;
    for (let i = 0; i < this.order.length; i++) prev[i] = this.order[i] as number;
    const cars = this.cars;
    this.order.sort((a, b) => compareRaceOrder(cars[a] as CarState, cars[b] as CarState, this.track.length));
    for (let p = 0; p < this.order.length; p++) (cars[this.order[p] as number] as CarState).position = p + 1;
    // Overtakes between running cars: a car now directly ahead of one that was ahead of it before.
    for (let p = 0; p + 1 < this.order.length; p++) {
      const a = this.order[p] as number, b = this.order[p + 1] as number;
      const ca = cars[a] as CarState, cb = cars[b] as CarState;
      if (ca.resultStatus !== RESULT_ACTIVE || cb.resultStatus !== RESULT_ACTIVE) continue;
      if (prev.indexOf(a) > prev.indexOf(b)) this.events.push({ code: "OVTK", car: a, other: b });
    }
  }

  private updateGaps(): void {
    const cars = this.cars;
    const leader = cars[this.order[0] as number] as CarState;
    for (let p = 0; p < this.order.length; p++) {
      const car = cars[this.order[p] as number] as CarState;
      if (p === 0 || car.resultStatus !== RESULT_ACTIVE) { car.deltaToFrontMs = 0; if (p === 0) car.deltaToLeaderMs = 0; continue; }
      const front = cars[this.order[p - 1] as number] as CarState;
      car.deltaToFrontMs = gapMs(front, car, this.time);
      car.deltaToLeaderMs = gapMs(leader, car, this.time);
    }
  }

  /** Final positions (1-based) by car index, applying time penalties among cars on the same lap count. */
  classification(): number[] {
    const cars = this.cars;
    const idx = cars.map((c) => c.index);
    idx.sort((a, b) => {
      const ca = cars[a] as CarState, cb = cars[b] as CarState;
      const ra = ca.resultStatus === RESULT_RETIRED ? 1 : 0, rb = cb.resultStatus === RESULT_RETIRED ? 1 : 0;
      if (ra !== rb) return ra - rb;
      if (ca.completedLaps !== cb.completedLaps) return cb.completedLaps - ca.completedLaps;
      if (ra === 1) return cb.totalDistance - ca.totalDistance;
      return this.raceTime(ca) + ca.penaltiesSec - (this.raceTime(cb) + cb.penaltiesSec);
    });
    const positions = new Array<number>(cars.length);
    idx.forEach((c, p) => { positions[c] = p + 1; });
    return positions;
  }

  /** Race time of a car in seconds (finish time minus lights out). */
  raceTime(car: CarState): number {
    return car.resultStatus === RESULT_FINISHED ? car.finishTime - this.lightsOutTime : Math.max(0, this.time - this.lightsOutTime);
  }

  /** Applies the classification to the cars' positions (the last LapData then matches the final result). */
  applyClassification(): void {
    const positions = this.classification();
    for (const car of this.cars) car.position = positions[car.index] as number;
    this.order.sort((a, b) => (positions[a] as number) - (positions[b] as number));
  }

  get winnerIndex(): number {
    return this.winner;
  }
}

/** Fuel burnt per lap, kg: the burn of updateSystems() over the track's throttle profile. */
function expectedFuelPerLap(track: Track): number {
  let throttle = 0;
  for (let i = 0; i < track.length; i++) throttle += track.throttle[i] as number;
  return FUEL_PER_LAP * 1.25 * (0.3 + 0.7 * (throttle / track.length));
}

function averageWear(car: CarState): number {
  const w = car.tyreWear;
  return ((w[0] as number) + (w[1] as number) + (w[2] as number) + (w[3] as number)) / 4;
}

function approach(value: number, target: number, dt: number, tau: number): number {
  return value + (target - value) * Math.min(1, dt / tau);
}

/** Race order: running/finished by progress (finishers by lap count, then crossing time), retired last. */
function compareRaceOrder(a: CarState, b: CarState, L: number): number {
  const ra = a.resultStatus === RESULT_RETIRED ? 1 : 0, rb = b.resultStatus === RESULT_RETIRED ? 1 : 0;
  if (ra !== rb) return ra - rb;
  const pa = a.resultStatus === RESULT_FINISHED ? a.completedLaps * L : a.completedLaps * L + a.lapDistance;
  const pb = b.resultStatus === RESULT_FINISHED ? b.completedLaps * L : b.completedLaps * L + b.lapDistance;
  if (pa !== pb) return pb - pa;
  if (a.resultStatus === RESULT_FINISHED && b.resultStatus === RESULT_FINISHED) return a.finishTime - b.finishTime;
  return a.index - b.index;
}

/** How long ago `ahead` passed the point where `behind` is now, in ms. */
function gapMs(ahead: CarState, behind: CarState, now: number): number {
  const cp = Math.floor((behind.totalDistance + 400) / CHECKPOINT);
  if (cp < 0 || cp >= ahead.passTimes.length) return 0;
  const passed = ahead.passTimes[cp] as number;
  return passed < 0 ? 0 : Math.max(0, Math.round((now - passed) * 1000));
}
