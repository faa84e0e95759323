// The metric table: every channel rpc exports, its unit, and the frame field it is read from
// (docs/metrics.md is the user-facing copy of this table). A car keeps one number per channel in a
// preallocated Float64Array; NaN means "not received yet", so absent payloads are never reported.
import type { racetel } from "@racetel/proto";

type Telemetry = racetel.v1.ICarTelemetry;
type Motion = racetel.v1.ICarMotion;
type Lap = racetel.v1.ILapState;
type Status = racetel.v1.ICarStatus;
type Damage = racetel.v1.ICarDamage;
type Session = racetel.v1.ISessionInfo;
type Result = racetel.v1.IFinalResult;
type Wheels = racetel.v1.IPerWheelFloat;

/** A channel read from one payload kind. `read` returns NaN when the field is absent. */
export interface Channel<P> {
  name: string;
  unit: string;
  description: string;
  read: (payload: P) => number;
}

export interface WheelChannel<P> {
  name: string;
  unit: string;
  description: string;
  read: (payload: P) => Wheels | null | undefined;
}

export const WHEELS = ["front_left", "front_right", "rear_left", "rear_right"] as const;

const num = (v: number | null | undefined): number => (v === null || v === undefined ? Number.NaN : v);
const bool = (v: boolean | null | undefined): number => (v === true ? 1 : 0);
const msToS = (v: number | null | undefined): number => num(v) / 1000;

function ch<P>(name: string, unit: string, description: string, read: (p: P) => number): Channel<P> {
  return { name, unit, description, read };
}

export const telemetryChannels: Channel<Telemetry>[] = [
  ch("racetel.car.speed", "m/s", "Speed", (t) => num(t.speedMps)),
  ch("racetel.car.throttle", "1", "Throttle pedal 0..1", (t) => num(t.throttle)),
  ch("racetel.car.brake", "1", "Brake pedal 0..1", (t) => num(t.brake)),
  ch("racetel.car.clutch", "1", "Clutch pedal 0..1", (t) => num(t.clutch)),
  ch("racetel.car.steering", "1", "Steering -1 (left) .. 1 (right)", (t) => num(t.steering)),
  ch("racetel.car.gear", "{gear}", "Gear (-1 reverse, 0 neutral)", (t) => num(t.gear)),
  ch("racetel.car.engine.rpm", "1/min", "Engine speed", (t) => num(t.engineRpm)),
  ch("racetel.car.engine.temperature", "Cel", "Engine temperature", (t) => num(t.engineTemperatureCelsius)),
  ch("racetel.car.drs", "1", "DRS open (1) or closed (0)", (t) => bool(t.drsOpen)),
  ch("racetel.car.rev_lights", "1", "Rev lights lit 0..1", (t) => num(t.revLights)),
];

export const motionChannels: Channel<Motion>[] = [
  ch("racetel.car.world_position.x", "m", "World position x", (m) => num(m.positionM?.x)),
  ch("racetel.car.world_position.y", "m", "World position y", (m) => num(m.positionM?.y)),
  ch("racetel.car.world_position.z", "m", "World position z", (m) => num(m.positionM?.z)),
  ch("racetel.car.g_force.lateral", "{g}", "Lateral g-force", (m) => num(m.gForceLateral)),
  ch("racetel.car.g_force.longitudinal", "{g}", "Longitudinal g-force", (m) => num(m.gForceLongitudinal)),
  ch("racetel.car.g_force.vertical", "{g}", "Vertical g-force", (m) => num(m.gForceVertical)),
  ch("racetel.car.orientation.yaw", "rad", "Yaw", (m) => num(m.yawRad)),
  ch("racetel.car.orientation.pitch", "rad", "Pitch", (m) => num(m.pitchRad)),
  ch("racetel.car.orientation.roll", "rad", "Roll", (m) => num(m.rollRad)),
];

