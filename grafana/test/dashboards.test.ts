// The committed dashboard JSON is what the generator produces, and it is well-formed Grafana dashboard
// JSON: known panel types, the provisioned datasource uid on every panel/target/variable, every
// $variable used is defined, panels inside the 24-column grid without overlaps, InfluxQL on our measurement.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { dashboards } from "../src/dashboards.js";
import { dashboardsDir, render } from "../src/build.js";

// Panel types shipped with Grafana (10.x/11.x core panels); a typo here would render as "panel not found".
const corePanelTypes = new Set(["row", "timeseries", "stat", "gauge", "bargauge", "table", "xychart", "state-timeline", "status-history", "barchart", "text", "piechart", "histogram", "heatmap", "logs", "news", "dashlist", "alertlist", "nodeGraph", "traces", "flamegraph", "geomap", "canvas", "trend", "candlestick", "datagrid"]);
const builtInVariables = new Set(["timeFilter", "__interval", "__interval_ms", "__from", "__to", "__range", "col"]);
const DATASOURCE_UID = "racetel-influxdb";

interface Panel {
  id: number; type: string; title: string; description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; query: string; rawQuery: boolean; alias?: string; resultFormat: string; datasource: { type: string; uid: string } }[];
  fieldConfig?: { defaults: { unit?: string; thresholds?: { steps: { color: string; value: number | null }[] } } };
}
interface Dashboard {
  uid: string; title: string; schemaVersion: number; panels: Panel[];
  templating: { list: { name: string; type: string; query: string; regex?: string; datasource: { type: string; uid: string } }[] };
}

const files = readdirSync(dashboardsDir).filter((f) => f.endsWith(".json")).sort();
const loaded = files.map((f) => ({ file: f, json: JSON.parse(readFileSync(path.join(dashboardsDir, f), "utf8")) as Dashboard }));

