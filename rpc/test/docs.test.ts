// docs/metrics.md is the contract for the collector and the dashboards: it must name every metric rpc
// exports, and every full metric name it lists must exist.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { METRIC_NAMES } from "@racetel/rpc/metrics/catalogue";
import { INSIGHT_EVENTS } from "../src/insights/metrics.js";
import { WINDOW_TABLE } from "../src/insights/windows.js";
import { rpcFlagOptions } from "../src/config.js";

const doc = readFileSync(new URL("../../docs/metrics.md", import.meta.url), "utf8");

describe("docs/metrics.md", () => {
  it("documents every exported metric", () => {
    for (const name of METRIC_NAMES) {
      const last = name.slice(name.lastIndexOf(".") + 1);
      // Rows may abbreviate siblings: `racetel.car.g_force.lateral` / `.longitudinal` / `.vertical`.
      assert.ok(doc.includes(`\`${name}\``) || doc.includes(`\`.${last}\``) || doc.includes(`\`${last}\``), `${name} is not in docs/metrics.md`);
    }
  });

  it("lists no metric rpc does not export", () => {
    const exported = new Set(METRIC_NAMES);
    for (const m of doc.matchAll(/`(racetel\.[a-z0-9_.]+)`/g)) {
      assert.ok(exported.has(m[1]!), `docs/metrics.md lists ${m[1]}, which rpc does not export`);
    }
  });
});

describe("docs/insights.md", () => {
  const insights = readFileSync(new URL("../../docs/insights.md", import.meta.url), "utf8");
  it("lists every tyre temperature window rpc uses, with its numbers", () => {
    for (const w of WINDOW_TABLE) {
      const row = `| ${w.game} | ${w.temperature} | ${w.compound.replace("TYRE_COMPOUND_", "")} | ${w.window.low}-${w.window.high} °C |`;
      assert.ok(insights.includes(row), `missing: ${row}`);
    }
  });

  it("names every insight event and every --insight flag", () => {
    for (const name of INSIGHT_EVENTS) assert.ok(insights.includes(`\`${name}\``) || insights.includes(`\`anomaly_*\``), `${name}`);
    for (const flag of Object.keys(rpcFlagOptions).filter((f) => f.startsWith("insight"))) assert.ok(insights.includes(`--${flag}`), `--${flag}`);
  });
});