export const lapChannels: Channel<Lap>[] = [
  ch("racetel.car.lap.number", "{lap}", "Lap being driven", (l) => num(l.lapNumber)),
  ch("racetel.car.lap.distance", "m", "Distance from the start line along the lap", (l) => num(l.lapDistanceM)),
  ch("racetel.car.lap.fraction", "1", "Fraction of the lap completed", (l) => num(l.lapFraction)),
  ch("racetel.car.lap.current_time", "s", "Time into the current lap", (l) => msToS(l.currentLapTimeMs)),
  ch("racetel.car.lap.last_time", "s", "Last completed lap time", (l) => msToS(l.lastLapTimeMs)),
  ch("racetel.car.lap.best_time", "s", "Best lap time of the session", (l) => msToS(l.bestLapTimeMs)),
  ch("racetel.car.lap.sector", "{sector}", "Sector being driven (1-based)", (l) => num(l.currentSector)),
  ch("racetel.car.lap.invalid", "1", "Current lap will not count (1)", (l) => bool(l.lapInvalid)),
  ch("racetel.car.lap.delta_to_best", "s", "Live delta to the best lap (ACC)", (l) => msToS(l.deltaToBestMs)),
  // Computed by rpc (lap-marks.ts), not read from the frame: the time of the lap being driven minus the
  // time of the reference lap at the same distance (negative = ahead).
  ch("racetel.car.lap.delta_to_personal_best", "s", "Live delta to the car's best valid lap (computed by rpc, every game)", () => Number.NaN),
  ch("racetel.car.lap.delta_to_session_best", "s", "Live delta to the session's best valid lap (computed by rpc, every game)", () => Number.NaN),
  ch("racetel.car.distance", "m", "Distance driven in the session", (l) => num(l.totalDistanceM)),
  ch("racetel.car.race_position", "{position}", "Race position", (l) => num(l.position)),
  ch("racetel.car.grid_position", "{position}", "Grid position", (l) => num(l.gridPosition)),
  ch("racetel.car.gap.ahead", "s", "Gap to the car ahead", (l) => msToS(l.gapToCarAheadMs)),
  ch("racetel.car.gap.leader", "s", "Gap to the leader", (l) => msToS(l.gapToLeaderMs)),
  ch("racetel.car.pit.status", "1", "Pit status (1 on track, 2 pit lane, 3 pit box)", (l) => num(l.pitStatus)),
  ch("racetel.car.pit.stops", "{stop}", "Pit stops made", (l) => num(l.pitStops)),
  ch("racetel.car.penalties.time", "s", "Time penalties accumulated", (l) => num(l.penaltiesS)),
  ch("racetel.car.penalties.warnings", "{warning}", "Warnings", (l) => num(l.warnings)),
  ch("racetel.car.penalties.unserved_drive_through", "{penalty}", "Unserved drive-through penalties", (l) => num(l.unservedDriveThrough)),
  ch("racetel.car.penalties.unserved_stop_go", "{penalty}", "Unserved stop-go penalties", (l) => num(l.unservedStopGo)),
  ch("racetel.car.driver_status", "1", "Driver status (racetel.v1.DriverStatus number)", (l) => num(l.driverStatus)),
  ch("racetel.car.result_status", "1", "Result status (racetel.v1.ResultStatus number)", (l) => num(l.resultStatus)),
  ch("racetel.car.knocked_out", "1", "Eliminated in an earlier qualifying part (1; F1 live timing)", (l) => (l.knockedOut === true ? 1 : Number.NaN)),
];

const ERS_MODES: Record<string, number> = { medium: 1, hotlap: 2, overtake: 3 };

