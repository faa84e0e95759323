// Storage at game rate, measured on the real back end (influxd + racetel's collector + rpc + ingest
// processes on this machine). Prints, each measured in this run (nothing asserts on speed):
//   sink: contrib exporter N fields per influxd CPU-second, racetel M (ratio R)
//   lap trace coverage: P% of game samples stored
//   consoles at p99<=1s: N (traces on), and the same with traces off
//   replay determinism: rows at --speed max / rows at --speed 1 = X
// Consoles replay the real 20-car F1 23 race at real time with their own sessionUID; console 0's 20 cars
// carry markers (engineRPM = 20000 + sequence) to time datagram -> queryable in InfluxDB. Every run warms
// up first (the series exist before the clock starts: new-series creation is not steady state), and the
// poller asks InfluxDB every 50 ms. Timing figures on a shared 2-core machine are noisy.
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { RtcapWriter } from "@racetel/ingest/capture/rtcap-writer";
import { RecordKind } from "@racetel/ingest/capture/rtcap-format";
import { MEASURE_S, POLL_MS, SESSION_TIME_OFFSET, SESSION_UID_OFFSET, WARMUP_S, consolesRun, datagrams } from "./consoles.js";
import { decodeSimulatedRace, simulatedRace } from "../harness/simulated.js";
import { racetel, startStack, type Stack, type StackOptions } from "../harness/stack.js";

const which = (process.env.RACETEL_BENCH_FIGURES ?? "sink,coverage,consoles,determinism").split(",");

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const work = mkdtempSync(path.join(tmpdir(), "racetel-bench-"));

/** User + system CPU seconds of a process so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
}

/** Field values stored for a session (one count per field; a row of 14 fields counts 14). */
async function fieldsStored(stack: Stack, where: string): Promise<number> {
  const r = await stack.influx.query(`SELECT count(*) FROM "prometheus" WHERE ${where}`);
  return (r[0]?.series?.[0]?.values[0] ?? []).slice(1).reduce<number>((n, v) => n + Number(v ?? 0), 0);
}

/** Rows (distinct series and time) stored for a session. */
async function rowsStored(stack: Stack, sessionId: string): Promise<number> {
  const r = await stack.influx.query(`SELECT * FROM "prometheus" WHERE "session_id" = '${sessionId}' GROUP BY *`);
  return (r[0]?.series ?? []).reduce((n, s) => n + s.values.length, 0);
}

async function untilStable(probe: () => Promise<number>, what: string, timeoutMs = 120_000): Promise<number> {
  let last = -1;
  let stable = 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sleep(1000);
    const n = await probe();
    stable = n === last && n > 0 ? stable + 1 : 0;
    last = n;
    if (stable >= 2) return n;
    if (Date.now() > deadline) throw new Error(`${what} kept changing: ${n}`);
  }
}

/** The simulated race as an .rtcap (racetel simulate --out: unpaced, real receive times). */
async function simulatedRaceCapture(): Promise<string> {
  const file = path.join(work, "race.rtcap");
  const sim = racetel("simulate", ["simulate", "--format", String(simulatedRace.format), "--cars", String(simulatedRace.cars), "--laps", String(simulatedRace.laps),
    "--track", simulatedRace.track, "--rate", String(simulatedRace.rate), "--seed", String(simulatedRace.seed), "--out", file]);
  if ((await sim.exited) !== 0) throw new Error(`racetel simulate --out failed:\n${sim.output()}`);
  return file;
}

async function withStack<T>(options: StackOptions, body: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await startStack(options);
  try {
    return await body(stack);
  } finally {
    await stack.stop();
  }
}

/** The simulated race through rpc and the collector with one exporter: fields stored and influxd CPU. */
async function sink(capture: string, sessionId: string, exporter: "influxdb" | "racetel_influxdb"): Promise<{ fields: number; cpu: number; coverage?: string }> {
  return withStack({ collectorSet: [`service::pipelines::metrics::exporters=[${exporter}]`] }, async (stack) => {
    const pid = stack.influx.process.child.pid!;
    const before = cpuSeconds(pid);
    const replay = racetel("replay", ["replay", capture, "--rpc", stack.rpcTarget, "--time", "original", "--speed", "max"]);
    if ((await replay.exited) !== 0) throw new Error(`replay failed:\n${replay.output()}`);
    const fields = await untilStable(() => fieldsStored(stack, `"session_id" = '${sessionId}'`), "fields stored");
    const cpu = cpuSeconds(pid) - before;
    let coverage: string | undefined;
    if (exporter === "racetel_influxdb") {
      const race = decodeSimulatedRace();
      const r = await stack.influx.query(`SELECT count("racetel.car.speed") FROM "prometheus" WHERE "session_id" = '${sessionId}' AND "racetel.car.lap.number" = 2 GROUP BY "car_index"`);
      let stored = 0;
      for (const s of r[0]?.series ?? []) stored += Number(s.values[0]?.[1] ?? 0);
      let sent = 0;
      for (let car = 0; car < simulatedRace.cars; car++) sent += race.telemetrySamples.get(`${car}/2`) ?? 0;
      coverage = `lap trace coverage: ${((100 * stored) / sent).toFixed(1)}% of game samples stored (lap 2 of all ${simulatedRace.cars} cars: ${stored} of ${sent})`;
    }
    return { fields, cpu, ...(coverage !== undefined ? { coverage } : {}) };
  });
}

