// racetel's race-engineer insights in Grafana (docs/insights.md): the panel rows of Live car and Timing
// tower, and the alert rules provisioned in grafana/provisioning/alerting/. Their thresholds are defined
// once here: the dashboards offer them as variables to type over, the alert rules are written with them
// (Grafana does not fill variables, or its environment, into an alert's query: see docs/insights.md).
import { stringify } from "yaml";
import { CAR, DATASOURCE, M, SESSION, enumMapping, type PanelSpec, type RowSpec, type VariableSpec } from "./panels.js";

export interface AlertThreshold {
  /** Dashboard variable name. */
  name: string;
  label: string;
  value: number;
}

/** The thresholds of the alerts and of the dashboards' insight panels. */
export const THRESHOLDS = {
  fuelMarginLaps: { name: "fuel_margin_laps", label: "Fuel margin (laps)", value: 0 },
  damage: { name: "damage_threshold", label: "Damage above (0..1)", value: 0.2 },
  anomalyEvents: { name: "anomaly_events", label: "Anomalies (count)", value: 1 },
  tyreWindowEvents: { name: "tyre_window_events", label: "Tyre window events (count)", value: 1 },
  tyreLapsWarning: { name: "tyre_laps_warning", label: "Tyre wear limit within (laps)", value: 3 },
} as const satisfies Record<string, AlertThreshold>;

export const thresholdVariables: VariableSpec[] = Object.values(THRESHOLDS).map((t) => ({ name: t.name, label: t.label, query: String(t.value), textbox: true }));
const v = (t: AlertThreshold): string => `$${t.name}`;

const CAR_WHERE = `WHERE ${SESSION} AND ${CAR} AND $timeFilter`;
const SESSION_WHERE = `WHERE ${SESSION} AND $timeFilter`;
const latest = (field: string): string => `SELECT last("${field}") FROM ${M} ${CAR_WHERE}`;
const windowMapping = enumMapping({ [-1]: ["COLD", "blue"], 0: ["in window", "green"], 1: ["HOT", "red"] });

/** Insight rows raised for the car, newest first. */
const insightEvents = (where: string): string => `SELECT "racetel.insight.event" AS "size", "insight", "detail", "driver" FROM ${M} ${where} AND "insight" != ''`;
const eventsTransform = [{ id: "organize", options: { renameByName: { insight: "Insight", detail: "Where", driver: "Driver", size: "Size" } } }];

/** Live car: what the engineer tells the driver. */
export const liveCarInsightRow: (PanelSpec | RowSpec)[] = [
  { row: "Race engineer (insights)" },
  { type: "stat", title: "Fuel per lap", w: 3, h: 5, decimals: 2, targets: [{ query: latest("racetel.insight.fuel.per_lap") }],
    description: "Mean of the last 5 clean laps (no pit, no safety car): kg for F1, litres for ACC." },
  { type: "stat", title: "Fuel at the flag (laps)", w: 3, h: 5, decimals: 1, colorByThresholds: true,
    thresholds: [{ color: "red", value: null }, { color: "orange", value: 0 }, { color: "green", value: 1 }],
    targets: [{ query: latest("racetel.insight.fuel.surplus_laps") }], description: "Laps of fuel left over at the finish; negative: short." },
  { type: "stat", title: "Pit window (laps)", w: 4, h: 5, decimals: 0, options: { textMode: "value_and_name" },
    targets: [{ query: latest("racetel.insight.pit.window_open"), alias: "opens" }, { query: latest("racetel.insight.pit.window_close"), alias: "closes" },
      { query: `SELECT last("racetel.session.pit_window_ideal_lap") FROM ${M} ${SESSION_WHERE}`, alias: "game: ideal (player)" },
      { query: `SELECT last("racetel.session.pit_window_latest_lap") FROM ${M} ${SESSION_WHERE}`, alias: "game: latest (player)" }],
    description: "racetel's window from the tyre (and, for ACC, fuel) predictions, empty when the car reaches the flag without a stop; beside it the game's own ideal and latest lap for the player's car (F1)." },
  { type: "stat", title: "Laps to the wear limit", w: 7, h: 5, decimals: 1, colorByThresholds: true,
    thresholds: [{ color: "red", value: null }, { color: "orange", value: THRESHOLDS.tyreLapsWarning.value }, { color: "green", value: THRESHOLDS.tyreLapsWarning.value * 2 }],
    targets: [{ query: `SELECT last("racetel.insight.tyre.laps_to_limit") FROM ${M} ${CAR_WHERE} GROUP BY "wheel"`, alias: "$tag_wheel" }],
    options: { colorMode: "background", orientation: "horizontal", textMode: "value_and_name" } },
  { type: "stat", title: "Tyre temperature window", w: 7, h: 5, mappings: [windowMapping], colorByThresholds: true,
    thresholds: [{ color: "blue", value: null }, { color: "green", value: 0 }, { color: "red", value: 1 }],
    targets: [{ query: `SELECT last("racetel.insight.tyre.temperature_state") FROM ${M} ${CAR_WHERE} GROUP BY "wheel"`, alias: "$tag_wheel" }],
    options: { colorMode: "background", orientation: "horizontal", textMode: "value_and_name" } },
  { type: "timeseries", title: "Anomaly scores (against the car's own laps here)", w: 14, h: 8,
    description: "Robust z-scores: (value - median of the car's last laps at this lap distance) / MAD. Beyond the threshold (rpc --insight-anomaly-threshold, default 5) for 100 m: an anomaly.",
    targets: [
      { query: `SELECT mean("racetel.insight.anomaly.speed") FROM ${M} ${CAR_WHERE} GROUP BY time($__interval) fill(none)`, alias: "speed" },
      { query: `SELECT mean("racetel.insight.anomaly.brake_temperature") FROM ${M} ${CAR_WHERE} GROUP BY time($__interval) fill(none)`, alias: "brake temperature" },
      { query: `SELECT mean("racetel.insight.anomaly.tyre_temperature") FROM ${M} ${CAR_WHERE} GROUP BY time($__interval) fill(none)`, alias: "tyre temperature" },
    ] },
  { type: "table", title: "Insights raised for this car", w: 10, h: 8, targets: [{ format: "table", query: insightEvents(CAR_WHERE) }],
    transformations: eventsTransform, options: { sortBy: [{ displayName: "Time", desc: true }] } },
];

