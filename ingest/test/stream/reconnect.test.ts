// Kill rpc in the middle of a replay and start it again on the same port: the stream client
// reconnects by itself, counts the frames it had to drop (a queue of 8 batches here, so most of what
// was sent while rpc was away cannot be kept), and the session continues with its labels.
// rpc/test/restart.test.ts shows the other side: with room in the queue nothing is lost.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import { collectOnce, encodeBatch, pointValue, raceTick, silentLogger, startTestRpc, waitFor } from "../../../rpc/test/helpers.js";
import type { TestRpc } from "../../../rpc/test/helpers.js";

const SESSION = "7001";
const FRAMES_PER_TICK = 1 + 20 * 4;

describe("stream client across an rpc restart", () => {
  let rpc: TestRpc | undefined;
  let client: RpcStreamClient | undefined;
  after(async () => {
    client?.close();
    await rpc?.stop();
  });

  it("reconnects, counts drops, and the session keeps its labels", async () => {
    rpc = await startTestRpc();
    const port = rpc.service.grpcPort;
    let dropsSeenByIngestCounters = 0;
    client = new RpcStreamClient({
      targets: [rpc.target], instance: "ingest-restart", logger: silentLogger,
      queueBatches: 8, backoffInitialMs: 50, backoffMaxMs: 400, statsIntervalMs: 100,
      onDrop: (n) => { dropsSeenByIngestCounters += n; },
    });
    let tick = 0;
    const sendTicks = (n: number): void => {
      for (let i = 0; i < n; i++) client!.sendBatch(encodeBatch(raceTick(SESSION, tick++)), FRAMES_PER_TICK);
    };
    await waitFor("stream open", () => client!.allConnected());
    sendTicks(20);
    await waitFor("first half at rpc", () => rpc!.service.counters.framesAccepted >= 20 * FRAMES_PER_TICK);
    const before = await collectOnce(rpc);
    const driverBefore = before.find((m) => m.descriptor.name === "racetel.car.speed")!.dataPoints.find((p) => p.attributes.car_index === "7")!.attributes;

    // Exported and quiet: rpc acknowledges what reached the collector (rpc/test/restart.test.ts: a crash
    // mid-stream, with frames unacknowledged, sent again).
    await new Promise((r) => setTimeout(r, 200));
    const unackedAtKill = client.targetStats()[0]!.unacked;
    rpc.service.kill();
    await waitFor("client notices rpc is gone", () => !client!.allConnected());
    // rpc is away: 50 more ticks, the queue holds 8 batches, the rest is dropped and counted.
    sendTicks(50);
    assert.ok(client.framesDropped >= 40 * FRAMES_PER_TICK, `dropped ${client.framesDropped} frames while rpc was away`);
    assert.equal(dropsSeenByIngestCounters, client.framesDropped, "drops reported to ingest's counters");

    rpc = await startTestRpc({}, port);
    await waitFor("client reconnected", () => client!.allConnected(), 15_000);
    sendTicks(10);
    await waitFor("queued and new ticks at the new rpc", () => rpc!.service.counters.framesAccepted >= 18 * FRAMES_PER_TICK && client!.targetStats()[0]!.queued === 0);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(client.targetStats()[0]!.framesResent, unackedAtKill * FRAMES_PER_TICK, "what the dead rpc had not acknowledged went again");
    assert.ok(client.targetStats()[0]!.reconnects >= 1);

    const afterRestart = await collectOnce(rpc);
    const point = afterRestart.find((m) => m.descriptor.name === "racetel.car.speed")!.dataPoints.find((p) => p.attributes.car_index === "7")!;
    assert.deepEqual(point.attributes, driverBefore, "same session, same labels after the restart");
    assert.ok(Math.abs(pointValue(afterRestart, "racetel.car.speed", { car_index: "7" })! - (50 + 7 + (tick - 1) * 0.01)) < 1e-3, "latest tick's speed");
    await waitFor("drop total reached rpc", () => (rpc!.service.store.ingest.get("ingest-restart")?.framesDroppedTotal ?? 0) >= client!.framesDropped);
    const withStats = await collectOnce(rpc);
    assert.equal(pointValue(withStats, "racetel.ingest.frames_dropped", { ingest_instance: "ingest-restart" }), client.framesDropped);
  });
});