export const statusChannels: Channel<Status>[] = [
  // proto3 optional: null when the game measures the other unit.
  ch("racetel.car.fuel.mass", "kg", "Fuel in the tank (F1)", (s) => num(s.fuelMassKg)),
  ch("racetel.car.fuel.volume", "L", "Fuel in the tank (ACC)", (s) => num(s.fuelVolumeL)),
  ch("racetel.car.fuel.capacity", "{fuel}", "Tank capacity (kg for F1, L for ACC)", (s) => num(s.fuelCapacity)),
  ch("racetel.car.fuel.remaining_laps", "{lap}", "Laps the fuel lasts", (s) => num(s.fuelRemainingLaps)),
  ch("racetel.car.ers.store", "J", "Energy store", (s) => num(s.ersStoreJ)),
  ch("racetel.car.ers.harvested_lap", "J", "Energy harvested this lap", (s) => num(s.ersHarvestedThisLapJ)),
  ch("racetel.car.ers.deployed_lap", "J", "Energy deployed this lap", (s) => num(s.ersDeployedThisLapJ)),
  ch("racetel.car.ers.deploy_mode", "1", "ERS mode (0 none, 1 medium, 2 hotlap, 3 overtake)", (s) => ERS_MODES[s.ersDeployMode ?? ""] ?? 0),
  ch("racetel.car.engine.power", "W", "Engine power", (s) => num(s.enginePowerW)),
  ch("racetel.car.engine.mguk_power", "W", "MGU-K power", (s) => num(s.mgukPowerW)),
  ch("racetel.car.tyre.compound", "1", "Tyre compound (racetel.v1.TyreCompound number)", (s) => num(s.tyreCompound)),
  ch("racetel.car.tyre.age", "{lap}", "Laps on the current tyre set", (s) => num(s.tyreAgeLaps)),
  ch("racetel.car.brake_bias", "1", "Front brake bias 0..1", (s) => num(s.brakeBiasFront)),
  ch("racetel.car.traction_control", "1", "Traction control level", (s) => num(s.tractionControl)),
  ch("racetel.car.abs", "1", "ABS level", (s) => num(s.abs)),
  ch("racetel.car.engine.map", "1", "Engine map / fuel mix", (s) => num(s.engineMap)),
  ch("racetel.car.pit_limiter", "1", "Pit limiter on (1)", (s) => bool(s.pitLimiterOn)),
  ch("racetel.car.drs_allowed", "1", "DRS may be opened (1)", (s) => bool(s.drsAllowed)),
  ch("racetel.car.flag", "1", "Flag shown to the car (racetel.v1.Flag number)", (s) => num(s.flag)),
];

export const damageChannels: Channel<Damage>[] = [
  ch("racetel.car.damage.front_left_wing", "1", "Front left wing damage 0..1", (d) => num(d.frontLeftWingDamage)),
  ch("racetel.car.damage.front_right_wing", "1", "Front right wing damage 0..1", (d) => num(d.frontRightWingDamage)),
  ch("racetel.car.damage.rear_wing", "1", "Rear wing damage 0..1", (d) => num(d.rearWingDamage)),
  ch("racetel.car.damage.floor", "1", "Floor damage 0..1", (d) => num(d.floorDamage)),
  ch("racetel.car.damage.diffuser", "1", "Diffuser damage 0..1", (d) => num(d.diffuserDamage)),
  ch("racetel.car.damage.sidepod", "1", "Sidepod damage 0..1", (d) => num(d.sidepodDamage)),
  ch("racetel.car.damage.gearbox", "1", "Gearbox damage 0..1", (d) => num(d.gearboxDamage)),
  ch("racetel.car.damage.engine", "1", "Engine damage 0..1", (d) => num(d.engineDamage)),
];

function wch<P>(name: string, unit: string, description: string, read: (p: P) => Wheels | null | undefined): WheelChannel<P> {
  return { name, unit, description, read };
}

export const telemetryWheelChannels: WheelChannel<Telemetry>[] = [
  wch("racetel.car.tyre.surface_temperature", "Cel", "Tyre surface temperature", (t) => t.tyreSurfaceTemperatureCelsius),
  wch("racetel.car.tyre.inner_temperature", "Cel", "Tyre inner temperature", (t) => t.tyreInnerTemperatureCelsius),
  wch("racetel.car.tyre.core_temperature", "Cel", "Tyre core temperature", (t) => t.tyreCoreTemperatureCelsius),
  wch("racetel.car.tyre.pressure", "kPa", "Tyre pressure", (t) => t.tyrePressureKpa),
  wch("racetel.car.brake_temperature", "Cel", "Brake temperature", (t) => t.brakeTemperatureCelsius),
];

export const damageWheelChannels: WheelChannel<Damage>[] = [
  wch("racetel.car.tyre.wear", "1", "Tyre wear 0..1", (d) => d.tyreWear),
  wch("racetel.car.tyre.damage", "1", "Tyre damage 0..1", (d) => d.tyreDamage),
  wch("racetel.car.brake_damage", "1", "Brake damage 0..1", (d) => d.brakeDamage),
];

