// F1 decode benchmark on the real F1 23 race capture (1,788 datagrams): racetel decode + normalise +
// encode (frames written into batches with the generated encoders, as ingest does; the protobufjs encode()
// path is measured alongside as the reference) vs parse-only of the peer decoder @z0mt3c/f1-telemetry-client on
// the same buffers. Prints packets/s and the ratio; asserts nothing about speed. Timings on a shared
// 2-core machine are noisy: compare figures from the same run only.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FrameWriter, encodeFrame, racetel } from "@racetel/proto";
import { F1Decoder, splitF1Dump } from "../src/sources/f1/index.js";
import type { Frame } from "../src/sources/source.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const sharedDir = process.env["RACETEL_SHARED_DIR"] ?? path.resolve(repoRoot, "../shared");
const dumpPath = path.join(sharedDir, "captures", "f1-23", "race-20cars-v1.21.dump");
let dump: Buffer;
try {
  dump = readFileSync(dumpPath);
} catch {
  console.error(`f1-decode bench needs the real capture at ${dumpPath} (set RACETEL_SHARED_DIR)`);
  process.exit(2);
}
const datagrams = splitF1Dump(dump);
const seconds = Number(process.env["BENCH_SECONDS"] ?? "3");

/**
 * A sink that encodes every frame at once into FrameWriter as PublishRequest.frames (field 1) into the
 * current batch, sealed at ~64 KiB, as the ingest service does: with the generated specialised encoder
 * (ingest's path) or with protobufjs' generated encode() driving the writer (the previous path).
 */
class BatchingSink {
  private readonly writer = new FrameWriter(96 * 1024);
  frames = 0;
  batches = 0;
  bytes = 0;
  constructor(private readonly specialised: boolean) {}
  emit(frame: Frame): void {
    if (this.specialised) this.writer.encodeField(1, encodeFrame, frame);
    else this.writer.message(1, racetel.v1.Frame, frame);
    this.frames++;
    if (this.writer.length >= 65536) this.seal();
  }
  seal(): void {
    const batch = this.writer.take();
    this.bytes += batch.length;
    this.batches++;
  }
}

/**
 * Runs one pass over the capture repeatedly for `budgetS` seconds of this process's CPU time and returns
 * packets per CPU-second (one core). CPU time, not wall time: other processes on the shared machine then
 * slow the measurement much less (caches and hyper-threads still add noise).
 */
function measure(onePass: () => void, budgetS: number): number {
  let packets = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < budgetS) {
    onePass();
    packets += datagrams.length;
    const u = process.cpuUsage(start);
    used = (u.user + u.system) / 1e6;
  }
  return packets / used;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const sink = new BatchingSink(true);
const refSink = new BatchingSink(false);
let drops = 0;
const decoder = new F1Decoder({ sink, drops: { drop: () => { drops++; } }, advice: { once: () => {} } });
const refDecoder = new F1Decoder({ sink: refSink, drops: { drop: () => { drops++; } }, advice: { once: () => {} } });
let decodeOnlyFrames = 0;
const bare = new F1Decoder({ sink: { emit: () => { decodeOnlyFrames++; } }, drops: { drop: () => { drops++; } }, advice: { once: () => {} } });
let t = 1.7e18;
const racetelPass = (): void => { for (const d of datagrams) decoder.decode(d, (t += 1e7), "192.168.1.20:53001"); };
const refPass = (): void => { for (const d of datagrams) refDecoder.decode(d, (t += 1e7), "192.168.1.20:53001"); };
const decodeOnlyPass = (): void => { for (const d of datagrams) bare.decode(d, (t += 1e7), "192.168.1.20:53001"); };

// The peer's parse API: F1TelemetryClient.parseBufferMessage(buffer, bigintEnabled)
const require = createRequire(import.meta.url);
const peer = require("@z0mt3c/f1-telemetry-client") as {
  F1TelemetryClient: { parseBufferMessage(buf: Buffer, bigint?: boolean): unknown };
};
const peerPass = (): void => { for (const d of datagrams) peer.F1TelemetryClient.parseBufferMessage(d, true); };

// Warm up all three, then interleave short rounds so load from other processes hits all of them alike;
// report medians and the median of the per-round ratios.
for (let i = 0; i < 3; i++) { racetelPass(); refPass(); decodeOnlyPass(); peerPass(); }
if (drops > 0) throw new Error(`${drops} datagrams dropped: the benchmark input must decode cleanly`);
const rounds = Math.max(3, Math.round(seconds / 1.5));
const full: number[] = [];
const refRates: number[] = [];
const bareRates: number[] = [];
const peerRates: number[] = [];
const ratios: number[] = [];
const bareRatios: number[] = [];
for (let r = 0; r < rounds; r++) {
  full.push(measure(racetelPass, 0.5));
  refRates.push(measure(refPass, 0.5));
  bareRates.push(measure(decodeOnlyPass, 0.5));
  peerRates.push(measure(peerPass, 0.5));
  ratios.push(full[r]! / peerRates[r]!);
  bareRatios.push(bareRates[r]! / peerRates[r]!);
}
sink.seal();
refSink.seal();
const fmt = (x: number): string => Math.round(x).toLocaleString("en-US").padStart(10);
console.log(`racetel decode + normalise + encode (generated encoders)  ${fmt(median(full))} packets/s (per CPU-second)`);
console.log(`racetel decode + normalise + encode (protobufjs encode()) ${fmt(median(refRates))} packets/s (per CPU-second)`);
console.log(`racetel decode + normalise (no encode)                    ${fmt(median(bareRates))} packets/s (per CPU-second)`);
console.log(`@z0mt3c/f1-telemetry-client parse only                    ${fmt(median(peerRates))} packets/s (per CPU-second)`);
console.log(`frames encoded: ${sink.frames.toLocaleString("en-US")} in ${sink.batches} batches (${(sink.bytes / 1e6).toFixed(1)} MB; ` +
  `protobufjs path ${(refSink.bytes / 1e6).toFixed(1)} MB for ${refSink.frames.toLocaleString("en-US")} frames); decode-only run emitted ${decodeOnlyFrames.toLocaleString("en-US")} frames`);
console.log(`ratio racetel (decode+normalise+encode) / peer (parse only): ${median(ratios).toFixed(1)}x  (target >= 8x; median of ${rounds} interleaved rounds)`);
console.log(`ratio racetel (decode+normalise) / peer (parse only): ${median(bareRatios).toFixed(1)}x`);
console.log(`ratio protobufjs encode() path / peer (parse only): ${(median(refRates) / median(peerRates)).toFixed(1)}x`);
const encodeShare = 1 - median(full) / median(bareRates);
console.log(`encoding share of racetel's CPU time: ${(encodeShare * 100).toFixed(0)}% ` +
  `(${(1e6 / median(full) - 1e6 / median(bareRates)).toFixed(1)} µs of ${(1e6 / median(full)).toFixed(1)} µs per packet)`);
console.log(`capture: ${datagrams.length} datagrams, ${dump.length.toLocaleString("en-US")} bytes; ${rounds} interleaved rounds of 0.5 CPU-s each; shared noisy 2-core machine`);
