// A real Formula 1 session in the same pipeline: the 2025 Mexico City GP qualifying archive (F1's live-timing
// feed, ../shared/captures) replayed with `racetel replay DIR --rpc` (as fast as it goes, shifted to now) into
// rpc, racetel's collector and InfluxDB 1.8.3 as processes. Then what the dashboards read is there: the
// session named in words, every car sample exactly once, the timing tower in the final order with Q1 and Q2
// eliminations, the yellow flag, the drivers' names.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sharedDir } from "./harness/capture.js";
import { hasData, interpolate, loadDashboards, resolveVariables } from "./harness/dashboards.js";
import { decodeSimulatedRace, simulateArgs, type DecodedRace } from "./harness/simulated.js";
import { insightPanelKeys } from "./harness/insight-panels.js";
import { racetel, startStack, type Stack } from "./harness/stack.js";

const archive = path.join(sharedDir(), "captures", "f1-livetiming", "2025-mexico-q");
const SESSION = "f1lt-9873";
/**
 * Panels of the live dashboards a real session cannot fill, with the reason (the feed does not carry it).
 * The test fails when one of them returns data, so the list only shrinks.
 */
const NOT_IN_THE_FEED: Record<string, string> = Object.fromEntries(Object.entries({
  "fuel: teams do not publish it": ["Fuel/A", "Fuel/B", "Laps of fuel left/A"],
  "a game's own pit window for its player: a real session has no player": ["Pit window (laps)/C", "Pit window (laps)/D"],
  "ERS: not published": ["ERS store/A", "ERS mode/A"],
  "tyre and brake temperatures and pressures: not published": ["Tyre surface temperature/A", "Tyre inner temperature/A", "Tyre core temperature/A", "Brake temperature/A", "Tyre pressure/A"],
  "tyre wear and car damage: not published": ["Tyre wear/A", "Tyre damage/A", "Damage/A"],
  "g-forces, steering: not published (the feed has speed, rpm, gear, throttle, brake, DRS)": ["G-forces (lateral against longitudinal)/A", "Steering/A"],
}).flatMap(([why, panels]) => panels.map((p) => [`racetel-live-car/${p}`, why])).concat(
  // Insights need fuel, tyre and damage data, and anomalies a track length: the feed carries none (docs/insights.md).
  insightPanelKeys().map((k) => [k, "race-engineer insights: the feed carries no fuel, tyres, damage or track length"])));

/** Final classification of the 2025 Mexico City GP qualifying (the feed's final TimingData, checked in ingest's tests). */
const FINAL_ORDER = [4, 16, 44, 63, 1, 12, 55, 81, 6, 87, 22, 31, 27, 14, 30, 5, 23, 10, 18, 43];

describe("F1 live timing on the real chain: the 2025 Mexico City GP qualifying", () => {
  let stack: Stack;
  let replayOutput = "";
  let race: DecodedRace;

  before(async () => {
    stack = await startStack();
    // A simulated race beside it: a sim lap against a real lap, by share of the lap.
    race = decodeSimulatedRace();
    const simulator = racetel("simulate", simulateArgs(`127.0.0.1:${stack.f1Port}`));
    if ((await simulator.exited) !== 0) throw new Error(`racetel simulate failed:\n${simulator.output()}`);
    const replay = racetel("replay", ["replay", archive, "--rpc", stack.rpcTarget, "--speed", "max"]);
    const code = await replay.exited;
    replayOutput = replay.output();
    if (code !== 0) throw new Error(`racetel replay exited ${code}:\n${replayOutput}`);
    const deadline = Date.now() + 300_000;
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

  it("a sim lap against the real pole lap by share of the lap: the delta trace ends at the lap-time difference", async () => {
    const json = loadDashboards().find((d) => d.json.uid === "racetel-lap-comparison")!.json;
    const panel = json.panels.find((p) => p.title.startsWith("Delta time by share of the lap"))!;
    // Lap B: the real session's fastest valid lap of the pole sitter, as the Lap B picker offers it first.
    const { options } = await resolveVariables(stack.influx, json, {
      session: (o) => o.find((x) => x === race.sessionId), car: () => "0", lap: () => "2",
      session_b: (o) => o.find((x) => x === SESSION), car_b: () => "4",
    });
    const best = options.lap_b![0]!;
    assert.match(best.text, /^01:15\.586 · lap \d+$/, "Norris's pole lap, 1:15.586, offered first");
    const values = { session: race.sessionId, car: "0", lap: "2", session_b: SESSION, car_b: "4", lap_b: best.value };
    const rows = async (refId: string): Promise<Map<number, number>> => {
      const r = (await stack.influx.query(interpolate(panel.targets!.find((t) => t.refId === refId)!.query, values)))[0];
      const s = r?.series?.[0];
      return new Map((s?.values ?? []).map((v) => [v[s!.columns.indexOf("fraction")] as number, v[s!.columns.indexOf(refId)] as number]));
    };
    const a = await rows("A");
    const b = await rows("B");
    const joined = [...a].filter(([f]) => b.has(f)).sort((x, y) => x[0] - y[0]);
    assert.equal(joined.length, 201, "every 0.5% of both laps");
    const [end, endA] = joined.at(-1)!;
    assert.equal(end, 1);
    const simLap = race.lapTimes.get("0/2")!;
    assert.ok(Math.abs(endA - b.get(1)! - (simLap - 75.586)) <= 0.01, `ends at ${endA - b.get(1)!} s, lap times ${simLap} and 75.586`);
    assert.ok(joined.every(([f, t]) => f === 0 ? t === b.get(0) : true), "both start at 0");
  });

  it("the live dashboards answer for the real session, except what the feed does not carry (listed)", async () => {
    const problems: string[] = [];
    for (const uid of ["racetel-live-car", "racetel-timing-tower", "racetel-track-map", "racetel-race-analysis"]) {
      const json = loadDashboards().find((d) => d.json.uid === uid)!.json;
      const { values } = await resolveVariables(stack.influx, json, { session: (o) => o.find((x) => x === SESSION), car: (o) => o.find((x) => x === "4") });
      for (const p of json.panels) {
        for (const t of p.targets ?? []) {
          const key = `${uid}/${p.title}/${t.refId}`;
          const filled = hasData((await stack.influx.query(interpolate(t.query, values)))[0]);
          if (key in NOT_IN_THE_FEED && filled) problems.push(`${key}: now answers; take it off NOT_IN_THE_FEED`);
          if (!(key in NOT_IN_THE_FEED) && !filled) problems.push(`${key}: no data for the real session`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});
