// CI's share of `npm run fuzz`: every target gets mutated real inputs, nothing escapes, nothing out of
// range gets through; and the oracle does catch what it is there to catch.
import assert from "node:assert/strict";
import { test } from "node:test";
import { racetel } from "@racetel/proto";
import { runFuzz } from "../src/run.js";
import { frameProblem } from "../src/targets.js";

test("the oracle flags what must never leave a checkpoint", () => {
  const labels = { sessionId: "123", carIndex: 1, source: "f1:10.0.0.1", driver: "VER" };
  assert.equal(frameProblem({ labels, telemetry: { speedMps: 80 } }), undefined);
  assert.match(frameProblem({ labels, telemetry: { speedMps: Number.NaN } }) ?? "", /telemetry\.speedMps/);
  assert.match(frameProblem({ labels, telemetry: { speedMps: 1e30 } }) ?? "", /out of range: telemetry\.speedMps/);
  assert.match(frameProblem({ labels: { ...labels, driver: "NL\nX" }, telemetry: { speedMps: 80 } }) ?? "", /label driver/);
  assert.match(frameProblem({ labels: { ...labels, sessionId: "a b" }, telemetry: { speedMps: 80 } }) ?? "", /session id/);
  assert.match(frameProblem({ labels, lap: { lastLapTimeMs: 4_294_967_280 } }) ?? "", /lap\.lastLapTimeMs/);
  assert.equal(frameProblem({ labels, session: { weather: racetel.v1.Weather.WEATHER_CLEAR } }), undefined);
});

test("60,000 mutated inputs over every target: no escape, no out-of-range value emitted, bounded heap", { timeout: 300_000 }, async () => {
  const r = await runFuzz({ count: 60_000, seed: Number(process.env["RACETEL_FUZZ_SEED"] ?? 7), only: [] });
  for (const t of r.targets) {
    assert.deepEqual(t.stats.examples, [], `${t.name}: ${t.stats.examples.join("\n")}`);
    assert.equal(t.stats.escapes, 0, t.name);
    assert.equal(t.stats.outOfRange, 0, t.name);
    assert.ok(t.stats.accepted > 0 && t.stats.accepted < t.stats.inputs, `${t.name}: some inputs accepted, some refused (${t.stats.accepted}/${t.stats.inputs})`);
    assert.ok(t.stats.framesOut > 0, `${t.name}: frames came out`);
  }
  assert.equal(r.inputs, 60_000);
  assert.ok(r.heapGrowthMb < 64, `heap grew ${r.heapGrowthMb.toFixed(1)} MB`);
});
