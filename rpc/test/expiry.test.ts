// Cars and sessions that go silent stop being reported (no ghost series), and the SDK's per-series
// memo is given back by rebuilding the MeterProvider, while live cars keep reporting through it.
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

  it("drops silent cars and sessions from the export", async () => {
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
    assert.equal(speed.dataPoints.length, 3, "only the live session's cars");
    assert.ok(speed.dataPoints.every((p) => p.attributes.session_id === "live"));
    assert.ok(metric(metrics, "racetel.session.track_length").dataPoints.every((p) => p.attributes.session_id === "live"), "silent session's series gone");
    assert.deepEqual([...rpc.service.store.sessions.keys()], ["live"], "state freed");
  });

  it("rebuilds the MeterProvider after many attribute sets and keeps reporting", async () => {
    await rpc!.stop();
    client!.close();
    const { createLogger, defaultConfig, RpcService } = await import("@racetel/rpc");
    const { AggregationTemporality, InMemoryMetricExporter } = await import("@opentelemetry/sdk-metrics");
    const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const service = new RpcService({ ...defaultConfig(), grpc: { host: "127.0.0.1", port: 0 }, http: { host: "127.0.0.1", port: 0 }, exportIntervalMs: 60_000, reporting: "observable", carTimeoutMs: 100, sessionTimeoutMs: 100, logLevel: "silent" }, createLogger("silent"), { exporter, rebuildAfterAttributeSets: 200 });
    await service.start();
    rpc = { service, exporter, target: `127.0.0.1:${service.grpcPort}`, stop: () => service.stop() };
    client = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-rebuild", logger: silentLogger });
    // 10 short sessions of 20 cars: ~1000 attribute sets, then they expire.
    for (let s = 0; s < 10; s++) client.sendBatch(encodeBatch(raceTick(`s${s}`, 0)), 81);
    await waitFor("frames", () => service.counters.framesAccepted >= 810);
    await collectOnce(rpc);
    await new Promise((r) => setTimeout(r, 250));
    await collectOnce(rpc); // expires them, then rebuilds
    assert.ok(service.pipeline.rebuilds >= 1, "MeterProvider rebuilt");
    client.sendBatch(encodeBatch(raceTick("after", 1, 2)), 9);
    await waitFor("frames after", () => service.counters.framesAccepted >= 819);
    await new Promise((r) => setTimeout(r, 50));
    const metrics = await collectOnce(rpc);
    const speed = metric(metrics, "racetel.car.speed");
    assert.deepEqual(speed.dataPoints.map((p) => p.attributes.session_id), ["after", "after"]);
  });
});
