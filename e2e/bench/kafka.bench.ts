// ingest -> rpc over Apache Kafka against direct gRPC, on the real back end (a Kafka 4.1.1 broker, racetel's
// collector, InfluxDB 1.8.3, ingest and rpc as processes on this machine). Prints, measured in this run:
//   direct gRPC: N consoles, datagram -> queryable p50/p99
//   kafka, 1/2/3 rpc instances: the same at each step, and the most consoles carried at p99 <= 1 s
//   Kafka adds: p50/p99 against direct gRPC at the same number of consoles
// Consoles replay the real 20-car F1 23 race at real time (consoles.ts). One machine runs everything, so
// more rpc instances share the same cores: the figures show what the transport costs, not how far a
// cluster scales.
import path from "node:path";
import { startCollector } from "../harness/collector.js";
import { startInfluxDb } from "../harness/influxdb.js";
import { startKafka } from "../harness/kafka.js";
import { freeTcpPort, freeUdpPort } from "../harness/ports.js";
import { repoRoot, startProcess, waitUntil, type RunningProcess } from "../harness/process.js";
import { racetel } from "../harness/stack.js";
import { MEASURE_S, WARMUP_S, consolesRun, type ConsolesResult } from "./consoles.js";

const nodeArgs = ["--conditions=racetel-src", "--import", "tsx"];
const rpcMain = path.join(repoRoot, "rpc/src/main.ts");
const steps = (process.env.RACETEL_BENCH_CONSOLES ?? "1,4,8,12,16").split(",").map(Number);
const compareAt = Number(process.env.RACETEL_BENCH_COMPARE_AT ?? 4);
const instances = (process.env.RACETEL_BENCH_RPCS ?? "1,2,3").split(",").map(Number);

const influx = await startInfluxDb("racetel");
const collector = await startCollector({ influxUrl: influx.url, database: influx.database });
const kafka = await startKafka();
let round = 0;

async function healthy(p: RunningProcess, port: number): Promise<void> {
  await waitUntil(p, "/healthz ok", async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok);
}

/** Starts rpc instances and an ingest feeding them (directly, or through a topic of its own), runs `body`, stops them. */
async function pipeline<T>(transport: "grpc" | "kafka", rpcs: number, body: (f1Port: number) => Promise<T>): Promise<T> {
  const started: RunningProcess[] = [];
  const topic = `racetel.bench.${round}`;
  try {
    const grpcPorts: number[] = [];
    for (let i = 0; i < rpcs; i++) {
      const http = await freeTcpPort();
      const grpc = await freeTcpPort();
      grpcPorts.push(grpc);
      const args = ["--port", String(grpc), "--http-port", String(http), "--otlp-endpoint", collector.otlpEndpoint, "--log-level", "warn", "--instance", `bench-rpc-${i}`];
      if (transport === "kafka") args.push("--transport", "kafka", "--kafka-brokers", kafka.bootstrap, "--kafka-topic", topic, "--kafka-group", `bench-${round}`, "--kafka-session-timeout", "6s");
      const p = startProcess(`rpc-${i}`, process.execPath, [...nodeArgs, rpcMain, ...args]);
      started.push(p);
      await healthy(p, http);
    }
    const f1Port = await freeUdpPort();
    const http = await freeTcpPort();
    const output = transport === "kafka" ? ["--output", "kafka", "--kafka-brokers", kafka.bootstrap, "--kafka-topic", topic] : ["--rpc-targets", grpcPorts.map((p) => `127.0.0.1:${p}`).join(",")];
    const ingest = racetel("ingest", ["ingest", "--f1-host", "127.0.0.1", "--f1-port", String(f1Port), "--acc-port", String(await freeUdpPort()), "--http-port", String(http), "--log-level", "warn", ...output]);
    started.push(ingest);
    await healthy(ingest, http);
    // The group settles (every instance joined, partitions assigned) before the clock starts.
    if (transport === "kafka") await new Promise((r) => setTimeout(r, 3000));
    return await body(f1Port);
  } finally {
    for (const p of started.reverse()) await p.stop();
  }
}

function line(label: string, n: number, r: ConsolesResult): string {
  return `  ${label.padEnd(22)} ${String(n).padStart(2)} console(s) (${n * 20} cars): p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms (${r.exported} of ${r.markers} markers stored)`;
}

/** Steps through `steps` until p99 > 1 s; returns the most consoles at p99 <= 1 s and the result at `compareAt`. */
async function sweep(label: string, transport: "grpc" | "kafka", rpcs: number): Promise<{ best: number; at?: ConsolesResult }> {
  round++;
  return pipeline(transport, rpcs, async (f1Port) => {
    let best = 0;
    let at: ConsolesResult | undefined;
    for (const n of steps) {
      const r = await consolesRun({ f1Port, influx }, n, round * 100 + n);
      console.log(line(label, n, r));
      if (n === compareAt) at = r;
      if (r.p99 <= 1000) best = n;
      else break;
    }
    return { best, ...(at !== undefined ? { at } : {}) };
  });
}

try {
  console.log(`datagram -> queryable in InfluxDB (console 0, all its cars), ${MEASURE_S} s per step after a ${WARMUP_S} s warm-up:`);
  const direct = await sweep("direct gRPC, 1 rpc", "grpc", 1);
  const viaKafka: { rpcs: number; best: number; at?: ConsolesResult }[] = [];
  for (const rpcs of instances) viaKafka.push({ rpcs, ...(await sweep(`kafka, ${rpcs} rpc`, "kafka", rpcs)) });
  console.log(`consoles at p99<=1s: direct gRPC ${direct.best}; over Kafka ${viaKafka.map((k) => `${k.best} with ${k.rpcs} rpc`).join(", ")}`);
  const one = viaKafka.find((k) => k.rpcs === 1);
  if (direct.at !== undefined && one?.at !== undefined) {
    console.log(`Kafka adds at ${compareAt} consoles (1 rpc): p50 ${(one.at.p50 - direct.at.p50).toFixed(0)} ms, p99 ${(one.at.p99 - direct.at.p99).toFixed(0)} ms` +
      ` (direct p50 ${direct.at.p50.toFixed(0)} / p99 ${direct.at.p99.toFixed(0)} ms; Kafka p50 ${one.at.p50.toFixed(0)} / p99 ${one.at.p99.toFixed(0)} ms)`);
  }
} finally {
  await kafka.stop();
  await collector.stop();
  await influx.stop();
}
