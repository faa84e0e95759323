// Cost of one collection per stored data point, and of the OTLP protobuf serialisation that follows:
// what bounds how many cars one rpc stores every 250 ms. A collection here holds one export interval of
// a race at 60 Hz (15 trace samples per car) plus the whole state of every car (a heartbeat).
// State: the synthetic 20-car race tick for N/20 sessions. Noisy: shared 2-core machine.
import { ProtobufMetricsSerializer } from "@opentelemetry/otlp-transformer";
import { AggregationTemporality, InMemoryMetricExporter } from "@opentelemetry/sdk-metrics";
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { racetel } from "@racetel/proto";
import { createLogger, defaultConfig, RpcService } from "@racetel/rpc";
import { AckTracker } from "@racetel/rpc/acks";
import { TokenCheck } from "@racetel/rpc/auth";
import { RateLimitedLog } from "@racetel/rpc/log";
import { handleBatch } from "@racetel/rpc/server";
import { raceTick } from "../test/helpers.js";

const CARS = (process.env.BENCH_CARS ?? "200,1000,2000").split(",").map(Number);
const TICKS = 15;

for (const cars of CARS) {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
  const svc = new RpcService({ ...defaultConfig(), grpc: { host: "127.0.0.1", port: 0 }, http: { host: "127.0.0.1", port: 0 }, exportIntervalMs: 600_000, carTimeoutMs: 3_600_000, sessionTimeoutMs: 3_600_000, logLevel: "silent", exportBatchSize: 1_000_000, newSessionsPerMinute: 1_000_000 }, createLogger("silent"), { exporter });
  await svc.start();
  const ctx = { store: svc.store, hub: svc.hub, counters: svc.counters, log: new RateLimitedLog(createLogger("silent")), now: Date.now, auth: new TokenCheck(""), acks: new AckTracker(), pressure: svc.pressure };
  let best = Infinity;
  let points = 0;
  let last: ResourceMetrics | undefined;
  for (let round = 0; round < 4; round++) {
    for (let tick = round * TICKS; tick < (round + 1) * TICKS; tick++) {
      for (let s = 0; s < cars / 20; s++) handleBatch(ctx, racetel.v1.PublishRequest.decode(racetel.v1.PublishRequest.encode({ frames: raceTick(String(s), tick) }).finish()));
    }
    exporter.reset();
    const t = performance.now();
    await svc.pipeline.flush();
    best = Math.min(best, performance.now() - t);
    last = exporter.getMetrics()[0];
    points = exporter.getMetrics().reduce((n, rm) => n + rm.scopeMetrics.reduce((a, sm) => a + sm.metrics.reduce((m, md) => m + md.dataPoints.length, 0), 0), 0);
  }
  let ser = Infinity;
  let bytes = 0;
  const first = last!;
  const firstPoints = first.scopeMetrics.reduce((a, sm) => a + sm.metrics.reduce((m, md) => m + md.dataPoints.length, 0), 0);
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    bytes = ProtobufMetricsSerializer.serializeRequest(first)?.length ?? 0;
    ser = Math.min(ser, performance.now() - t);
  }
  console.log(`${String(cars).padStart(5)} cars: ${points} points per 250 ms of race, collect ${best.toFixed(0)} ms (${(best * 1000 / points).toFixed(2)} us/point), OTLP serialise ${(ser * 1000 / firstPoints).toFixed(2)} us/point (${(bytes / firstPoints).toFixed(0)} bytes/point)`);
  await svc.stop();
}
