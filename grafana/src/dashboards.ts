// racetel's six Grafana dashboards (InfluxQL on the "prometheus" measurement; metric names and
// attributes from docs/metrics.md). `npm run`-free: `node --import tsx grafana/src/build.ts` writes the JSON.
import type { Dashboard, DataTransformerConfig } from "@grafana/schema";
import { liveCarInsightRow, thresholdVariables, towerInsightRow } from "./insights.js";
import { CAR, M, SESSION, dashboard, enumMapping, tyreTemperatureSteps, type AnnotationSpec, type DashboardSpec, type PanelSpec, type Threshold, type VariableSpec } from "./panels.js";

// Pickers read rpc's label rows (docs/metrics.md): one row per session / car / measured lap whose tag names
// it in words and ends with its id; Grafana's regex splits text from value, and its text sort orders them.
// `SELECT "<tag>", last(...) ... GROUP BY <id>` returns one label per id in the time range (SHOW TAG VALUES
// would ignore the time range and list every session ever stored).
const sessionVar: VariableSpec = {
  name: "session", label: "Session", timeRangeRefresh: true, sort: 2, // the label starts with the start time: newest first
  query: `SELECT "session_label", last("racetel.session.info") FROM ${M} WHERE $timeFilter GROUP BY "session_id"`,
  regex: "/^(?<text>.*) · #(?<value>[A-Za-z0-9._:-]+)$/",
};
const carLabelQuery = `SELECT "car_label", last("racetel.car.info") FROM ${M} WHERE ${SESSION} AND $timeFilter GROUP BY "car_index"`;
const CAR_LABEL_REGEX = "/^(?<text>.*) · #(?<value>\\d+)$/";
const carVar: VariableSpec = { name: "car", label: "Driver", timeRangeRefresh: true, sort: 5, query: carLabelQuery, regex: CAR_LABEL_REGEX };
/** Lap B may come from another session: a real F1 lap against a sim lap. The newest session by default, as A's. */
const sessionBVar: VariableSpec = { ...sessionVar, name: "session_b", label: "Session B" };
const carBVar: VariableSpec = { ...carVar, name: "car_b", label: "Driver B", query: carLabelQuery.replace("$session", "$session_b") };
const carsVar: VariableSpec = { ...carVar, name: "car", label: "Drivers", multi: true };
/** Cars of a multi-value $car ("All" = every value). */
const CARS = `"car_index" =~ /^$car$/`;
const lapLabelQuery = (car: string, tag: string, session = "$session"): string =>
  `SELECT "${tag}", last("racetel.lap.mark.time") FROM ${M} WHERE "session_id" = '${session}' AND "car_index" = '${car}' AND "${tag}" != '' AND $timeFilter GROUP BY "lap"`;
/** Lap A: the car's measured laps, the last one first ("lap 7 · 01:21.345"). */
const lapVar: VariableSpec = { name: "lap", label: "Lap A", timeRangeRefresh: true, sort: 4, query: lapLabelQuery("$car", "lap_label"), regex: "/^(?<text>lap (?<value>\\d+) · .*)$/" };
/** Lap B: driver B's measured laps, the fastest valid one first ("01:20.912 · lap 5"). */
const lapBVar: VariableSpec = { name: "lap_b", label: "Lap B", timeRangeRefresh: true, sort: 1, query: lapLabelQuery("$car_b", "lap_by_time", "$session_b"), regex: "/^(?<text>.* · lap (?<value>\\d+).*)$/" };

/** Events worth a mark on the time axis (overtakes are many: the events table lists them). */
const MARKED_EVENTS = "penalty|retirement|fastest_lap|drive_through_served|stop_go_served|collision|race_winner";
const SESSION_EVENTS = "safety_car|red_flag|chequered_flag|flag|session_started|session_ended";
const raceAnnotations: AnnotationSpec[] = [
  { name: "Car events", color: "orange", textColumn: "driver", tagsColumn: "event,detail",
    query: `SELECT "racetel.car.event", "event", "driver", "detail" FROM ${M} WHERE ${SESSION} AND "event" =~ /^(${MARKED_EVENTS})$/ AND $timeFilter` },
  { name: "Session events", color: "yellow", textColumn: "event", tagsColumn: "event",
    query: `SELECT "racetel.session.event", "event" FROM ${M} WHERE ${SESSION} AND "event" =~ /^(${SESSION_EVENTS})$/ AND $timeFilter` },
  { name: "Pit stops", color: "blue", textColumn: "driver", tagsColumn: "lap",
    query: `SELECT "racetel.lap.pit_entry", "driver", "lap" FROM ${M} WHERE ${SESSION} AND "racetel.lap.pit_entry" = 1 AND $timeFilter` },
];

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