function variablesUsed(text: string): string[] {
  return [...text.matchAll(/\$(\w+)|\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

describe("grafana dashboards", () => {
  it("are exactly the generator's output (run: node --import tsx grafana/src/build.ts)", () => {
    assert.deepEqual(files, Object.keys(dashboards).map((n) => `${n}.json`).sort());
    for (const [name, json] of Object.entries(dashboards)) {
      const committed = readFileSync(path.join(dashboardsDir, `${name}.json`), "utf8");
      assert.equal(committed, render(json), `${name}.json is stale`);
    }
  });

  it("cover the six dashboards of issue 6 with unique uids", () => {
    const uids = loaded.map((d) => d.json.uid);
    assert.equal(new Set(uids).size, uids.length);
    for (const name of ["live-car", "timing-tower", "lap-comparison", "track-map", "race-analysis", "pipeline-health"]) {
      assert.ok(files.includes(`${name}.json`), `${name}.json missing`);
    }
    for (const uid of uids) assert.ok(uid.length <= 40 && /^[a-z0-9-]+$/.test(uid), `bad uid ${uid}`);
  });

  for (const { file, json } of loaded) {
    describe(file, () => {
      it("uses known panel types, unique ids and the racetel-influxdb datasource everywhere", () => {
        assert.ok(json.schemaVersion >= 36, "schemaVersion");
        const ids = json.panels.map((p) => p.id);
        assert.equal(new Set(ids).size, ids.length, "duplicate panel ids");
        for (const panel of json.panels) {
          assert.ok(corePanelTypes.has(panel.type), `${panel.title}: unknown panel type ${panel.type}`);
          if (panel.type === "row") continue;
          assert.deepEqual(panel.datasource, { type: "influxdb", uid: DATASOURCE_UID }, panel.title);
          assert.ok((panel.targets ?? []).length > 0, `${panel.title}: no query`);
          for (const t of panel.targets ?? []) {
            assert.deepEqual(t.datasource, { type: "influxdb", uid: DATASOURCE_UID }, `${panel.title} ${t.refId}`);
            assert.equal(t.rawQuery, true);
            assert.match(t.query, /^SELECT .* FROM "prometheus" WHERE .*\$timeFilter/, `${panel.title}: ${t.query}`);
            assert.ok(["time_series", "table"].includes(t.resultFormat));
            assert.equal((t.query.match(/'/g) ?? []).length % 2, 0, `${panel.title}: unbalanced quotes`);
            assert.equal((t.query.match(/"/g) ?? []).length % 2, 0, `${panel.title}: unbalanced double quotes`);
          }
        }
        for (const v of json.templating.list) {
          if (v.type === "textbox") {
            // A threshold typed on the dashboard: its default is a number, shared with the alert rules.
            assert.ok(Number.isFinite(Number(v.query)), `variable ${v.name}: a number by default, got "${v.query}"`);
            continue;
          }
          assert.equal(v.type, "query");
          assert.deepEqual(v.datasource, { type: "influxdb", uid: DATASOURCE_UID }, `variable ${v.name}`);
          // One label per id (rpc's label rows), split into text and value by Grafana's regex.
          assert.match(v.query, /^SELECT "\w+", last\("[\w.]+"\) FROM "prometheus" WHERE .* GROUP BY "\w+"$/, `variable ${v.name}`);
          const regex = /^\/(.*)\/$/.exec(v.regex ?? "")?.[1];
          assert.ok(regex !== undefined, `variable ${v.name}: a /regex/`);
          assert.match(regex, /\(\?<text>/, `variable ${v.name}: a text group`);
          assert.match(regex, /\(\?<value>/, `variable ${v.name}: a value group`);
          assert.doesNotThrow(() => new RegExp(regex));
        }
      });

      it("defines every variable it uses, and offers session (and car where it shows one car)", () => {
        const defined = new Set(json.templating.list.map((v) => v.name));
        const texts: string[] = [];
        for (const panel of json.panels) {
          texts.push(panel.title, panel.description ?? "");
          for (const t of panel.targets ?? []) texts.push(t.query, t.alias ?? "");
        }
        for (const v of json.templating.list) texts.push(v.query);
        for (const name of texts.flatMap(variablesUsed)) {
          if (builtInVariables.has(name) || name.startsWith("tag_")) continue;
          assert.ok(defined.has(name), `$${name} is used but not defined`);
        }
        const usesSession = texts.some((t) => t.includes("$session"));
        if (usesSession) assert.ok(defined.has("session"));
        if (json.uid !== "racetel-pipeline-health") assert.ok(defined.has("session"), "session variable");
        // Variables must be declared before the ones that depend on them (Grafana resolves in order).
        const order = json.templating.list.map((v) => v.name);
        json.templating.list.forEach((v, i) => {
          for (const dep of variablesUsed(v.query)) {
            if (builtInVariables.has(dep)) continue;
            assert.ok(order.indexOf(dep) < i, `variable ${v.name} uses $${dep} declared after it`);
          }
        });
      });

      it("lays panels out inside the 24-column grid without overlaps (readable at 1080p)", () => {
        const boxes = json.panels.map((p) => p.gridPos);
        for (const [i, b] of boxes.entries()) {
          assert.ok(b.x >= 0 && b.w >= 1 && b.x + b.w <= 24, `panel ${i} outside grid`);
          assert.ok(b.h >= 1);
          for (const other of boxes.slice(i + 1)) {
            const overlap = b.x < other.x + other.w && other.x < b.x + b.w && b.y < other.y + other.h && other.y < b.y + b.h;
            assert.ok(!overlap, `panels overlap: ${JSON.stringify(b)} ${JSON.stringify(other)}`);
          }
        }
        for (const p of json.panels) {
          if (p.type === "row" || p.type === "table") continue;
          assert.ok(p.gridPos.w >= 2 && p.gridPos.h >= 4, `${p.title}: too small to read`);
        }
      });
    });
  }

  it("colours tyre temperatures cold (blue) / optimal (green) / hot (red)", () => {
    const live = loaded.find((d) => d.json.uid === "racetel-live-car")?.json;
    assert.ok(live);
    const tyre = live.panels.filter((p) => p.type === "stat" && /Tyre (surface|inner|core) temperature/.test(p.title));
    assert.equal(tyre.length, 3);
    for (const p of tyre) {
      assert.deepEqual(p.fieldConfig?.defaults.thresholds?.steps.map((s) => s.color), ["blue", "green", "red"]);
      assert.equal(p.fieldConfig?.defaults.unit, "celsius");
    }
  });
});
