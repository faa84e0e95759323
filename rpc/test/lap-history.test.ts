// A lap-history record (F1 SessionHistory: times and validity only) that follows the live record of the
// same lap keeps what live timing measured (position, pit lap, top speed, fuel, compound, wear) and takes
// the history's times; also when the live record was already reported and dropped. A history record
// without a live one stands alone. Found by the simulated race: pit laps and lap positions read 0.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import { racetel } from "@racetel/proto";
import { collectOnce, encodeBatch, labels, pointValue, silentLogger, startTestRpc, waitFor } from "./helpers.js";
import type { TestRpc } from "./helpers.js";

const SESSION = "424242";
const { FINISHED_LAP_ORIGIN_LIVE: LIVE, FINISHED_LAP_ORIGIN_HISTORY: HISTORY } = racetel.v1.FinishedLapOrigin;
const MEDIUM = racetel.v1.TyreCompound.TYRE_COMPOUND_MEDIUM;

function liveLap(lap: number): racetel.v1.IFinishedLap {
  return { lapNumber: lap, lapTimeMs: 90_400, sector1TimeMs: 30_000, sector2TimeMs: 30_200, sector3TimeMs: 30_200, valid: true, topSpeedMps: 95, fuelUsed: 1.5,
    tyreWearDelta: { frontLeft: 0.02, frontRight: 0.02, rearLeft: 0.01, rearRight: 0.01 }, tyreCompound: MEDIUM, position: 4, pitLap: true, origin: LIVE };
}

function historyLap(lap: number, valid = false): racetel.v1.IFinishedLap {
  // The game's own lap time differs from the live one by a few ms; validity as the game decided.
  return { lapNumber: lap, lapTimeMs: 90_412, sector1TimeMs: 30_004, sector2TimeMs: 30_204, sector3TimeMs: 30_204, valid, tyreCompound: MEDIUM, origin: HISTORY };
}

describe("finished laps: a history record after the live one", () => {
  let rpc: TestRpc;
  let client: RpcStreamClient;
  let sent = 0;
  const send = async (frames: racetel.v1.IFrame[]): Promise<void> => {
    client.sendBatch(encodeBatch(frames), frames.length);
    sent += frames.length;
    await waitFor("frames at rpc", () => rpc.service.counters.framesAccepted >= sent);
  };
  const lapPoint = (metrics: Parameters<typeof pointValue>[0], name: string, car: number, lap: number): number | undefined =>
    pointValue(metrics, name, { car_index: String(car), lap: String(lap) });

  before(async () => {
    rpc = await startTestRpc();
    client = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-test", logger: silentLogger });
    await waitFor("stream open", () => client.allConnected());
  });
  after(async () => {
    client.close();
    await rpc.stop();
  });

  it("keeps the live measurements and takes the history's times and validity", async () => {
    await send([{ labels: labels(SESSION, 1), finishedLap: liveLap(2) }, { labels: labels(SESSION, 1), finishedLap: historyLap(2) }]);
    const m = await collectOnce(rpc);
    assert.equal(lapPoint(m, "racetel.lap.time", 1, 2), 90.412);
    assert.equal(lapPoint(m, "racetel.lap.sector1_time", 1, 2), 30.004);
    assert.equal(lapPoint(m, "racetel.lap.valid", 1, 2), 0);
    assert.equal(lapPoint(m, "racetel.lap.position", 1, 2), 4);
    assert.equal(lapPoint(m, "racetel.lap.pit", 1, 2), 1);
    assert.ok(Math.abs(lapPoint(m, "racetel.lap.top_speed", 1, 2)! - 95) < 1e-9);
    assert.ok(Math.abs(lapPoint(m, "racetel.lap.fuel_used", 1, 2)! - 1.5) < 1e-6);
    assert.equal(lapPoint(m, "racetel.lap.tyre.compound", 1, 2), MEDIUM);
    assert.ok(Math.abs(pointValue(m, "racetel.lap.tyre_wear_delta", { car_index: "1", lap: "2", wheel: "front_left" })! - 0.02) < 1e-6);
  });

  it("still merges when the live record was already reported and dropped", async () => {
    await send([{ labels: labels(SESSION, 2), finishedLap: liveLap(5) }]);
    await collectOnce(rpc);
    await collectOnce(rpc);
    const gone = await collectOnce(rpc);
    assert.equal(gone.some((x) => x.dataPoints.some((p) => p.attributes.car_index === "2" && p.attributes.lap === "5")), false, "held for 2 collections only");
    await send([{ labels: labels(SESSION, 2), finishedLap: historyLap(5, true) }]);
    const m = await collectOnce(rpc);
    assert.equal(lapPoint(m, "racetel.lap.time", 2, 5), 90.412);
    assert.equal(lapPoint(m, "racetel.lap.valid", 2, 5), 1);
    assert.equal(lapPoint(m, "racetel.lap.position", 2, 5), 4);
    assert.equal(lapPoint(m, "racetel.lap.pit", 2, 5), 1);
  });

  it("a history record without a live one reports only what it has (position 0 = unknown)", async () => {
    await send([{ labels: labels(SESSION, 3), finishedLap: historyLap(1, true) }]);
    const m = await collectOnce(rpc);
    assert.equal(lapPoint(m, "racetel.lap.time", 3, 1), 90.412);
    assert.equal(lapPoint(m, "racetel.lap.pit", 3, 1), 0);
    assert.equal(lapPoint(m, "racetel.lap.position", 3, 1), 0);
  });

  it("a live record after a history one replaces it whole", async () => {
    await send([{ labels: labels(SESSION, 4), finishedLap: historyLap(7) }, { labels: labels(SESSION, 4), finishedLap: liveLap(7) }]);
    const m = await collectOnce(rpc);
    assert.equal(lapPoint(m, "racetel.lap.time", 4, 7), 90.4);
    assert.equal(lapPoint(m, "racetel.lap.valid", 4, 7), 1);
    assert.equal(lapPoint(m, "racetel.lap.pit", 4, 7), 1);
  });
});