/** Timing tower: every car's insights at a glance, with the thresholds as dashboard variables. */
export const towerInsightRow: (PanelSpec | RowSpec)[] = [
  { row: "Race engineer (insights)" },
  { type: "table", title: "Fuel short", w: 6, h: 8, description: `Cars whose fuel lasts fewer laps beyond the flag than $${THRESHOLDS.fuelMarginLaps.name}.`,
    targets: [{ format: "table", query: `SELECT last("racetel.insight.fuel.surplus_laps") AS "spare laps" FROM ${M} ${SESSION_WHERE} AND "racetel.insight.fuel.surplus_laps" < ${v(THRESHOLDS.fuelMarginLaps)} GROUP BY "car_index", "driver"` }],
    transformations: [{ id: "organize", options: { excludeByName: { Time: true, car_index: true }, renameByName: { driver: "Driver" } } }] },
  { type: "table", title: "Pit windows", w: 6, h: 8,
    targets: [{ format: "table", query: `SELECT last("racetel.insight.pit.window_open") AS "opens", last("racetel.insight.pit.window_close") AS "closes" FROM ${M} ${SESSION_WHERE} GROUP BY "car_index", "driver"` }],
    transformations: [{ id: "organize", options: { excludeByName: { Time: true, car_index: true }, renameByName: { driver: "Driver" } } }] },
  { type: "table", title: "Tyres near the wear limit", w: 6, h: 8, description: `Tyres within $${THRESHOLDS.tyreLapsWarning.name} laps of the wear limit (rpc --insight-tyre-wear-limit).`,
    targets: [{ format: "table", query: `SELECT last("racetel.insight.tyre.laps_to_limit") AS "laps left" FROM ${M} ${SESSION_WHERE} AND "racetel.insight.tyre.laps_to_limit" < ${v(THRESHOLDS.tyreLapsWarning)} GROUP BY "car_index", "driver", "wheel"` }],
    transformations: [{ id: "organize", options: { excludeByName: { Time: true, car_index: true }, renameByName: { driver: "Driver", wheel: "Wheel" } } }] },
  { type: "table", title: "Damaged cars", w: 6, h: 8, description: `Cars with a bodywork part damaged beyond $${THRESHOLDS.damage.name}.`,
    targets: [{ format: "table", query: `SELECT max("racetel.insight.damage.max") AS "damage" FROM ${M} ${SESSION_WHERE} AND "racetel.insight.damage.max" > ${v(THRESHOLDS.damage)} GROUP BY "car_index", "driver"` }],
    transformations: [{ id: "organize", options: { excludeByName: { Time: true, car_index: true }, renameByName: { driver: "Driver" } } }] },
  { type: "table", title: "Insights raised", w: 24, h: 9, targets: [{ format: "table", query: insightEvents(SESSION_WHERE) }],
    transformations: eventsTransform, options: { sortBy: [{ displayName: "Time", desc: true }] } },
];

