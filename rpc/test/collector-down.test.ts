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
import { encodeBatch, raceTick, silentLogger, startOtlpReceiver, waitFor } from "./helpers.js";

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
      await waitFor("more failures", () => service!.counters.exportFailures >= failuresBefore + 5, 20_000);
      const health = await fetch(`http://127.0.0.1:${service.httpPort}/healthz`);
      assert.equal(health.status, 200, "rpc healthy while the collector is away");
      await waitFor("frames keep flowing in", () => service!.counters.framesAccepted >= 50 * 81, 20_000);
      const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
      assert.ok(heapGrowthMb < 100, `heap grew ${heapGrowthMb.toFixed(1)} MB while exports failed`);

      const r = await startOtlpReceiver(otlpPort);
      receiver = r;
      await waitFor("an export reaches the collector", () => r.requests.length > 0 && service!.counters.exportsSucceeded > 0, 30_000);
      const body = Buffer.concat(r.requests).toString("latin1");
      assert.ok(body.includes("racetel.car.speed"), "the export carries racetel metrics");
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
