// The insight metrics rpc exports (docs/metrics.md and docs/insights.md list them): one value per car,
// one per wheel, and one event metric whose tags name the insight.

export const INSIGHT_CAR_METRICS = [
  { name: "racetel.insight.fuel.per_lap", unit: "{fuel}", description: "Fuel used per racing lap, mean of the last 5 clean laps (kg for F1, L for ACC)" },
  { name: "racetel.insight.fuel.laps_left", unit: "{lap}", description: "Laps the fuel in the tank lasts at that rate" },
  { name: "racetel.insight.fuel.surplus_laps", unit: "{lap}", description: "Laps of fuel left over at the finish (negative: short by that many laps)" },
  { name: "racetel.insight.fuel.surplus", unit: "{fuel}", description: "Fuel left over at the finish (negative: short), kg for F1, L for ACC" },
  { name: "racetel.insight.fuel.short", unit: "1", description: "1 while the fuel lasts fewer laps beyond the finish than --insight-fuel-margin-laps" },
  { name: "racetel.insight.tyre.limit_laps", unit: "{lap}", description: "Laps completed when the first tyre reaches the wear limit (fractional)" },
  { name: "racetel.insight.pit.window_open", unit: "{lap}", description: "First lap a stop makes sense: a new set from here reaches the finish" },
  { name: "racetel.insight.pit.window_close", unit: "{lap}", description: "Last lap to stop on: the tyres (and, where refuelling is allowed, the fuel) last that long" },
  { name: "racetel.insight.damage.max", unit: "1", description: "The most damaged bodywork part's damage 0..1 (wings, floor, diffuser, sidepod)" },
  { name: "racetel.insight.anomaly.speed", unit: "1", description: "Speed against the car's own laps at this place, robust z-score (negative: slower)" },
  { name: "racetel.insight.anomaly.brake_temperature", unit: "1", description: "Hottest brake against the car's own laps at this place, robust z-score" },
  { name: "racetel.insight.anomaly.tyre_temperature", unit: "1", description: "Hottest tyre surface against the car's own laps at this place, robust z-score" },
  { name: "racetel.insight.anomaly.active", unit: "{anomaly}", description: "Channels of the car anomalous now" },
] as const;

export const INSIGHT_WHEEL_METRICS = [
  { name: "racetel.insight.tyre.wear_rate", unit: "1/{lap}", description: "Tyre wear per racing lap on this set, mean of the last 5 clean laps" },
  { name: "racetel.insight.tyre.laps_to_limit", unit: "{lap}", description: "Laps until the tyre reaches the wear limit at that rate" },
  { name: "racetel.insight.tyre.temperature_state", unit: "1", description: "-1 below the compound's window, 0 in it, 1 above it (docs/insights.md has the windows)" },
] as const;

export const INSIGHT_EVENT_METRIC = {
  name: "racetel.insight.event",
  unit: "1",
  description: "An insight raised at the time it happened; tag insight names it, detail the wheel, component or channel; value its size",
} as const;

const slot = (name: string): number => INSIGHT_CAR_METRICS.findIndex((m) => m.name === name);
export const I_FUEL_PER_LAP = slot("racetel.insight.fuel.per_lap");
export const I_FUEL_LAPS_LEFT = slot("racetel.insight.fuel.laps_left");
export const I_FUEL_SURPLUS_LAPS = slot("racetel.insight.fuel.surplus_laps");
export const I_FUEL_SURPLUS = slot("racetel.insight.fuel.surplus");
export const I_FUEL_SHORT = slot("racetel.insight.fuel.short");
export const I_TYRE_LIMIT_LAPS = slot("racetel.insight.tyre.limit_laps");
export const I_PIT_OPEN = slot("racetel.insight.pit.window_open");
export const I_PIT_CLOSE = slot("racetel.insight.pit.window_close");
export const I_DAMAGE_MAX = slot("racetel.insight.damage.max");
export const I_ANOMALY_SPEED = slot("racetel.insight.anomaly.speed");
export const I_ANOMALY_BRAKE = slot("racetel.insight.anomaly.brake_temperature");
export const I_ANOMALY_TYRE = slot("racetel.insight.anomaly.tyre_temperature");
export const I_ANOMALY_ACTIVE = slot("racetel.insight.anomaly.active");
/** Per-wheel values: channel-major, 4 wheels each. */
export const IW_WEAR_RATE = 0;
export const IW_LAPS_TO_LIMIT = 1;
export const IW_TEMPERATURE_STATE = 2;

/** Insight event names (tag insight). */
export const INSIGHT_EVENTS = ["fuel_short", "tyre_wear_limit", "tyre_hot", "tyre_cold", "damage", "anomaly_speed", "anomaly_brake_temperature", "anomaly_tyre_temperature"] as const;
export type InsightEventName = (typeof INSIGHT_EVENTS)[number];