/** One provisioned alert rule: an InfluxQL query A, reduced per series (B), against a threshold (C). */
export interface AlertRuleSpec {
  uid: string;
  title: string;
  summary: string;
  query: string;
  /** How each series of A becomes one number ("sum" of a count() query: the events in the look-back). */
  reducer: "last" | "max" | "min" | "sum";
  comparison: "gt" | "lt";
  threshold: AlertThreshold;
  /** Seconds of data the rule looks at. */
  lookbackS: number;
}

const BY_CAR = `GROUP BY "session_id", "car_index", "driver"`;
const insightCount = (names: string): string => `SELECT count("racetel.insight.event") FROM ${M} WHERE "insight" =~ /^(${names})$/ AND $timeFilter ${BY_CAR}`;

export const ALERT_RULES: AlertRuleSpec[] = [
  { uid: "racetel-tyre-window", title: "Tyre out of its temperature window", reducer: "sum", comparison: "gt", lookbackS: 120,
    // "at least N" as "more than N - 1": the threshold expression compares strictly.
    threshold: { ...THRESHOLDS.tyreWindowEvents, value: THRESHOLDS.tyreWindowEvents.value - 1 },
    summary: "A tyre stayed above or below its compound's window for longer than rpc --insight-tyre-window-seconds.",
    query: insightCount("tyre_hot|tyre_cold") },
  { uid: "racetel-fuel-short", title: "Fuel short", reducer: "last", comparison: "lt", lookbackS: 300, threshold: THRESHOLDS.fuelMarginLaps,
    summary: "At the car's fuel use per lap, the fuel does not last to the flag with the margin.",
    query: `SELECT last("racetel.insight.fuel.surplus_laps") FROM ${M} WHERE $timeFilter ${BY_CAR}` },
  { uid: "racetel-damage", title: "Damage", reducer: "max", comparison: "gt", lookbackS: 120, threshold: THRESHOLDS.damage,
    summary: "A wing, the floor, the diffuser or a sidepod is damaged.",
    query: `SELECT max("racetel.insight.damage.max") FROM ${M} WHERE $timeFilter ${BY_CAR}` },
  { uid: "racetel-anomaly", title: "Anomaly", reducer: "sum", comparison: "gt", lookbackS: 120,
    threshold: { ...THRESHOLDS.anomalyEvents, value: THRESHOLDS.anomalyEvents.value - 1 },
    summary: "Speed, a brake or a tyre far from what this car does at this place on its recent laps (off, damage, overheating).",
    query: insightCount("anomaly_speed|anomaly_brake_temperature|anomaly_tyre_temperature") },
];

/** The alerting provisioning file (grafana/provisioning/alerting/racetel.yaml). */
export function alertingYaml(): string {
  const rules = ALERT_RULES.map((r) => ({
    uid: r.uid,
    title: r.title,
    condition: "C",
    data: [
      { refId: "A", relativeTimeRange: { from: r.lookbackS, to: 0 }, datasourceUid: DATASOURCE.uid,
        model: { refId: "A", datasource: { ...DATASOURCE }, rawQuery: true, query: r.query, resultFormat: "time_series", intervalMs: 1000, maxDataPoints: 43200 } },
      { refId: "B", relativeTimeRange: { from: 0, to: 0 }, datasourceUid: "__expr__",
        model: { refId: "B", type: "reduce", datasource: { type: "__expr__", uid: "__expr__" }, expression: "A", reducer: r.reducer, settings: { mode: "dropNN" } } },
      { refId: "C", relativeTimeRange: { from: 0, to: 0 }, datasourceUid: "__expr__",
        model: { refId: "C", type: "threshold", datasource: { type: "__expr__", uid: "__expr__" }, expression: "B",
          conditions: [{ evaluator: { type: r.comparison, params: [r.threshold.value] } }] } },
    ],
    noDataState: "OK",
    execErrState: "Error",
    for: "0s",
    annotations: { summary: r.summary, description: "{{ $labels.driver }} (car {{ $labels.car_index }}) in session {{ $labels.session_id }}" },
    labels: { racetel: "insight" },
  }));
  const doc = { apiVersion: 1, groups: [{ orgId: 1, name: "racetel insights", folder: "racetel", interval: "10s", rules }] };
  return `# racetel's alert rules on the race-engineer insights (docs/insights.md). Generated by grafana/src/build.ts from
# grafana/src/insights.ts, where the thresholds are defined (the dashboards offer the same ones as variables).
# Provisioned by compose.yaml and the Helm chart as-is.
${stringify(doc, { lineWidth: 0 })}`;
}