export const sessionChannels: Channel<Session>[] = [
  ch("racetel.session.type", "1", "Session type (racetel.v1.SessionType number)", (s) => num(s.sessionType)),
  ch("racetel.session.weather", "1", "Weather (racetel.v1.Weather number)", (s) => num(s.weather)),
  ch("racetel.session.air_temperature", "Cel", "Air temperature", (s) => num(s.airTemperatureCelsius)),
  ch("racetel.session.track_temperature", "Cel", "Track temperature", (s) => num(s.trackTemperatureCelsius)),
  ch("racetel.session.track_length", "m", "Track length", (s) => num(s.trackLengthM)),
  ch("racetel.session.total_laps", "{lap}", "Laps of the session", (s) => num(s.totalLaps)),
  ch("racetel.session.duration", "s", "Session duration", (s) => num(s.sessionDurationS)),
  ch("racetel.session.time_left", "s", "Session time left", (s) => num(s.sessionTimeLeftS)),
  ch("racetel.session.track_flag", "1", "Track flag (racetel.v1.Flag number)", (s) => num(s.trackFlag)),
  ch("racetel.session.safety_car", "1", "Safety car status (racetel.v1.SafetyCarStatus number)", (s) => num(s.safetyCarStatus)),
  ch("racetel.session.rain_intensity", "1", "Rain intensity 0..1", (s) => num(s.rainIntensity)),
  ch("racetel.session.track_grip", "1", "Track grip 0..1", (s) => num(s.trackGrip)),
  ch("racetel.session.wind_speed", "m/s", "Wind speed", (s) => num(s.windSpeedMps)),
  ch("racetel.session.active_cars", "{car}", "Cars in the session", (s) => num(s.activeCars)),
  ch("racetel.session.pit_speed_limit", "m/s", "Pit speed limit", (s) => num(s.pitSpeedLimitMps)),
  ch("racetel.session.part", "{part}", "Part of a split session: qualifying Q1 = 1, Q2 = 2, Q3 = 3 (F1 live timing)", (s) => num(s.sessionPart)),
  // The game's own pit window for the player's car (F1); 0 means none, so it is not a value.
  ch("racetel.session.pit_window_ideal_lap", "{lap}", "The game's ideal pit lap for the player's car (F1)", (s) => (s.pitWindowIdealLap ? s.pitWindowIdealLap : Number.NaN)),
  ch("racetel.session.pit_window_latest_lap", "{lap}", "The game's latest pit lap for the player's car (F1)", (s) => (s.pitWindowLatestLap ? s.pitWindowLatestLap : Number.NaN)),
];

type TimeTrial = racetel.v1.IF1TimeTrial;
const ttLap = (d: racetel.v1.IF1TimeTrialDataSet | null | undefined): number => (d?.lapTimeMs ? d.lapTimeMs / 1000 : Number.NaN);

/** F1 24+ time trial (session-wide): the laps the player measures against. */
export const timeTrialChannels: Channel<TimeTrial>[] = [
  ch("racetel.session.time_trial.session_best", "s", "Time trial: the player's best lap of this session", (t) => ttLap(t.playerSessionBest)),
  ch("racetel.session.time_trial.personal_best", "s", "Time trial: the player's personal best lap", (t) => ttLap(t.personalBest)),
  ch("racetel.session.time_trial.rival", "s", "Time trial: the rival's lap", (t) => ttLap(t.rival)),
];

/** The car's line of the final classification (F1 FinalClassification), once the session ended. */
export const resultChannels: Channel<Result>[] = [
  ch("racetel.result.position", "{position}", "Final position", (r) => num(r.position)),
  ch("racetel.result.status", "1", "Result status (racetel.v1.ResultStatus number: 3 finished, 4 DNF, 5 DSQ, 7 retired)", (r) => num(r.resultStatus)),
  ch("racetel.result.laps_completed", "{lap}", "Laps completed", (r) => num(r.lapsCompleted)),
  ch("racetel.result.grid_position", "{position}", "Grid position", (r) => num(r.gridPosition)),
  ch("racetel.result.points", "{point}", "Points scored", (r) => num(r.points)),
  ch("racetel.result.pit_stops", "{stop}", "Pit stops", (r) => num(r.pitStops)),
  ch("racetel.result.best_lap_time", "s", "Best lap time", (r) => msToS(r.bestLapTimeMs)),
  ch("racetel.result.total_time", "s", "Race time without penalties", (r) => num(r.totalRaceTimeS)),
  ch("racetel.result.penalties_time", "s", "Time penalties", (r) => num(r.penaltiesS)),
  ch("racetel.result.penalties_count", "{penalty}", "Penalties", (r) => num(r.penaltiesCount)),
];

