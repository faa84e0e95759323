// The live view as a user sees it: `racetel up` running for real, telemetry arriving over real UDP, the
// page in Debian's Chromium. Screenshots of every state land in test-artifacts/live-view/.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { RaceModel } from "@racetel/ingest/simulate/model";
import { sessionSeed } from "@racetel/ingest/simulate/session";
import { trackByName } from "@racetel/ingest/simulate/tracks";
import { splitF1Dump } from "@racetel/ingest/sources/f1/index";
import { collect, F1_23_DUMP, sharedPath, spawnCli } from "../../ingest/test/support.js";
import { launchBrowser, screenshot } from "./browser.js";
import { startUp, type RunningUp } from "./support.js";

type Peer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const require = createRequire(import.meta.url);
const { F1TelemetryClient } = require("@z0mt3c/f1-telemetry-client") as {
  F1TelemetryClient: { parseBufferMessage(buf: Buffer, bigint?: boolean): { data: Peer } | undefined };
};

const RACE = { seed: 1, cars: 20, laps: 2, track: "monza", rate: 60 } as const;

/** Every running order the simulator sends, in time order (names P1 first), by stepping its own model. */
function simulatorOrders(): string[] {
  const model = new RaceModel({ track: trackByName(RACE.track), cars: RACE.cars, laps: RACE.laps, seed: sessionSeed(RACE.seed, 0) });
  const orders: string[] = [];
  const record = (): void => {
    const names = [...model.cars].sort((a, b) => a.position - b.position).map((c) => c.driver.name).join("|");
    if (orders.at(-1) !== names) orders.push(names);
  };
  while (model.phase !== "done" && model.time < 3600) {
    record();
    model.step(1 / RACE.rate);
  }
  model.applyClassification();
  record();
  return orders;
}

async function towerNames(page: Page): Promise<string[]> {
  return page.$$eval("#tower tbody tr td.driver", (tds) => tds.map((td) => td.textContent ?? ""));
}

async function waitForRows(page: Page, n: number, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction((count) => document.querySelectorAll("#tower tbody tr").length === count, n, { timeout: timeoutMs, polling: 100 });
}

interface MapState {
  dots: number;
  outline: number[];
  cars: { x: number | null; z: number | null; pit: string; result: string; driver: string }[];
}

async function mapState(page: Page): Promise<MapState> {
  return page.evaluate(() => ({
    dots: window.racetelMap.dotsDrawn,
    outline: window.racetelStore.outline,
    cars: [...window.racetelStore.cars.values()].map((c) => ({ x: c.x, z: c.z, pit: c.pit, result: c.result, driver: c.driver })),
  }));
}

/** Metres from (x, z) to the nearest segment of the closed outline polyline. */
function distanceToOutline(outline: number[], x: number, z: number): number {
  let best = Infinity;
  const n = outline.length / 2;
  for (let i = 0; i < n; i++) {
    const ax = outline[2 * i]!, az = outline[2 * i + 1]!;
    const bx = outline[(2 * (i + 1)) % outline.length]!, bz = outline[(2 * (i + 1) + 1) % outline.length]!;
    const dx = bx - ax, dz = bz - az;
    const len2 = dx * dx + dz * dz;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (z - az) * dz) / len2));
    best = Math.min(best, Math.hypot(x - (ax + t * dx), z - (az + t * dz)));
  }
  return best;
}