/** The driver and team of car $car: the tags of its latest named row, shown as text. */
const driverPanel: PanelSpec = {
  type: "stat", title: "Driver", w: 4, h: 5,
  targets: [{ format: "table", query: `SELECT "driver", "team", last("racetel.car.lap.number") AS "lap" FROM ${M} ${CAR_WHERE} AND "driver" != ''` }],
  options: { textMode: "value_and_name", colorMode: "none", reduceOptions: { calcs: ["lastNotNull"], fields: "/^(driver|team)$/", values: false } },
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
const wearSteps = [{ color: "green", value: null }, { color: "orange", value: 0.3 }, { color: "red", value: 0.6 }];
const DAMAGE_PARTS: [string, string][] = [
  ["front_left_wing", "front left wing"], ["front_right_wing", "front right wing"], ["rear_wing", "rear wing"], ["floor", "floor"],
  ["diffuser", "diffuser"], ["sidepod", "sidepod"], ["gearbox", "gearbox"], ["engine", "engine"],
];
const pressureSteps = [{ color: "blue", value: null }, { color: "green", value: 150 }, { color: "red", value: 185 }];

const liveCar: DashboardSpec = {
  uid: "racetel-live-car",
  title: "racetel / Live car",
  description: "One car, live: driver inputs, engine, tyres, brakes, fuel and ERS.",
  tags: ["live"],
  variables: [sessionVar, carVar, ...thresholdVariables],
  timeFrom: "now-2m",
  refresh: "1s",
  annotations: raceAnnotations,
  links: [{ title: "Timing tower", uid: "racetel-timing-tower" }, { title: "Lap comparison", uid: "racetel-lap-comparison" }, { title: "Track map", uid: "racetel-track-map" }],
  panels: [
    driverPanel,
    { type: "stat", title: "Lap", w: 2, h: 5, decimals: 0, targets: [{ query: latest("racetel.car.lap.number") }] },
    { type: "stat", title: "Speed", w: 3, h: 5, unit: "velocitykmh", decimals: 0, targets: [{ query: latest("racetel.car.speed", " * 3.6") }], options: { graphMode: "area" } },
    { type: "stat", title: "Gear", w: 2, h: 5, decimals: 0, mappings: [gearMapping], targets: [{ query: latest("racetel.car.gear") }] },
    { type: "gauge", title: "Engine", w: 3, h: 5, unit: "rotrpm", min: 0, max: 13500, decimals: 0, colorByThresholds: true,
      thresholds: [{ color: "green", value: null }, { color: "orange", value: 11500 }, { color: "red", value: 12500 }], targets: [{ query: latest("racetel.car.engine.rpm") }] },
    { type: "stat", title: "DRS", w: 2, h: 5, mappings: [onOff], colorByThresholds: true, targets: [{ query: latest("racetel.car.drs") }] },
    // F1 reports fuel in kg (fuel.mass), ACC in litres (fuel.volume): one shows, each with its unit.
    { type: "stat", title: "Fuel", w: 2, h: 5, decimals: 1, targets: [{ query: latest("racetel.car.fuel.mass"), alias: "kg" }, { query: latest("racetel.car.fuel.volume"), alias: "L" }],
      overrides: [{ matcher: { id: "byName", options: "kg" }, properties: [{ id: "unit", value: "masskg" }] }, { matcher: { id: "byName", options: "L" }, properties: [{ id: "unit", value: "litre" }] }] },
    { type: "stat", title: "Laps of fuel left", w: 2, h: 5, decimals: 1, colorByThresholds: true,
      thresholds: [{ color: "red", value: null }, { color: "orange", value: 0 }, { color: "green", value: 1 }], targets: [{ query: latest("racetel.car.fuel.remaining_laps") }] },
    { type: "stat", title: "ERS store", w: 2, h: 5, unit: "joule", decimals: 0, targets: [{ query: latest("racetel.car.ers.store") }] },
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
    { row: "Tyre wear and damage" },
    wheelStat("Tyre wear", "racetel.car.tyre.wear", "percentunit", wearSteps),
    wheelStat("Tyre damage", "racetel.car.tyre.damage", "percentunit", wearSteps),
    { type: "bargauge", title: "Damage", w: 12, h: 10, unit: "percentunit", min: 0, max: 1, thresholds: wearSteps, colorByThresholds: true,
      targets: [{ query: `SELECT ${DAMAGE_PARTS.map(([f, as]) => `last("racetel.car.damage.${f}") AS "${as}"`).join(", ")} FROM ${M} ${CAR_WHERE}` }],
      options: { displayMode: "lcd", orientation: "horizontal", showUnfilled: true, reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false } } },
    { type: "timeseries", title: "Tyre wear", w: 12, h: 5, unit: "percentunit", min: 0,
      targets: [{ query: `SELECT last("racetel.car.tyre.wear") FROM ${M} ${CAR_WHERE} GROUP BY time($__interval), "wheel" fill(none)`, alias: "$tag_wheel" }] },
    { row: "Forces and lap delta" },
    { type: "xychart", title: "G-forces (lateral against longitudinal)", w: 8, h: 9, unit: "none",
      description: "One dot per stored sample: braking at the bottom, acceleration at the top, corners left and right.",
      targets: [{ format: "table", query: `SELECT "racetel.car.g_force.lateral" AS "lateral", "racetel.car.g_force.longitudinal" AS "longitudinal" FROM ${M} ${CAR_WHERE}` }],
      options: { mapping: "manual", series: [{ x: { matcher: { id: "byName", options: "lateral" } }, y: { matcher: { id: "byName", options: "longitudinal" } } }],
        legend: { showLegend: false, displayMode: "list", placement: "bottom" }, tooltip: { mode: "single" } },
      fieldConfig: { custom: { show: "points", pointSize: { fixed: 3 } } } },
    { type: "timeseries", title: "Live delta (negative = ahead)", w: 16, h: 9, unit: "s",
      description: "Time of the lap being driven minus the reference lap's time at the same distance, computed by rpc for every car of every game.",
      targets: [
        { query: trace("racetel.car.lap.delta_to_personal_best"), alias: "to personal best" },
        { query: trace("racetel.car.lap.delta_to_session_best"), alias: "to session best" },
      ] },
    { row: "Energy" },
    { type: "timeseries", title: "ERS store", w: 12, h: 7, unit: "joule", targets: [{ query: trace("racetel.car.ers.store"), alias: "store" }] },
    { type: "timeseries", title: "Fuel", w: 12, h: 7, targets: [{ query: trace("racetel.car.fuel.mass"), alias: "fuel (kg)" }, { query: trace("racetel.car.fuel.volume"), alias: "fuel (L)" }],
      overrides: [{ matcher: { id: "byName", options: "fuel (kg)" }, properties: [{ id: "unit", value: "masskg" }] }, { matcher: { id: "byName", options: "fuel (L)" }, properties: [{ id: "unit", value: "litre" }] }] },
    ...liveCarInsightRow,
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
  ["racetel.car.lap.delta_to_session_best", "Live Δ best"],
];
const byName = (name: string, properties: { id: string; value?: unknown }[]) => ({ matcher: { id: "byName", options: name }, properties });

/** Every event of the session, newest first. */
const eventsTable: PanelSpec = {
  type: "table", title: "Events", w: 24, h: 10,
  description: "Penalties, fastest laps, retirements, overtakes, safety car ... as the game announced them.",
  targets: [{ format: "table", query: `SELECT "event", "detail", "driver", "racetel.car.event" AS "car event", "racetel.session.event" AS "session event" FROM ${M} WHERE ${SESSION} AND "event" != '' AND $timeFilter` }],
  transformations: [{ id: "organize", options: { excludeByName: { "car event": true, "session event": true }, renameByName: { event: "Event", detail: "Detail", driver: "Driver" } } }],
  options: { sortBy: [{ displayName: "Time", desc: true }] },
};

const timingTower: DashboardSpec = {
  uid: "racetel-timing-tower",
  title: "racetel / Timing tower",
  description: "Every car of the session, ordered by position, and the session state.",
  tags: ["live"],
  variables: [sessionVar, ...thresholdVariables],
  timeFrom: "now-5m",
  refresh: "1s",
  links: [{ title: "Race analysis", uid: "racetel-race-analysis" }, { title: "Track map", uid: "racetel-track-map" }],
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
      transformations: [{ id: "organize", options: { excludeByName: { Time: true }, renameByName: { driver: "Driver", team: "Team" },
        indexByName: { Pos: 0, driver: 1, team: 2, Lap: 3, "Last lap": 4, "Best lap": 5, "Live Δ best": 6, "Gap leader": 7, Interval: 8, Pit: 9, Stops: 10, Tyre: 11, "Tyre age": 12, Penalty: 13, Warnings: 14, car_index: 15 } } }],
      overrides: [
        // Hidden, but there for the link: a click on a driver opens Live car on that car.
        byName("car_index", [{ id: "custom.hidden", value: true }]),
        byName("Driver", [{ id: "links", value: [
          { title: "Live car: ${__data.fields.Driver}", url: "/d/racetel-live-car/racetel-live-car?var-session=${session}&var-car=${__data.fields.car_index}&${__url_time_range}" },
          { title: "Lap comparison: ${__data.fields.Driver}", url: "/d/racetel-lap-comparison/racetel-lap-comparison?var-session=${session}&var-car=${__data.fields.car_index}&var-car_b=${__data.fields.car_index}&${__url_time_range}" },
        ] }]),
        byName("Live Δ best", [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }, { id: "custom.cellOptions", value: { type: "color-text" } },
          { id: "thresholds", value: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "text", value: 0 }, { color: "red", value: 0.5 }] } }, { id: "color", value: { mode: "thresholds" } }]),
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
    eventsTable,
    ...towerInsightRow,
  ],
};