// Slot layout of a car's value array: payload groups one after another.
export const CAR_GROUPS = {
  telemetry: 0,
  motion: telemetryChannels.length,
  lap: telemetryChannels.length + motionChannels.length,
  status: telemetryChannels.length + motionChannels.length + lapChannels.length,
  damage: telemetryChannels.length + motionChannels.length + lapChannels.length + statusChannels.length,
  result: telemetryChannels.length + motionChannels.length + lapChannels.length + statusChannels.length + damageChannels.length,
} as const;
export const CAR_CHANNELS: Channel<never>[] = [
  ...(telemetryChannels as Channel<never>[]),
  ...(motionChannels as Channel<never>[]),
  ...(lapChannels as Channel<never>[]),
  ...(statusChannels as Channel<never>[]),
  ...(damageChannels as Channel<never>[]),
  ...(resultChannels as Channel<never>[]),
];
export const WHEEL_GROUPS = { telemetry: 0, damage: telemetryWheelChannels.length } as const;
export const WHEEL_CHANNELS: WheelChannel<never>[] = [
  ...(telemetryWheelChannels as WheelChannel<never>[]),
  ...(damageWheelChannels as WheelChannel<never>[]),
];

/** The slot of a car channel in a car's values (CAR_CHANNELS order); throws on a name that is none. */
export function carSlot(name: string): number {
  return slotOf(CAR_CHANNELS, name);
}
/** The slot of a session channel (sessionChannels order). */
export function sessionSlot(name: string): number {
  return slotOf(sessionChannels, name);
}
/** Where a per-wheel channel's four values start in a car's wheel array (channel-major, 4 wheels each). */
export function wheelSlot(name: string): number {
  return slotOf(WHEEL_CHANNELS, name) * 4;
}
function slotOf(channels: readonly { name: string }[], name: string): number {
  const i = channels.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`no channel ${name}`);
  return i;
}

/** F1 tyre sets still available to a car, by compound (attribute set: car + compound). */
export const TYRE_SETS_METRIC = { name: "racetel.car.tyre_sets.available", unit: "{set}", description: "Tyre sets still available to the car, by compound (F1)" };

/** Finished-lap metrics (attribute set: car + lap). */
export const LAP_METRICS = [
  { name: "racetel.lap.time", unit: "s", description: "Lap time" },
  { name: "racetel.lap.sector1_time", unit: "s", description: "Sector 1 time" },
  { name: "racetel.lap.sector2_time", unit: "s", description: "Sector 2 time" },
  { name: "racetel.lap.sector3_time", unit: "s", description: "Sector 3 time" },
  { name: "racetel.lap.valid", unit: "1", description: "Lap counts (1) or not (0)" },
  { name: "racetel.lap.top_speed", unit: "m/s", description: "Top speed on the lap" },
  { name: "racetel.lap.fuel_used", unit: "{fuel}", description: "Fuel used on the lap (kg for F1, L for ACC)" },
  { name: "racetel.lap.position", unit: "{position}", description: "Position at the end of the lap" },
  { name: "racetel.lap.pit", unit: "1", description: "Car entered or left the pits on the lap (1)" },
  { name: "racetel.lap.tyre.compound", unit: "1", description: "Tyre compound (racetel.v1.TyreCompound number)" },
  { name: "racetel.lap.pit_entry", unit: "1", description: "Car entered the pit lane on the lap (1): the lap a pit stop counts on" },
] as const;

/** Leading LAP_METRICS a lap-history record carries (times and validity); the rest only live timing measures. */
export const LAP_HISTORY_METRICS = 5;

/** Fills `out` (length LAP_METRICS.length) from a finished-lap payload, in LAP_METRICS order. */
export function readFinishedLap(l: racetel.v1.IFinishedLap, out: Float64Array): void {
  out[0] = msToS(l.lapTimeMs);
  out[1] = msToS(l.sector1TimeMs);
  out[2] = msToS(l.sector2TimeMs);
  out[3] = msToS(l.sector3TimeMs);
  out[4] = bool(l.valid);
  out[5] = num(l.topSpeedMps);
  out[6] = num(l.fuelUsed);
  out[7] = num(l.position);
  out[8] = bool(l.pitLap);
  out[9] = num(l.tyreCompound);
  out[10] = bool(l.pitEntry);
}
