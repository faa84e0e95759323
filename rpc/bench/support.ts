// Bench support: rpc and ingest as real child processes, their CPU and RSS from /proc, their counters
// from /metrics, the real F1 capture as packets and as encoded batches, and an OTLP sink.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { IngestCounters } from "@racetel/ingest/observability/counters";
import { FrameBatcher } from "@racetel/ingest/pipeline/frame-batcher";
import { F1Decoder, splitF1Dump } from "@racetel/ingest/sources/f1/index";
import { widenConnectionWindowsAfterBind, widenWindowsBeforeBind } from "@racetel/rpc/server";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function sharedFile(...parts: string[]): string {
  const dir = process.env.RACETEL_SHARED_DIR ?? path.resolve(repoRoot, "../shared");
  const file = path.join(dir, ...parts);
  if (!existsSync(file)) throw new Error(`bench needs ${file}: the shared captures folder is missing (expected ../shared beside the checkout, or set RACETEL_SHARED_DIR)`);
  return file;
}

export function capturePackets(): Buffer[] {
  return splitF1Dump(readFileSync(sharedFile("captures", "f1-23", "race-20cars-v1.21.dump")));
}

/** The capture decoded and batched exactly as ingest does it: encoded PublishRequest batches. */
export function captureBatches(): { batches: { bytes: Buffer; frames: number }[]; frames: number } {
  const batches: { bytes: Buffer; frames: number }[] = [];
  const sink = { sendBatch: (bytes: Buffer, frames: number) => { batches.push({ bytes, frames }); } };
  const counters = new IngestCounters();
  const batcher = new FrameBatcher(sink, counters, { maxBytes: 64 * 1024, maxAgeMs: 1_000_000 });
  const decoder = new F1Decoder({ sink: batcher, drops: { drop: () => {} }, advice: { once: () => {} } });
  const t0 = Date.now() * 1e6;
  capturePackets().forEach((p, i) => decoder.decode(p, t0 + i * 1e6, "127.0.0.1:20777"));
  batcher.flush();
  return { batches, frames: counters.framesEmitted };
}

const CLK_TCK = 100;

/** CPU seconds (user + system) a process used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Reads a Prometheus text page into name{labels} -> value. */
export async function scrape(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

export function sum(m: Map<string, number>, prefix: string): number {
  let n = 0;
  for (const [k, v] of m) if (k === prefix || k.startsWith(prefix + "{")) n += v;
  return n;
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** The JSON object the process printed when it was ready. */
  ready: Record<string, unknown>;
  /** Lines the process logged after it was ready, and the tail of the last chunk. */
  logLines: { count: number; last: string };
  stop(): Promise<void>;
}

/** Spawns a TypeScript entry point from source and waits for a stderr/stdout line matching `readyWhen`. */
export async function spawnTs(entry: string, args: string[], readyWhen: RegExp, env: Record<string, string> = {}): Promise<Child> {
  // BENCH_PROFILE=dir: CPU profiles of the child processes (node --cpu-prof) for a closer look.
  const profile = process.env.BENCH_PROFILE !== undefined ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const proc = spawn(process.execPath, [...profile, "--conditions=racetel-src", "--import", "tsx", entry, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let onData: (chunk: Buffer) => void = () => {};
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    onData = (chunk: Buffer): void => {
      output += chunk.toString();
      for (const line of output.split("\n")) {
        if (readyWhen.test(line)) {
          try { resolve(JSON.parse(line) as Record<string, unknown>); } catch { resolve({ line }); }
          return;
        }
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", (code) => reject(new Error(`${entry} exited with ${code} before it was ready:\n${output.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`${entry} not ready after 60 s:\n${output.slice(-2000)}`)), 60_000).unref();
  });
  // From now on only count the child's log lines (a pipe that is not drained would block its writes).
  proc.stdout!.off("data", onData);
  proc.stderr!.off("data", onData);
  const logLines = { count: 0, last: "" };
  const countLines = (chunk: Buffer): void => {
    const text = chunk.toString();
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) logLines.count++;
    logLines.last = text.slice(-500);
  };
  proc.stdout!.on("data", countLines);
  proc.stderr!.on("data", countLines);
  return {
    proc, pid: proc.pid!, ready, logLines,
    stop: () => new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once("exit", () => resolve());
      proc.kill("SIGTERM");
      setTimeout(() => proc.kill("SIGKILL"), 5000).unref();
    }),
  };
}

/** Starts rpc (src/main.ts) on free ports; resolves once it logged its ports. */
export async function startRpcProcess(otlpEndpoint: string, extra: string[] = []): Promise<Child & { grpcPort: number; httpPort: number }> {
  const child = await spawnTs(path.join(repoRoot, "rpc/src/main.ts"), ["--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--otlp-endpoint", otlpEndpoint, "--log-level", "info", ...extra], /"msg":"rpc running"/);
  const grpcAddr = String(child.ready.grpc);
  return { ...child, grpcPort: Number(grpcAddr.slice(grpcAddr.lastIndexOf(":") + 1)), httpPort: Number(child.ready.http) };
}

/** A real OTLP/gRPC endpoint that accepts and counts export requests (stands in for the collector). */
export async function startOtlpSink(): Promise<{ port: number; requests: number; bytes: number; stop(): Promise<void> }> {
  const state = { requests: 0, bytes: 0 };
  const server = new grpc.Server({ "grpc.max_receive_message_length": 64 * 1024 * 1024 });
  // Wide HTTP/2 windows like a real collector (Go grpc grows its windows): 64 KiB would pace rpc.
  widenWindowsBeforeBind(server);
  const raw = (b: Buffer): Buffer => b;
  server.addService({
    export: { path: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
  } as unknown as grpc.ServiceDefinition, {
    export: ((call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      state.requests++;
      state.bytes += call.request.length;
      cb(null, Buffer.alloc(0));
    }) as grpc.UntypedHandleCall,
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  widenConnectionWindowsAfterBind(server);
  return {
    port,
    get requests() { return state.requests; },
    get bytes() { return state.bytes; },
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
