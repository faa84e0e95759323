// What the fuzzer feeds and what it checks. Each target is one of racetel's entry points for bytes from
// outside, fed the way the service feeds it (decoder -> frame guard, or Publish bytes -> validation ->
// store), with the real captures as seeds. The oracle: nothing throws out of the entry point, and
// every frame that gets through has every number finite and in its documented range and every label
// clean (proto/src/ranges.ts, proto/src/labels.ts).
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LABEL_LIMITS, firstOutOfRange, isCleanLabel, isValidSessionId, racetel } from "@racetel/proto";
import { readCapture } from "@racetel/ingest/capture/capture-reader";
import { CaptureFormatError, RecordKind } from "@racetel/ingest/capture/rtcap-format";
import { RtcapWriter } from "@racetel/ingest/capture/rtcap-writer";
import { HEADER_BYTES } from "@racetel/ingest/sources/acc/framing";
import { IngestCounters } from "@racetel/ingest/observability/counters";
import { FrameGuard } from "@racetel/ingest/pipeline/frame-guard";
import { AccForwardDecoder } from "@racetel/ingest/sources/acc/forward-decoder";
import { AccBroadcastDecoder } from "@racetel/ingest/sources/acc-broadcast/decoder";
import { F1Decoder, splitF1Dump } from "@racetel/ingest/sources/f1/index";
import type { DecodeContext, Frame, PacketDecoder } from "@racetel/ingest/sources/source";
import { RpcCounters } from "@racetel/rpc/counters";
import { TelemetryStore, defaultRecording } from "@racetel/rpc/metrics/store";
import { F1LiveTimingDecoder } from "@racetel/ingest/sources/f1-livetiming/decoder";
import { handleSignalrFrame } from "@racetel/ingest/sources/f1-livetiming/signalr";
import { DEFAULT_TRACE_CHANNELS, traceSlots } from "@racetel/rpc/metrics/catalogue";
import { validateFrame } from "@racetel/rpc/validate";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function sharedCaptures(): string {
  return path.join(process.env["RACETEL_SHARED_DIR"] ?? path.resolve(repoRoot, "../shared"), "captures");
}

/** Per-target tallies. */
export interface TargetStats {
  inputs: number;
  /** Exceptions that left the entry point: each one is a bug. */
  escapes: number;
  /** Frames that got through with a number out of range, a non-finite number or an unclean label. */
  outOfRange: number;
  /** Inputs the entry point accepted (decoded, or read without a format error). */
  accepted: number;
  framesOut: number;
  /** The first few problems, to reproduce (hex of the input's head). */
  examples: string[];
}

export interface Target {
  readonly name: string;
  readonly seeds: Buffer[];
  readonly maxBytes: number;
  readonly stats: TargetStats;
  run(input: Buffer, index: number): void | Promise<void>;
}

function newStats(): TargetStats {
  return { inputs: 0, escapes: 0, outOfRange: 0, accepted: 0, framesOut: 0, examples: [] };
}

function note(stats: TargetStats, what: string, input: Buffer): void {
  if (stats.examples.length < 5) stats.examples.push(`${what}; input ${input.length} bytes: ${input.subarray(0, 48).toString("hex")}`);
}

/** What is wrong with a frame that left a checkpoint, or undefined. Independent of the guard's own walk. */
export function frameProblem(frame: Frame): string | undefined {
  const field = firstOutOfRange(frame);
  if (field !== undefined) return `out of range: ${field}`;
  const nonFinite = findNonFinite(frame, "frame");
  if (nonFinite !== undefined) return `not finite: ${nonFinite}`;
  const labels = frame.labels as Record<string, unknown> | null | undefined;
  if (labels !== null && labels !== undefined) {
    for (const [name, max] of Object.entries(LABEL_LIMITS)) {
      const v = labels[name];
      if (typeof v === "string" && v !== "" && !isCleanLabel(v, max)) return `label ${name} not clean: ${JSON.stringify(v.slice(0, 40))}`;
    }
    const id = labels["sessionId"];
    if (typeof id === "string" && id !== "" && !isValidSessionId(id)) return `session id ${JSON.stringify(id.slice(0, 40))}`;
  }
  return undefined;
}

