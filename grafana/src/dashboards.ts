// racetel's six Grafana dashboards (InfluxQL on the "prometheus" measurement; metric names and
// attributes from docs/metrics.md). `npm run`-free: `node --import tsx grafana/src/build.ts` writes the JSON.
import type { Dashboard, DataTransformerConfig } from "@grafana/schema";
import { CAR, M, SESSION, dashboard, enumMapping, tyreTemperatureSteps, type DashboardSpec, type PanelSpec, type Threshold, type VariableSpec } from "./panels.js";

const sessionVar: VariableSpec = { name: "session", label: "Session", query: `SHOW TAG VALUES FROM ${M} WITH KEY = "session_id"` };
const carVar: VariableSpec = { name: "car", label: "Car", query: `SHOW TAG VALUES FROM ${M} WITH KEY = "car_index" WHERE ${SESSION}` };
const carBVar: VariableSpec = { name: "car_b", label: "Car B", query: carVar.query };
const driverVar: VariableSpec = { name: "driver", label: "Driver", query: `SHOW TAG VALUES FROM ${M} WITH KEY = "driver" WHERE ${SESSION} AND ${CAR} AND "driver" != ''` };
const lapQuery = (car: string): string =>
  `SELECT DISTINCT("racetel.car.lap.number") FROM ${M} WHERE ${SESSION} AND "car_index" = '${car}' AND $timeFilter`;
const lapVar: VariableSpec = { name: "lap", label: "Lap A", query: lapQuery("$car"), timeRangeRefresh: true };
const lapBVar: VariableSpec = { name: "lap_b", label: "Lap B", query: lapQuery("$car_b"), timeRangeRefresh: true };

const CAR_WHERE = `WHERE ${SESSION} AND ${CAR} AND $timeFilter`;
const SESSION_WHERE = `WHERE ${SESSION} AND $timeFilter`;
const BY_TIME = `GROUP BY time($__interval) fill(none)`;

/** A trace of one car channel over time (mean per interval). */
function trace(field: string, scale = ""): string {
  return `SELECT mean("${field}")${scale} FROM ${M} ${CAR_WHERE} ${BY_TIME}`;
}
/** The latest value of a car channel. */
function latest(field: string, scale = ""): string {
  return `SELECT last("${field}")${scale} FROM ${M} ${CAR_WHERE}`;
}
/** The latest value of a per-wheel channel, one series per wheel. */
function perWheel(field: string): string {
  return `SELECT last("${field}") FROM ${M} ${CAR_WHERE} GROUP BY "wheel"`;
}
function wheelStat(title: string, field: string, unit: string, steps: Threshold[], w = 6): PanelSpec {
  return {
    type: "stat", title, w, h: 5, unit, decimals: 0, thresholds: steps, colorByThresholds: true,
    targets: [{ query: perWheel(field), alias: "$tag_wheel" }],
    options: { colorMode: "background", orientation: "horizontal", textMode: "value_and_name" },
  };
}

/** Shows the driver and team of car $car (tags of its latest row; rows before the announcement have driver ""). */
const driverPanel: PanelSpec = {
  type: "stat", title: "Driver", w: 4, h: 5,
  targets: [{ query: `SELECT last("racetel.car.lap.number") FROM ${M} ${CAR_WHERE} AND "driver" != '' GROUP BY "driver", "team"`, alias: "$tag_driver · $tag_team" }],
  options: { textMode: "name", colorMode: "none" },
};

const gearMapping = enumMapping({ [-1]: ["R", "orange"], 0: ["N", "yellow"] });
const onOff = enumMapping({ 0: ["closed", "text"], 1: ["OPEN", "green"] });
const compoundMapping = enumMapping({ 1: ["Soft", "red"], 2: ["Medium", "yellow"], 3: ["Hard", "white"], 4: ["Inter", "green"], 5: ["Wet", "blue"], 6: ["Dry", "text"], 7: ["Other", "text"] });
const pitMapping = enumMapping({ 1: ["on track", "text"], 2: ["PIT LANE", "orange"], 3: ["PIT BOX", "red"] });
const ersModeMapping = enumMapping({ 0: ["none"], 1: ["medium", "green"], 2: ["hotlap", "orange"], 3: ["overtake", "red"] });
const weatherMapping = enumMapping({ 1: ["clear"], 2: ["light cloud"], 3: ["overcast"], 4: ["light rain", "blue"], 5: ["heavy rain", "blue"], 6: ["storm", "purple"] });
const safetyCarMapping = enumMapping({ 1: ["none", "green"], 2: ["SAFETY CAR", "yellow"], 3: ["VIRTUAL SC", "yellow"], 4: ["formation lap", "blue"] });
const flagMapping = enumMapping({ 0: ["none", "text"], 1: ["none", "text"], 2: ["green", "green"], 3: ["blue", "blue"], 4: ["yellow", "yellow"], 5: ["red", "red"] });

