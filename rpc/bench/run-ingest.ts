// Bench helper: the ingest service with the gRPC stream to rpc, as `racetel ingest --output grpc` runs
// it (IngestService + createRpcBatchSink), in its own process. Prints one JSON line when ready.
import { resolveIngestConfig } from "@racetel/ingest/config/ingest-config";
import { createLogger } from "@racetel/ingest/observability/logger";
import { IngestService } from "@racetel/ingest/service/ingest-service";
import { defaultSourceDecoders } from "@racetel/ingest/service/source-decoders";
import { createRpcBatchSink } from "@racetel/ingest/stream/index";

const target = process.argv[2];
if (target === undefined) {
  process.stderr.write("usage: run-ingest.ts <rpc host:port>\n");
  process.exit(2);
}
const config = resolveIngestConfig({ "f1-host": "127.0.0.1", "f1-port": "0", "acc-port": "0", "http-port": "0", output: "grpc", "rpc-targets": target, "log-level": "warn", "recv-buffer": String(16 * 1024 * 1024) }, {});
const logger = createLogger(config.logLevel);
// The sink reads the counters lazily, once the service exists.
const sink = createRpcBatchSink({ targets: config.rpcTargets, instance: "bench-ingest", logger }, () => service.counters);
const service = new IngestService({ config, logger, output: sink, decoders: defaultSourceDecoders() });
const ports = await service.start();
process.stdout.write(JSON.stringify({ msg: "ingest ready", f1: ports.f1, http: ports.http }) + "\n");
process.once("SIGTERM", () => {
  void service.stop().then(() => {
    sink.close();
    setTimeout(() => process.exit(0), 300);
  });
});
