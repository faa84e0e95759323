// A throwaway InfluxDB 1.x (Debian's `influxd`) for e2e tests: free ports, its own temp config and
// data dirs, reporting off, the database created; stop() kills it and removes the dirs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freeTcpPort } from "./ports.js";
import { requireCommand, startProcess, waitUntil, type RunningProcess } from "./process.js";

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
  readonly process: RunningProcess;
  /** Runs InfluxQL (one or more statements separated by ';') and returns one result per statement; throws on HTTP errors. */
  query(influxql: string, database?: string): Promise<InfluxResult[]>;
  stop(): Promise<void>;
}

export async function startInfluxDb(database = "racetel"): Promise<InfluxDb> {
  const influxd = requireCommand("influxd", "Debian package 'influxdb', listed in .ci/apt-packages.txt");
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
  const proc = startProcess("influxd", influxd, ["-config", config]);
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
  return { url, database, process: proc, query, stop };
}
