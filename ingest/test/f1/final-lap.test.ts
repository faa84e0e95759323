// The last lap of a race is finished live too: when a car takes the chequered flag the game keeps its lap
// number and turns its result status to "finished", so the lap number never grows. Without this the
// last lap only came from the game's lap history (no position, pit flag, top speed, fuel). Driven by a
// simulated race through racetel's F1 decoder.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { racetel } from "@racetel/proto";
import { simulateSession } from "../../src/simulate/session.js";
import { F1Decoder } from "../../src/sources/f1/index.js";
import type { Frame } from "../../src/sources/source.js";

const { FINISHED_LAP_ORIGIN_LIVE: LIVE, FINISHED_LAP_ORIGIN_HISTORY: HISTORY } = racetel.v1.FinishedLapOrigin;

describe("F1: the last lap of a race", () => {
  it("is emitted live once per finisher, with its position at the flag, and agrees with the lap history", () => {
    const live = new Map<string, racetel.v1.IFinishedLap>();
    const history = new Map<string, racetel.v1.IFinishedLap>();
    const results = new Map<number, racetel.v1.IFinalResult>();
    let liveDuplicates = 0;
    const decoder = new F1Decoder({
      sink: {
        emit(f: Frame) {
          const car = f.labels?.carIndex ?? -1;
          if (f.finalResult) results.set(car, structuredClone(f.finalResult));
          if (!f.finishedLap) return;
          const key = `${car}/${f.finishedLap.lapNumber}`;
          const into = f.finishedLap.origin === LIVE ? live : f.finishedLap.origin === HISTORY ? history : undefined;
          if (into === live && live.has(key)) liveDuplicates++;
          into?.set(key, structuredClone(f.finishedLap));
        },
      },
      drops: { drop: (reason) => assert.fail(`dropped: ${reason}`) },
      advice: { once: () => {} },
    });
    for (const d of simulateSession({ format: 2023, cars: 6, laps: 2, track: "spa", rate: 10, seed: 3 })) decoder.decode(d.data, 1.7e18 + d.timeMs * 1e6, "127.0.0.1:40000");

    assert.equal(results.size, 6);
    assert.equal(liveDuplicates, 0, "each lap finished live once");
    let finishers = 0;
    // Positions as each car crossed the line (the classification may differ: time penalties apply after).
    const flagPositions: number[] = [];
    for (const [car, r] of results) {
      if (r.resultStatus !== racetel.v1.ResultStatus.RESULT_STATUS_FINISHED) continue;
      finishers++;
      const last = r.lapsCompleted ?? 0;
      assert.equal(last, 2, `car ${car} completed the race distance`);
      const lap = live.get(`${car}/${last}`);
      assert.ok(lap, `car ${car}: its last lap (${last}) finished live`);
      flagPositions.push(lap.position ?? 0);
      assert.ok((lap.topSpeedMps ?? 0) > 50, `car ${car}: top speed on the last lap ${lap.topSpeedMps}`);
      assert.equal(lap.lapTimeMs, history.get(`${car}/${last}`)?.lapTimeMs, `car ${car}: live and history lap time`);
      assert.equal(live.has(`${car}/${last + 1}`), false, `car ${car}: no lap after the flag`);
    }
    assert.equal(finishers, 5, "one car retires");
    assert.deepEqual(flagPositions.sort((a, b) => a - b), [1, 2, 3, 4, 5], "positions when taking the flag");
  });
});