// F1 tyre windows (°C): surface ~80-105 optimal, carcass/inner ~85-110; brakes 300-900 working range.
const surfaceSteps = tyreTemperatureSteps(80, 105);
const innerSteps = tyreTemperatureSteps(85, 110);
const brakeSteps = [{ color: "blue", value: null }, { color: "green", value: 300 }, { color: "red", value: 900 }];
const pressureSteps = [{ color: "blue", value: null }, { color: "green", value: 150 }, { color: "red", value: 185 }];

const liveCar: DashboardSpec = {
  uid: "racetel-live-car",
  title: "racetel / Live car",
  description: "One car, live: driver inputs, engine, tyres, brakes, fuel and ERS.",
  tags: ["live"],
  variables: [sessionVar, carVar],
  timeFrom: "now-2m",
  refresh: "1s",
  panels: [
    driverPanel,
    { type: "stat", title: "Speed", w: 3, h: 5, unit: "velocitykmh", decimals: 0, targets: [{ query: latest("racetel.car.speed", " * 3.6") }], options: { graphMode: "area" } },
    { type: "stat", title: "Gear", w: 2, h: 5, decimals: 0, mappings: [gearMapping], targets: [{ query: latest("racetel.car.gear") }] },
    { type: "gauge", title: "Engine", w: 4, h: 5, unit: "rotrpm", min: 0, max: 13500, decimals: 0, colorByThresholds: true,
      thresholds: [{ color: "green", value: null }, { color: "orange", value: 11500 }, { color: "red", value: 12500 }], targets: [{ query: latest("racetel.car.engine.rpm") }] },
    { type: "stat", title: "DRS", w: 2, h: 5, mappings: [onOff], colorByThresholds: true, targets: [{ query: latest("racetel.car.drs") }] },
    // F1 reports fuel in kg (fuel.mass), ACC in litres (fuel.volume): one shows, each with its unit.
    { type: "stat", title: "Fuel", w: 2, h: 5, decimals: 1, targets: [{ query: latest("racetel.car.fuel.mass"), alias: "kg" }, { query: latest("racetel.car.fuel.volume"), alias: "L" }],
      overrides: [{ matcher: { id: "byName", options: "kg" }, properties: [{ id: "unit", value: "masskg" }] }, { matcher: { id: "byName", options: "L" }, properties: [{ id: "unit", value: "litre" }] }] },
    { type: "stat", title: "Laps of fuel left", w: 2, h: 5, decimals: 1, colorByThresholds: true,
      thresholds: [{ color: "red", value: null }, { color: "orange", value: 0 }, { color: "green", value: 1 }], targets: [{ query: latest("racetel.car.fuel.remaining_laps") }] },
    { type: "stat", title: "ERS store", w: 3, h: 5, unit: "joule", decimals: 0, targets: [{ query: latest("racetel.car.ers.store") }] },
    { type: "stat", title: "ERS mode", w: 2, h: 5, mappings: [ersModeMapping], targets: [{ query: latest("racetel.car.ers.deploy_mode") }] },
    { row: "Driver inputs" },
    { type: "timeseries", title: "Speed", w: 12, h: 8, unit: "velocitykmh", min: 0, targets: [{ query: trace("racetel.car.speed", " * 3.6"), alias: "speed" }] },
    { type: "timeseries", title: "Throttle and brake", w: 12, h: 8, unit: "percentunit", min: 0, max: 1,
      targets: [{ query: trace("racetel.car.throttle"), alias: "throttle" }, { query: trace("racetel.car.brake"), alias: "brake" }],
      overrides: [
        { matcher: { id: "byName", options: "throttle" }, properties: [{ id: "color", value: { mode: "fixed", fixedColor: "green" } }] },
        { matcher: { id: "byName", options: "brake" }, properties: [{ id: "color", value: { mode: "fixed", fixedColor: "red" } }] },
      ] },
    { type: "timeseries", title: "Steering", w: 8, h: 7, unit: "percentunit", min: -1, max: 1, targets: [{ query: trace("racetel.car.steering"), alias: "steering (-1 left, 1 right)" }] },
    { type: "timeseries", title: "Gear and DRS", w: 8, h: 7, targets: [{ query: trace("racetel.car.gear"), alias: "gear" }, { query: trace("racetel.car.drs"), alias: "DRS open" }] },
    { type: "timeseries", title: "Engine speed", w: 8, h: 7, unit: "rotrpm", targets: [{ query: trace("racetel.car.engine.rpm"), alias: "rpm" }] },
    { row: "Tyres and brakes (RL, RR, FL, FR)" },
    wheelStat("Tyre surface temperature", "racetel.car.tyre.surface_temperature", "celsius", surfaceSteps),
    wheelStat("Tyre inner temperature", "racetel.car.tyre.inner_temperature", "celsius", innerSteps),
    wheelStat("Tyre core temperature", "racetel.car.tyre.core_temperature", "celsius", innerSteps),
    wheelStat("Brake temperature", "racetel.car.brake_temperature", "celsius", brakeSteps),
    wheelStat("Tyre pressure", "racetel.car.tyre.pressure", "pressurekpa", pressureSteps, 8),
    { type: "timeseries", title: "Tyre surface temperature", w: 16, h: 5, unit: "celsius", thresholds: surfaceSteps,
      fieldConfig: { custom: { thresholdsStyle: { mode: "area" } } },
      targets: [{ query: `SELECT mean("racetel.car.tyre.surface_temperature") FROM ${M} ${CAR_WHERE} GROUP BY time($__interval), "wheel" fill(none)`, alias: "$tag_wheel" }] },
    { row: "Energy" },
    { type: "timeseries", title: "ERS store", w: 12, h: 7, unit: "joule", targets: [{ query: trace("racetel.car.ers.store"), alias: "store" }] },
    { type: "timeseries", title: "Fuel", w: 12, h: 7, targets: [{ query: trace("racetel.car.fuel.mass"), alias: "fuel (kg)" }, { query: trace("racetel.car.fuel.volume"), alias: "fuel (L)" }],
      overrides: [{ matcher: { id: "byName", options: "fuel (kg)" }, properties: [{ id: "unit", value: "masskg" }] }, { matcher: { id: "byName", options: "fuel (L)" }, properties: [{ id: "unit", value: "litre" }] }] },
  ],
};

