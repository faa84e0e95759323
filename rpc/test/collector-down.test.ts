// No collector at the OTLP endpoint: rpc keeps receiving frames, counts failed exports, logs them at a
// bounded rate, and exports again by itself once a collector (a real OTLP/gRPC receiver) listens.
import assert from "node:assert/strict";
import net from "node:net";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import pino from "pino";
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import { createLogger, defaultConfig, RpcService } from "@racetel/rpc";
import { RateLimitedLog } from "@racetel/rpc/log";
import { countOtlpDataPoints, encodeBatch, raceTick, silentLogger, startOtlpReceiver, waitFor } from "./helpers.js";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("collector absent", () => {
  let service: RpcService | undefined;
  let client: RpcStreamClient | undefined;
  let receiver: { stop(): Promise<void> } | undefined;
  after(async () => {
    client?.close();
    await service?.stop();
    await receiver?.stop();
  });

  it("keeps running, counts failed exports, and resumes when the collector appears", async () => {
    const otlpPort = await freePort();
    const config = { ...defaultConfig(), grpc: { host: "127.0.0.1", port: 0 }, http: { host: "127.0.0.1", port: 0 }, otlpEndpoint: `http://127.0.0.1:${otlpPort}`, exportIntervalMs: 100, logLevel: "silent", instance: "rpc-down" };
    service = new RpcService(config, createLogger("silent"));
    await service.start();
    client = new RpcStreamClient({ targets: [`127.0.0.1:${service.grpcPort}`], instance: "ingest-down", logger: silentLogger });
    let tick = 0;
    const feeder = setInterval(() => client!.sendBatch(encodeBatch(raceTick("77", tick++)), 81), 20);
    try {
      await waitFor("export failures", () => service!.counters.exportFailures >= 3, 20_000);
      const heapBefore = process.memoryUsage().heapUsed;
      const failuresBefore = service.counters.exportFailures;
      await waitFor("more failures (with backoff)", () => service!.counters.exportFailures >= failuresBefore + 2, 20_000);
      const health = await fetch(`http://127.0.0.1:${service.httpPort}/healthz`);
      assert.equal(health.status, 200, "rpc healthy while the collector is away");
      await waitFor("frames keep flowing in", () => service!.counters.framesAccepted >= 50 * 81, 20_000);
      const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
      assert.ok(heapGrowthMb < 100, `heap grew ${heapGrowthMb.toFixed(1)} MB while exports failed`);

      const r = await startOtlpReceiver(otlpPort);
      receiver = r;
      await waitFor("the backlog reaches the collector", () => Buffer.concat(r.requests).includes("racetel.car.speed") && service!.pipeline.backlog() < 2000, 30_000);
      const body = Buffer.concat(r.requests).toString("latin1");
      assert.ok(body.includes("racetel.car.speed"), `the export carries racetel metrics: ${r.requests.length} requests, ${[...new Set(body.match(/racetel\.[a-z_.]+/g) ?? [])].slice(0, 12).join(" ")}; backlog ${service.pipeline.backlog()}, sessions ${service.store.sessions.size}`);
      assert.ok(body.includes("session_id") && body.includes("DRIVER 7"), "with the car labels");
    } finally {
      clearInterval(feeder);
    }
  });
});

describe("collector that never answers", () => {
  it("skips collections while requests are pending, so requests never pile up", async () => {
    const hung = await startOtlpReceiver(0, { neverAnswer: true });
    const config = { ...defaultConfig(), grpc: { host: "127.0.0.1", port: 0 }, http: { host: "127.0.0.1", port: 0 }, otlpEndpoint: `http://127.0.0.1:${hung.port}`, exportIntervalMs: 50, logLevel: "silent", instance: "rpc-hung" };
    const service = new RpcService(config, createLogger("silent"));
    await service.start();
    const client = new RpcStreamClient({ targets: [`127.0.0.1:${service.grpcPort}`], instance: "ingest-hung", logger: silentLogger });
    try {
      client.sendBatch(encodeBatch(raceTick("88", 0)), 81);
      await waitFor("collections skipped", () => service.counters.collectionsSkipped >= 10, 20_000);
      // 50 ms interval over this time would be dozens of requests; pending ones time out after 1 s.
      assert.ok(hung.requests.length <= 8, `requests sent to the hung collector: ${hung.requests.length}`);
      client.sendBatch(encodeBatch(raceTick("88", 1)), 81);
      await waitFor("frames still accepted", () => service.counters.framesAccepted >= 162);
      assert.equal((await fetch(`http://127.0.0.1:${service.httpPort}/healthz`)).status, 200);
    } finally {
      client.close();
      await hung.stop();
      service.kill();
    }
  });
});

describe("RateLimitedLog", () => {
  it("logs at most N lines per key per interval and then says how many it suppressed", () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(chunk.toString()); cb(); } });
    let now = 0;
    const log = new RateLimitedLog(pino({ level: "info" }, sink), 1000, 2, () => now);
    for (let i = 0; i < 100; i++) log.warn("export", { i }, "export failed");
    assert.equal(lines.length, 2);
    now = 1500;
    log.warn("export", {}, "export failed");
    assert.equal(lines.length, 4, "summary of 98 suppressed + the new line");
    assert.match(lines[2]!, /98 similar messages suppressed/);
  });
});

describe("collector refuses a request as too large", () => {
  it("the request goes again in halves until every point is stored; nothing is dropped whole", async () => {
    const receiver = await startOtlpReceiver(0, { maxReceiveBytes: 64 * 1024 });
    const config = { ...defaultConfig(), grpc: { host: "127.0.0.1", port: 0 }, http: { host: "127.0.0.1", port: 0 }, otlpEndpoint: `http://127.0.0.1:${receiver.port}`, exportIntervalMs: 60_000, logLevel: "silent", instance: "rpc-split" };
    const rpc = new RpcService(config, createLogger("silent"));
    await rpc.start();
    const feed = new RpcStreamClient({ targets: [`127.0.0.1:${rpc.grpcPort}`], instance: "ingest-split", logger: silentLogger });
    try {
      for (const session of ["s1", "s2", "s3", "s4"]) feed.sendBatch(encodeBatch(raceTick(session, 0)), 81);
      await waitFor("frames in", () => rpc.counters.framesAccepted >= 4 * 81);
      await rpc.pipeline.flush();
      await waitFor("exports settled", () => rpc.counters.pointsHandedOver > 0 && rpc.counters.pointsExported === rpc.counters.pointsHandedOver, 20_000);
      assert.ok(rpc.counters.exportsSplit > 0, "the 8192-point request was too large for 64 KiB and was split");
      assert.equal(rpc.counters.exportFailures, 0, "no request lost");
      const stored = receiver.requests.reduce((n, r) => n + countOtlpDataPoints(r), 0);
      assert.ok(receiver.requests.every((r) => r.length <= 64 * 1024));
      const speeds = receiver.requests.reduce((n, r) => n + (r.includes("racetel.car.speed") ? 1 : 0), 0);
      assert.ok(speeds > 0);
      // 4 sessions x 20 cars: every car's speed point arrived (and everything else in the collection).
      assert.ok(stored >= 4 * 20 * 40, `points stored: ${stored}`);
      assert.equal(stored, rpc.counters.pointsHandedOver, "every point handed to the exporter arrived");
    } finally {
      feed.close();
      await rpc.stop();
      await receiver.stop();
    }
  });
});
