// Small builders for Grafana dashboard JSON (schemaVersion 39) with InfluxQL targets on the provisioned
// racetel InfluxDB datasource. Only what racetel's dashboards use. The results are typed with Grafana's
// own dashboard schema types (@grafana/schema, generated from Grafana's CUE kinds), so `tsc` rejects a
// misspelled or misplaced dashboard, panel, variable, field-config or mapping key.
import { FieldColorModeId, MappingType, ThresholdsMode, type Dashboard, type DataQuery, type DataTransformerConfig, type Panel, type RowPanel, type ValueMapping, type VariableModel } from "@grafana/schema";

/** The provisioned datasource every panel and variable uses (docs/backend.md, Helm chart). */
export const DATASOURCE = { type: "influxdb", uid: "racetel-influxdb" } as const;
/** Every racetel metric is a field of this measurement (collector metrics_schema telegraf-prometheus-v2). */
export const M = `"prometheus"`;

export const SESSION = `"session_id" = '$session'`;
export const CAR = `"car_index" = '$car'`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Target {
  query: string;
  alias?: string;
  format?: "time_series" | "table";
}

export interface Threshold { color: string; value: number | null }

export interface PanelSpec {
  type: "timeseries" | "stat" | "gauge" | "table" | "xychart" | "bargauge" | "state-timeline" | "text";
  title: string;
  description?: string;
  w: number;
  h: number;
  targets: Target[];
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  thresholds?: Threshold[];
  /** Colour by thresholds (stat, table cells) instead of the palette. */
  colorByThresholds?: boolean;
  mappings?: ValueMapping[];
  options?: JsonObject;
  fieldConfig?: JsonObject;
  overrides?: Overrides;
  transformations?: DataTransformerConfig[];
}

export interface RowSpec { row: string }

export interface VariableSpec {
  name: string;
  label: string;
  query: string;
  /** Refresh on time range change (2) for queries using $timeFilter, else on load (1). */
  timeRangeRefresh?: boolean;
  /** Grafana's regex with named groups `text` and `value`: what the picker shows and what queries get. */
  regex?: string;
  /** Grafana's sort (by the text): 1 alphabetical, 2 alphabetical descending, 3 numerical, 4 numerical descending, 5 case-insensitive. */
  sort?: 1 | 2 | 3 | 4 | 5;
  /** Several values and an "All" option; queries then match with =~ /^$name$/. */
  multi?: boolean;
  /** A value typed on the dashboard (a threshold) instead of a query: `query` is then its default. */
  textbox?: boolean;
}

/** A dashboard annotation from an InfluxQL query (marks on every time-series panel). */
export interface AnnotationSpec {
  name: string;
  query: string;
  color: string;
  /** Columns of the query: the annotation's text and tags. */
  textColumn: string;
  tagsColumn?: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: VariableSpec[];
  panels: (PanelSpec | RowSpec)[];
  timeFrom?: string;
  refresh?: string;
  annotations?: AnnotationSpec[];
  /** Dashboards linked from this one (their uids), carrying the time range and the variables. */
  links?: { title: string; uid: string }[];
}

/** Colours for tyre carcass temperature: cold below the window, optimal inside, hot above. */
export function tyreTemperatureSteps(optimalFrom: number, hotFrom: number): Threshold[] {
  return [
    { color: "blue", value: null },
    { color: "green", value: optimalFrom },
    { color: "red", value: hotFrom },
  ];
}

export function variable(spec: VariableSpec): VariableModel {
  if (spec.textbox === true) {
    return { name: spec.name, label: spec.label, type: "textbox", query: spec.query, current: { text: spec.query, value: spec.query }, hide: 0, options: [] };
  }
  return {
    name: spec.name,
    label: spec.label,
    type: "query",
    datasource: { ...DATASOURCE },
    query: spec.query,
    refresh: spec.timeRangeRefresh === true ? 2 : 1,
    sort: spec.sort ?? 3,
    includeAll: spec.multi === true,
    multi: spec.multi === true,
    ...(spec.multi === true ? { current: { text: ["All"], value: ["$__all"] } } : {}),
    hide: 0,
    options: [],
    regex: spec.regex ?? "",
  };
}

/** The InfluxDB datasource's query model (raw InfluxQL) on top of Grafana's common DataQuery. */
export type InfluxQuery = Pick<DataQuery, "refId" | "hide" | "queryType"> & { datasource: typeof DATASOURCE | { type: string; uid: string }; query: string; rawQuery: true; resultFormat: "time_series" | "table"; alias?: string };
type Overrides = NonNullable<Panel["fieldConfig"]>["overrides"];

function target(t: Target, refId: string): InfluxQuery {
  return {
    refId,
    datasource: { ...DATASOURCE },
    rawQuery: true,
    query: t.query,
    resultFormat: t.format ?? "time_series",
    ...(t.alias !== undefined ? { alias: t.alias } : {}),
  };
}