const towerFields: [string, string][] = [
  ["racetel.car.race_position", "Pos"],
  ["racetel.car.lap.number", "Lap"],
  ["racetel.car.lap.last_time", "Last lap"],
  ["racetel.car.lap.best_time", "Best lap"],
  ["racetel.car.gap.leader", "Gap leader"],
  ["racetel.car.gap.ahead", "Interval"],
  ["racetel.car.pit.status", "Pit"],
  ["racetel.car.pit.stops", "Stops"],
  ["racetel.car.tyre.compound", "Tyre"],
  ["racetel.car.tyre.age", "Tyre age"],
  ["racetel.car.penalties.time", "Penalty"],
  ["racetel.car.penalties.warnings", "Warnings"],
];
const byName = (name: string, properties: { id: string; value?: unknown }[]) => ({ matcher: { id: "byName", options: name }, properties });

const timingTower: DashboardSpec = {
  uid: "racetel-timing-tower",
  title: "racetel / Timing tower",
  description: "Every car of the session, ordered by position, and the session state.",
  tags: ["live"],
  variables: [sessionVar],
  timeFrom: "now-5m",
  refresh: "1s",
  panels: [
    { type: "stat", title: "Weather", w: 4, h: 4, mappings: [weatherMapping], targets: [{ query: `SELECT last("racetel.session.weather") FROM ${M} ${SESSION_WHERE}` }] },
    { type: "stat", title: "Air", w: 3, h: 4, unit: "celsius", targets: [{ query: `SELECT last("racetel.session.air_temperature") FROM ${M} ${SESSION_WHERE}` }] },
    { type: "stat", title: "Track", w: 3, h: 4, unit: "celsius", targets: [{ query: `SELECT last("racetel.session.track_temperature") FROM ${M} ${SESSION_WHERE}` }] },
    { type: "stat", title: "Laps", w: 3, h: 4, decimals: 0, targets: [{ query: `SELECT max("racetel.car.lap.number") FROM ${M} ${SESSION_WHERE}`, alias: "leader lap" }, { query: `SELECT last("racetel.session.total_laps") FROM ${M} ${SESSION_WHERE}`, alias: "of" }],
      options: { textMode: "value_and_name" } },
    { type: "stat", title: "Time left", w: 4, h: 4, unit: "dtdurations", targets: [{ query: `SELECT last("racetel.session.time_left") FROM ${M} ${SESSION_WHERE}` }] },
    { type: "stat", title: "Safety car", w: 4, h: 4, mappings: [safetyCarMapping], colorByThresholds: true, targets: [{ query: `SELECT last("racetel.session.safety_car") FROM ${M} ${SESSION_WHERE}` }] },
    { type: "stat", title: "Track flag", w: 3, h: 4, mappings: [flagMapping], targets: [{ query: `SELECT last("racetel.session.track_flag") FROM ${M} ${SESSION_WHERE}` }] },
    {
      type: "table", title: "Timing tower", w: 24, h: 22,
      targets: [{
        format: "table",
        query: `SELECT ${towerFields.map(([f, as]) => `last("${f}") AS "${as}"`).join(", ")} FROM ${M} ${SESSION_WHERE} AND "wheel" = '' AND "lap" = '' AND "driver" != '' GROUP BY "car_index", "driver", "team"`,
      }],
      options: { sortBy: [{ displayName: "Pos", desc: false }] },
      transformations: [{ id: "organize", options: { excludeByName: { Time: true, car_index: true }, renameByName: { driver: "Driver", team: "Team" },
        indexByName: { Pos: 0, driver: 1, team: 2, Lap: 3, "Last lap": 4, "Best lap": 5, "Gap leader": 6, Interval: 7, Pit: 8, Stops: 9, Tyre: 10, "Tyre age": 11, Penalty: 12, Warnings: 13 } } }],
      overrides: [
        byName("Last lap", [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }]),
        byName("Best lap", [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }, { id: "custom.cellOptions", value: { type: "color-text" } }, { id: "color", value: { mode: "fixed", fixedColor: "purple" } }]),
        byName("Gap leader", [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }]),
        byName("Interval", [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }]),
        byName("Pit", [{ id: "mappings", value: [pitMapping] }, { id: "custom.cellOptions", value: { type: "color-text" } }]),
        byName("Tyre", [{ id: "mappings", value: [compoundMapping] }, { id: "custom.cellOptions", value: { type: "color-text" } }]),
        byName("Tyre age", [{ id: "unit", value: "none" }, { id: "decimals", value: 0 }]),
        byName("Penalty", [{ id: "unit", value: "s" }, { id: "decimals", value: 0 }, { id: "thresholds", value: { mode: "absolute", steps: [{ color: "text", value: null }, { color: "red", value: 1 }] } }, { id: "custom.cellOptions", value: { type: "color-text" } }]),
      ],
    },
  ],
};