describe("live view in a real browser", () => {
  let browser: Browser;
  const cleanups: (() => Promise<void> | void)[] = [];
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    await browser?.close();
  });

  /** `racetel up` and a page on its live view, showing its empty state (both stopped after the tests). */
  async function openLiveView(): Promise<{ up: RunningUp; page: Page }> {
    const up = await startUp();
    cleanups.push(() => up.stop());
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(up.liveUrl);
    await page.waitForSelector("#empty:not([hidden])", { timeout: 10_000 });
    return { up, page };
  }

  test("a simulated 20-car race: empty state, the simulator's order, an overtake, the selected car, the map", async () => {
    // Before the first packet: what to set in the game, with this machine's port.
    const { up, page } = await openLiveView();
    assert.equal(await page.textContent("#setup-f1-port"), String(up.f1Port));
    assert.match(await page.textContent("#empty") ?? "", /UDP IP Address/);
    await screenshot(page, "simulated-01-empty");

    const orders = simulatorOrders();
    const orderIndex = new Map(orders.map((o, i) => [o, i]));
    assert.ok(orders.length > 2, "the simulated race has overtakes");
    const sim: ChildProcess = spawnCli(["simulate", "--format", "2024", "--laps", String(RACE.laps), "--track", RACE.track,
      "--seed", String(RACE.seed), "--speed", "4", "--to", `127.0.0.1:${up.f1Port}`]);
    cleanups.push(() => { if (sim.exitCode === null) sim.kill("SIGKILL"); });
    const simDone = collect(sim, 300_000);

    // All 20 drivers, in an order the simulator actually had (on the grid: qualifying order).
    await waitForRows(page, 20);
    await page.waitForFunction(() => [...document.querySelectorAll("#tower tbody td.driver")].every((td) => !/^car \d+$/.test(td.textContent ?? "")), undefined, { timeout: 20_000 });
    const first = (await towerNames(page)).join("|");
    assert.ok(orderIndex.has(first), `the tower's order is one the simulator sent:\n${first}`);
    const positions = await page.$$eval("#tower tbody td.pos", (tds) => tds.map((td) => Number(td.textContent)));
    assert.deepEqual(positions, Array.from({ length: 20 }, (_, i) => i + 1));
    await screenshot(page, "simulated-02-tower");

    // An overtake re-orders the tower, into the simulator's next order, keeping the same row elements.
    const rowsBefore = await page.$$eval("#tower tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-car")));
    let later = first;
    const deadline = Date.now() + 120_000;
    while (later === first && Date.now() < deadline) {
      await page.waitForTimeout(100);
      later = (await towerNames(page)).join("|");
    }
    assert.notEqual(later, first, "the tower re-ordered within two minutes of racing");
    assert.ok(orderIndex.has(later), `the new order is one the simulator sent:\n${later}`);
    assert.ok(orderIndex.get(later)! > orderIndex.get(first)!, "and it came after the first one");
    const rowsAfter = await page.$$eval("#tower tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-car")));
    assert.deepEqual([...rowsAfter].sort(), [...rowsBefore].sort(), "the same cars, moved rather than rebuilt");
    await screenshot(page, "simulated-03-overtake");

    // Click a driver: the car panel follows that car and its speed changes as it drives.
    const row = page.locator("#tower tbody tr").nth(4);
    const driver = (await row.locator("td.driver").textContent())!;
    await row.click();
    await page.waitForFunction((name) => (document.getElementById("car-title")?.textContent ?? "").includes(name), driver, { timeout: 5_000 });
    const speeds = new Set<string>();
    for (let i = 0; i < 30 && speeds.size < 4; i++) {
      speeds.add((await page.textContent("#car-speed")) ?? "");
      await page.waitForTimeout(150);
    }
    assert.ok(speeds.size >= 4, `the selected car's speed changes: saw ${[...speeds].join(", ")}`);
    await page.waitForFunction(() => window.racetelStore.trace.length > 50, undefined, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => document.querySelector("#tower tr.selected td.driver")?.textContent), driver);
    await screenshot(page, "simulated-04-selected-car");

    // The map: 20 dots, every car on track within a car's width of the outline learnt from the race.
    let state = await mapState(page);
    const mapDeadline = Date.now() + 120_000;
    while (Date.now() < mapDeadline) {
      state = await mapState(page);
      // The whole lap learnt: a car in a part nobody has driven yet would sit beside a chord across the gap.
      if (state.outline.length === 2 * 512 && state.dots === 20) break;
      await page.waitForTimeout(500);
    }
    assert.equal(state.dots, 20, "20 dots drawn");
    assert.equal(state.outline.length, 2 * 512, `the outline covers the lap (${state.outline.length / 2} of 512 bins)`);
    // Racing cars: a retired car is parked beside the track, as in the game.
    const onTrack = state.cars.filter((c) => c.pit === "track" && c.result === "active" && c.x !== null && c.z !== null);
    // Half the field at least: on a slow run this moment can fall in the pit-stop laps (the simulator sends
    // each car in once, between lap 1 and the last), when several cars are in the pit lane at once.
    assert.ok(onTrack.length >= 10, `most cars are on track (${onTrack.length})`);
    for (const c of onTrack) {
      const d = distanceToOutline(state.outline, c.x!, c.z!);
      assert.ok(d < 25, `${c.driver} is ${d.toFixed(1)} m from the outline`);
    }
    await screenshot(page, "simulated-05-map");

    sim.kill("SIGINT");
    await simDone;
    await page.close();
  });

  test("insights: a race with wing damage shows the engineer's line, the laps to the wear limit and the damage event", async () => {
    const { up, page } = await openLiveView();
    // A car that stops late (its first laps are clean, so fuel and wear rates are known from the line that
    // starts lap 3) has its front wing damaged on lap 2.
    const model = new RaceModel({ track: trackByName("monza"), cars: 20, laps: 5, seed: sessionSeed(3, 0) });
    const car = model.cars.find((c) => c.pitLap >= 4 && c.retireLap === 0)!;
    const driver = car.driver.name;
    const sim: ChildProcess = spawnCli(["simulate", "--format", "2024", "--laps", "5", "--track", "monza", "--rate", "20", "--seed", "3",
      "--speed", "15", "--scenario", `damage:${car.index}:2`, "--to", `127.0.0.1:${up.f1Port}`]);
    cleanups.push(() => { if (sim.exitCode === null) sim.kill("SIGKILL"); });
    const simDone = collect(sim, 300_000);
    await waitForRows(page, 20);
    await page.waitForFunction((name) => [...document.querySelectorAll("#tower tbody td.driver")].some((td) => td.textContent === name), driver, { timeout: 20_000 });
    await page.locator("#tower tbody td.driver", { hasText: driver }).first().click();
    // The events list keeps the latest 50 (overtakes are many): watch for the damage while it is there.
    const damageShown = page.waitForFunction((name) => [...document.querySelectorAll("#events li")].some((li) => (li.textContent ?? "").includes(`${name}: damage: front left wing 45%`)),
      driver, { timeout: 120_000, polling: 100 }).then(() => screenshot(page, "insights-01-damage-event"));
    await page.waitForFunction(() => /Fuel \d+\.\d\d kg\/lap/.test(document.getElementById("car-engineer")?.textContent ?? ""), undefined, { timeout: 120_000 });
    const line = (await page.textContent("#car-engineer")) ?? "";
    assert.match(line, /laps spare at the flag|SHORT by/, line);
    const toLimit = await page.$$eval('td[data-w="tyreLapsToLimit"]', (tds) => tds.map((td) => Number(td.textContent)));
    assert.ok(toLimit.every((n) => n > 5 && n < 40), `laps to the wear limit per tyre: ${toLimit.join(", ")}`);
    await screenshot(page, "insights-02-engineer");
    await damageShown;
    sim.kill("SIGINT");
    await simDone;
    await page.close();
  });

  test("the real F1 23 race capture: the capture's drivers in its running order, then connection lost", async () => {
    const { up, page } = await openLiveView();

    // What the capture says, read by another decoder: names from Participants, order from the last LapData.
    const names: string[] = [];
    let lastOrder: string[] = [];
    for (const d of splitF1Dump(readFileSync(sharedPath(...F1_23_DUMP)))) {
      const peer = F1TelemetryClient.parseBufferMessage(d, true)?.data;
      if (peer === undefined) continue;
      if (d[6] === 4) (peer.m_participants as { m_name: string }[]).forEach((p, i) => (names[i] = p.m_name));
      if (d[6] === 2 && names.length > 0) {
        const laps = peer.m_lapData as { m_carPosition: number }[];
        const cars = laps.map((l, i) => ({ i, p: l.m_carPosition })).filter((c) => c.p > 0 && names[c.i]);
        lastOrder = cars.sort((a, b) => a.p - b.p).map((c) => names[c.i]!);
      }
    }
    assert.equal(lastOrder.length, 20);

    const replay = spawnCli(["replay", sharedPath(...F1_23_DUMP), "--to", `127.0.0.1:${up.f1Port}`]);
    const replayDone = collect(replay, 120_000);
    await waitForRows(page, 20);
    const result = await replayDone;
    assert.equal(result.code, 0, result.stderr);
    await page.waitForFunction((expected) => [...document.querySelectorAll("#tower tbody td.driver")].map((td) => td.textContent).join("|") === expected, lastOrder.join("|"), { timeout: 10_000 })
      .catch(async () => assert.deepEqual(await towerNames(page), lastOrder));
    assert.match((await page.textContent("#session-picker")) ?? "", /Race/);
    const bestCells = await page.$$eval("#tower tbody td.best", (tds) => tds.filter((td) => /^\d:\d\d\.\d{3}$/.test(td.textContent ?? "")).length);
    assert.equal(bestCells, 20, "every car shows a best lap (from its lap history)");
    await page.locator("#tower tbody tr").first().click();
    await page.waitForFunction(() => (document.getElementById("car-speed")?.textContent ?? "-") !== "-", undefined, { timeout: 5_000 });
    await screenshot(page, "capture-01-race");

    // racetel goes away: the page says so, instead of showing stale numbers as live.
    await up.stop();
    await page.waitForSelector("#lost:not([hidden])", { timeout: 10_000 });
    assert.equal(await page.getAttribute("#connection", "data-state"), "lost");
    await screenshot(page, "capture-02-connection-lost");
    await page.close();
  });
});
