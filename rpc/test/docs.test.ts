// docs/metrics.md is the contract for the collector and the dashboards: it must name every metric rpc
// exports, and every full metric name it lists must exist.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { METRIC_NAMES } from "@racetel/rpc/metrics/catalogue";

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