/** Lap overlay on lap distance: one car, one lap, one channel (field-value WHERE on the lap number). */
function lapTrace(field: string, car: string, lap: string, as: string, scale = ""): string {
  return `SELECT "racetel.car.lap.distance" AS "distance", "${field}"${scale} AS "${as}" FROM ${M} WHERE ${SESSION} AND "car_index" = '${car}' AND "racetel.car.lap.number" = ${lap} AND $timeFilter`;
}
function xyAgainstDistance(title: string, field: string, as: string, unit: string, scale = ""): PanelSpec {
  return {
    type: "xychart", title, w: 12, h: 9, unit,
    description: "Against lap distance (m). A: $car lap $lap, B: $car_b lap $lap_b.",
    targets: [
      { format: "table", query: lapTrace(field, "$car", "$lap", `${as} A`, scale) },
      { format: "table", query: lapTrace(field, "$car_b", "$lap_b", `${as} B`, scale) },
    ],
    options: { mapping: "auto", series: [], legend: { showLegend: true, displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } },
    fieldConfig: { custom: { show: "lines", lineWidth: 2, pointSize: { fixed: 2 } } },
  };
}
const sectorQuery = (car: string): string =>
  `SELECT last("racetel.lap.sector1_time") AS "S1", last("racetel.lap.sector2_time") AS "S2", last("racetel.lap.sector3_time") AS "S3", last("racetel.lap.time") AS "Lap time", last("racetel.lap.valid") AS "Valid" FROM ${M} WHERE ${SESSION} AND "car_index" = '${car}' AND $timeFilter GROUP BY "driver", "lap"`;

