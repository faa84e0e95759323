// `racetel up`: ingest and rpc in one process, for the plain-npm path (`npm start`). Frames go from the
// ingest service to rpc over a real gRPC stream on loopback, exactly as between two processes.
import { networkInterfaces } from "node:os";
import { parseArgs } from "node:util";
import { ConfigError as RpcConfigError, configFromArgs, createLogger as createRpcLogger, RpcService } from "@racetel/rpc";
import { ConfigError, ingestFlagOptions, ingestFlagUsage, resolveIngestConfig } from "../../config/ingest-config.js";
import { createLogger } from "../../observability/logger.js";
import { IngestService } from "../../service/ingest-service.js";
import { defaultSourceDecoders } from "../../service/source-decoders.js";
import { createRpcBatchSink } from "../../stream/sink.js";
import type { Command } from "../main.js";

// rpc's flags under names that do not collide with ingest's (--port, --http-port are ingest's here).
const upRpcFlags = {
  "rpc-port": { type: "string" },
  "rpc-http-port": { type: "string" },
  "otlp-endpoint": { type: "string" },
  "export-interval": { type: "string" },
  "car-timeout": { type: "string" },
  "session-timeout": { type: "string" },
} as const;

const { output: _output, "rpc-targets": _targets, ...upIngestFlags } = ingestFlagOptions;
const upFlagOptions = { ...upIngestFlags, ...upRpcFlags } as const;

function lanAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) out.push(a.address);
  }
  return out;
}

export const command: Command = {
  name: "up",
  summary: "run ingest and rpc together in one process (what `npm start` runs)",
  usage: `Usage: racetel up [flags]

Runs the ingest service and rpc in one process: F1/ACC telemetry in on UDP, OpenTelemetry metrics out
over OTLP to a collector. Prints where to point the console and where metrics go. Ctrl-C stops both.

ingest flags (as for racetel ingest, without --output and --rpc-targets):
${ingestFlagUsage.split("\n").filter((l) => !/--output|--rpc-targets|^Flags/.test(l)).join("\n")}

rpc flags (as for racetel rpc, renamed where they collide):
  --rpc-port N            gRPC port of rpc (RACETEL_RPC_PORT, default 50051)
  --rpc-http-port N       rpc /metrics and /healthz (RACETEL_RPC_HTTP_PORT, default 9465)
  --otlp-endpoint URL     OTLP/gRPC collector (OTEL_EXPORTER_OTLP_ENDPOINT, default http://127.0.0.1:4317)
  --export-interval DUR   metric export interval (OTEL_METRIC_EXPORT_INTERVAL in ms, default 250ms)
  --car-timeout DUR       stop reporting a silent car after this (default 10s)
  --session-timeout DUR   forget a silent session after this (default 30s)`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { ...upFlagOptions, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
    const rpcArgv: string[] = [];
    const map: [keyof typeof upRpcFlags, string][] = [["rpc-port", "--port"], ["rpc-http-port", "--http-port"], ["otlp-endpoint", "--otlp-endpoint"], ["export-interval", "--export-interval"], ["car-timeout", "--car-timeout"], ["session-timeout", "--session-timeout"]];
    for (const [from, to] of map) {
      const v = values[from];
      if (v !== undefined) rpcArgv.push(to, v);
    }
    if (values["log-level"] !== undefined) rpcArgv.push("--log-level", values["log-level"]);
    let rpcConfig;
    try {
      rpcConfig = configFromArgs(rpcArgv);
    } catch (err) {
      if (err instanceof RpcConfigError) throw new ConfigError(err.message);
      throw err;
    }
    if (rpcConfig === undefined) return 0;
    const ingestFlags: Record<string, string> = { output: "grpc" };
    for (const key of Object.keys(upIngestFlags)) {
      const v = (values as Record<string, unknown>)[key];
      if (typeof v === "string") ingestFlags[key] = v;
    }
    const rpc = new RpcService(rpcConfig, createRpcLogger(rpcConfig.logLevel));
    await rpc.start();
    ingestFlags["rpc-targets"] = `127.0.0.1:${rpc.grpcPort}`;
    let ingest: IngestService | undefined;
    let sink;
    try {
      const config = resolveIngestConfig(ingestFlags, { ...process.env, RACETEL_RPC_TARGETS: undefined, RACETEL_INGEST_OUTPUT: undefined });
      const logger = createLogger(config.logLevel);
      sink = createRpcBatchSink({ targets: config.rpcTargets, instance: config.instanceName, logger }, () => ingest!.counters);
      ingest = new IngestService({ config, logger, output: sink, decoders: defaultSourceDecoders() });
      const ports = await ingest.start();
      const hosts = lanAddresses();
      process.stderr.write([
        "racetel up: ingest and rpc running",
        `  F1 23/24/25: in the game's telemetry settings set UDP IP to ${hosts.length > 0 ? hosts.join(" or ") : "this machine's address"}, port ${ports.f1}, format 2023/2024/2025`,
        ports.acc !== undefined ? `  ACC: forward shared-memory pages to UDP port ${ports.acc}` : "",
        `  metrics export (OTLP/gRPC) every ${rpcConfig.exportIntervalMs} ms to ${rpcConfig.otlpEndpoint}`,
        `  health: http://127.0.0.1:${ports.http}/metrics (ingest), http://127.0.0.1:${rpc.httpPort}/metrics (rpc)`,
        "  Ctrl-C stops both.",
      ].filter((l) => l !== "").join("\n") + "\n");
      await new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
    } finally {
      await ingest?.stop();
      sink?.close();
      await rpc.stop();
    }
    return 0;
  },
};
