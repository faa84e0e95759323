// Race-engineer insights (rpc/src/insights/) on simulated races through racetel's own decoder and rpc's
// store: every scenario raises its insight within a stated time, a clean 20-car race raises none, and
// fuel and tyre predictions made after 3 laps land within a lap of what the simulator's model did.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allScenarios } from "@racetel/ingest/simulate/scenarios";
import {
  I_FUEL_LAPS_LEFT, I_FUEL_PER_LAP, I_PIT_CLOSE, I_PIT_OPEN, I_TYRE_LIMIT_LAPS,
} from "../src/insights/metrics.js";
import { defaultInsightOptions } from "../src/insights/options.js";
import { runInsightRace, type InsightRace, type LapLine } from "./insight-race.js";

const CLEAN = { cars: 20, laps: 8, track: "monza", seed: 11 } as const;
const SCENARIOS = { cars: 20, laps: 9, track: "monza", seed: 1, scenarios: allScenarios() } as const;
const PREDICT_AT_LAP = 4; // the line that starts lap 4: 3 laps driven

/** The first lap line from `lap` on at which `slot` has a prediction. */
function lineWith(race: InsightRace, car: number, lap: number, slot: number): LapLine | undefined {
  const lines = race.lines.get(car);
  for (let l = lap; lines !== undefined && l <= 99; l++) {
    const line = lines.get(l);
    if (line === undefined) return undefined;
    if (line.insight[slot] === line.insight[slot]) return line;
  }
  return undefined;
}

/** The model's mean fuel use per lap on its clean laps after `completed` (truth for a tank it never empties). */
function trueFuelPerLap(race: InsightRace, car: number, completed: number): number {
  const laps = race.modelLaps.get(car)!;
  const used: number[] = [];
  for (let l = completed + 1; laps.has(l); l++) if (!laps.get(l)!.pitted && laps.has(l - 1)) used.push(laps.get(l - 1)!.fuel - laps.get(l)!.fuel);
  return used.reduce((a, b) => a + b, 0) / used.length;
}