const lapComparison: DashboardSpec = {
  uid: "racetel-lap-comparison",
  title: "racetel / Lap comparison",
  description: "Two laps (of one or two drivers) overlaid against lap distance, and their sector times.",
  tags: ["analysis"],
  variables: [sessionVar, carVar, lapVar, carBVar, lapBVar],
  timeFrom: "now-1h",
  refresh: "",
  panels: [
    xyAgainstDistance("Speed", "racetel.car.speed", "speed", "velocitykmh", " * 3.6"),
    xyAgainstDistance("Lap time against distance (delta = vertical gap)", "racetel.car.lap.current_time", "lap time", "s"),
    xyAgainstDistance("Throttle", "racetel.car.throttle", "throttle", "percentunit"),
    xyAgainstDistance("Brake", "racetel.car.brake", "brake", "percentunit"),
    { type: "timeseries", title: "Delta to best lap (ACC)", w: 24, h: 6, unit: "s",
      targets: [{ query: `SELECT mean("racetel.car.lap.delta_to_best") FROM ${M} WHERE ${SESSION} AND "car_index" = '$car' AND "racetel.car.lap.number" = $lap AND $timeFilter ${BY_TIME}`, alias: "A" }] },
    { type: "table", title: "Sector times, car A", w: 12, h: 8, unit: "s", decimals: 3, targets: [{ format: "table", query: sectorQuery("$car") }],
      transformations: [{ id: "organize", options: { excludeByName: { Time: true } } }] },
    { type: "table", title: "Sector times, car B", w: 12, h: 8, unit: "s", decimals: 3, targets: [{ format: "table", query: sectorQuery("$car_b") }],
      transformations: [{ id: "organize", options: { excludeByName: { Time: true } } }] },
    { type: "stat", title: "Best sectors in session (valid laps)", w: 24, h: 4, unit: "s", decimals: 3, colorByThresholds: true, thresholds: [{ color: "purple", value: null }],
      options: { textMode: "value_and_name" },
      targets: [{ query: `SELECT min("racetel.lap.sector1_time") AS "S1", min("racetel.lap.sector2_time") AS "S2", min("racetel.lap.sector3_time") AS "S3", min("racetel.lap.time") AS "Lap" FROM ${M} WHERE ${SESSION} AND "racetel.lap.valid" = 1 AND "racetel.lap.time" > 0 AND $timeFilter` }] },
  ],
};

const trackMap: DashboardSpec = {
  uid: "racetel-track-map",
  title: "racetel / Track map",
  description: "World position (x, z) coloured by speed, and every car's latest position.",
  tags: ["live"],
  variables: [sessionVar, carVar],
  timeFrom: "now-5m",
  refresh: "2s",
  panels: [
    { type: "xychart", title: "Driving line of $car (colour: speed)", w: 14, h: 20, unit: "lengthm",
      targets: [{ format: "table", query: `SELECT "racetel.car.world_position.x" AS "x", "racetel.car.world_position.z" AS "z", "racetel.car.speed" * 3.6 AS "speed" FROM ${M} ${CAR_WHERE}` }],
      options: { mapping: "manual", series: [{ x: { matcher: { id: "byName", options: "x" } }, y: { matcher: { id: "byName", options: "z" } }, color: { matcher: { id: "byName", options: "speed" } } }],
        legend: { showLegend: false, displayMode: "list", placement: "bottom" }, tooltip: { mode: "single" } },
      fieldConfig: { custom: { show: "points", pointSize: { fixed: 4 } } },
      overrides: [byName("speed", [{ id: "unit", value: "velocitykmh" }, { id: "color", value: { mode: "continuous-GrYlRd" } }])] },
    { type: "xychart", title: "All cars, latest position", w: 10, h: 20, unit: "lengthm",
      targets: [{ format: "table", query: `SELECT last("racetel.car.world_position.x") AS "x", last("racetel.car.world_position.z") AS "z" FROM ${M} ${SESSION_WHERE} AND "wheel" = '' AND "lap" = '' AND "driver" != '' GROUP BY "car_index", "driver"` }],
      options: { mapping: "auto", series: [], legend: { showLegend: true, displayMode: "list", placement: "right" }, tooltip: { mode: "single" } },
      fieldConfig: { custom: { show: "points", pointSize: { fixed: 9 } } } },
  ],
};

