// The provisioned alert rules (grafana/provisioning/alerting/racetel.yaml): the generator's output, in the
// shape Grafana's file provisioning reads (apiVersion 1, rule groups, A = InfluxQL on the provisioned
// datasource, B = reduce, C = threshold), one rule per insight the issue names, thresholds from the same
// table the dashboards' variables default to. e2e/insights.test.ts runs every rule against a real InfluxDB.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { alertingFile } from "../src/build.js";
import { dashboards } from "../src/dashboards.js";
import { ALERT_RULES, THRESHOLDS, alertingYaml } from "../src/insights.js";

interface Query { refId: string; datasourceUid: string; relativeTimeRange: { from: number; to: number }; model: Record<string, unknown> }
interface Rule { uid: string; title: string; condition: string; data: Query[]; noDataState: string; execErrState: string; for: string; annotations: Record<string, string> }

const committed = readFileSync(alertingFile, "utf8");
const doc = parse(committed) as { apiVersion: number; groups: { orgId: number; name: string; folder: string; interval: string; rules: Rule[] }[] };

describe("grafana alert rules", () => {
  it("are exactly the generator's output (run: node --import tsx grafana/src/build.ts)", () => {
    assert.equal(committed, alertingYaml());
  });

  it("cover tyre window, fuel short, damage and anomaly, each A (InfluxQL) -> B (reduce) -> C (threshold)", () => {
    assert.equal(doc.apiVersion, 1);
    const rules = doc.groups.flatMap((g) => g.rules);
    assert.deepEqual(rules.map((r) => r.uid).sort(), ["racetel-anomaly", "racetel-damage", "racetel-fuel-short", "racetel-tyre-window"]);
    for (const g of doc.groups) {
      assert.ok(g.name !== "" && g.folder !== "");
      assert.match(g.interval, /^\d+[sm]$/);
    }
    for (const r of rules) {
      assert.equal(r.condition, "C", r.uid);
      const [a, b, c] = r.data;
      assert.equal(a!.datasourceUid, "racetel-influxdb");
      assert.equal(a!.model.rawQuery, true);
      assert.match(String(a!.model.query), /^SELECT .* FROM "prometheus" WHERE .*\$timeFilter GROUP BY "session_id", "car_index", "driver"$/, r.uid);
      assert.ok(a!.relativeTimeRange.from > 0);
      assert.equal(b!.datasourceUid, "__expr__");
      assert.equal(b!.model.type, "reduce");
      assert.equal(b!.model.expression, "A");
      assert.equal(c!.model.type, "threshold");
      assert.equal(c!.model.expression, "B");
      assert.ok(["OK", "NoData", "Alerting", "KeepLast"].includes(r.noDataState));
      assert.match(r.annotations.description!, /\{\{ \$labels\.car_index \}\}/);
      // No ${...}: Grafana would fill it from its environment (with nothing), not from a dashboard.
      assert.doesNotMatch(JSON.stringify(r), /\$\{/);
    }
  });

  it("take their thresholds from the table the dashboards' threshold variables default to", () => {
    for (const spec of ALERT_RULES) assert.ok(Object.values(THRESHOLDS).some((t) => t.name === spec.threshold.name), spec.uid);
    for (const name of ["live-car", "timing-tower"]) {
      const vars = dashboards[name]!.templating!.list!;
      for (const t of Object.values(THRESHOLDS)) {
        const v = vars.find((x) => x.name === t.name);
        assert.ok(v !== undefined, `${name} offers $${t.name}`);
        assert.equal(v.type, "textbox");
        assert.equal(v.query, String(t.value));
      }
    }
  });
});
