// Runs Grafana dashboards' InfluxQL against a real InfluxDB the way Grafana would: template variables
// resolved in order from their own queries, $timeFilter and $__interval filled in.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { InfluxDb, InfluxResult } from "./influxdb.js";
import { repoRoot } from "./process.js";

export const dashboardsDir = path.join(repoRoot, "grafana/dashboards");

export interface DashboardTarget { refId: string; query: string }
export interface DashboardPanel { id: number; type: string; title: string; targets?: DashboardTarget[] }
export interface DashboardVariable { name: string; query: string }
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

/** Values a template variable query offers, as Grafana's InfluxDB datasource reads them. */
export function variableValues(result: InfluxResult | undefined): string[] {
  const out = new Set<string>();
  for (const series of result?.series ?? []) {
    // SHOW TAG VALUES: columns [key, value]; SELECT: [time, value]
    for (const row of series.values) {
      const value = row[1];
      if (value !== null && value !== undefined && value !== "") out.add(String(value));
    }
  }
  return [...out].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}

/**
 * Resolves a dashboard's variables in declaration order. `prefer` picks a value by variable name
 * (e.g. car_b = a different car than car); default: the first value.
 */
export async function resolveVariables(influx: InfluxDb, dashboard: DashboardJson, prefer: Record<string, (options: string[], chosen: Record<string, string>) => string | undefined> = {}): Promise<{ values: Record<string, string>; empty: string[] }> {
  const values: Record<string, string> = {};
  const empty: string[] = [];
  for (const v of dashboard.templating.list) {
    const results = await influx.query(interpolate(v.query, values));
    if (results[0]?.error !== undefined) throw new Error(`variable ${v.name}: ${results[0].error}`);
    const options = variableValues(results[0]);
    const chosen = prefer[v.name]?.(options, values) ?? options[0];
    if (chosen === undefined) empty.push(v.name);
    else values[v.name] = chosen;
  }
  return { values, empty };
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