/** Lap overlay on lap distance: one car, one lap, one channel (field-value WHERE on the lap number). */
function lapTrace(field: string, car: string, lap: string, as: string, scale = "", session = "$session"): string {
  return `SELECT "racetel.car.lap.distance" AS "distance", "${field}"${scale} AS "${as}" FROM ${M} WHERE "session_id" = '${session}' AND "car_index" = '${car}' AND "racetel.car.lap.number" = ${lap} AND $timeFilter`;
}
function xyAgainstDistance(title: string, field: string, as: string, unit: string, scale = ""): PanelSpec {
  return {
    type: "xychart", title, w: 12, h: 9, unit,
    description: "Against lap distance (m). A: ${car:text} lap $lap, B: ${car_b:text} lap $lap_b.",
    targets: [
      { format: "table", query: lapTrace(field, "$car", "$lap", `${as} A`, scale) },
      { format: "table", query: lapTrace(field, "$car_b", "$lap_b", `${as} B`, scale, "$session_b") },
    ],
    options: { mapping: "auto", series: [], legend: { showLegend: true, displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } },
    fieldConfig: { custom: { show: "lines", lineWidth: 2, pointSize: { fixed: 2 } } },
  };
}
const sectorQuery = (car: string, session = "$session"): string =>
  `SELECT last("racetel.lap.sector1_time") AS "S1", last("racetel.lap.sector2_time") AS "S2", last("racetel.lap.sector3_time") AS "S3", last("racetel.lap.time") AS "Lap time", last("racetel.lap.valid") AS "Valid" FROM ${M} WHERE "session_id" = '${session}' AND "car_index" = '${car}' AND $timeFilter GROUP BY "driver", "lap"`;

