// Race-engineer insights end to end: two simulated 12-car races at once through the real stack (`racetel
// simulate` over UDP -> ingest -> rpc -> collector -> InfluxDB): a clean one, and one where the simulator
// makes every scenario happen (an under-fuelled car, an overheating tyre, wing damage, a slowdown at one
// corner), writing what it did to a truth file. Every provisioned alert rule's query, reduced and compared
// as Grafana does (harness/alerts.ts), must fire for its scenario's car and for nothing in the clean race;
// the insight panels of Live car and Timing tower must all show data for the scenario race.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { evaluateRule, loadAlertRules } from "./harness/alerts.js";
import { hasData, interpolate, loadDashboards, resolveVariables } from "./harness/dashboards.js";
import { filledByTheInsightRaces } from "./harness/insight-panels.js";
import { racetel as racetelCli, startStack, type Stack } from "./harness/stack.js";

/**
 * 10 Hz at 10x real time, as the pipeline test: ~85 s of wall time for the longer race. 12 cars (the
 * scenarios' cars 3-9 and a few more) keep the two races together lighter than one 20-car race, so the
 * tests that run beside this one on 2 cores are not starved (the 20-car false-positive count is
 * rpc/test/insights.test.ts's).
 */
const CARS = 12;
const common = ["--format", "2024", "--cars", String(CARS), "--track", "monza", "--rate", "10", "--speed", "10"];
const clean = { seed: 11, laps: 7 };
const scenario = { seed: 1, laps: 9 };
/** What each rule must fire for (car indices of the scenario race; simulator scenarios.ts allScenarios). */
const expected: Record<string, number[]> = {
  "racetel-fuel-short": [3],
  "racetel-tyre-window": [5],
  "racetel-damage": [7],
  "racetel-anomaly": [5, 9],
};
const SCENARIO_CARS = [3, 5, 7, 9];
const EVERYTHING = "time > now() - 1h";

interface Truth { sessions: { sessionId: string; truth: { kind: string; car: number }[] }[] }

