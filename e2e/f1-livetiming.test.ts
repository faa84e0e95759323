// A real Formula 1 session in the same pipeline: the 2025 Mexico City GP qualifying archive (F1's live-timing
// feed, ../shared/captures) replayed with `racetel replay DIR --rpc` (as fast as it goes, shifted to now) into
// rpc, racetel's collector and InfluxDB 1.8.3 as processes. Then what the dashboards read is there: the
// session named in words, every car sample exactly once, the timing tower in the final order with Q1 and Q2
// eliminations, the yellow flag, the drivers' names.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sharedDir } from "./harness/capture.js";
import { interpolate, loadDashboards, resolveVariables } from "./harness/dashboards.js";
import { racetel, startStack, type Stack } from "./harness/stack.js";

const archive = path.join(sharedDir(), "captures", "f1-livetiming", "2025-mexico-q");
const SESSION = "f1lt-9873";
/** Final classification of the 2025 Mexico City GP qualifying (the feed's final TimingData, checked in ingest's tests). */
const FINAL_ORDER = [4, 16, 44, 63, 1, 12, 55, 81, 6, 87, 22, 31, 27, 14, 30, 5, 23, 10, 18, 43];

describe("F1 live timing on the real chain: the 2025 Mexico City GP qualifying", () => {
  let stack: Stack;
  let replayOutput = "";

  before(async () => {
    stack = await startStack();
    const replay = racetel("replay", ["replay", archive, "--rpc", stack.rpcTarget, "--speed", "max"]);
    const code = await replay.exited;
    replayOutput = replay.output();
    if (code !== 0) throw new Error(`racetel replay exited ${code}:\n${replayOutput}`);
    const deadline = Date.now() + 180_000;
    for (;;) {
      const r = await stack.influx.query(`SELECT count("racetel.car.speed") FROM "prometheus" WHERE "session_id" = '${SESSION}'`);
      const n = Number(r[0]?.series?.[0]?.values[0]?.[1] ?? 0);
      if (n >= 347_120 || Date.now() > deadline) break;
      await new Promise((res) => setTimeout(res, 1000));
    }
    await new Promise((res) => setTimeout(res, 3000));
  });

  after(async () => {
    await stack?.stop();
  });

  it("stores every car sample once: 347,120 telemetry samples of 20 cars, named by their drivers", async () => {
    assert.match(replayOutput, /20552 live-timing messages \(0 unreadable, counted\)/);
    const r = await stack.influx.query(`SELECT count("racetel.car.speed") FROM "prometheus" WHERE "session_id" = '${SESSION}' AND "driver" != '' GROUP BY "car_index"`);
    const perCar = (r[0]?.series ?? []).map((s) => Number(s.values[0]?.[1]));
    assert.equal(perCar.length, 20);
    assert.equal(perCar.reduce((a, b) => a + b, 0), 347_120);
    const drivers = await stack.influx.query(`SHOW TAG VALUES FROM "prometheus" WITH KEY = "driver" WHERE "session_id" = '${SESSION}'`);
    const names = (drivers[0]?.series?.[0]?.values ?? []).map((v) => v[1]);
    for (const name of ["Lando NORRIS", "Charles LECLERC", "Lewis HAMILTON", "Max VERSTAPPEN"]) assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
    const games = await stack.influx.query(`SHOW TAG VALUES FROM "prometheus" WITH KEY = "game" WHERE "session_id" = '${SESSION}'`);
    assert.deepEqual(games[0]?.series?.[0]?.values.map((v) => v[1]), ["f1_live"], "a real session, never mistaken for a game");
  });

  it("the dashboards see it: the session picker names it, the timing tower has the final order and the eliminations", async () => {
    const tower = loadDashboards().find((d) => d.json.uid === "racetel-timing-tower")!.json;
    const { options } = await resolveVariables(stack.influx, tower);
    const session = options.session!.find((o) => o.value === SESSION);
    assert.ok(session !== undefined, `offered: ${JSON.stringify(options.session)}`);
    assert.match(session.text, / UTC · Mexico City · Qualifying · Formula 1 \(live timing\)$/);
    const panel = tower.panels.find((p) => p.title === "Timing tower")!;
    const result = (await stack.influx.query(interpolate(panel.targets![0]!.query, { session: SESSION })))[0];
    const rows = (result?.series ?? []).map((s) => ({ car: Number(s.tags?.car_index), pos: Number(s.values[0]?.[s.columns.indexOf("Pos")]) }));
    assert.deepEqual(rows.sort((a, b) => a.pos - b.pos).map((r) => r.car), FINAL_ORDER);
    const ko = await stack.influx.query(`SELECT last("racetel.car.knocked_out") FROM "prometheus" WHERE "session_id" = '${SESSION}' GROUP BY "car_index"`);
    assert.deepEqual((ko[0]?.series ?? []).map((s) => Number(s.tags?.car_index)).sort((a, b) => a - b), FINAL_ORDER.slice(10).sort((a, b) => a - b), "P11-P20 knocked out");
  });

  it("the yellow flag and the chequered flags of Q1, Q2 and Q3 are events", async () => {
    const r = await stack.influx.query(`SELECT "racetel.session.event", "event", "detail" FROM "prometheus" WHERE "session_id" = '${SESSION}' AND "event" != ''`);
    const events = (r[0]?.series?.[0]?.values ?? []).map((v) => `${v[2]}/${v[3] ?? ""}`);
    assert.equal(events.filter((e) => e === "flag/yellow").length, 1, events.join(" "));
    assert.equal(events.filter((e) => e.startsWith("chequered_flag")).length, 3);
  });
});
