// Evaluates racetel's provisioned alert rules (grafana/provisioning/alerting/racetel.yaml) against a real
// InfluxDB the way Grafana's alerting does for the expressions they use: query A per series (its tags are
// the alert's labels), reduce B (last, max, min or sum; NaN and null dropped), threshold C (gt or lt).
// Grafana itself cannot run here; the queries, the data and the decision are the real ones.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import type { InfluxDb } from "./influxdb.js";
import { repoRoot } from "./process.js";

export interface ProvisionedRule {
  uid: string;
  title: string;
  query: string;
  reducer: string;
  comparison: string;
  threshold: number;
}

export function loadAlertRules(): ProvisionedRule[] {
  const doc = parse(readFileSync(path.join(repoRoot, "grafana/provisioning/alerting/racetel.yaml"), "utf8")) as {
    groups: { rules: { uid: string; title: string; data: { refId: string; model: Record<string, unknown> }[] }[] }[];
  };
  return doc.groups.flatMap((g) => g.rules).map((r) => {
    const model = (ref: string): Record<string, unknown> => r.data.find((d) => d.refId === ref)!.model;
    const condition = (model("C").conditions as { evaluator: { type: string; params: number[] } }[])[0]!.evaluator;
    return { uid: r.uid, title: r.title, query: String(model("A").query), reducer: String(model("B").reducer), comparison: condition.type, threshold: condition.params[0]! };
  });
}

/** A series that fires: its labels (session_id, car_index, driver) and the reduced value. */
export interface Firing {
  labels: Record<string, string>;
  value: number;
}

/** The series of `rule` that fire over `timeFilter` (InfluxQL replacing Grafana's $timeFilter). */
export async function evaluateRule(influx: InfluxDb, rule: ProvisionedRule, timeFilter: string): Promise<Firing[]> {
  const result = (await influx.query(rule.query.replaceAll("$timeFilter", timeFilter)))[0];
  if (result?.error !== undefined) throw new Error(`${rule.uid}: InfluxQL error ${result.error}`);
  const out: Firing[] = [];
  for (const s of result?.series ?? []) {
    const values = s.values.map((row) => row[1]).filter((x): x is number => typeof x === "number" && Number.isFinite(x));
    if (values.length === 0) continue;
    const reduced = rule.reducer === "last" ? values[values.length - 1]! : rule.reducer === "max" ? Math.max(...values)
      : rule.reducer === "min" ? Math.min(...values) : rule.reducer === "sum" ? values.reduce((a, b) => a + b, 0) : Number.NaN;
    if (Number.isNaN(reduced)) throw new Error(`${rule.uid}: reducer ${rule.reducer} is not one this harness knows`);
    const fires = rule.comparison === "gt" ? reduced > rule.threshold : rule.comparison === "lt" ? reduced < rule.threshold : undefined;
    if (fires === undefined) throw new Error(`${rule.uid}: comparison ${rule.comparison} is not one this harness knows`);
    if (fires) out.push({ labels: s.tags ?? {}, value: reduced });
  }
  return out;
}
