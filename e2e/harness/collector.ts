// The racetel OpenTelemetry Collector for e2e tests: built (or taken from the cache) by
// deploy/collector/build.sh, started with deploy/collector/config.yaml on free ports, pointed at an InfluxDB.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { freeTcpPort } from "./ports.js";
import { repoRoot, requireCommand, startProcess, waitUntil, type RunningProcess } from "./process.js";

export const collectorConfig = path.join(repoRoot, "deploy/collector/config.yaml");

let builtBinary: string | undefined;

/** Path of the collector binary, building it first when the cache has none (minutes on a cold Go cache). */
export function collectorBinary(): string {
  if (builtBinary !== undefined) return builtBinary;
  requireCommand("go", "needed to build the OpenTelemetry Collector with ocb", "install Go 1.24 or newer and put it on PATH (the Go module proxy must be reachable)");
  // Progress of a cold build goes to our stderr; the path is the last stdout line.
  const result = spawnSync("bash", [path.join(repoRoot, "deploy/collector/build.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = result.stdout.trim().split("\n");
  const last = lines[lines.length - 1] ?? "";
  if (result.status !== 0 || last === "") {
    throw new Error(`e2e: deploy/collector/build.sh failed (exit ${result.status}); run 'make collector' to see why`);
  }
  builtBinary = last;
  return last;
}

export interface CollectorOptions {
  influxUrl: string;
  database: string;
  /** Extra `--set key=value` overrides (e.g. a different metrics_schema). */
  set?: readonly string[];
  /** Fixed ports (a collector started again where the first one listened); free ports by default. */
  ports?: CollectorPorts;
}

export interface CollectorPorts {
  otlp: number;
  health: number;
  metrics: number;
}

export interface Collector {
  readonly ports: CollectorPorts;
  readonly otlpEndpoint: string;
  readonly healthUrl: string;
  readonly process: RunningProcess;
  stop(): Promise<void>;
}

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const binary = collectorBinary();
  const otlpPort = options.ports?.otlp ?? await freeTcpPort();
  const healthPort = options.ports?.health ?? await freeTcpPort();
  const metricsPort = options.ports?.metrics ?? await freeTcpPort();
  const args = ["--config", collectorConfig];
  for (const override of options.set ?? []) args.push("--set", override);
  const proc = startProcess("otelcol-racetel", binary, args, {
    env: {
      INFLUXDB_ENDPOINT: options.influxUrl,
      INFLUXDB_DATABASE: options.database,
      RACETEL_COLLECTOR_OTLP_ENDPOINT: `127.0.0.1:${otlpPort}`,
      RACETEL_COLLECTOR_HEALTH_ENDPOINT: `127.0.0.1:${healthPort}`,
      RACETEL_COLLECTOR_METRICS_HOST: "127.0.0.1",
      RACETEL_COLLECTOR_METRICS_PORT: String(metricsPort),
    },
  });
  const healthUrl = `http://127.0.0.1:${healthPort}/`;
  try {
    await waitUntil(proc, "health_check reported ready", async () => (await fetch(healthUrl)).status === 200);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { ports: { otlp: otlpPort, health: healthPort, metrics: metricsPort }, otlpEndpoint: `http://127.0.0.1:${otlpPort}`, healthUrl, process: proc, stop: () => proc.stop() };
}

/** Runs `otelcol validate --config <file>` with the real binary; returns exit code and output. */
export function validateCollectorConfig(configPath: string, set: readonly string[] = [], env: NodeJS.ProcessEnv = {}): { status: number | null; output: string } {
  const args = ["validate", "--config", configPath];
  for (const override of set) args.push("--set", override);
  const result = spawnSync(collectorBinary(), args, { encoding: "utf8", env: { ...process.env, ...env } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