/** A measured lap's marks (every 10 m and the line): distance and the lap time there. */
const lapMarks = (car: string, lap: string, as: string, session = "$session"): string =>
  `SELECT "racetel.lap.mark.distance" AS "distance", "racetel.lap.mark.time" AS "${as}" FROM ${M} WHERE "session_id" = '${session}' AND "car_index" = '${car}' AND "lap" = '${lap}' AND $timeFilter`;
/** The same lap at fixed shares of its length (every 0.5%), for laps of tracks of different lengths. */
const lapFractions = (car: string, lap: string, as: string, session: string): string =>
  `SELECT "racetel.lap.mark.fraction" AS "fraction", "racetel.lap.mark.fraction_time" AS "${as}" FROM ${M} WHERE "session_id" = '${session}' AND "car_index" = '${car}' AND "lap" = '${lap}' AND $timeFilter`;

const lapComparison: DashboardSpec = {
  uid: "racetel-lap-comparison",
  title: "racetel / Lap comparison",
  description: "Two laps (of one or two drivers) against lap distance: the delta-time trace, speed and inputs, sector times. Default: the last lap against the best.",
  tags: ["analysis"],
  variables: [sessionVar, carVar, lapVar, sessionBVar, carBVar, lapBVar],
  timeFrom: "now-1h",
  refresh: "",
  links: [{ title: "Live car", uid: "racetel-live-car" }, { title: "Race analysis", uid: "racetel-race-analysis" }],
  panels: [
    {
      type: "xychart", title: "Delta time (A - B; above zero: A is slower)", w: 24, h: 9, unit: "s",
      description: "Time of lap A minus time of lap B at the same distance, from rpc's lap marks (every 10 m and the line): at the end, the lap-time difference.",
      targets: [{ format: "table", query: lapMarks("$car", "$lap", "A") }, { format: "table", query: lapMarks("$car_b", "$lap_b", "B", "$session_b") }],
      transformations: [
        { id: "joinByField", options: { byField: "distance", mode: "inner" } },
        { id: "calculateField", options: { mode: "binary", binary: { left: "A", operator: "-", right: "B" }, alias: "delta", replaceFields: false } },
        { id: "organize", options: { excludeByName: { "Time 1": true, "Time 2": true, Time: true, A: true, B: true } } },
      ],
      options: { mapping: "manual", series: [{ x: { matcher: { id: "byName", options: "distance" } }, y: { matcher: { id: "byName", options: "delta" } } }],
        legend: { showLegend: false, displayMode: "list", placement: "bottom" }, tooltip: { mode: "single" } },
      fieldConfig: { custom: { show: "lines", lineWidth: 2 } },
    },
    {
      type: "xychart", title: "Delta time by share of the lap (A - B; tracks of different lengths, a sim lap against a real one)", w: 24, h: 8, unit: "s",
      description: "Time of lap A minus time of lap B at the same share of each lap's length (every 0.5%): for laps whose lengths differ (a game's circuit and the real one). At 100%, the lap-time difference.",
      targets: [{ format: "table", query: lapFractions("$car", "$lap", "A", "$session") }, { format: "table", query: lapFractions("$car_b", "$lap_b", "B", "$session_b") }],
      transformations: [
        { id: "joinByField", options: { byField: "fraction", mode: "inner" } },
        { id: "calculateField", options: { mode: "binary", binary: { left: "A", operator: "-", right: "B" }, alias: "delta", replaceFields: false } },
        { id: "organize", options: { excludeByName: { "Time 1": true, "Time 2": true, Time: true, A: true, B: true } } },
      ],
      options: { mapping: "manual", series: [{ x: { matcher: { id: "byName", options: "fraction" } }, y: { matcher: { id: "byName", options: "delta" } } }],
        legend: { showLegend: false, displayMode: "list", placement: "bottom" }, tooltip: { mode: "single" } },
      fieldConfig: { custom: { show: "lines", lineWidth: 2 } },
      overrides: [byName("fraction", [{ id: "unit", value: "percentunit" }])],
    },
    xyAgainstDistance("Speed", "racetel.car.speed", "speed", "velocitykmh", " * 3.6"),
    xyAgainstDistance("Throttle", "racetel.car.throttle", "throttle", "percentunit"),
    xyAgainstDistance("Brake", "racetel.car.brake", "brake", "percentunit"),
    xyAgainstDistance("Gear", "racetel.car.gear", "gear", "none"),
    xyAgainstDistance("Steering", "racetel.car.steering", "steering", "percentunit"),
    { type: "xychart", title: "Live delta of lap A to the personal and session best", w: 12, h: 9, unit: "s",
      description: "rpc's live deltas (every game) against lap distance, as they were while lap A was driven.",
      targets: [{ format: "table", query: `SELECT "racetel.car.lap.distance" AS "distance", "racetel.car.lap.delta_to_personal_best" AS "to personal best", "racetel.car.lap.delta_to_session_best" AS "to session best" FROM ${M} WHERE ${SESSION} AND "car_index" = '$car' AND "racetel.car.lap.number" = $lap AND $timeFilter` }],
      options: { mapping: "auto", series: [], legend: { showLegend: true, displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } },
      fieldConfig: { custom: { show: "lines", lineWidth: 2 } } },
    { type: "table", title: "Sector times, driver A", w: 12, h: 8, unit: "s", decimals: 3, targets: [{ format: "table", query: sectorQuery("$car") }],
      transformations: [{ id: "organize", options: { excludeByName: { Time: true } } }] },
    { type: "table", title: "Sector times, driver B", w: 12, h: 8, unit: "s", decimals: 3, targets: [{ format: "table", query: sectorQuery("$car_b", "$session_b") }],
      transformations: [{ id: "organize", options: { excludeByName: { Time: true } } }] },
    { type: "stat", title: "Best sectors in session (valid laps)", w: 12, h: 4, unit: "s", decimals: 3, colorByThresholds: true, thresholds: [{ color: "purple", value: null }],
      options: { textMode: "value_and_name" },
      targets: [{ query: `SELECT min("racetel.lap.sector1_time") AS "S1", min("racetel.lap.sector2_time") AS "S2", min("racetel.lap.sector3_time") AS "S3", min("racetel.lap.time") AS "Lap" FROM ${M} WHERE ${SESSION} AND "racetel.lap.valid" = 1 AND "racetel.lap.time" > 0 AND $timeFilter` }] },
  ],
};

