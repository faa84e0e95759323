// rpc killed in the middle of a session and started again: ingest's stream client keeps every batch rpc
// has not acknowledged (acknowledged = stored, with a heartbeat of margin) and sends it again, so the
// points stored before the crash plus those stored after it are exactly the points of the same run
// without the crash: no sample missing, none different (duplicates are the same row again).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MetricData } from "@opentelemetry/sdk-metrics";
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import { T0_NS, encodeBatch, raceTick, silentLogger, startTestRpc, waitFor } from "./helpers.js";
import type { TestRpc } from "./helpers.js";

const CARS = 4;
const FRAMES_PER_TICK = 1 + CARS * 4;
const TICKS = 200; // 20 s of event time at 10 Hz: several heartbeats
const tickAt = (tick: number): number => T0_NS + tick * 100e6;

/** Label metrics seen in either run. */
const labelRows = new Set<string>();

/** Every stored car or session point as "name|attrs|time=value" (InfluxDB keeps one row per series and time). */
function rowsOf(rpc: TestRpc, into: Set<string>): void {
  for (const rm of rpc.exporter.getMetrics()) {
    for (const m of rm.scopeMetrics.flatMap((s) => s.metrics) as MetricData[]) {
      if (m.descriptor.name.startsWith("racetel.rpc.") || m.descriptor.name.startsWith("racetel.ingest.")) continue;
      // Label rows restate the session and its cars in words at each heartbeat, as the rpc that holds them
      // knows them (a restarted rpc sees the session from a later frame): metadata, not samples.
      if (m.descriptor.name === "racetel.session.info" || m.descriptor.name === "racetel.car.info") {
        if (m.dataPoints.length > 0) labelRows.add(m.descriptor.name);
        continue;
      }
      for (const p of m.dataPoints) into.add(`${m.descriptor.name}|${JSON.stringify(Object.entries(p.attributes).sort())}|${p.endTime[0]}.${p.endTime[1]}=${String(p.value)}`);
    }
  }
  rpc.exporter.reset();
}

async function run(kill: boolean): Promise<{ rows: Set<string>; resent: number; dropped: number }> {
  const rows = new Set<string>();
  let rpc = await startTestRpc({ exportIntervalMs: 50 });
  const port = rpc.service.grpcPort;
  const client = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-crash", logger: silentLogger, backoffInitialMs: 50, backoffMaxMs: 200 });
  try {
    await waitFor("stream open", () => client.allConnected());
    for (let tick = 0; tick < TICKS; tick++) {
      client.sendBatch(encodeBatch(raceTick("crash", tick, CARS, tickAt(tick))), FRAMES_PER_TICK);
      if (tick % 10 === 9) {
        await waitFor("batches sent", () => client.targetStats()[0]!.queued === 0 || !client.allConnected());
        await new Promise((r) => setTimeout(r, 60)); // a collection or so
        rowsOf(rpc, rows);
      }
      if (kill && tick === 139) {
        // rpc dies with samples and state in memory; ingest keeps sending into its queue meanwhile.
        rpc.service.kill();
        await waitFor("client notices", () => !client.allConnected());
      }
      if (kill && tick === 169) {
        rpc = await startTestRpc({ exportIntervalMs: 50 }, port);
        await waitFor("client reconnected", () => client.allConnected(), 15_000);
      }
    }
    await waitFor("every batch stored", () => client.targetStats()[0]!.queued === 0 && rpc.service.counters.framesReceived > 0);
    await new Promise((r) => setTimeout(r, 200));
    await rpc.service.pipeline.flush();
    rowsOf(rpc, rows);
    return { rows, resent: client.targetStats()[0]!.framesResent, dropped: client.framesDropped };
  } finally {
    client.close();
    await rpc.stop();
  }
}

describe("rpc killed mid-session", () => {
  it("stores exactly the rows of the same run without the crash: the window is filled from ingest's unacknowledged batches", { timeout: 60_000 }, async () => {
    const clean = await run(false);
    const crashed = await run(true);
    assert.equal(crashed.dropped, 0, "nothing had to be dropped");
    assert.ok(crashed.resent > 0, "batches rpc had not acknowledged were sent again");
    const speedRows = [...clean.rows].filter((r) => r.startsWith("racetel.car.speed|")).length;
    assert.equal(speedRows, TICKS * CARS, "the clean run stores every sample");
    const missing = [...clean.rows].filter((r) => !crashed.rows.has(r));
    const extra = [...crashed.rows].filter((r) => !clean.rows.has(r));
    assert.deepEqual({ missing: missing.slice(0, 5), extra: extra.slice(0, 5), counts: [missing.length, extra.length] }, { missing: [], extra: [], counts: [0, 0] });
    assert.deepEqual([...labelRows].sort(), ["racetel.car.info", "racetel.session.info"]);
  });
});
