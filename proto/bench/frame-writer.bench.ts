// Frames/s for encoding a CarTelemetry frame into 64 KiB batches: the generated specialised encoder and
// FrameWriter driven by protobufjs' encode(), vs protobufjs' own Writer.
// Prints figures only; the machine is shared, so compare the ratio, not the absolute numbers.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { FrameWriter, encodeFrame, racetel } from "@racetel/proto";

const v1 = racetel.v1;
const wheels = (base: number) => ({ frontLeft: base + 0.5, frontRight: base + 1.25, rearLeft: base + 2.75, rearRight: base + 3.5 });
const frame = v1.Frame.create({
  labels: { source: "f1:192.168.1.20", game: v1.Game.GAME_F1, format: "2024", sessionId: "13949873643212287015", carIndex: 7, driver: "PÉREZ", team: "Red Bull Racing", track: "Silverstone" },
  receiveTimeUnixNano: 1_732_412_345_123_456,
  sessionTimeS: 1234.567,
  gameFrame: 98765,
  telemetry: {
    speedMps: 83.5, throttle: 0.93, brake: 0, clutch: 0, steering: -0.12, gear: 7, engineRpm: 11250, suggestedGear: 0, drsOpen: true,
    tyreSurfaceTemperatureCelsius: wheels(95), tyreInnerTemperatureCelsius: wheels(101), tyreCoreTemperatureCelsius: wheels(0),
    tyrePressureKpa: wheels(160), brakeTemperatureCelsius: wheels(540), engineTemperatureCelsius: 112, revLights: 0.8,
  },
});
const BATCH_BYTES = 64 * 1024;
const seconds = Number(process.env["BENCH_SECONDS"] ?? 0.5);
const ROUNDS = 3;

function warmUp(encodeOne: () => void, flush: () => number): void {
  for (let i = 0; i < 200_000; i++) { encodeOne(); if ((i & 255) === 255) flush(); }
  flush();
}

function run(encodeOne: () => void, flush: () => number): number {
  let frames = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) {
      encodeOne();
      frames++;
    }
    now = process.hrtime.bigint();
  }
  flush();
  return frames / (Number(now - start) / 1e9);
}


// protobufjs as ingest would use it without FrameWriter: one Writer per frame, bytes appended to the batch.
let parts: Uint8Array[] = [];
let partBytes = 0;
const perFrame = [() => {
  const bytes = v1.Frame.encode(frame).finish();
  parts.push(bytes);
  partBytes += bytes.length;
  if (partBytes >= BATCH_BYTES) { Buffer.concat(parts); parts = []; partBytes = 0; }
}, () => { parts = []; partBytes = 0; return 0; }] as const;

// protobufjs with one Writer per batch (fork/ldelim per frame), the best protobufjs can do.
let batchWriter = protobuf.Writer.create();
const perBatch = [() => {
  v1.Frame.encode(frame, batchWriter.uint32(10).fork()).ldelim();
  if (batchWriter.len >= BATCH_BYTES) { batchWriter.finish(); batchWriter = protobuf.Writer.create(); }
}, () => { batchWriter = protobuf.Writer.create(); return 0; }] as const;

const w = new FrameWriter(BATCH_BYTES + 4096);
const frameWriter = [() => {
  w.message(1, v1.Frame, frame);
  if (w.length >= BATCH_BYTES) w.take();
}, () => w.take().length] as const;

// The generated encoder on a plain object shaped like ingest's frames (not a protobufjs Message instance).
const plain = v1.Frame.toObject(frame, { oneofs: false }) as racetel.v1.IFrame;
const wGen = new FrameWriter(BATCH_BYTES + 4096);
const generated = [() => {
  wGen.encodeField(1, encodeFrame, plain);
  if (wGen.length >= BATCH_BYTES) wGen.take();
}, () => wGen.take().length] as const;

// Each mode runs in its own process: sharing the generated encode() between two writer classes makes its
// call sites polymorphic and slows both, which ingest (FrameWriter only) never sees. Processes alternate so
// that load from other programs hits every mode; the best run counts.
const modes = {
  "protobufjs Writer (encode+finish per frame)": perFrame,
  "protobufjs Writer (one Writer per batch)": perBatch,
  "FrameWriter (message() into a reused buffer)": frameWriter,
  "generated encoder (encodeField(encodeFrame))": generated,
} as const;
type Mode = keyof typeof modes;
const child = process.env["FRAME_WRITER_BENCH_MODE"] as Mode | undefined;
if (child) {
  const [encodeOne, flush] = modes[child];
  warmUp(encodeOne, flush);
  process.stdout.write(String(run(encodeOne, flush)));
} else {
  const single = v1.Frame.encode(frame).finish().length;
  console.log(`CarTelemetry frame: ${single} bytes; batches of ${BATCH_BYTES} bytes; best of ${ROUNDS} runs of ${seconds} s, one process each`);
  const names = Object.keys(modes) as Mode[];
  const best = names.map(() => 0);
  for (let round = 0; round < ROUNDS; round++) {
    names.forEach((name, i) => {
      const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
        env: { ...process.env, FRAME_WRITER_BENCH_MODE: name }, encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(`bench child ${name} failed: ${r.stderr}`);
      best[i] = Math.max(best[i]!, Number(r.stdout));
    });
  }
  names.forEach((name, i) => console.log(`${name.padEnd(48)} ${Math.round(best[i]!).toLocaleString("en-US").padStart(12)} frames/s`));
  const [ref, refBatch, fast, gen] = best as [number, number, number, number];
  console.log(`ratio FrameWriter / protobufjs per frame: ${(fast / ref).toFixed(2)}x`);
  console.log(`ratio FrameWriter / protobufjs per batch: ${(fast / refBatch).toFixed(2)}x`);
  console.log(`ratio generated encoder / FrameWriter message(): ${(gen / fast).toFixed(2)}x; / protobufjs per batch: ${(gen / refBatch).toFixed(2)}x`);
  const genBytes = new FrameWriter(1024);
  encodeFrame(genBytes, plain);
  console.log(`(generated encoder frame: ${genBytes.length} bytes, zeros skipped; ${(1e9 / gen).toFixed(0)} ns/frame)`);
}
