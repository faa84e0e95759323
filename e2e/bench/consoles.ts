// Consoles replaying the real F1 23 race at real time into a running ingest, and the time from a
// datagram to its row being queryable in InfluxDB: console 0's 20 cars carry markers (engineRPM =
// 20000 + sequence) and a poller asks InfluxDB every 50 ms. Shared by the storage and Kafka benchmarks.
import { readFileSync } from "node:fs";
import { createSocket, type Socket } from "node:dgram";
import { splitF1Dump } from "@racetel/ingest/sources/f1/index";
import { raceCapturePath } from "../harness/capture.js";
import type { InfluxDb } from "../harness/influxdb.js";

const CAR_TELEMETRY = 6;
const RPM_OFFSET = 29 + 16; // F1 23 CarTelemetryData: speed u16, throttle f32, steer f32, brake f32, clutch u8, gear i8, engineRPM u16
const CAR_TELEMETRY_BYTES = 60; // F1 23 CarTelemetryData per car
const MARKED_CARS = 20;
const MARKER_BASE = 20000;
export const MEASURE_S = Number(process.env.RACETEL_BENCH_SECONDS ?? 12);
export const WARMUP_S = 3;
export const POLL_MS = 50;

/** The real F1 23 race's datagrams, and where their header keeps the session UID and time. */
export const SESSION_UID_OFFSET = 7;
export const SESSION_TIME_OFFSET = 15;
export const datagrams = splitF1Dump(readFileSync(raceCapturePath())).map((d) => Buffer.from(d));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Where consoles send and where their rows are looked for. */
export interface ConsoleTarget {
  f1Port: number;
  influx: InfluxDb;
}

export interface ConsolesResult { p50: number; p99: number; markers: number; exported: number; storeP50: number; storeP99: number }

function send(socket: Socket, buf: Buffer, port: number): Promise<void> {
  return new Promise((resolve, reject) => socket.send(buf, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
}

/** Replays the capture as one console (own socket, own session UID), paced by sessionTime, from fromMs for durationMs. */
async function replayConsole(port: number, sessionUid: bigint, fromMs: number, durationMs: number, onTelemetry?: (buf: Buffer) => void): Promise<number> {
  const socket = createSocket("udp4");
  const start = performance.now();
  const t0 = datagrams[0]!.readFloatLE(SESSION_TIME_OFFSET);
  let sent = 0;
  for (const original of datagrams) {
    const at = (original.readFloatLE(SESSION_TIME_OFFSET) - t0) * 1000;
    if (at < fromMs) continue;
    const due = at - fromMs;
    if (due > durationMs) break;
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

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** N consoles at real time: p99 of datagram -> queryable, after a warm-up of the same sessions. */
export async function consolesRun(stack: ConsoleTarget, consoles: number, round: number): Promise<ConsolesResult> {
  const base = BigInt(1_000_000 + round * 1000);
  // Warm-up: the same sessions for a few seconds, so their series exist before the clock starts.
  await Promise.all(Array.from({ length: consoles }, (_, c) => replayConsole(stack.f1Port, base + BigInt(c), 0, WARMUP_S * 1000)));
  const sentAt = new Map<number, number>();
  const firstSeen = new Map<number, number>();
  /** ms from a row's own time to its first sight in InfluxDB. */
  const storeDelays: number[] = [];
  let seq = 0;
  let polling = true;
  const since = Date.now() * 1e6;
  const poller = (async () => {
    while (polling) {
      const r = await stack.influx.query(`SELECT "racetel.car.engine.rpm" FROM "prometheus" WHERE "session_id" = '${base}' AND time >= ${since} AND "racetel.car.engine.rpm" >= ${MARKER_BASE}`);
      const now = performance.now();
      const wall = Date.now();
      for (const row of r[0]?.series?.[0]?.values ?? []) {
        const marker = Number(row[1]);
        if (!firstSeen.has(marker)) {
          firstSeen.set(marker, now);
          storeDelays.push(wall - Number(row[0]) / 1e6);
          if (process.env.RACETEL_BENCH_DEBUG && wall - Number(row[0]) / 1e6 > 600) process.stderr.write(`slow row ${(Number(row[0]) / 1e6) % 10000} delay ${(wall - Number(row[0]) / 1e6).toFixed(0)}\n`);
        }
      }
      await sleep(POLL_MS);
    }
  })();
  const runs = [replayConsole(stack.f1Port, base, WARMUP_S * 1000, MEASURE_S * 1000, (buf) => {
    const now = performance.now();
    for (let car = 0; car < MARKED_CARS; car++) {
      const marker = MARKER_BASE + seq++;
      buf.writeUInt16LE(marker, RPM_OFFSET + car * CAR_TELEMETRY_BYTES);
      sentAt.set(marker, now);
    }
  })];
  for (let c = 1; c < consoles; c++) runs.push(replayConsole(stack.f1Port, base + BigInt(c), WARMUP_S * 1000, MEASURE_S * 1000));
  await Promise.all(runs);
  await sleep(2500);
  polling = false;
  await poller;
  const latencies: number[] = [];
  for (const [marker, seen] of firstSeen) {
    const at = sentAt.get(marker);
    if (at !== undefined) latencies.push(seen - at);
  }
  latencies.sort((a, b) => a - b);
  // A marker never stored counts as late (traces off: a state channel keeps one value per 250 ms).
  const p99 = latencies.length === 0 ? Infinity : percentile(latencies, 99);
  storeDelays.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99, markers: seq, exported: latencies.length, storeP50: percentile(storeDelays, 50), storeP99: percentile(storeDelays, 99) };
}

