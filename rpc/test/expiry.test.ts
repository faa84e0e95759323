// A session that goes silent is retired: what it still owed the collector goes out once, then rpc holds
// nothing of it (no ghost series, memory given back), while live sessions keep being stored.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import { collectOnce, encodeBatch, metric, raceTick, silentLogger, startTestRpc, waitFor } from "./helpers.js";
import type { TestRpc } from "./helpers.js";

describe("expiry", () => {
  let rpc: TestRpc | undefined;
  let client: RpcStreamClient | undefined;
  after(async () => {
    client?.close();
    await rpc?.stop();
  });

  it("retires silent sessions: their last samples go out once, then only live sessions are stored", async () => {
    rpc = await startTestRpc({ carTimeoutMs: 300, sessionTimeoutMs: 600 });
    client = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-expiry", logger: silentLogger });
    client.sendBatch(encodeBatch([...raceTick("old", 0, 5), ...raceTick("live", 0, 3)]), 34);
    await waitFor("frames at rpc", () => rpc!.service.counters.framesAccepted >= 34);
    assert.equal(metric(await collectOnce(rpc), "racetel.car.speed").dataPoints.length, 8);
    // Keep "live" talking while "old" is silent.
    for (let i = 1; i <= 8; i++) {
      await new Promise((r) => setTimeout(r, 100));
      client.sendBatch(encodeBatch(raceTick("live", i, 3)), 13);
    }
    await waitFor("live frames", () => rpc!.service.counters.framesAccepted >= 34 + 8 * 13);
    const metrics = await collectOnce(rpc);
    const speed = metric(metrics, "racetel.car.speed");
    assert.equal(speed.dataPoints.length, 3 * 8, "the live session's 3 cars, 8 samples each");
    assert.ok(speed.dataPoints.every((p) => p.attributes.session_id === "live"));
    assert.deepEqual([...rpc.service.store.sessions.keys()], ["live"], "state freed");
    assert.equal(rpc.service.store.retired.length, 0, "nothing owed any more");
  });

  it("a hundred short sessions come and go: rpc keeps nothing of them", async () => {
    client!.close();
    await rpc!.stop();
    rpc = await startTestRpc({ carTimeoutMs: 300, sessionTimeoutMs: 600, newSessionsPerMinute: 1000 });
    client = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-expiry-2", logger: silentLogger });
    for (let s = 0; s < 100; s++) client.sendBatch(encodeBatch(raceTick(`s${s}`, 0, 4)), 17);
    await waitFor("frames", () => rpc!.service.counters.framesAccepted >= 1700);
    const first = await collectOnce(rpc!);
    assert.equal(new Set(metric(first, "racetel.car.speed").dataPoints.map((p) => p.attributes.session_id)).size, 100);
    await new Promise((r) => setTimeout(r, 700));
    await collectOnce(rpc!);
    assert.equal(rpc!.service.store.sessions.size, 0);
    assert.equal(rpc!.service.store.retired.length, 0);
    assert.equal(rpc!.service.store.carsLive, 0);
  });
});
