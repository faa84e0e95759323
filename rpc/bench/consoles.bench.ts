// The largest number of consoles one ingest + one rpc (two processes) carry with zero drops: the real
// F1 23 capture (20 cars) replayed as N concurrent sessions (distinct sessionUIDs) at the capture's own
// rate (its sessionTime pacing, ~105 datagrams/s per console), over UDP into ingest, gRPC into rpc, OTLP
// out every 250 ms to a real OTLP endpoint. N grows until a drop appears anywhere (UDP datagrams not
// received, ingest drops by reason, ingest queue drops, frames lost between ingest and rpc).
// Timing is noisy: other work shares this machine's 2 cores, and this process sends the UDP traffic.
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { capturePackets, cpuSeconds, repoRoot, rssMb, scrape, sleep, spawnTs, startRpcProcess, sum } from "./support.js";

const STEPS = (process.env.BENCH_CONSOLES ?? "10,25,50,75,100,125,150,200").split(",").map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

/** Datagrams the kernel dropped because a UDP receive buffer was full (all sockets of the host). */
function udpRcvbufErrors(): number {
  const lines = readFileSync("/proc/net/snmp", "utf8").split("\n").filter((l) => l.startsWith("Udp:"));
  const names = lines[0]!.split(/\s+/);
  const values = lines[1]!.split(/\s+/);
  return Number(values[names.indexOf("RcvbufErrors")]);
}

const packets = capturePackets();
const SESSION_TIME_OFFSET = 15; // F1 23 header: f32 sessionTime after the u64 sessionUID at offset 7
const t0Session = packets[0]!.readFloatLE(SESSION_TIME_OFFSET);
const dueMs = packets.map((p) => (p.readFloatLE(SESSION_TIME_OFFSET) - t0Session) * 1000);
const captureSeconds = dueMs[dueMs.length - 1]! / 1000;
console.log(`capture: ${packets.length} datagrams over ${captureSeconds.toFixed(1)} s of sessionTime (${(packets.length / captureSeconds).toFixed(0)}/s per console); ${SECONDS} s per step`);

const otlp = await spawnTs(path.join(repoRoot, "rpc/bench/otlp-sink.ts"), [], /"msg":"otlp sink ready"/);
// Short timeouts: a step's sessions are gone before the next step starts, so each step reports N consoles.
const rpc = await startRpcProcess(`http://127.0.0.1:${Number(otlp.ready.port)}`, ["--export-interval", "250ms", "--car-timeout", "1s", "--session-timeout", "2s"]);
const ingest = await spawnTs(path.join(repoRoot, "rpc/bench/run-ingest.ts"), [`127.0.0.1:${rpc.grpcPort}`], /"msg":"ingest ready"/);
const f1Port = Number(ingest.ready.f1);
const ingestHttp = Number(ingest.ready.http);
const socket = dgram.createSocket("udp4");
await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
socket.setSendBufferSize(8 * 1024 * 1024);

/** Replays the capture as `n` sessions for `seconds`; resolves with the datagrams sent. */
async function replay(n: number, step: number, seconds: number): Promise<number> {
  const start = performance.now();
  const offsets = Array.from({ length: n }, (_, i) => (i * 1000) / n); // staggered starts over 1 s
  const next = new Array<number>(n).fill(0);
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now() - start;
      if (now > seconds * 1000) {
        clearInterval(timer);
        resolve();
        return;
      }
      for (let c = 0; c < n; c++) {
        const t = now - offsets[c]!;
        while (next[c]! < packets.length && dueMs[next[c]!]! <= t) {
          const copy = Buffer.from(packets[next[c]!]!);
          copy.writeBigUInt64LE(BigInt(step * 100_000 + c + 1), 7);
          socket.send(copy, f1Port, "127.0.0.1");
          next[c]!++;
          sent++;
        }
      }
    }, 5);
  });
  return sent;
}

// Warm-up (not counted): JIT, first sessions, connections.
await replay(2, 99, 3);
await sleep(1000);