function findNonFinite(v: unknown, at: string): string | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? undefined : at;
  if (v === null || typeof v !== "object") return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = findNonFinite(v[i], `${at}[${i}]`);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (typeof (v as { toNumber?: unknown }).toNumber === "function") return undefined; // a Long
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const r = findNonFinite(x, `${at}.${k}`);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * What a decoder under test emits into: ingest's FrameGuard, then the oracle, which counts frames and notes
 * any value out of range with the input (`current.input`) that caused it.
 */
function oracleContext(stats: TargetStats): { current: { input: Buffer }; ctx: DecodeContext } {
  const current = { input: Buffer.alloc(0) };
  const oracle = {
    emit(frame: Frame): void {
      stats.framesOut++;
      const problem = frameProblem(frame);
      if (problem !== undefined) {
        stats.outOfRange++;
        note(stats, problem, current.input);
      }
    },
  };
  const ctx: DecodeContext = { sink: new FrameGuard(oracle, new IngestCounters()), drops: { drop: () => undefined }, advice: { once: () => undefined } };
  return { current, ctx };
}

/** A decoder fed as ingest feeds it: decoder -> FrameGuard -> the oracle. */
function decoderTarget(name: string, seeds: Buffer[], maxBytes: number, make: (ctx: DecodeContext) => PacketDecoder, senders: string[]): Target {
  const stats = newStats();
  const { current, ctx } = oracleContext(stats);
  const decoder = make(ctx);
  const t0 = Date.now() * 1e6;
  return {
    name, seeds, maxBytes, stats,
    run(input, index) {
      stats.inputs++;
      current.input = input;
      try {
        if (decoder.decode(input, t0 + index * 1e6, senders[index % senders.length]!)) stats.accepted++;
        if (index % 1000 === 999) decoder.flush?.();
      } catch (err) {
        stats.escapes++;
        note(stats, `threw ${(err as Error).stack?.split("\n").slice(0, 3).join(" | ")}`, input);
      }
    },
  };
}

function hexFiles(dir: string): Buffer[] {
  return readdirSync(dir).filter((f) => f.endsWith(".hex")).sort().map((f) => Buffer.from(readFileSync(path.join(dir, f), "utf8").trim(), "hex"));
}

/** The forwarded-page datagrams of an ACC test case (racetel framing: 12-byte header, u16 length at 6). */
function accDatagrams(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const len = HEADER_BYTES + bytes.readUInt16LE(at + 6);
    out.push(bytes.subarray(at, at + len));
    at += len;
  }
  return out;
}

/** A small .rtcap of the given datagrams, written by racetel's own writer. */
async function rtcapOf(records: [number, Buffer][]): Promise<Buffer> {
  const file = path.join(process.env["TMPDIR"] ?? "/tmp", `racetel-fuzz-seed-${process.pid}.rtcap`);
  const w = new RtcapWriter(file);
  await w.ready();
  records.forEach(([kind, payload], i) => w.write(kind as RecordKind, 1.7e18 + i * 1e6, "192.168.1.20:20777", payload));
  await w.close();
  const bytes = readFileSync(file);
  rmSync(file, { force: true });
  return bytes;
}

