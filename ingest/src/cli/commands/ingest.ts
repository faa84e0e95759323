// `racetel ingest`: the ingest service (UDP in, racetel.v1 frames out).
import { ingestFlagUsage, parseIngestFlags, resolveIngestConfig, type IngestConfig } from "../../config/ingest-config.js";
import { createLogger, type Logger } from "../../observability/logger.js";
import { IngestCounters } from "../../observability/counters.js";
import { snapshotIngestStats } from "../../observability/ingest-stats.js";
import type { BatchSink } from "../../pipeline/batch-sink.js";
import { JsonLinesBatchSink } from "../../pipeline/stdout-sink.js";
import { IngestService } from "../../service/ingest-service.js";
import { defaultSourceDecoders } from "../../service/source-decoders.js";
import { RpcStreamClient } from "../../stream/index.js";
import type { Command } from "../main.js";

interface Output {
  sink: BatchSink;
  close(): void;
}

function createOutput(config: IngestConfig, logger: Logger, counters: IngestCounters): Output {
  if (config.output === "stdout") return { sink: new JsonLinesBatchSink(process.stdout), close: () => undefined };
  const client = new RpcStreamClient({
    targets: config.rpcTargets,
    instance: config.instanceName,
    logger,
    stats: () => snapshotIngestStats(counters),
    onDrop: (frames) => {
      counters.framesDroppedQueue += frames;
    },
  });
  return { sink: client, close: () => client.close() };
}

export const command: Command = {
  name: "ingest",
  summary: "run the ingest service: F1/ACC UDP telemetry in, racetel.v1 frames out",
  usage: `Usage: racetel ingest [flags]

Listens for F1 23/24/25 UDP telemetry (and forwarded ACC pages), decodes every packet into racetel.v1
frames and sends them to rpc (--output grpc) or prints them as proto3 JSON lines (--output stdout).
Serves /metrics (Prometheus) and /healthz on the HTTP port. Stops cleanly on Ctrl-C / SIGTERM.

${ingestFlagUsage}`,
  async run(argv) {
    const { flags } = parseIngestFlags(argv);
    const config = resolveIngestConfig(flags);
    const logger = createLogger(config.logLevel);
    const counters = new IngestCounters();
    const output = createOutput(config, logger, counters);
    const service = new IngestService({ config, logger, counters, output: output.sink, decoders: defaultSourceDecoders() });
    await service.start();
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals): void => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        logger.info({ signal }, "shutting down");
        resolve();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    await service.stop();
    output.close();
    const c = service.counters;
    logger.info({ packetsReceived: c.packetsReceived, packetsDecoded: c.packetsDecoded, packetsDropped: c.packetsDropped(), framesEmitted: c.framesEmitted }, "ingest stopped");
    return 0;
  },
};
