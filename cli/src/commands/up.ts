// `racetel up`: ingest, rpc and the live view in one process, for the plain-npm path (`npm start`).
// Frames go from the ingest service to rpc over a real gRPC stream on loopback, exactly as between two
// processes. Only the game's UDP ports face the network by default; rpc, /metrics and the live view
// bind loopback unless told otherwise.
import { networkInterfaces } from "node:os";
import { parseArgs } from "node:util";
import { isLoopback, newToken } from "@racetel/live-view";
import { ConfigError as RpcConfigError, configFromArgs, createLogger as createRpcLogger, RpcService } from "@racetel/rpc";
import { ConfigError, ingestFlagOptions, ingestFlagUsage, resolveIngestConfig } from "@racetel/ingest/config/ingest-config";
import { createLogger } from "@racetel/ingest/observability/logger";
import { IngestService } from "@racetel/ingest/service/ingest-service";
import { defaultSourceDecoders } from "@racetel/ingest/service/source-decoders";
import { createRpcBatchSink } from "@racetel/ingest/stream/sink";
import type { Command } from "../main.js";

/** The live view's address when no flag says otherwise. */
export const DEFAULT_LIVE_PORT = 8090;

// rpc's flags under names that do not collide with ingest's (--port, --http-port are ingest's here).
const upRpcFlags = {
  "rpc-host": { type: "string" },
  "rpc-port": { type: "string" },
  "rpc-http-port": { type: "string" },
  "rpc-token": { type: "string" },
  "otlp-endpoint": { type: "string" },
  "export-interval": { type: "string" },
  "car-timeout": { type: "string" },
  "session-timeout": { type: "string" },
  "live-host": { type: "string" },
  "live-port": { type: "string" },
  "live-token": { type: "string" },
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
  summary: "run ingest, rpc and the live view in one process (what `npm start` runs)",
  usage: `Usage: racetel up [flags]

Runs the ingest service, rpc and the live view in one process: F1/ACC telemetry in on UDP, every car
live in the browser (the line "live view: URL" says where), and OpenTelemetry metrics out over OTLP to a
collector when one answers. Ctrl-C stops everything.

ingest flags (as for racetel ingest, without --output and --rpc-targets):
${ingestFlagUsage.split("\n").filter((l) => !/--output|--rpc-targets|^Flags/.test(l)).join("\n")}

live view:
  --live-host HOST        address of the live view (RACETEL_LIVE_HOST, default 127.0.0.1). Another address,
                          e.g. 0.0.0.0 to open it on a tablet, needs a token: one is made up and printed
                          in the URL unless --live-token gives it
  --live-port N|off       port of the live view (RACETEL_LIVE_PORT, default ${DEFAULT_LIVE_PORT}; 0 = any free port)
  --live-token TOKEN      access token of the live view (RACETEL_LIVE_TOKEN)

rpc flags (as for racetel rpc, renamed where they collide):
  --rpc-host HOST         gRPC address of rpc (default 127.0.0.1: ingest is in the same process); another
                          address needs a token: one is made up and printed unless --rpc-token gives it
  --rpc-token TOKEN       access token of rpc's Publish and Subscribe (RACETEL_RPC_TOKEN)
  --rpc-port N            gRPC port of rpc (RACETEL_RPC_PORT, default 50051; 0 = any free port)
  --rpc-http-port N       rpc /metrics and /healthz (RACETEL_RPC_HTTP_PORT, default 9465)
  --otlp-endpoint URL|off OTLP/gRPC collector (OTEL_EXPORTER_OTLP_ENDPOINT, default http://127.0.0.1:4317);
                          without a collector racetel says so once and keeps trying quietly
  --export-interval DUR   metric export interval (OTEL_METRIC_EXPORT_INTERVAL in ms, default 250ms)
  --car-timeout DUR       stop reporting a silent car after this (default 10s)
  --session-timeout DUR   forget a silent session after this (default 30s)`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { ...upFlagOptions, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
    const env = process.env;
    const liveHost = values["live-host"] ?? (env.RACETEL_LIVE_HOST || "127.0.0.1");
    const livePort = values["live-port"] ?? (env.RACETEL_LIVE_PORT || String(DEFAULT_LIVE_PORT));
    let liveToken = values["live-token"] ?? (env.RACETEL_LIVE_TOKEN || "");
    if (!isLoopback(liveHost) && liveToken === "") liveToken = newToken();
    const rpcHost = values["rpc-host"] ?? "127.0.0.1";
    let rpcToken = values["rpc-token"] ?? (env.RACETEL_RPC_TOKEN || "");
    const rpcTokenMadeUp = !isLoopback(rpcHost) && rpcToken === "";
    if (rpcTokenMadeUp) rpcToken = newToken();
    const rpcArgv = ["--host", rpcHost, "--live-host", liveHost, "--live-port", livePort];
    if (liveToken !== "") rpcArgv.push("--live-token", liveToken);
    if (rpcToken !== "") rpcArgv.push("--auth-token", rpcToken);
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
    // Validate ingest's flags before anything binds a port.
    const ingestConfig = resolveIngestConfig({ ...ingestFlags, "rpc-targets": "127.0.0.1:1" }, { ...env, RACETEL_RPC_TARGETS: undefined, RACETEL_INGEST_OUTPUT: undefined });
    const hosts = lanAddresses();
    const rpc = new RpcService(rpcConfig, createRpcLogger(rpcConfig.logLevel), {
      liveSetup: { addresses: hosts, f1Port: ingestConfig.f1.port, accPort: ingestConfig.acc.port },
    });
    await rpc.start();
    let ingest: IngestService | undefined;
    let sink;
    try {
      const config = { ...ingestConfig, rpcTargets: [`127.0.0.1:${rpc.grpcPort}`] };
      const logger = createLogger(config.logLevel);
      sink = createRpcBatchSink({ targets: config.rpcTargets, instance: config.instanceName, logger, ...(rpcToken !== "" ? { token: rpcToken } : {}) }, () => ingest!.counters);
      ingest = new IngestService({ config, logger, output: sink, decoders: defaultSourceDecoders() });
      const ports = await ingest.start();
      const live = rpc.liveServer;
      if (live !== undefined) live.options.setup = { addresses: hosts, f1Port: ports.f1, accPort: ports.acc ?? null };
      const lines = [
        "racetel up: ingest, rpc and the live view running",
        live !== undefined ? `live view: ${live.url()}` : "",
        live !== undefined && !isLoopback(liveHost) && hosts.length > 0 ? `  on the network: ${hosts.map((h) => live.url(h)).join("  ")}` : "",
        `  F1 23/24/25: in the game's telemetry settings set UDP IP to ${hosts.length > 0 ? hosts.join(" or ") : "this machine's address"}, port ${ports.f1}, format 2023/2024/2025`,
        ports.acc !== undefined ? `  ACC: forward shared-memory pages to UDP port ${ports.acc} (racetel acc-forward on the gaming PC)` : "",
        "  no console at hand? in another terminal: npx racetel simulate --format 2024 --laps 2",
        rpcConfig.otlpEndpoint !== "" ? `  metrics (OTLP/gRPC) every ${rpcConfig.exportIntervalMs} ms to ${rpcConfig.otlpEndpoint} when a collector answers` : "  metrics export: off",
        rpcTokenMadeUp ? `  rpc gRPC on ${rpcHost}:${rpc.grpcPort}: other ingest instances and Subscribe clients need --rpc-token ${rpcToken}` : "",
        `  health: http://127.0.0.1:${ports.http}/metrics (ingest), http://127.0.0.1:${rpc.httpPort}/metrics (rpc)`,
        "  Ctrl-C stops everything.",
      ];
      process.stderr.write(lines.filter((l) => l !== "").join("\n") + "\n");
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