function defaultOptions(type: PanelSpec["type"]): JsonObject {
  switch (type) {
    case "stat":
      return { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "value", graphMode: "none", textMode: "auto", justifyMode: "auto", orientation: "auto" };
    case "gauge":
      return { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, showThresholdMarkers: true, showThresholdLabels: false };
    case "bargauge":
      return { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, orientation: "horizontal", displayMode: "gradient" };
    case "timeseries":
      return { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "none" } };
    case "table":
      return { showHeader: true, cellHeight: "sm" };
    case "state-timeline":
      return { showValue: "auto", mergeValues: true, rowHeight: 0.9 };
    default:
      return {};
  }
}

/** Lays panels out left to right in 24-column rows and numbers them. */
export function dashboard(spec: DashboardSpec): Dashboard {
  const panels: (Panel | RowPanel)[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let id = 1;
  for (const item of spec.panels) {
    if ("row" in item) {
      if (x > 0) { y += rowHeight; x = 0; rowHeight = 0; }
      panels.push({ id: id++, type: "row", title: item.row, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
      y += 1;
      continue;
    }
    if (x + item.w > 24) { y += rowHeight; x = 0; rowHeight = 0; }
    const defaults: NonNullable<Panel["fieldConfig"]>["defaults"] = {
      ...(item.unit !== undefined ? { unit: item.unit } : {}),
      ...(item.decimals !== undefined ? { decimals: item.decimals } : {}),
      ...(item.min !== undefined ? { min: item.min } : {}),
      ...(item.max !== undefined ? { max: item.max } : {}),
      thresholds: { mode: ThresholdsMode.Absolute, steps: item.thresholds ?? [{ color: "green", value: null }] },
      color: { mode: item.colorByThresholds === true ? FieldColorModeId.Thresholds : FieldColorModeId.PaletteClassic },
      mappings: item.mappings ?? [],
      ...(item.fieldConfig ?? {}),
    };
    panels.push({
      id: id++,
      type: item.type,
      title: item.title,
      ...(item.description !== undefined ? { description: item.description } : {}),
      datasource: { ...DATASOURCE },
      gridPos: { h: item.h, w: item.w, x, y },
      fieldConfig: { defaults, overrides: item.overrides ?? [] },
      options: { ...defaultOptions(item.type), ...(item.options ?? {}) },
      targets: item.targets.map((t, i) => target(t, String.fromCharCode(65 + i))),
      ...(item.transformations !== undefined ? { transformations: item.transformations } : {}),
    });
    x += item.w;
    rowHeight = Math.max(rowHeight, item.h);
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ["racetel", ...spec.tags],
    editable: true,
    graphTooltip: 1, // shared crosshair: traces line up across panels
    schemaVersion: 39,
    version: 1,
    timezone: "browser",
    time: { from: spec.timeFrom ?? "now-5m", to: "now" },
    refresh: spec.refresh ?? "5s",
    annotations: { list: (spec.annotations ?? []).map(annotation) },
    links: [
      ...(spec.links ?? []).map((l) => ({ title: l.title, type: "link" as const, url: `/d/${l.uid}/${l.uid}`, tags: [], asDropdown: false, includeVars: true, keepTime: true, icon: "dashboard", targetBlank: false, tooltip: "" })),
      { title: "racetel", type: "dashboards", tags: ["racetel"], asDropdown: true, includeVars: true, keepTime: true, icon: "external link", targetBlank: false, tooltip: "" },
    ],
    templating: { list: spec.variables.map(variable) },
    panels,
  };
}

/**
 * An InfluxQL annotation. Grafana's InfluxDB datasource reads `query` with `textColumn`/`tagsColumn`
 * (the same fields in `target` for Grafana 10+, which runs it on the back end).
 */
function annotation(a: AnnotationSpec): JsonObject & { name: string; enable: boolean; iconColor: string } {
  const columns = { textColumn: a.textColumn, ...(a.tagsColumn !== undefined ? { tagsColumn: a.tagsColumn } : {}) };
  return {
    name: a.name,
    datasource: { ...DATASOURCE },
    enable: true,
    hide: false,
    iconColor: a.color,
    query: a.query,
    ...columns,
    target: { refId: "Anno", query: a.query, rawQuery: true, resultFormat: "table", ...columns },
  };
}

/** Value mappings from enum numbers to text (and colour). */
export function enumMapping(entries: Record<number, [string, string?]>): ValueMapping {
  const options: Record<string, { text: string; color?: string; index: number }> = {};
  for (const [value, [text, color]] of Object.entries(entries)) {
    options[value] = { text, ...(color !== undefined ? { color } : {}), index: Number(value) };
  }
  return { type: MappingType.ValueToText, options };
}
