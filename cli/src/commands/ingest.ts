// `racetel ingest`: the ingest service (UDP in, racetel.v1 frames out).
import { parseArgs } from "node:util";
import { ConfigError, ingestFlagOptions, ingestFlagUsage, resolveIngestConfig, type IngestConfig } from "@racetel/ingest/config/ingest-config";
import { IngestCounters } from "@racetel/ingest/observability/counters";
import { createLogger, type Logger } from "@racetel/ingest/observability/logger";
import type { BatchSink } from "@racetel/ingest/pipeline/batch-sink";
import { JsonLinesBatchSink } from "@racetel/ingest/pipeline/stdout-sink";
import { IngestService } from "@racetel/ingest/service/ingest-service";
import { defaultSourceDecoders } from "@racetel/ingest/service/source-decoders";
import type { RpcTls } from "@racetel/ingest/stream/client";
import { createRpcBatchSink, rpcTlsFlagOptions, rpcTlsFlagUsage, rpcTlsFromFlags, rpcTokenFromFlags } from "@racetel/ingest/stream/sink";
import { KafkaBatchSink } from "@racetel/ingest/stream/kafka-sink";
import { snapshotIngestStats } from "@racetel/ingest/observability/ingest-stats";
import type { Command } from "../main.js";

interface Output {
  sink: BatchSink;
  close(): void;
}

function createOutput(config: IngestConfig, tls: RpcTls | undefined, token: string | undefined, logger: Logger, counters: IngestCounters): Output {
  if (config.output === "stdout") return { sink: new JsonLinesBatchSink(process.stdout), close: () => undefined };
  if (config.output === "kafka") {
    const sink = new KafkaBatchSink({
      ...config.kafka, instance: config.instanceName, logger,
      onDrop: (frames) => { counters.framesDroppedQueue += frames; },
      stats: () => snapshotIngestStats(counters),
    });
    return { sink, close: () => { void sink.close(); } };
  }
  const client = createRpcBatchSink({ targets: config.rpcTargets, instance: config.instanceName, logger, ...(tls ? { tls } : {}), ...(token !== undefined ? { token } : {}) }, () => counters);
  return { sink: client, close: () => client.close() };
}

export const command: Command = {
  name: "ingest",
  summary: "run the ingest service: F1/ACC UDP telemetry in, racetel.v1 frames out",
  usage: `Usage: racetel ingest [flags]

Listens for F1 23/24/25 UDP telemetry (and forwarded ACC pages), decodes every packet into racetel.v1
frames and sends them to rpc (--output grpc), produces them to Kafka for a group of rpc instances
(--output kafka, docs/deploy.md) or prints them as proto3 JSON lines (--output stdout).
Serves /metrics (Prometheus) and /healthz on the HTTP port. Stops cleanly on Ctrl-C / SIGTERM.

${ingestFlagUsage}
${rpcTlsFlagUsage}`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { ...ingestFlagOptions, ...rpcTlsFlagOptions }, strict: true, allowPositionals: false });
    const { help: _help, ...rest } = values;
    const flags: Record<string, string> = {};
    const tlsFlags: Record<string, string> = {};
    for (const [name, value] of Object.entries(rest)) {
      if (typeof value === "string") (name in rpcTlsFlagOptions ? tlsFlags : flags)[name] = value;
    }
    const config = resolveIngestConfig(flags);
    const problems: string[] = [];
    const tls = rpcTlsFromFlags(tlsFlags, process.env, problems);
    const token = rpcTokenFromFlags(tlsFlags, process.env);
    if (problems.length > 0) throw new ConfigError(problems.join("\n"));
    const logger = createLogger(config.logLevel);
    const counters = new IngestCounters();
    const output = createOutput(config, tls, token, logger, counters);
    const service = new IngestService({ config, logger, counters, output: output.sink, decoders: defaultSourceDecoders() });
    try {
      await service.start();
    } catch (err) {
      output.close();
      throw err;
    }
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
