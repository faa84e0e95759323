// Writes grafana/dashboards/<name>.json from dashboards.ts and the alert rules from insights.ts:
// node --import tsx grafana/src/build.ts
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dashboards } from "./dashboards.js";
import { alertingYaml } from "./insights.js";

export const dashboardsDir = path.resolve(import.meta.dirname, "../dashboards");
export const alertingFile = path.resolve(import.meta.dirname, "../provisioning/alerting/racetel.yaml");

/** The exact bytes committed for a dashboard (the test compares them with the generator's output). */
export function render(json: unknown): string {
  return `${JSON.stringify(json, null, 2)}\n`;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.dirname, "build.ts")) {
  mkdirSync(dashboardsDir, { recursive: true });
  for (const [name, json] of Object.entries(dashboards)) {
    writeFileSync(path.join(dashboardsDir, `${name}.json`), render(json));
    console.log(`wrote grafana/dashboards/${name}.json`);
  }
  mkdirSync(path.dirname(alertingFile), { recursive: true });
  writeFileSync(alertingFile, alertingYaml());
  console.log("wrote grafana/provisioning/alerting/racetel.yaml");
}
