// The whole racetel back end as real processes on free loopback ports:
// influxd -> collector (deploy/collector/config.yaml) <- rpc <- ingest, plus `racetel replay` to feed it.
import path from "node:path";
import { startCollector, type Collector } from "./collector.js";
import { startInfluxDb, type InfluxDb } from "./influxdb.js";
import { freeTcpPort, freeUdpPort } from "./ports.js";
import { repoRoot, startProcess, waitUntil, type RunningProcess } from "./process.js";

const nodeArgs = ["--conditions=racetel-src", "--import", "tsx"];
const cli = path.join(repoRoot, "cli/src/main.ts");
const rpcMain = path.join(repoRoot, "rpc/src/main.ts");

/** Runs a `racetel` subcommand from source. */
export function racetel(name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningProcess {
  return startProcess(`racetel ${args[0] ?? ""}`.trim() || name, process.execPath, [...nodeArgs, cli, ...args], { env });
}

export interface StackOptions {
  /** rpc --export-interval (default: rpc's own default, 250ms). */
  exportInterval?: string;
  logLevel?: string;
  /** More rpc flags (e.g. --trace-channels none). */
  rpcArgs?: readonly string[];
  /** Collector `--set` overrides (e.g. the contrib exporter in the pipeline). */
  collectorSet?: readonly string[];
}

export interface Stack {
  influx: InfluxDb;
  /** The running collector (a new one after startCollectorAgain()). */
  collector: Collector;
  /** The running rpc (a new one after startRpcAgain()). */
  rpc: RunningProcess;
  /** Starts the collector again on the ports it had (after collector.stop()). */
  startCollectorAgain(): Promise<void>;
  /** kill -9 of rpc: a crash, nothing flushed. */
  killRpc(): void;
  /** Starts rpc again on its ports (after killRpc()). */
  startRpcAgain(): Promise<void>;
  ingest: RunningProcess;
  /** rpc's gRPC address (host:port), for publishing frames directly. */
  rpcTarget: string;
  /** F1 UDP port ingest listens on (127.0.0.1). */
  f1Port: number;
  ingestHttpPort: number;
  rpcHttpPort: number;
  /** `racetel replay FILE --to 127.0.0.1:<f1Port> ...`; resolves with the exit code. */
  replay(file: string, extraArgs?: readonly string[]): Promise<number | null>;
  /** Logs of every process, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  return (await fetch(url)).ok;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop();
  };
  try {
    const influx = await startInfluxDb("racetel");
    started.push(influx);
    const collectorOptions = { influxUrl: influx.url, database: influx.database, ...(options.collectorSet !== undefined ? { set: options.collectorSet } : {}) };
    let collector = await startCollector(collectorOptions);
    started.push({ stop: () => collector.stop() });

    const rpcPort = await freeTcpPort();
    const rpcHttpPort = await freeTcpPort();
    const logLevel = options.logLevel ?? "warn";
    const rpcArgs = ["--host", "127.0.0.1", "--port", String(rpcPort), "--http-port", String(rpcHttpPort),
      "--otlp-endpoint", collector.otlpEndpoint, "--log-level", logLevel, "--instance", "e2e-rpc"];
    if (options.exportInterval !== undefined) rpcArgs.push("--export-interval", options.exportInterval);
    rpcArgs.push(...(options.rpcArgs ?? []));
    let rpc = startProcess("racetel-rpc", process.execPath, [...nodeArgs, rpcMain, ...rpcArgs]);
    started.push({ stop: () => rpc.stop() });
    await waitUntil(rpc, "/healthz ok", () => healthy(`http://127.0.0.1:${rpcHttpPort}/healthz`));

    const f1Port = await freeUdpPort();
    const accPort = await freeUdpPort();
    const ingestHttpPort = await freeTcpPort();
    const ingest = racetel("ingest", ["ingest", "--f1-host", "127.0.0.1", "--f1-port", String(f1Port), "--acc-port", String(accPort),
      "--http-port", String(ingestHttpPort), "--rpc-targets", `127.0.0.1:${rpcPort}`, "--log-level", logLevel, "--instance", "e2e-ingest"]);
    started.push(ingest);
    await waitUntil(ingest, "/healthz ok", () => healthy(`http://127.0.0.1:${ingestHttpPort}/healthz`));

    const logs = (): string => [collector.process, rpc, ingest, influx.process]
      .map((p) => `--- ${p.name}\n${p.output()}`).join("\n");
    return {
      influx, ingest, f1Port, ingestHttpPort, rpcHttpPort, logs, rpcTarget: `127.0.0.1:${rpcPort}`,
      get collector() { return collector; },
      get rpc() { return rpc; },
      async startCollectorAgain() {
        collector = await startCollector({ ...collectorOptions, ports: collector.ports });
      },
      killRpc() {
        rpc.child.kill("SIGKILL");
      },
      async startRpcAgain() {
        await rpc.exited;
        rpc = startProcess("racetel-rpc", process.execPath, [...nodeArgs, rpcMain, ...rpcArgs]);
        await waitUntil(rpc, "/healthz ok after restart", () => healthy(`http://127.0.0.1:${rpcHttpPort}/healthz`));
      },
      async replay(file, extraArgs = []) {
        const replayer = racetel("replay", ["replay", file, "--to", `127.0.0.1:${f1Port}`, "--acc-to", `127.0.0.1:${accPort}`, ...extraArgs]);
        const code = await replayer.exited;
        if (code !== 0) throw new Error(`racetel replay exited ${code}:\n${replayer.output()}`);
        return code;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