const trackMap: DashboardSpec = {
  uid: "racetel-track-map",
  title: "racetel / Track map",
  description: "Every car at its latest position, named, on the track's outline; the selected driver's line coloured by speed.",
  tags: ["live"],
  variables: [sessionVar, carVar],
  timeFrom: "now-5m",
  refresh: "2s",
  links: [{ title: "Timing tower", uid: "racetel-timing-tower" }, { title: "Live car", uid: "racetel-live-car" }],
  panels: [
    { type: "xychart", title: "Cars on track", w: 14, h: 20, unit: "lengthm",
      description: "Dots: every car's latest world position (x, z), one series per driver. Line: the outline, the path of ${car:text} in the time range.",
      targets: [
        { format: "table", query: `SELECT last("racetel.car.world_position.x") AS "x", last("racetel.car.world_position.z") AS "z" FROM ${M} ${SESSION_WHERE} AND "wheel" = '' AND "lap" = '' AND "driver" != '' GROUP BY "car_index", "driver"` },
        { format: "table", query: `SELECT "racetel.car.world_position.x" AS "x", "racetel.car.world_position.z" AS "z" FROM ${M} ${CAR_WHERE} AND "lap" = ''` },
      ],
      // One frame per driver (the series are named by it); the outline query is left as it is.
      transformations: [{ id: "partitionByValues", options: { fields: ["driver"], keepFields: false, naming: { asLabels: false } }, filter: { id: "byRefId", options: "A" } }],
      options: { mapping: "auto", series: [], legend: { showLegend: true, displayMode: "list", placement: "right" }, tooltip: { mode: "single" } },
      fieldConfig: { custom: { show: "points", pointSize: { fixed: 10 } } },
      overrides: [{ matcher: { id: "byFrameRefID", options: "B" }, properties: [{ id: "custom.show", value: "lines" }, { id: "color", value: { mode: "fixed", fixedColor: "#555555" } }, { id: "displayName", value: "track" }] }] },
    { type: "xychart", title: "Driving line of ${car:text} (colour: speed)", w: 10, h: 20, unit: "lengthm",
      targets: [{ format: "table", query: `SELECT "racetel.car.world_position.x" AS "x", "racetel.car.world_position.z" AS "z", "racetel.car.speed" * 3.6 AS "speed" FROM ${M} ${CAR_WHERE}` }],
      options: { mapping: "manual", series: [{ x: { matcher: { id: "byName", options: "x" } }, y: { matcher: { id: "byName", options: "z" } }, color: { matcher: { id: "byName", options: "speed" } } }],
        legend: { showLegend: false, displayMode: "list", placement: "bottom" }, tooltip: { mode: "single" } },
      fieldConfig: { custom: { show: "points", pointSize: { fixed: 4 } } },
      overrides: [byName("speed", [{ id: "unit", value: "velocitykmh" }, { id: "color", value: { mode: "continuous-GrYlRd" } }])] },
  ],
};