describe("race-engineer insights on simulated races", () => {
  const clean = runInsightRace(CLEAN);
  const scenario = runInsightRace(SCENARIOS);

  it("a clean 20-car race raises no insight (false positives: 0), though every car is predicted", () => {
    const fp = clean.raised;
    console.log(`clean race (${CLEAN.cars} cars, ${CLEAN.laps} laps ${CLEAN.track}, ${clean.frames} frames, retired: ${clean.retired.join(",") || "none"}): ${fp.length} false positives`);
    assert.deepEqual(fp, []);
    assert.equal(clean.storedEvents, 0);
    for (let car = 0; car < CLEAN.cars; car++) {
      if (clean.retired.includes(car)) continue;
      assert.ok(lineWith(clean, car, PREDICT_AT_LAP, I_FUEL_PER_LAP) !== undefined, `car ${car} has a fuel prediction`);
      assert.ok(lineWith(clean, car, PREDICT_AT_LAP, I_TYRE_LIMIT_LAPS) !== undefined, `car ${car} has a tyre prediction`);
    }
  });

  it("clean races on the other tracks (Silverstone, Spa; 20 cars, 8 laps, other seeds) raise no insight either", () => {
    for (const [track, seed] of [["silverstone", 12], ["spa", 13]] as const) {
      const race = runInsightRace({ ...CLEAN, track, seed });
      console.log(`clean race (${track}, seed ${seed}, retired: ${race.retired.join(",") || "none"}): ${race.raised.length} false positives`);
      assert.deepEqual(race.raised, [], track);
    }
  });

  it("fuel and tyre predictions after 3 laps are within 1 lap of the simulator's truth, for every car", () => {
    const fuelErrors: number[] = [];
    const tyreErrors: number[] = [];
    for (let car = 0; car < CLEAN.cars; car++) {
      if (clean.retired.includes(car)) continue;
      const fuelLine = lineWith(clean, car, PREDICT_AT_LAP, I_FUEL_LAPS_LEFT)!;
      const done = fuelLine.lap - 1;
      const modelAt = clean.modelLaps.get(car)!.get(done)!;
      const trueDry = done + modelAt.fuel / trueFuelPerLap(clean, car, done);
      fuelErrors.push(done + fuelLine.insight[I_FUEL_LAPS_LEFT]! - trueDry);
      const tyreLine = lineWith(clean, car, PREDICT_AT_LAP, I_TYRE_LIMIT_LAPS)!;
      const tyreModel = clean.modelLaps.get(car)!.get(tyreLine.lap - 1)!;
      const trueLimit = tyreModel.completed + (defaultInsightOptions().tyreWearLimit - tyreModel.wearMax) / tyreModel.wearRate;
      tyreErrors.push(tyreLine.insight[I_TYRE_LIMIT_LAPS]! - trueLimit);
    }
    const report = (name: string, e: number[]): string => `${name}: ${e.length} cars, max |error| ${Math.max(...e.map(Math.abs)).toFixed(2)} laps, mean ${(e.reduce((a, b) => a + b, 0) / e.length).toFixed(2)}, within ±1 lap ${e.filter((x) => Math.abs(x) <= 1).length}/${e.length}`;
    console.log(report("fuel: lap the tank runs dry", fuelErrors));
    console.log(report("tyres: lap the first tyre reaches 70% wear", tyreErrors));
    for (const e of [...fuelErrors, ...tyreErrors]) assert.ok(Math.abs(e) <= 1, `prediction off by ${e.toFixed(2)} laps`);
  });

  it("the pit window lies where the tyre prediction puts it (wear limit 15%: every car must stop)", () => {
    const race = runInsightRace({ ...CLEAN, insights: { ...defaultInsightOptions(), tyreWearLimit: 0.15 } });
    let checked = 0;
    for (let car = 0; car < CLEAN.cars; car++) {
      if (race.retired.includes(car)) continue;
      const line = lineWith(race, car, PREDICT_AT_LAP, I_PIT_CLOSE);
      if (line === undefined) continue; // its stop already came (the model's strategy) before a window was due
      const m = race.modelLaps.get(car)!.get(line.lap - 1)!;
      const limit = m.completed + (0.15 - m.wearMax) / m.wearRate;
      assert.ok(Math.abs(line.insight[I_PIT_CLOSE]! - Math.max(line.lap, Math.floor(limit))) <= 1, `car ${car}: window closes on lap ${line.insight[I_PIT_CLOSE]}, the tyres reach 15% at ${limit.toFixed(2)} laps`);
      const open = Math.min(line.insight[I_PIT_CLOSE]!, Math.max(line.lap, Math.ceil(CLEAN.laps - 0.15 / m.wearRate)));
      assert.ok(Math.abs(line.insight[I_PIT_OPEN]! - open) <= 1, `car ${car}: window opens on lap ${line.insight[I_PIT_OPEN]}, expected ${open}`);
      checked++;
    }
    assert.ok(checked >= 10, `pit windows checked for ${checked} cars`);
  });

  it("each scenario raises its insight, on its car, within the stated time, and nothing else is raised", () => {
    const truthOf = (kind: string): { car: number; timeS: number; lap: number } => {
      const t = scenario.truth.find((x) => x.kind === kind);
      assert.ok(t !== undefined, `the simulator did ${kind}`);
      return t;
    };
    const firstRaised = (car: number, name: string, detail?: string): number => {
      const r = scenario.raised.find((x) => x.car === car && x.name === name && (detail === undefined || x.detail === detail));
      assert.ok(r !== undefined, `car ${car}: ${name}${detail ? ` (${detail})` : ""} raised; raised: ${JSON.stringify(scenario.raised)}`);
      return r.timeS;
    };
    const latency: string[] = [];
    // Under-fuelled: short of fuel once 2 clean laps give a rate (by the line that starts lap 4).
    const fuelCar = SCENARIOS.scenarios.find((s) => s.kind === "under-fuelled")!.car;
    const shortAt = firstRaised(fuelCar, "fuel_short");
    const lap4 = scenario.lines.get(fuelCar)!.get(PREDICT_AT_LAP)!;
    assert.ok(shortAt <= lap4.timeS, `fuel short raised at ${shortAt.toFixed(1)} s, lap 4 began at ${lap4.timeS.toFixed(1)} s`);
    const dry = truthOf("fuel-dry");
    const trueDryLaps = dry.lap - 1 + (scenario.truth.find((x) => x.kind === "fuel-dry")!.distanceM / scenario.model.track.length);
    const predictedDry = lap4.lap - 1 + lap4.insight[I_FUEL_LAPS_LEFT]!;
    assert.ok(Math.abs(predictedDry - trueDryLaps) <= 1, `predicted dry at ${predictedDry.toFixed(2)} laps, ran dry at ${trueDryLaps.toFixed(2)}`);
    latency.push(`under-fuelled: fuel_short ${(shortAt - lap4.timeS).toFixed(1)} s after the lap-4 line (dry predicted ${predictedDry.toFixed(2)} laps, truth ${trueDryLaps.toFixed(2)})`);
    // Overheating tyre: out of its window within 90 s, a tyre-temperature anomaly within a lap.
    const hot = truthOf("overheating-tyre");
    const hotAt = firstRaised(hot.car, "tyre_hot", "front_left");
    assert.ok(hotAt - hot.timeS >= 0 && hotAt - hot.timeS <= 90, `tyre_hot ${(hotAt - hot.timeS).toFixed(1)} s after the tyre began to overheat`);
    const driftAt = firstRaised(hot.car, "anomaly_tyre_temperature", "front_left");
    assert.ok(driftAt - hot.timeS >= 0 && driftAt - hot.timeS <= 90, `tyre temperature anomaly ${(driftAt - hot.timeS).toFixed(1)} s after`);
    latency.push(`overheating tyre: tyre_hot +${(hotAt - hot.timeS).toFixed(1)} s, anomaly_tyre_temperature +${(driftAt - hot.timeS).toFixed(1)} s`);
    // Damage: within a second (CarDamage comes 10 times a second).
    const damage = truthOf("damage");
    const damageAt = firstRaised(damage.car, "damage", "front_left_wing");
    assert.ok(damageAt - damage.timeS >= 0 && damageAt - damage.timeS <= 1, `damage ${(damageAt - damage.timeS).toFixed(2)} s after`);
    latency.push(`damage: +${(damageAt - damage.timeS).toFixed(2)} s`);
    // Sudden slowdown at one corner: a speed anomaly within 5 s.
    const slow = truthOf("slowdown");
    const slowAt = firstRaised(slow.car, "anomaly_speed");
    assert.ok(slowAt - slow.timeS >= 0 && slowAt - slow.timeS <= 5, `speed anomaly ${(slowAt - slow.timeS).toFixed(1)} s after`);
    latency.push(`slowdown: anomaly_speed +${(slowAt - slow.timeS).toFixed(1)} s`);
    console.log(latency.join("\n"));
    const scenarioCars = new Set(SCENARIOS.scenarios.map((s) => s.car));
    const elsewhere = scenario.raised.filter((r) => !scenarioCars.has(r.car));
    assert.deepEqual(elsewhere, [], "no insight on a car without a scenario");
    assert.equal(scenario.storedEvents, scenario.raised.length, "every insight raised is stored for the collector");
  });

  it("turned off, insights compute and store nothing", () => {
    const race = runInsightRace({ ...SCENARIOS, laps: 9, insights: { ...defaultInsightOptions(), enabled: false } });
    assert.equal(race.raised.length, 0);
    assert.equal(race.lines.size, 0);
  });
});
