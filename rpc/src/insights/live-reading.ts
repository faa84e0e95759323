// Hands a car's insights to the live view (live-view's InsightReading) without allocating: one reading
// object, refilled for each lap frame.
import type { InsightReading, LiveModel } from "@racetel/live-view";
import type { SessionState } from "../metrics/store.js";
import { I_ANOMALY_ACTIVE, I_FUEL_PER_LAP, I_FUEL_SURPLUS_LAPS, I_PIT_CLOSE, I_PIT_OPEN, IW_LAPS_TO_LIMIT, IW_TEMPERATURE_STATE } from "./metrics.js";

const reading: InsightReading = {
  fuelPerLap: Number.NaN, fuelSpareLaps: Number.NaN, pitOpen: Number.NaN, pitClose: Number.NaN,
  lapsToLimit: new Float64Array(4), temperatureState: new Float64Array(4), anomalies: Number.NaN,
};

/** After a lap frame of `carIndex` was applied: its insights into the live view. */
export function showInsights(live: LiveModel, session: SessionState, carIndex: number): void {
  const insights = session.cars.get(carIndex)?.insights;
  if (insights === undefined) return;
  const v = insights.values;
  reading.fuelPerLap = v[I_FUEL_PER_LAP]!;
  reading.fuelSpareLaps = v[I_FUEL_SURPLUS_LAPS]!;
  reading.pitOpen = v[I_PIT_OPEN]!;
  reading.pitClose = v[I_PIT_CLOSE]!;
  reading.anomalies = v[I_ANOMALY_ACTIVE]!;
  const toLimit = reading.lapsToLimit as Float64Array;
  const state = reading.temperatureState as Float64Array;
  for (let k = 0; k < 4; k++) {
    toLimit[k] = insights.wheels[IW_LAPS_TO_LIMIT * 4 + k]!;
    state[k] = insights.wheels[IW_TEMPERATURE_STATE * 4 + k]!;
  }
  live.noteInsights(session.id, carIndex, reading);
}
