// Polling helpers: data written through the collector becomes queryable a little later.
import type { InfluxDb, InfluxSeries } from "./influxdb.js";
import type { RunningProcess } from "./process.js";

/** Re-runs `influxql` until its series hold at least `minRows` rows in total, or fails with the writer's log tail. */
export async function waitForRows(influx: InfluxDb, influxql: string, minRows: number, writer: RunningProcess, database?: string, timeoutMs = 15_000): Promise<InfluxSeries[]> {
  const deadline = Date.now() + timeoutMs;
  let last: InfluxSeries[] = [];
  while (Date.now() < deadline) {
    const results = await influx.query(influxql, database);
    const err = results[0]?.error;
    if (err !== undefined) throw new Error(`InfluxQL error: ${err}\n${influxql}`);
    last = results[0]?.series ?? [];
    const rows = last.reduce((n, s) => n + s.values.length, 0);
    if (rows >= minRows) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${minRows} rows of: ${influxql}\ngot ${JSON.stringify(last)}\n${writer.name} log:\n${writer.output()}`);
}