describe("insights end to end: scenario and clean races -> InfluxDB -> alert rules and insight panels", () => {
  let stack: Stack;
  let dir: string;
  let truth: Truth;
  let scenarioId = "";
  let cleanId = "";

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "racetel-insights-"));
    // A low wear limit (30%) makes pit windows and worn tyres within 9 laps.
    stack = await startStack({ rpcArgs: ["--insight-tyre-wear-limit", "0.3"] });
    const to = `127.0.0.1:${stack.f1Port}`;
    const cleanTruth = path.join(dir, "clean.json");
    const scenarioTruth = path.join(dir, "scenario.json");
    const runs = [
      racetelCli("simulate", ["simulate", ...common, "--laps", String(clean.laps), "--seed", String(clean.seed), "--to", to, "--truth", cleanTruth]),
      racetelCli("simulate", ["simulate", ...common, "--laps", String(scenario.laps), "--seed", String(scenario.seed), "--scenario", "all", "--to", to, "--truth", scenarioTruth]),
    ];
    for (const run of runs) {
      const code = await run.exited;
      if (code !== 0) throw new Error(`racetel simulate exited ${code}:\n${run.output()}`);
    }
    truth = JSON.parse(readFileSync(scenarioTruth, "utf8")) as Truth;
    scenarioId = truth.sessions[0]!.sessionId;
    cleanId = (JSON.parse(readFileSync(cleanTruth, "utf8")) as Truth).sessions[0]!.sessionId;
    // Both races' final classification stored: everything before it is too.
    const deadline = Date.now() + 120_000;
    for (const id of [cleanId, scenarioId]) {
      for (;;) {
        const r = await stack.influx.query(`SELECT count("racetel.result.position") FROM "prometheus" WHERE "session_id" = '${id}'`);
        if (Number(r[0]?.series?.[0]?.values[0]?.[1] ?? 0) >= CARS) break;
        if (Date.now() > deadline) {
          const seen = await stack.influx.query(`SELECT count("racetel.car.speed"), count("racetel.result.position"), max("racetel.car.lap.number") FROM "prometheus" WHERE time > now() - 1h GROUP BY "session_id"`);
          const decoded = await stack.influx.query(`SELECT last("racetel.ingest.packets_decoded"), last("racetel.ingest.packets_received") FROM "prometheus"`);
          throw new Error(`session ${id}: final classification not in InfluxDB; stored: ${JSON.stringify(seen[0]?.series?.map((x) => [x.tags, x.values[0]]))}, ingest: ${JSON.stringify(decoded[0]?.series?.[0]?.values)}\n${runs.map((r) => r.output()).join("\n")}\n${stack.logs().slice(-3000)}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await new Promise((r) => setTimeout(r, 1500));
  });
  after(async () => {
    await stack?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("the simulator's truth file says what it did, to which car", () => {
    const kinds = truth.sessions[0]!.truth.map((t) => `${t.kind}:${t.car}`).sort();
    assert.deepEqual(kinds, ["damage:7", "fuel-dry:3", "overheating-tyre:5", "slowdown:9"]);
  });

  it("every alert rule fires for its scenario's car, only for scenario cars, and never in the clean race", async () => {
    const rules = loadAlertRules();
    assert.deepEqual(rules.map((r) => r.uid).sort(), Object.keys(expected).sort());
    const report: string[] = [];
    for (const rule of rules) {
      const firing = await evaluateRule(stack.influx, rule, EVERYTHING);
      const inScenario = firing.filter((f) => f.labels.session_id === scenarioId).map((f) => Number(f.labels.car_index));
      const inClean = firing.filter((f) => f.labels.session_id === cleanId);
      report.push(`${rule.uid}: scenario race fires for cars [${inScenario.sort((a, b) => a - b).join(", ")}], clean race for ${inClean.length}`);
      for (const car of expected[rule.uid]!) assert.ok(inScenario.includes(car), `${rule.uid} fires for car ${car}; fired: ${JSON.stringify(firing)}`);
      for (const car of inScenario) assert.ok(SCENARIO_CARS.includes(car), `${rule.uid} fired for car ${car}, which had no incident`);
      assert.deepEqual(inClean, [], `${rule.uid} fired in the clean race`);
    }
    console.log(report.join("\n"));
  });

  it("stores the insight metrics per car and the insight events with their tags", async () => {
    const per = await stack.influx.query(`SELECT last("racetel.insight.fuel.per_lap") FROM "prometheus" WHERE "session_id" = '${scenarioId}' GROUP BY "car_index"`);
    assert.equal(per[0]?.series?.length, CARS, "fuel per lap for every car");
    const events = await stack.influx.query(`SELECT "racetel.insight.event", "insight", "detail" FROM "prometheus" WHERE "session_id" = '${scenarioId}' AND "insight" != '' AND "car_index" = '7'`);
    const rows = events[0]?.series?.[0]?.values ?? [];
    assert.ok(rows.some((r) => r[2] === "damage" && r[3] === "front_left_wing" && (r[1] as number) >= 0.4), JSON.stringify(rows));
    const wheel = await stack.influx.query(`SELECT last("racetel.insight.tyre.temperature_state") FROM "prometheus" WHERE "session_id" = '${scenarioId}' AND "car_index" = '5' GROUP BY "wheel"`);
    assert.equal(wheel[0]?.series?.length, 4, "a window state per wheel");
  });

  it("every insight panel of Live car and Timing tower shows data for the scenario race", async () => {
    const problems: string[] = [];
    const filled = new Set<string>();
    const all = new Set<string>();
    for (const { json } of loadDashboards()) {
      if (json.uid !== "racetel-live-car" && json.uid !== "racetel-timing-tower") continue;
      const insightPanels = json.panels.filter((p) => (p.targets ?? []).some((t) => t.query.includes("racetel.insight.")));
      // Car panels: the scenario cars between them fill every one.
      for (const car of json.uid === "racetel-live-car" ? SCENARIO_CARS.map(String) : [""]) {
        const { values } = await resolveVariables(stack.influx, json, { session: (o) => o.find((x) => x === scenarioId), car: (o) => (car === "" ? undefined : o.find((x) => x === car)) });
        for (const panel of insightPanels) {
          for (const target of panel.targets ?? []) {
            const key = `${json.uid}/${panel.title}/${target.refId}`;
            const result = (await stack.influx.query(interpolate(target.query, values)))[0];
            if (result?.error !== undefined) problems.push(`${key}: ${result.error}`);
            else if (hasData(result)) filled.add(key);
            all.add(key);
          }
        }
      }
    }
    for (const key of all) if (!filled.has(key)) problems.push(`${key}: no data for the scenario race`);
    for (const key of Object.keys(filledByTheInsightRaces)) if (!all.has(key)) problems.push(`${key}: listed in insight-panels.ts but no such insight panel query`);
    assert.ok(all.size >= 15, `${all.size} insight panel queries`);
    assert.deepEqual(problems, []);
  });
});
