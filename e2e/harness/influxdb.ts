// A throwaway InfluxDB for e2e tests: the 1.8.3 the chart and compose deploy, built from source by
// deploy/influxdb/build.sh (cached), on free ports with its own temp config and data dirs, reporting off,
// the database created; stop() kills it and removes the dirs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freeTcpPort } from "./ports.js";
import { spawnSync } from "node:child_process";
import { repoRoot, requireCommand, startProcess, waitUntil, type RunningProcess } from "./process.js";

let builtInfluxd: string | undefined;

/** Path of influxd 1.8.3, building it first when the cache has none (about 2 minutes on a cold Go cache). */
export function influxdBinary(): string {
  if (builtInfluxd !== undefined) return builtInfluxd;
  requireCommand("go", "needed to build InfluxDB 1.8.3 from the Go module proxy", "install Go and put it on PATH");
  const result = spawnSync("bash", [path.join(repoRoot, "deploy/influxdb/build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const last = result.stdout.trim().split("\n").at(-1) ?? "";
  if (result.status !== 0 || last === "") throw new Error(`e2e: deploy/influxdb/build.sh failed (exit ${result.status}); run 'make influxdb' to see why`);
  builtInfluxd = last;
  return last;
}

/** One InfluxQL statement's result: its series (rows per tag set). */
export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}
export interface InfluxResult {
  series?: InfluxSeries[];
  error?: string;
}

export interface InfluxDb {
  readonly url: string;
  readonly database: string;
  /** The running influxd (a new one after restart()). */
  readonly process: RunningProcess;
  /** Stops influxd and starts it again on the same ports and data (what a crash and a supervisor do). */
  restart(): Promise<void>;
  /** Runs InfluxQL (one or more statements separated by ';') and returns one result per statement; throws on HTTP errors. */
  query(influxql: string, database?: string): Promise<InfluxResult[]>;
  stop(): Promise<void>;
}

export async function startInfluxDb(database = "racetel"): Promise<InfluxDb> {
  const influxd = influxdBinary();
  const dir = mkdtempSync(path.join(tmpdir(), "racetel-influxdb-"));
  const httpPort = await freeTcpPort();
  const rpcPort = await freeTcpPort();
  const config = path.join(dir, "influxdb.conf");
  // Only what differs from the defaults: loopback ports, dirs under `dir`, no phone-home, quiet logs.
  writeFileSync(config, [
    "reporting-disabled = true",
    `bind-address = "127.0.0.1:${rpcPort}"`,
    "[meta]",
    `  dir = "${dir}/meta"`,
    "[data]",
    `  dir = "${dir}/data"`,
    `  wal-dir = "${dir}/wal"`,
    "  query-log-enabled = false",
    "  wal-fsync-delay = \"0s\"",
    "[http]",
    `  bind-address = "127.0.0.1:${httpPort}"`,
    "  log-enabled = false",
    "[monitor]",
    "  store-enabled = false",
    "[continuous_queries]",
    "  enabled = false",
    "",
  ].join("\n"));
  let proc = startProcess("influxd", influxd, ["-config", config]);
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async (): Promise<void> => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(proc, "/ping answered", async () => (await fetch(`${url}/ping`)).status === 204);
  } catch (error) {
    await stop();
    throw error;
  }

  const query = async (influxql: string, db = database): Promise<InfluxResult[]> => {
    const body = new URLSearchParams({ q: influxql, db, epoch: "ns" });
    const response = await fetch(`${url}/query`, { method: "POST", body });
    const text = await response.text();
    if (!response.ok) throw new Error(`InfluxDB ${response.status} for ${influxql}: ${text}`);
    const parsed = JSON.parse(text) as { results?: InfluxResult[]; error?: string };
    if (parsed.error !== undefined) throw new Error(`InfluxDB error for ${influxql}: ${parsed.error}`);
    return parsed.results ?? [];
  };
  const created = await query(`CREATE DATABASE "${database}"`, "");
  if (created[0]?.error !== undefined) {
    await stop();
    throw new Error(`InfluxDB: CREATE DATABASE failed: ${created[0].error}`);
  }
  return {
    url, database, query, stop,
    get process() { return proc; },
    async restart() {
      await proc.stop();
      proc = startProcess("influxd", influxd, ["-config", config]);
      await waitUntil(proc, "/ping answered after restart", async () => (await fetch(`${url}/ping`)).status === 204);
    },
  };
}
