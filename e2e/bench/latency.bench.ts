// End-to-end latency and throughput of the real back end (influxd + collector + rpc + ingest processes)
// at N simulated consoles, each replaying the real 20-car F1 23 race at real time with its own session:
//  - latency from a datagram leaving the sender to its value being queryable in InfluxDB (p50/p99), at
//    rpc's default export interval (250 ms) and the collector config's 100 ms batch timeout;
//  - line-protocol points/s InfluxDB accepted (SHOW STATS pointReq; one point per OTel data point,
//    InfluxDB merges those of one car and instant into one row).
// The sender replays the capture itself (paced by each packet's sessionTime, like `racetel replay`)
// because it must know when each marked datagram left. Markers: console 0's car 0 engineRPM in every
// CarTelemetry datagram is set to 20000 + sequence number; a marker is "queryable" once InfluxQL returns it.
// rpc samples each car's latest state per collection, so markers overwritten within one interval are
// never exported: latency is measured on the markers that were (the data a dashboard sees).
// Timing figures on a shared 2-core machine are noisy.
import { readFileSync } from "node:fs";
import { createSocket, type Socket } from "node:dgram";
import { splitF1Dump } from "@racetel/ingest/sources/f1/index";
import { raceCapturePath } from "../harness/capture.js";
import { startStack, type Stack } from "../harness/stack.js";

const CAR_TELEMETRY = 6;
const HEADER = 29;
const RPM_OFFSET = HEADER + 16; // F1 23 CarTelemetryData: speed u16, throttle f32, steer f32, brake f32, clutch u8, gear i8, engineRPM u16
const SESSION_UID_OFFSET = 7; // F1 23 header: format u16, year, major, minor, version, packetId (u8 each), sessionUID u64
const SESSION_TIME_OFFSET = 15;
const MARKER_BASE = 20000;
const SECONDS_PER_RUN = 12;

const datagrams = splitF1Dump(readFileSync(raceCapturePath())).map((d) => Buffer.from(d));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function send(socket: Socket, buf: Buffer, port: number): Promise<void> {
  return new Promise((resolve, reject) => socket.send(buf, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
}

/** Replays the capture as one console (own socket, own session UID), paced by sessionTime, for stopAtMs. */
async function replayConsole(port: number, sessionUid: bigint, stopAtMs: number, onTelemetry?: (buf: Buffer) => void): Promise<number> {
  const socket = createSocket("udp4");
  const start = performance.now();
  const t0 = datagrams[0]?.readFloatLE(SESSION_TIME_OFFSET) ?? 0;
  let sent = 0;
  for (const original of datagrams) {
    const due = (original.readFloatLE(SESSION_TIME_OFFSET) - t0) * 1000;
    if (due > stopAtMs) break;
    const wait = due - (performance.now() - start);
    if (wait > 1) await sleep(wait);
    const buf = Buffer.from(original);
    buf.writeBigUInt64LE(sessionUid, SESSION_UID_OFFSET);
    if (buf[6] === CAR_TELEMETRY) onTelemetry?.(buf);
    await send(socket, buf, port);
    sent++;
  }
  socket.close();
  return sent;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function pointsWritten(stack: Stack): Promise<number> {
  const r = await stack.influx.query(`SHOW STATS FOR 'write'`, "");
  const s = r[0]?.series?.[0];
  const i = s?.columns.indexOf("pointReq") ?? -1;
  return Number(s?.values[0]?.[i] ?? 0);
}

async function run(stack: Stack, consoles: number): Promise<void> {
  const markedSession = BigInt(1000 + consoles * 100);
  const sentAt = new Map<number, number>();
  const firstSeen = new Map<number, number>();
  let seq = 0;
  let polling = true;
  const since = Date.now() * 1e6;
  const poller = (async () => {
    while (polling) {
      const r = await stack.influx.query(`SELECT "racetel.car.engine.rpm" FROM "prometheus" WHERE "session_id" = '${markedSession}' AND "car_index" = '0' AND time >= ${since} AND "racetel.car.engine.rpm" >= ${MARKER_BASE}`);
      const now = performance.now();
      for (const row of r[0]?.series?.[0]?.values ?? []) {
        const marker = Number(row[1]);
        if (!firstSeen.has(marker)) firstSeen.set(marker, now);
      }
      await sleep(10);
    }
  })();

  const before = await pointsWritten(stack);
  const t0 = performance.now();
  const runs: Promise<number>[] = [replayConsole(stack.f1Port, markedSession, SECONDS_PER_RUN * 1000, (buf) => {
    const marker = MARKER_BASE + seq++;
    buf.writeUInt16LE(marker, RPM_OFFSET);
    sentAt.set(marker, performance.now());
  })];
  for (let c = 1; c < consoles; c++) runs.push(replayConsole(stack.f1Port, markedSession + BigInt(c), SECONDS_PER_RUN * 1000));
  const sent = (await Promise.all(runs)).reduce((a, b) => a + b, 0);
  const sendSeconds = (performance.now() - t0) / 1000;
  await sleep(2000); // the last collections and writes
  const after = await pointsWritten(stack);
  const elapsed = (performance.now() - t0) / 1000;
  polling = false;
  await poller;

  const latencies: number[] = [];
  for (const [marker, seen] of firstSeen) {
    const at = sentAt.get(marker);
    if (at !== undefined) latencies.push(seen - at);
  }
  latencies.sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  console.log(`${String(consoles).padStart(2)} console(s) (${consoles * 20} cars): ${(sent / sendSeconds).toFixed(0)} datagrams/s in; ` +
    `latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${(latencies[latencies.length - 1] ?? Number.NaN).toFixed(0)} ms ` +
    `(${latencies.length} of ${seq} markers exported; p99 <= 1000 ms ${p99 <= 1000 ? "met" : "NOT met"}); ` +
    `${((after - before) / elapsed).toFixed(0)} line-protocol points/s written (${after - before} in ${elapsed.toFixed(1)} s)`);
}

const consoleCounts = (process.env.RACETEL_BENCH_CONSOLES ?? "1,4,8").split(",").map(Number);
const stack = await startStack();
try {
  console.log(`datagram -> queryable in InfluxDB, rpc export interval 250 ms (default), collector batch timeout 100 ms,`);
  console.log(`each console replays the 20-car F1 23 race at real time for ${SECONDS_PER_RUN} s (poll every ~10 ms + query time):`);
  for (const n of consoleCounts) await run(stack, n);
  const failures = await stack.influx.query(`SELECT last("racetel.rpc.export_failures") FROM "prometheus"`);
  console.log(`rpc OTLP export failures during the bench: ${String(failures[0]?.series?.[0]?.values[0]?.[1] ?? 0)}`);
} finally {
  await stack.stop();
}