function f1Seeds(): Buffer[] {
  const caps = sharedCaptures();
  const dump = splitF1Dump(readFileSync(path.join(caps, "f1-23", "race-20cars-v1.21.dump")));
  // Up to 40 datagrams of each packet id of the dump: every layout, not 10,000 motion packets.
  const perId = new Map<number, number>();
  const seeds: Buffer[] = [];
  for (const d of dump) {
    const n = perId.get(d[6]!) ?? 0;
    if (n < 40) seeds.push(d);
    perId.set(d[6]!, n + 1);
  }
  const singles = path.join(caps, "f1-23", "packets");
  for (const f of readdirSync(singles).filter((x) => x.endsWith(".bin"))) seeds.push(readFileSync(path.join(singles, f)));
  for (const year of ["2023", "2024", "2025"]) {
    for (const line of readFileSync(path.join(caps, "f1-peer-mocks", `${year}.json`), "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const j = JSON.parse(line) as { message: { data: number[] } | number[] };
      seeds.push(Buffer.from(Array.isArray(j.message) ? j.message : j.message.data));
    }
  }
  return seeds;
}

/** Every target, seeded from ../shared/captures and the repository's test cases. */
export async function createTargets(): Promise<Target[]> {
  const caps = sharedCaptures();
  const f1 = f1Seeds();
  const accCase = path.join(repoRoot, "ingest/src/sources/acc/testcases/race-pit-lane-3-cars/input.bin");
  const accPages = accDatagrams(readFileSync(accCase));
  const broadcast = hexFiles(path.join(caps, "acc-broadcasting"));
  const clipBytes = readFileSync(path.join(caps, "f1-24", "time-trial-clip-a.bin"));
  const rtcap = await rtcapOf([
    ...f1.slice(0, 10).map((d): [number, Buffer] => [RecordKind.F1UdpDatagram, d]),
    ...accPages.slice(0, 4).map((d): [number, Buffer] => [RecordKind.AccForwardedPageDatagram, d]),
    ...broadcast.map((d): [number, Buffer] => [RecordKind.AccBroadcastingInboundDatagram, d]),
  ]);
  const captureSeeds = [rtcap, clipBytes.subarray(0, 60_000), Buffer.concat(f1.slice(0, 30))];
  const senders = ["192.168.1.20:20777", "192.168.1.21:20777", "10.0.0.7:51000"];
  return [
    decoderTarget("f1", f1, 2048, (ctx) => new F1Decoder(ctx, { maxSessions: 64 }), senders),
    decoderTarget("acc-pages", accPages, 4096, (ctx) => new AccForwardDecoder(ctx), senders),
    decoderTarget("acc-broadcast", broadcast, 2048, (ctx) => new AccBroadcastDecoder(ctx), ["127.0.0.1:9000"]),
    publishTarget([...f1.slice(0, 400), ...accPages], broadcast),
    captureFileTarget(captureSeeds),
    liveTimingTarget(path.join(caps, "f1-livetiming", "2023-monaco-fp2-signalr", "fp2.txt")),
  ];
}

/** F1 live timing: SignalR frames of the real Monaco FP2 recording (JSON, .z base64 + DEFLATE, partial state). */
function liveTimingTarget(recording: string): Target {
  const frames = readFileSync(recording, "utf8").split("\n").filter((l) => l.startsWith("{"));
  // The subscribe answer (full state of every topic) and every 8th feed frame.
  const seeds = frames.filter((l, i) => l.includes("\"R\":") || i % 8 === 0).map((l) => Buffer.from(l, "utf8"));
  const stats = newStats();
  const { current, ctx } = oracleContext(stats);
  const decoder = new F1LiveTimingDecoder(ctx, { source: "f1-livetiming:fuzz" });
  // The session as the feed starts it (the subscribe answer, unmutated): mutated frames then meet real state.
  handleSignalrFrame(decoder, frames.find((l) => l.includes("\"R\":"))!, Date.parse("2023-05-26T15:31:42Z"));
  return {
    name: "f1-livetiming", seeds, maxBytes: 65_536, stats,
    run(input, index) {
      stats.inputs++;
      current.input = input;
      try {
        if (handleSignalrFrame(decoder, input.toString("utf8"), Date.parse("2023-05-26T15:31:42Z") + index) > 0) stats.accepted++;
        if (index % 1000 === 999) decoder.flush();
      } catch (err) {
        stats.escapes++;
        note(stats, `threw ${(err as Error).stack?.split("\n").slice(0, 3).join(" | ")}`, input);
      }
    },
  };
}

/** Publish: PublishRequest bytes -> decode -> validation -> store, as rpc's handler does. */
function publishTarget(f1: Buffer[], broadcast: Buffer[]): Target {
  // Seeds: real frames, encoded in batches of 20 (decoded from the real captures through ingest).
  const frames: Frame[] = [];
  const collect: DecodeContext = { sink: { emit: (f) => frames.push(racetel.v1.Frame.decode(racetel.v1.Frame.encode(f).finish())) }, drops: { drop: () => undefined }, advice: { once: () => undefined } };
  const f1d = new F1Decoder(collect);
  f1.forEach((d, i) => f1d.decode(d, Date.now() * 1e6 + i * 1e6, "192.168.1.20:20777"));
  f1d.flush();
  const bd = new AccBroadcastDecoder(collect);
  broadcast.forEach((d, i) => bd.decode(d, Date.now() * 1e6 + i * 1e6, "127.0.0.1:9000"));
  const seeds: Buffer[] = [];
  for (let i = 0; i < frames.length; i += 20) seeds.push(Buffer.from(racetel.v1.PublishRequest.encode({ frames: frames.slice(i, i + 20) }).finish()));
  const stats = newStats();
  const counters = new RpcCounters();
  const store = new TelemetryStore({ carTimeoutMs: 10_000, sessionTimeoutMs: 30_000, maxSessions: 1000, newSessionsPerMinute: 30, recording: { ...defaultRecording(), traceSlots: traceSlots(DEFAULT_TRACE_CHANNELS) } });
  return {
    name: "publish", seeds, maxBytes: 16_384, stats,
    run(input, index) {
      stats.inputs++;
      let request: racetel.v1.PublishRequest;
      try {
        request = racetel.v1.PublishRequest.decode(input);
      } catch {
        return; // rpc answers INVALID_ARGUMENT (server.ts)
      }
      try {
        stats.accepted++;
        for (const frame of request.frames as racetel.v1.Frame[]) {
          const droppedBefore = counters.valuesDroppedTotal;
          if (validateFrame(frame, counters.report) !== undefined) continue;
          const session = store.apply(frame, index);
          stats.framesOut++;
          // What rpc passes on (Subscribe, the live view) is a frame that lost nothing: it must be whole.
          const problem = counters.valuesDroppedTotal === droppedBefore ? frameProblem(frame) : labelProblem(frame);
          const stored = session === undefined ? undefined : storedProblem(session.cars.get(frame.labels!.carIndex ?? -1)?.values);
          if (problem !== undefined || stored !== undefined) {
            stats.outOfRange++;
            note(stats, problem ?? stored!, input);
          }
        }
        if (index % 5000 === 4999) {
          store.expire(index + 60_000);
          // What a collection that reached the collector does: what waited for it is let go. (Kept, it
          // would grow to the backlog caps and hide a real leak in the heap figure.)
          store.retired.length = 0;
          for (const s of store.sessions.values()) {
            s.pending.length = 0;
            for (const car of s.cars.values()) car.trace.drop(car.trace.count);
          }
        }
      } catch (err) {
        stats.escapes++;
        note(stats, `threw ${(err as Error).stack?.split("\n").slice(0, 3).join(" | ")}`, input);
      }
    },
  };
}

function labelProblem(frame: Frame): string | undefined {
  const p = frameProblem({ labels: frame.labels } as Frame);
  return p;
}

function storedProblem(values: Float64Array | undefined): string | undefined {
  if (values === undefined) return undefined;
  for (let i = 0; i < values.length; i++) if (values[i] === Infinity || values[i] === -Infinity) return `stored an infinite value in channel ${i}`;
  return undefined;
}

/** Capture files: a mutated file read to its end must give records or a CaptureFormatError, nothing else. */
function captureFileTarget(seeds: Buffer[]): Target {
  const stats = newStats();
  const file = path.join(process.env["TMPDIR"] ?? "/tmp", `racetel-fuzz-${process.pid}.cap`);
  return {
    name: "capture-files", seeds, maxBytes: 65_536, stats,
    async run(input) {
      stats.inputs++;
      writeFileSync(file, input);
      try {
        for await (const r of readCapture(file)) {
          stats.framesOut++;
          if (r.payload.length > 16 * 1024 * 1024) {
            stats.outOfRange++;
            note(stats, "record larger than the format allows", input);
          }
        }
        stats.accepted++;
      } catch (err) {
        if (err instanceof CaptureFormatError) return;
        stats.escapes++;
        note(stats, `threw ${(err as Error).stack?.split("\n").slice(0, 3).join(" | ")}`, input);
      }
    },
  };
}
