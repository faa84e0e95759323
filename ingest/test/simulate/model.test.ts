// The race model on its own: closed track outlines, a plausible speed profile, and a race with one pit
// stop per car, one retirement, penalties, consistent positions and lap/sector times.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RaceModel, RESULT_FINISHED, RESULT_RETIRED } from "../../src/simulate/model.js";
import { TRACK_NAMES, trackByName } from "../../src/simulate/tracks.js";

describe("tracks", () => {
  for (const name of TRACK_NAMES) {
    it(`${name}: a closed outline with a speed profile from hairpins to top speed`, () => {
      const t = trackByName(name);
      assert.ok(t.length > 3000 && t.length < 8000, `length ${t.length}`);
      for (let i = 0; i < t.length; i++) {
        const j = (i + 1) % t.length;
        const step = Math.hypot((t.x[j] as number) - (t.x[i] as number), (t.z[j] as number) - (t.z[i] as number));
        assert.ok(step > 0.95 && step < 1.05, `${name}: outline step ${step} at ${i} (the loop must close)`);
      }
      let lap = 0, vmin = Infinity, vmax = 0;
      for (let i = 0; i < t.length; i++) { const v = t.speed[i] as number; lap += 1 / v; vmin = Math.min(vmin, v); vmax = Math.max(vmax, v); }
      assert.ok(lap > 60 && lap < 120, `${name}: ideal lap ${lap.toFixed(1)} s`);
      assert.ok(vmin * 3.6 > 40 && vmin * 3.6 < 120, `slowest corner ${(vmin * 3.6).toFixed(0)} km/h`);
      assert.ok(vmax * 3.6 > 300 && vmax * 3.6 < 350, `top speed ${(vmax * 3.6).toFixed(0)} km/h`);
      assert.ok(t.sector2Start < t.sector3Start && t.sector3Start < t.length);
    });
  }
});

describe("race model", () => {
  it("a 4-lap race: laps, sectors, one stop per car, one retirement, penalties, consistent order", () => {
    const m = new RaceModel({ track: trackByName("monza"), cars: 20, laps: 4, seed: 99 });
    let steps = 0;
    const penalties: number[] = [];
    while (m.phase !== "done" && steps < 200000) {
      m.step(0.05);
      steps++;
      for (const e of m.events) if (e.code === "PENA") penalties.push(e.penaltyType);
      const positions = m.cars.map((c) => c.position).sort((a, b) => a - b);
      assert.deepEqual(positions, Array.from({ length: 20 }, (_, i) => i + 1), "positions are a permutation");
    }
    assert.equal(m.phase, "done");
    const retired = m.cars.filter((c) => c.resultStatus === RESULT_RETIRED);
    assert.equal(retired.length, 1);
    assert.deepEqual(penalties.sort(), [10, 4, 5].sort());
    for (const car of m.cars.filter((c) => c.resultStatus === RESULT_FINISHED)) {
      assert.equal(car.numPitStops, 1, `${car.driver.name} stops once`);
      assert.notEqual(car.stints[0]?.compound, car.stints[1]?.compound);
      assert.ok(car.completedLaps >= 3);
      for (const lap of car.laps) {
        assert.equal(lap.sector1Ms + lap.sector2Ms + lap.sector3Ms, lap.lapTimeMs);
        assert.ok(lap.lapTimeMs > 70000 && lap.lapTimeMs < 140000, `lap ${lap.lapTimeMs} ms`);
      }
    }
    // The classification puts the retired car last.
    m.applyClassification();
    assert.equal(retired[0]?.position, 20);
    const winner = m.cars.find((c) => c.position === 1)!;
    assert.equal(winner.completedLaps, 4);
  });
});