// Grouped by car too: lap records sent before the game announced the driver carry driver "".
const lapsByDriver = (fields: string): string => `SELECT ${fields} FROM ${M} WHERE ${SESSION} AND "lap" != '' AND "wheel" = '' AND $timeFilter GROUP BY "car_index", "driver", "lap"`;
const toLapNumber: DataTransformerConfig = { id: "convertFieldType", options: { conversions: [{ targetField: "lap", destinationType: "number" }], fields: {} } };
const byDriver: DataTransformerConfig = { id: "partitionByValues", options: { fields: ["car_index", "driver"], keepFields: false } };

/** racetel.v1.ResultStatus numbers. */
const resultStatusMapping = enumMapping({ 2: ["Running"], 3: ["Finished", "green"], 4: ["DNF", "red"], 5: ["DSQ", "red"], 6: ["Not classified", "orange"], 7: ["Retired", "red"] });

const raceAnalysis: DashboardSpec = {
  uid: "racetel-race-analysis",
  title: "racetel / Race analysis",
  description: "Lap times per driver with pit laps and compounds, stints, positions by lap and the final classification.",
  tags: ["analysis"],
  variables: [sessionVar, carVar, driverVar],
  timeFrom: "now-3h",
  refresh: "",
  panels: [
    { type: "xychart", title: "Lap time by lap", w: 12, h: 10, unit: "s",
      targets: [{ format: "table", query: lapsByDriver(`last("racetel.lap.time") AS "lap_time"`) }],
      transformations: [toLapNumber, byDriver],
      options: { mapping: "auto", series: [], legend: { showLegend: true, displayMode: "list", placement: "right" }, tooltip: { mode: "multi" } },
      fieldConfig: { custom: { show: "points+lines", pointSize: { fixed: 5 } } } },
    { type: "xychart", title: "Position by lap", w: 12, h: 10,
      targets: [{ format: "table", query: lapsByDriver(`last("racetel.lap.position") AS "position"`) }],
      transformations: [toLapNumber, byDriver],
      options: { mapping: "auto", series: [], legend: { showLegend: true, displayMode: "list", placement: "right" }, tooltip: { mode: "multi" } },
      fieldConfig: { custom: { show: "points+lines", pointSize: { fixed: 5 } } } },
    { type: "table", title: "Laps of $driver (stints: compound and pit laps)", w: 12, h: 12,
      targets: [{ format: "table", query: `SELECT last("racetel.lap.time") AS "Lap time", last("racetel.lap.sector1_time") AS "S1", last("racetel.lap.sector2_time") AS "S2", last("racetel.lap.sector3_time") AS "S3", last("racetel.lap.tyre.compound") AS "Tyre", last("racetel.lap.pit") AS "Pit", last("racetel.lap.position") AS "Pos", last("racetel.lap.valid") AS "Valid" FROM ${M} WHERE ${SESSION} AND ${CAR} AND "lap" != '' AND "wheel" = '' AND $timeFilter GROUP BY "lap"` }],
      transformations: [{ id: "organize", options: { excludeByName: { Time: true } } }, toLapNumber],
      options: { sortBy: [{ displayName: "lap", desc: false }] },
      overrides: [
        byName("Lap time", [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }]),
        byName("S1", [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }]),
        byName("S2", [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }]),
        byName("S3", [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }]),
        byName("Tyre", [{ id: "mappings", value: [compoundMapping] }, { id: "custom.cellOptions", value: { type: "color-text" } }]),
        byName("Pit", [{ id: "mappings", value: [enumMapping({ 0: [""], 1: ["PIT", "orange"] })] }]),
      ] },
    { type: "table", title: "Pit laps, all drivers", w: 12, h: 12,
      targets: [{ format: "table", query: `SELECT last("racetel.lap.pit") AS "Pit", last("racetel.lap.tyre.compound") AS "Tyre" FROM ${M} WHERE ${SESSION} AND "racetel.lap.pit" = 1 AND $timeFilter GROUP BY "driver", "lap"` }],
      transformations: [{ id: "organize", options: { excludeByName: { Time: true } } }],
      overrides: [byName("Tyre", [{ id: "mappings", value: [compoundMapping] }])] },
    { type: "timeseries", title: "Positions", w: 24, h: 10, min: 1, max: 22, decimals: 0,
      fieldConfig: { custom: { transform: "negative-Y", lineWidth: 2 } },
      description: "Drawn upside down so P1 is at the top.",
      targets: [{ query: `SELECT last("racetel.car.race_position") FROM ${M} ${SESSION_WHERE} AND "driver" != '' GROUP BY time($__interval), "driver" fill(previous)`, alias: "$tag_driver" }] },
    { type: "table", title: "Final classification", w: 24, h: 14,
      description: "The game's final classification (F1 FinalClassification), once the session is over. Race time without penalties.",
      targets: [{ format: "table", query: `SELECT last("racetel.result.position") AS "Pos", last("racetel.result.status") AS "Status", last("racetel.result.laps_completed") AS "Laps", last("racetel.result.total_time") AS "Race time", last("racetel.result.penalties_time") AS "Penalties", last("racetel.result.best_lap_time") AS "Best lap", last("racetel.result.pit_stops") AS "Stops", last("racetel.result.grid_position") AS "Grid", last("racetel.result.points") AS "Points" FROM ${M} WHERE ${SESSION} AND "racetel.result.position" > 0 AND $timeFilter GROUP BY "driver", "team"` }],
      transformations: [{ id: "organize", options: { excludeByName: { Time: true } } }],
      options: { sortBy: [{ displayName: "Pos", desc: false }] },
      overrides: [
        byName("Status", [{ id: "mappings", value: [resultStatusMapping] }, { id: "custom.cellOptions", value: { type: "color-text" } }]),
        byName("Race time", [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }]),
        byName("Best lap", [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }]),
        byName("Penalties", [{ id: "unit", value: "s" }, { id: "decimals", value: 0 }]),
      ] },
  ],
};