// Grouped by car too: lap records sent before the game announced the driver carry driver "".
const lapsByDriver = (fields: string): string => `SELECT ${fields} FROM ${M} WHERE ${SESSION} AND ${CARS} AND "lap" != '' AND "wheel" = '' AND $timeFilter GROUP BY "car_index", "driver", "lap"`;
const toLapNumber: DataTransformerConfig = { id: "convertFieldType", options: { conversions: [{ targetField: "lap", destinationType: "number" }], fields: {} } };
const byDriver: DataTransformerConfig = { id: "partitionByValues", options: { fields: ["car_index", "driver"], keepFields: false } };

/** racetel.v1.ResultStatus numbers. */
const resultStatusMapping = enumMapping({ 2: ["Running"], 3: ["Finished", "green"], 4: ["DNF", "red"], 5: ["DSQ", "red"], 6: ["Not classified", "orange"], 7: ["Retired", "red"] });
const yesMark = (text: string, color: string) => enumMapping({ 0: [""], 1: [text, color] });
const lapTimeColumns = ["Lap time", "S1", "S2", "S3"].map((name) => byName(name, [{ id: "unit", value: "s" }, { id: "decimals", value: 3 }]));

const raceAnalysis: DashboardSpec = {
  uid: "racetel-race-analysis",
  title: "racetel / Race analysis",
  description: "Tyre strategy, lap times with in-laps, out-laps and invalid laps, positions by lap, pit stops, the events and the final classification.",
  tags: ["analysis"],
  variables: [sessionVar, carsVar],
  timeFrom: "now-3h",
  refresh: "",
  annotations: raceAnnotations,
  links: [{ title: "Timing tower", uid: "racetel-timing-tower" }, { title: "Lap comparison", uid: "racetel-lap-comparison" }],
  panels: [
    { type: "state-timeline", title: "Tyre strategy", w: 24, h: 12, mappings: [compoundMapping],
      description: "The compound of each driver over the session; pit stops are the blue marks (on the in-lap, once per stop).",
      targets: [{ query: `SELECT last("racetel.car.tyre.compound") FROM ${M} WHERE ${SESSION} AND ${CARS} AND "wheel" = '' AND "lap" = '' AND "driver" != '' AND $timeFilter GROUP BY time($__interval), "driver" fill(previous)`, alias: "$tag_driver" }],
      options: { showValue: "never", mergeValues: true, rowHeight: 0.8, legend: { showLegend: false, displayMode: "list", placement: "bottom" } } },
    { type: "table", title: "Pit stops", w: 8, h: 12,
      description: "One row per stop, on the lap the car came in (its in-lap), with the tyre it came in on.",
      targets: [{ format: "table", query: `SELECT last("racetel.lap.pit_entry") AS "Stop", last("racetel.lap.tyre.compound") AS "Tyre in" FROM ${M} WHERE ${SESSION} AND ${CARS} AND "racetel.lap.pit_entry" = 1 AND $timeFilter GROUP BY "driver", "lap"` }],
      transformations: [{ id: "organize", options: { excludeByName: { Time: true, Stop: true }, renameByName: { driver: "Driver", lap: "In-lap" } } }],
      overrides: [byName("Tyre in", [{ id: "mappings", value: [compoundMapping] }, { id: "custom.cellOptions", value: { type: "color-text" } }])] },
    { type: "xychart", title: "Lap time by lap", w: 16, h: 12, unit: "s",
      description: "Finished laps of the selected drivers. The laps table marks in-laps, out-laps and invalid laps.",
      targets: [{ format: "table", query: lapsByDriver(`last("racetel.lap.time") AS "lap_time"`) }],
      transformations: [toLapNumber, byDriver],
      options: { mapping: "auto", series: [], legend: { showLegend: true, displayMode: "list", placement: "right" }, tooltip: { mode: "multi" } },
      fieldConfig: { custom: { show: "points+lines", pointSize: { fixed: 5 } } } },
    { type: "table", title: "Laps (in-laps, out-laps and invalid laps marked)", w: 24, h: 12,
      targets: [{ format: "table", query: lapsByDriver(`last("racetel.lap.time") AS "Lap time", last("racetel.lap.sector1_time") AS "S1", last("racetel.lap.sector2_time") AS "S2", last("racetel.lap.sector3_time") AS "S3", last("racetel.lap.tyre.compound") AS "Tyre", last("racetel.lap.pit_entry") AS "In-lap", last("racetel.lap.pit") AS "Pit", last("racetel.lap.position") AS "Pos", last("racetel.lap.valid") AS "Valid"`) }],
      transformations: [{ id: "organize", options: { excludeByName: { Time: true, car_index: true }, renameByName: { driver: "Driver" } } }, toLapNumber],
      options: { sortBy: [{ displayName: "Lap time", desc: false }] },
      overrides: [
        ...lapTimeColumns,
        byName("Tyre", [{ id: "mappings", value: [compoundMapping] }, { id: "custom.cellOptions", value: { type: "color-text" } }]),
        byName("In-lap", [{ id: "mappings", value: [yesMark("IN", "blue")] }, { id: "custom.cellOptions", value: { type: "color-text" } }]),
        // racetel.lap.pit is 1 on the in-lap and the out-lap: on a lap that is not the in-lap it marks the out-lap.
        byName("Pit", [{ id: "mappings", value: [yesMark("pit lane", "orange")] }, { id: "custom.cellOptions", value: { type: "color-text" } }]),
        byName("Valid", [{ id: "mappings", value: [enumMapping({ 0: ["INVALID", "red"], 1: ["valid", "green"] })] }, { id: "custom.cellOptions", value: { type: "color-text" } }]),
      ] },
    { type: "xychart", title: "Position by lap", w: 12, h: 10,
      description: "Position at the end of each lap (live timing, F1 25 lap positions).",
      targets: [{ format: "table", query: lapsByDriver(`last("racetel.lap.position") AS "position"`) }],
      transformations: [toLapNumber, byDriver],
      options: { mapping: "auto", series: [], legend: { showLegend: true, displayMode: "list", placement: "right" }, tooltip: { mode: "multi" } },
      fieldConfig: { custom: { show: "points+lines", pointSize: { fixed: 5 }, transform: "negative-Y" } } },
    { type: "xychart", title: "Position through each lap (live)", w: 12, h: 10,
      description: "Lap and position every 10 s from live timing: fills laps racetel watched that have no lap record (a capture joined mid-race, F1 23/24 lap history has no positions).",
      targets: [{ format: "table", query: `SELECT last("racetel.car.lap.number") AS "lap", last("racetel.car.race_position") AS "position" FROM ${M} WHERE ${SESSION} AND ${CARS} AND "wheel" = '' AND "lap" = '' AND "driver" != '' AND $timeFilter GROUP BY time(10s), "car_index", "driver" fill(none)` }],
      transformations: [byDriver],
      options: { mapping: "auto", series: [], legend: { showLegend: true, displayMode: "list", placement: "right" }, tooltip: { mode: "multi" } },
      fieldConfig: { custom: { show: "points+lines", pointSize: { fixed: 4 } } } },
    { type: "timeseries", title: "Positions", w: 24, h: 10, min: 1, max: 22, decimals: 0,
      fieldConfig: { custom: { transform: "negative-Y", lineWidth: 2 } },
      description: "Drawn upside down so P1 is at the top.",
      targets: [{ query: `SELECT last("racetel.car.race_position") FROM ${M} WHERE ${SESSION} AND ${CARS} AND "driver" != '' AND $timeFilter GROUP BY time($__interval), "driver" fill(previous)`, alias: "$tag_driver" }] },
    eventsTable,
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
