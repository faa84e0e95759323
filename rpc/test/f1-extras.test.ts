// F1's extra payloads become metrics a dashboard can use: tyre sets still available by compound, F1 25's
// lap positions (every lap the game lists, including laps rpc never saw live), and time-trial laps.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import type { racetel } from "@racetel/proto";
import { collectOnce, encodeBatch, labels, pointValue, silentLogger, startTestRpc, waitFor } from "./helpers.js";
import type { TestRpc } from "./helpers.js";

const SESSION = "515151";

describe("F1 extras as metrics", () => {
  let rpc: TestRpc;
  let client: RpcStreamClient;
  let sent = 0;
  const send = async (frames: racetel.v1.IFrame[]): Promise<void> => {
    client.sendBatch(encodeBatch(frames), frames.length);
    sent += frames.length;
    await waitFor("frames at rpc", () => rpc.service.counters.framesAccepted >= sent);
  };

  before(async () => {
    rpc = await startTestRpc();
    client = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-test", logger: silentLogger });
    await waitFor("stream open", () => client.allConnected());
  });
  after(async () => {
    client.close();
    await rpc.stop();
  });

  it("tyre sets still available, by compound", async () => {
    const set = (compound: string, available: boolean): racetel.v1.IF1TyreSet => ({ tyreCompoundName: compound, available });
    await send([{ labels: labels(SESSION, 3), f1TyreSets: { sets: [set("C3", true), set("C3", true), set("C4", true), set("C4", false), set("C2", false)] } }]);
    const m = await collectOnce(rpc);
    assert.equal(pointValue(m, "racetel.car.tyre_sets.available", { car_index: "3", compound: "C3" }), 2);
    assert.equal(pointValue(m, "racetel.car.tyre_sets.available", { car_index: "3", compound: "C4" }), 1);
    assert.equal(pointValue(m, "racetel.car.tyre_sets.available", { car_index: "3", compound: "C2" }), undefined, "a compound with none left is not reported");
    // One set fitted and used up: the count follows.
    await send([{ labels: labels(SESSION, 3), f1TyreSets: { sets: [set("C3", true), set("C3", false), set("C4", true)] } }]);
    const m2 = await collectOnce(rpc);
    assert.equal(pointValue(m2, "racetel.car.tyre_sets.available", { car_index: "3", compound: "C3" }), 1);
  });

  it("F1 25 lap positions become racetel.lap.position of each lap, once per change", async () => {
    await send([{ labels: labels(SESSION, 5), f1LapPositions: { firstLap: 1, positions: [7, 6, 6, 4] } }]);
    const m = await collectOnce(rpc);
    for (const [lap, pos] of [[1, 7], [2, 6], [3, 6], [4, 4]] as const) {
      assert.equal(pointValue(m, "racetel.lap.position", { car_index: "5", lap: String(lap) }), pos);
    }
    assert.ok(!m.some((x) => x.descriptor.name === "racetel.lap.time"), "no lap time invented");
    // The same table again (the game sends it every second) with one more lap: only the new lap is stored.
    await send([{ labels: labels(SESSION, 5), f1LapPositions: { firstLap: 1, positions: [7, 6, 6, 4, 3] } }]);
    const m2 = await collectOnce(rpc);
    assert.equal(pointValue(m2, "racetel.lap.position", { car_index: "5", lap: "5" }), 3);
    assert.equal(pointValue(m2, "racetel.lap.position", { car_index: "5", lap: "2" }), undefined, "an unchanged lap is not stored again");
  });

  it("time trial: session best, personal best and rival laps on the session", async () => {
    await send([{ labels: labels(SESSION, undefined), f1TimeTrial: { playerSessionBest: { lapTimeMs: 81_234 }, personalBest: { lapTimeMs: 80_999 }, rival: { lapTimeMs: 80_500 } } }]);
    const m = await collectOnce(rpc);
    assert.equal(pointValue(m, "racetel.session.time_trial.session_best", { session_id: SESSION }), 81.234);
    assert.equal(pointValue(m, "racetel.session.time_trial.personal_best", { session_id: SESSION }), 80.999);
    assert.equal(pointValue(m, "racetel.session.time_trial.rival", { session_id: SESSION }), 80.5);
  });
});
