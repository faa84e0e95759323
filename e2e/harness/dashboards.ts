// Runs Grafana dashboards' InfluxQL against a real InfluxDB the way Grafana would: template variables
// resolved in order from their own queries, $timeFilter and $__interval filled in.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { InfluxDb, InfluxResult } from "./influxdb.js";
import { repoRoot } from "./process.js";

export const dashboardsDir = path.join(repoRoot, "grafana/dashboards");

export interface DashboardTarget { refId: string; query: string }
export interface DashboardPanel { id: number; type: string; title: string; targets?: DashboardTarget[] }
export interface DashboardVariable { name: string; type?: string; query: string; regex?: string; sort?: number; includeAll?: boolean }
export interface DashboardJson { uid: string; title: string; panels: DashboardPanel[]; templating: { list: DashboardVariable[] } }

export function loadDashboards(): { file: string; json: DashboardJson }[] {
  return readdirSync(dashboardsDir).filter((f) => f.endsWith(".json")).sort()
    .map((file) => ({ file, json: JSON.parse(readFileSync(path.join(dashboardsDir, file), "utf8")) as DashboardJson }));
}

/** The time range a test uses for $timeFilter (the replay's points are stamped with collection time). */
export const TIME_FILTER = "time > now() - 1h";

export function interpolate(query: string, values: Record<string, string>, interval = "1s"): string {
  return query
    .replaceAll("$timeFilter", TIME_FILTER)
    .replaceAll("$__interval", interval)
    .replace(/\$(\w+)/g, (whole, name: string) => values[name] ?? whole);
}

export interface VariableOption { text: string; value: string }

/** The strings a variable query returns, as Grafana's InfluxDB datasource reads them: the first column after time (or key). */
export function variableStrings(result: InfluxResult | undefined): string[] {
  const out: string[] = [];
  for (const series of result?.series ?? []) {
    for (const row of series.values) {
      const value = row[1];
      if (value !== null && value !== undefined && value !== "") out.push(String(value));
    }
  }
  return out;
}

/**
 * A query variable's options the way Grafana makes them from those strings: its regex (named groups
 * `text` and `value`), duplicates of a value dropped (the first kept), then its sort, which orders by the
 * text (1/2 alphabetical, 3/4 by the first number in the text, 5 case-insensitive).
 */
export function variableOptions(strings: string[], regex: string, sort: number): VariableOption[] {
  const re = regex === "" ? undefined : new RegExp(/^\/(.*)\/$/.exec(regex)![1]!);
  const seen = new Set<string>();
  let options: VariableOption[] = [];
  for (const s of strings) {
    let option = { text: s, value: s };
    if (re !== undefined) {
      const m = re.exec(s);
      if (m === null) continue;
      const value = m.groups?.value ?? m.groups?.text ?? m[1] ?? s;
      option = { text: m.groups?.text ?? value, value };
    }
    if (seen.has(option.value)) continue;
    seen.add(option.value);
    options.push(option);
  }
  const firstNumber = (t: string): number => { const m = /.*?(\d+).*/.exec(t); return m === null ? -1 : Number.parseInt(m[1]!, 10); };
  const by = <T>(key: (o: VariableOption) => T) => (a: VariableOption, b: VariableOption): number => { const x = key(a); const y = key(b); return x < y ? -1 : x > y ? 1 : 0; };
  if (sort === 1 || sort === 2) options.sort(by((o) => o.text));
  else if (sort === 3 || sort === 4) options.sort(by((o) => firstNumber(o.text)));
  else if (sort === 5 || sort === 6) options.sort(by((o) => o.text.toLowerCase()));
  if (sort === 2 || sort === 4 || sort === 6) options = options.reverse();
  return options;
}

export interface ResolvedVariables {
  /** What $name becomes in a query: the value, or (a|b|c) for several (Grafana's InfluxDB regex format). */
  values: Record<string, string>;
  options: Record<string, VariableOption[]>;
  empty: string[];
}

/**
 * Resolves a dashboard's variables in declaration order. `prefer` picks a value by variable name
 * (e.g. car_b = a different car than car); default: the first option, or All for a multi-value variable.
 */
export async function resolveVariables(influx: InfluxDb, dashboard: DashboardJson, prefer: Record<string, (options: string[], chosen: Record<string, string>) => string | undefined> = {}): Promise<ResolvedVariables> {
  const values: Record<string, string> = {};
  const optionsOf: Record<string, VariableOption[]> = {};
  const empty: string[] = [];
  for (const v of dashboard.templating.list) {
    if (v.type === "textbox") {
      // A value typed on the dashboard: its default, unless preferred otherwise.
      values[v.name] = prefer[v.name]?.([v.query], values) ?? v.query;
      optionsOf[v.name] = [{ text: v.query, value: v.query }];
      continue;
    }
    const results = await influx.query(interpolate(v.query, values));
    if (results[0]?.error !== undefined) throw new Error(`variable ${v.name}: ${results[0].error}`);
    const options = variableOptions(variableStrings(results[0]), v.regex ?? "", v.sort ?? 0);
    optionsOf[v.name] = options;
    const all = options.map((o) => o.value);
    const preferred = prefer[v.name]?.(all, values);
    if (options.length === 0) empty.push(v.name);
    else if (preferred !== undefined) values[v.name] = preferred;
    else if (v.includeAll === true) values[v.name] = `(${all.map((x) => x.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})`;
    else values[v.name] = all[0]!;
  }
  return { values, options: optionsOf, empty };
}

/** True when some series has a non-null value outside the time column. */
export function hasData(result: InfluxResult | undefined): boolean {
  for (const series of result?.series ?? []) {
    for (const row of series.values) {
      for (let i = 0; i < row.length; i++) {
        if (series.columns[i] !== "time" && row[i] !== null) return true;
      }
    }
  }
  return false;
}