async function consolesAtP99(traces: boolean): Promise<number> {
  const steps = (process.env.RACETEL_BENCH_CONSOLES ?? (traces ? "1,4,8,12,16,20,25" : "1,4,8,12,16,20,25,30,35")).split(",").map(Number);
  let best = 0;
  const extra = (process.env.RACETEL_BENCH_RPC_ARGS ?? "").split(" ").filter((a) => a !== "");
  await withStack({ rpcArgs: [...extra, ...(traces ? [] : ["--trace-channels", "none"])] }, async (stack) => {
    let round = traces ? 0 : 100;
    for (const n of steps) {
      const r = await consolesRun(stack, n, round++);
      console.log(`  ${traces ? "traces on " : "traces off"} ${String(n).padStart(2)} console(s) (${n * 20} cars): p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms (${r.exported} of ${r.markers} markers stored; row time -> queryable p50 ${r.storeP50.toFixed(0)} ms, p99 ${r.storeP99.toFixed(0)} ms)`);
      if (r.p99 <= 1000) best = n;
      else break;
    }
  });
  return best;
}

/** The real F1 23 race with fixed receive times, as an .rtcap. */
async function realRaceCapture(): Promise<string> {
  const file = path.join(work, "f1-23.rtcap");
  const t0 = datagrams[0]!.readFloatLE(SESSION_TIME_OFFSET);
  const start = Date.UTC(2026, 0, 1) * 1e6;
  const w = new RtcapWriter(file);
  await w.ready();
  for (const d of datagrams) w.write(RecordKind.F1UdpDatagram, start + Math.round((d.readFloatLE(SESSION_TIME_OFFSET) - t0) * 1e9), "192.168.1.20:20777", d);
  await w.close();
  return file;
}

try {
  if (which.includes("sink") || which.includes("coverage")) {
    const capture = await simulatedRaceCapture();
    const sessionId = decodeSimulatedRace().sessionId;
    const contrib = await sink(capture, sessionId, "influxdb");
    const ours = await sink(capture, sessionId, "racetel_influxdb");
    const a = contrib.fields / contrib.cpu;
    const b = ours.fields / ours.cpu;
    console.log(`sink: contrib exporter ${a.toFixed(0)} fields per influxd CPU-second, racetel ${b.toFixed(0)} (ratio ${(b / a).toFixed(2)})` +
      ` [the simulated ${simulatedRace.laps}-lap race: ${contrib.fields} vs ${ours.fields} fields, influxd ${contrib.cpu.toFixed(2)} vs ${ours.cpu.toFixed(2)} CPU-s]`);
    if (ours.coverage !== undefined) console.log(ours.coverage);
  }
  if (which.includes("consoles")) {
    console.log(`datagram -> queryable in InfluxDB (console 0, all its cars), ${MEASURE_S} s per step after a ${WARMUP_S} s warm-up, poll every ${POLL_MS} ms:`);
    const modes = process.env.RACETEL_BENCH_TRACES ?? "both";
    const on = modes === "off" ? Number.NaN : await consolesAtP99(true);
    const off = modes === "on" ? Number.NaN : await consolesAtP99(false);
    console.log(`consoles at p99<=1s: ${on} (traces on); ${off} with traces off`);
  }
  if (which.includes("determinism")) {
    const capture = await realRaceCapture();
    const sessionId = BigInt.asUintN(64, datagrams[0]!.readBigUInt64LE(SESSION_UID_OFFSET)).toString();
    const rows: number[] = [];
    for (const speed of ["max", "1"]) {
      rows.push(await withStack({}, async (stack) => {
        const replay = racetel("replay", ["replay", capture, "--rpc", stack.rpcTarget, "--time", "original", "--speed", speed]);
        if ((await replay.exited) !== 0) throw new Error(`replay failed:\n${replay.output()}`);
        return untilStable(() => rowsStored(stack, sessionId), "rows stored");
      }));
    }
    console.log(`replay determinism: rows at --speed max / rows at --speed 1 = ${(rows[0]! / rows[1]!).toFixed(2)} (${rows[0]} / ${rows[1]} rows of the real F1 23 race)`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
