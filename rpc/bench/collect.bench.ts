// Cost of one collection per reported data point, for both reporting modes, and of the OTLP protobuf
// serialisation that follows: what bounds how many cars one rpc reports every 250 ms.
// State: the synthetic 20-car race tick (all channels set) for N sessions. Noisy: shared 2-core machine.
import { ProtobufMetricsSerializer } from "@opentelemetry/otlp-transformer";
import { AggregationTemporality, InMemoryMetricExporter } from "@opentelemetry/sdk-metrics";
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { racetel } from "@racetel/proto";
import { createLogger, defaultConfig, RpcService } from "@racetel/rpc";
import { TokenCheck } from "@racetel/rpc/auth";
import { RateLimitedLog } from "@racetel/rpc/log";
import { handleBatch } from "@racetel/rpc/server";
import { raceTick } from "../test/helpers.js";

const CARS = (process.env.BENCH_CARS ?? "200,1000,2000").split(",").map(Number);

for (const reporting of ["producer", "observable"] as const) {
  for (const cars of CARS) {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const svc = new RpcService({ ...defaultConfig(), grpc: { host: "127.0.0.1", port: 0 }, http: { host: "127.0.0.1", port: 0 }, exportIntervalMs: 600_000, carTimeoutMs: 3_600_000, sessionTimeoutMs: 3_600_000, logLevel: "silent", reporting, exportBatchSize: 1_000_000 }, createLogger("silent"), { exporter });
    await svc.start();
    const ctx = { store: svc.store, hub: svc.hub, counters: svc.counters, log: new RateLimitedLog(createLogger("silent")), now: Date.now, auth: new TokenCheck("") };
    for (let s = 0; s < cars / 20; s++) handleBatch(ctx, racetel.v1.PublishRequest.decode(racetel.v1.PublishRequest.encode({ frames: raceTick(String(s), 1) }).finish()));
    let best = Infinity;
    let points = 0;
    let last: ResourceMetrics | undefined;
    for (let i = 0; i < 4; i++) {
      exporter.reset();
      const t = performance.now();
      await svc.pipeline.flush();
      best = Math.min(best, performance.now() - t);
      last = exporter.getMetrics()[0];
      points = last!.scopeMetrics.reduce((n, sm) => n + sm.metrics.reduce((m, md) => m + md.dataPoints.length, 0), 0);
    }
    let ser = Infinity;
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      bytes = ProtobufMetricsSerializer.serializeRequest(last!)?.length ?? 0;
      ser = Math.min(ser, performance.now() - t);
    }
    console.log(`${reporting.padEnd(10)} ${String(cars).padStart(5)} cars: ${points} points, collect ${best.toFixed(0)} ms (${(best * 1000 / points).toFixed(2)} us/point), OTLP serialise ${ser.toFixed(0)} ms (${(ser * 1000 / points).toFixed(2)} us/point, ${(bytes / 1e6).toFixed(1)} MB)`);
    await svc.stop();
  }
}