interface Row { n: number; sent: number; received: number; kernelDrops: number; decodeDrops: number; queueDrops: number; lost: number; ingestCpu: number; rpcCpu: number; ingestRss: number; rpcRss: number; framesPerS: number; exportEveryMs: number }
const rows: Row[] = [];
try {
  for (let step = 0; step < STEPS.length; step++) {
    const n = STEPS[step]!;
    await sleep(2500); // the previous step's sessions expire in rpc
    const i0 = await scrape(ingestHttp);
    const r0 = await scrape(rpc.httpPort);
    const c0 = [cpuSeconds(ingest.pid), cpuSeconds(rpc.pid)];
    const k0 = udpRcvbufErrors();
    const t0 = performance.now();
    const sent = await replay(n, step + 1, SECONDS);
    const elapsed = (performance.now() - t0) / 1000;
    const c1 = [cpuSeconds(ingest.pid), cpuSeconds(rpc.pid)];
    const rss = [rssMb(ingest.pid), rssMb(rpc.pid)];
    const rEnd = await scrape(rpc.httpPort);
    // Let queues drain (up to 5 s): frames still on their way are late, not lost.
    let i1 = await scrape(ingestHttp);
    let r1 = await scrape(rpc.httpPort);
    for (let wait = 0; wait < 50 && sum(i1, "racetel_ingest_frames_emitted_total") > sum(r1, "racetel_rpc_frames_received_total"); wait++) {
      await sleep(100);
      i1 = await scrape(ingestHttp);
      r1 = await scrape(rpc.httpPort);
    }
    const d = (a: Map<string, number>, b: Map<string, number>, name: string): number => sum(b, name) - sum(a, name);
    const received = d(i0, i1, "racetel_ingest_packets_received_total");
    const atRpc = d(r0, r1, "racetel_rpc_frames_received_total");
    const row: Row = {
      n, sent, received,
      decodeDrops: d(i0, i1, "racetel_ingest_packets_dropped_total"),
      queueDrops: d(i0, i1, "racetel_ingest_frames_dropped_queue_total"),
      // Cumulative since start (after the drain): frames ingest emitted that never reached rpc.
      lost: sum(i1, "racetel_ingest_frames_emitted_total") - sum(r1, "racetel_rpc_frames_received_total"),
      kernelDrops: udpRcvbufErrors() - k0,
      ingestCpu: (c1[0]! - c0[0]!) / elapsed, rpcCpu: (c1[1]! - c0[1]!) / elapsed,
      ingestRss: rss[0]!, rpcRss: rss[1]!,
      framesPerS: atRpc / elapsed,
      exportEveryMs: (elapsed * 1000) / Math.max(1, d(r0, rEnd, "racetel_rpc_collections_total")),
    };
    rows.push(row);
    console.log(`N=${String(n).padStart(3)} sent=${sent} received=${received} (kernel rcvbuf drops ${row.kernelDrops}) decode-drops=${row.decodeDrops} queue-drops=${row.queueDrops} lost-to-rpc=${row.lost} | frames/s=${Math.round(row.framesPerS)} | export every ${Math.round(row.exportEveryMs)} ms (OTLP requests ok ${d(r0, r1, "racetel_rpc_exports_total")}, failed ${d(r0, r1, "racetel_rpc_export_failures_total")}) | rpc event-loop delay max ${((rEnd.get("racetel_rpc_event_loop_delay_max_seconds") ?? 0) * 1000).toFixed(0)} ms | CPU ingest ${(row.ingestCpu * 100).toFixed(0)}% rpc ${(row.rpcCpu * 100).toFixed(0)}% | RSS ingest ${row.ingestRss.toFixed(0)} MB rpc ${row.rpcRss.toFixed(0)} MB | cars at rpc ${rEnd.get("racetel_rpc_cars_active")} | load avg ${loadavg()[0]!.toFixed(1)} | log lines ingest ${ingest.logLines.count} rpc ${rpc.logLines.count}`);
    // UDP loss before ingest reads (kernel buffer, machine load) is reported but only a loss on the
    // ingest -> rpc path (queue drops, frames that never arrive) ends the run.
    if (row.queueDrops > 0 || row.lost !== 0) {
      console.log(`last rpc log: ${rpc.logLines.last.trim().split("\n").slice(-3).join("\n")}`);
      console.log(`last ingest log: ${ingest.logLines.last.trim().split("\n").slice(-3).join("\n")}`);
      break;
    }
  }
  const endToEnd = rows.filter((r) => r.sent === r.received && r.decodeDrops === 0 && r.queueDrops === 0 && r.lost === 0).at(-1);
  const stream = rows.filter((r) => r.queueDrops === 0 && r.lost === 0).at(-1);
  if (stream !== undefined) console.log(`largest N with zero drops on ingest -> rpc: ${stream.n} consoles (${stream.n * 20} cars), ${Math.round(stream.framesPerS)} frames/s`);
  const best = endToEnd;
  if (best === undefined) console.log("no N without drops end to end");
  else console.log(`largest N with zero drops end to end: ${best.n} consoles (${best.n * 20} cars): CPU ingest ${(best.ingestCpu * 100).toFixed(0)}% + rpc ${(best.rpcCpu * 100).toFixed(0)}% of one core, RSS ingest ${best.ingestRss.toFixed(0)} MB + rpc ${best.rpcRss.toFixed(0)} MB`);
} finally {
  socket.close();
  await ingest.stop();
  await rpc.stop();
  await otlp.stop();
}
