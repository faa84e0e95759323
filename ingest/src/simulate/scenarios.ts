// Incidents the simulator can make happen on purpose, each on one car from one lap, so that racetel's
// insights have something known to find. What happened (which car, lap, time, where) is recorded as the
// race's ground truth (RaceModel.truth), never inferred from the packets.

export const SCENARIO_KINDS = ["under-fuelled", "overheating-tyre", "damage", "slowdown"] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

export interface ScenarioSpec {
  kind: ScenarioKind;
  /** Car index it happens to. */
  car: number;
  /** Lap it starts on (the under-fuelled car is short from the start whatever the lap). */
  lap: number;
}

/** One thing a scenario did. "fuel-dry" is the moment the under-fuelled car's tank ran empty. */
export interface ScenarioTruth {
  kind: ScenarioKind | "fuel-dry";
  car: number;
  lap: number;
  /** Session time, s. */
  timeS: number;
  /** Distance into the lap, m. */
  distanceM: number;
  /** The wheel, wing or corner concerned. */
  detail: string;
}

/** How big each incident is: large enough to matter to a driver, as a real one would. */
export const SCENARIO_EFFECTS = {
  /** The under-fuelled car starts with this many laps' fuel fewer than the race needs. */
  underFuelledLaps: 1.5,
  /** Degrees added to the hot tyre's surface and inner temperature targets. */
  tyreHeatC: 35,
  /** Model wheel order is RL RR FL FR: 2 is front left. */
  hotWheel: 2,
  wingDamagePct: 45,
  damagePaceLoss: 0.015,
  /** The slowdown: speed capped at this share of the car's own for this stretch after the corner entry. */
  slowdownSpeedFactor: 0.55,
  slowdownLengthM: 200,
} as const;

/** Parses "kind:car:lap" (car 0-based, lap 1-based); returns a message a user understands on error. */
export function parseScenario(text: string, cars: number, laps: number): ScenarioSpec | string {
  const [kind, car, lap] = text.split(":");
  if (!(SCENARIO_KINDS as readonly string[]).includes(kind ?? "")) return `--scenario kind must be one of ${SCENARIO_KINDS.join(", ")}, got "${kind}"`;
  const c = Number(car ?? "0");
  const l = Number(lap ?? "4");
  if (!Number.isInteger(c) || c < 0 || c >= cars) return `--scenario car must be a car index from 0 to ${cars - 1}, got "${car}"`;
  if (!Number.isInteger(l) || l < 1 || l > laps) return `--scenario lap must be a lap from 1 to ${laps}, got "${lap}"`;
  return { kind: kind as ScenarioKind, car: c, lap: l };
}

/** Every scenario in one race, each on its own car, from lap 5 (after a baseline of clean laps). */
export function allScenarios(firstLap = 5): ScenarioSpec[] {
  return [
    { kind: "under-fuelled", car: 3, lap: 1 },
    { kind: "overheating-tyre", car: 5, lap: firstLap },
    { kind: "damage", car: 7, lap: firstLap },
    { kind: "slowdown", car: 9, lap: firstLap + 1 },
  ];
}