const pipelineHealth: DashboardSpec = {
  uid: "racetel-pipeline-health",
  title: "racetel / Pipeline health",
  description: "ingest and rpc self-metrics: packets/s, drops by reason, frames, export failures, staleness.",
  tags: ["ops"],
  variables: [],
  timeFrom: "now-15m",
  refresh: "5s",
  panels: [
    { type: "timeseries", title: "Packets received / decoded per second", w: 12, h: 8, unit: "pps",
      targets: [
        { query: `SELECT non_negative_derivative(last("racetel.ingest.packets_received"), 1s) FROM ${M} WHERE $timeFilter GROUP BY time($__interval), "ingest_instance" fill(none)`, alias: "received $tag_ingest_instance" },
        { query: `SELECT non_negative_derivative(last("racetel.ingest.packets_decoded"), 1s) FROM ${M} WHERE $timeFilter GROUP BY time($__interval), "ingest_instance" fill(none)`, alias: "decoded $tag_ingest_instance" },
      ] },
    { type: "timeseries", title: "Packets dropped per second, by reason", w: 12, h: 8, unit: "pps",
      targets: [{ query: `SELECT non_negative_derivative(last("racetel.ingest.packets_dropped"), 1s) FROM ${M} WHERE $timeFilter GROUP BY time($__interval), "reason", "ingest_instance" fill(none)`, alias: "$tag_reason" }] },
    { type: "timeseries", title: "Frames per second (ingest emitted, rpc received)", w: 12, h: 8, unit: "short",
      targets: [
        { query: `SELECT non_negative_derivative(last("racetel.ingest.frames_emitted"), 1s) FROM ${M} WHERE $timeFilter GROUP BY time($__interval), "ingest_instance" fill(none)`, alias: "ingest $tag_ingest_instance" },
        { query: `SELECT non_negative_derivative(last("racetel.rpc.frames_received"), 1s) FROM ${M} WHERE $timeFilter GROUP BY time($__interval), "rpc_instance" fill(none)`, alias: "rpc $tag_rpc_instance" },
      ] },
    { type: "timeseries", title: "Frames dropped / rejected per second", w: 12, h: 8, unit: "short",
      targets: [
        { query: `SELECT non_negative_derivative(last("racetel.ingest.frames_dropped"), 1s) FROM ${M} WHERE $timeFilter GROUP BY time($__interval), "ingest_instance" fill(none)`, alias: "ingest queue $tag_ingest_instance" },
        { query: `SELECT non_negative_derivative(last("racetel.rpc.frames_rejected"), 1s) FROM ${M} WHERE $timeFilter GROUP BY time($__interval), "reason" fill(none)`, alias: "rpc rejected $tag_reason" },
      ] },
    { type: "stat", title: "OTLP export failures (rpc)", w: 6, h: 5, decimals: 0, colorByThresholds: true, thresholds: [{ color: "green", value: null }, { color: "red", value: 1 }],
      targets: [{ query: `SELECT last("racetel.rpc.export_failures") FROM ${M} WHERE $timeFilter GROUP BY "rpc_instance"`, alias: "$tag_rpc_instance" }] },
    { type: "timeseries", title: "Waiting for the collector, and losses (rpc)", w: 12, h: 8, unit: "short",
      targets: [
        { query: `SELECT last("racetel.rpc.export_backlog") FROM ${M} WHERE $timeFilter GROUP BY time($__interval), "rpc_instance" fill(none)`, alias: "samples waiting $tag_rpc_instance" },
        { query: `SELECT last("racetel.rpc.samples_dropped") FROM ${M} WHERE $timeFilter GROUP BY time($__interval), "rpc_instance" fill(none)`, alias: "samples dropped (backlog full) $tag_rpc_instance" },
        { query: `SELECT last("racetel.rpc.frames_late") FROM ${M} WHERE $timeFilter GROUP BY time($__interval), "rpc_instance" fill(none)`, alias: "frames late $tag_rpc_instance" },
      ] },
    { type: "stat", title: "Last packet age (ingest)", w: 6, h: 5, unit: "s", decimals: 1, colorByThresholds: true,
      thresholds: [{ color: "green", value: null }, { color: "orange", value: 2 }, { color: "red", value: 10 }],
      targets: [{ query: `SELECT last("racetel.ingest.last_packet_age") FROM ${M} WHERE $timeFilter GROUP BY "ingest_instance"`, alias: "$tag_ingest_instance" }] },
    { type: "stat", title: "Active", w: 12, h: 5, decimals: 0, options: { textMode: "value_and_name" },
      targets: [
        { query: `SELECT last("racetel.ingest.sessions_active") FROM ${M} WHERE $timeFilter`, alias: "sessions" },
        { query: `SELECT last("racetel.rpc.cars_active") FROM ${M} WHERE $timeFilter`, alias: "cars" },
        { query: `SELECT last("racetel.rpc.publish_streams") FROM ${M} WHERE $timeFilter`, alias: "publish streams" },
        { query: `SELECT last("racetel.rpc.subscribers") FROM ${M} WHERE $timeFilter`, alias: "subscribers" },
      ] },
    { type: "timeseries", title: "Time since ingest's last packet", w: 24, h: 7, unit: "s",
      description: "Grows when no game is sending (or the network drops it). End-to-end latency is measured by make bench-e2e.",
      targets: [{ query: `SELECT last("racetel.ingest.last_packet_age") FROM ${M} WHERE $timeFilter GROUP BY time($__interval), "ingest_instance" fill(none)`, alias: "$tag_ingest_instance" }] },
  ],
};

/** File name (without .json) -> dashboard JSON. */
export const dashboards: Record<string, Dashboard> = {
  "live-car": dashboard(liveCar),
  "timing-tower": dashboard(timingTower),
  "lap-comparison": dashboard(lapComparison),
  "track-map": dashboard(trackMap),
  "race-analysis": dashboard(raceAnalysis),
  "pipeline-health": dashboard(pipelineHealth),
};
