// F1 live timing: the real 2025 Mexico City GP qualifying archive through merge + decode + encode (FrameWriter
// into 64 KiB batches), as `racetel replay DIR` and ingest run it; and the live client's cost per SignalR frame
// on the real Monaco FP2 recording (what 20 cars at the feed's ~4 Hz cost in real time). Figures only.
import { readFileSync } from "node:fs";
import path from "node:path";
import { FrameWriter, racetel } from "@racetel/proto";
import { archiveMessage, readArchive } from "../src/sources/f1-livetiming/archive.js";
import { F1LiveTimingDecoder } from "../src/sources/f1-livetiming/decoder.js";
import { handleSignalrFrame } from "../src/sources/f1-livetiming/signalr.js";
import type { Frame } from "../src/sources/source.js";
import { sharedDir } from "../test/f1/helpers.js";

const BATCH_BYTES = 64 * 1024;
const writer = new FrameWriter(BATCH_BYTES + 16 * 1024);
let frames = 0;
let samples = 0;
const ctx = {
  sink: { emit: (f: Frame) => { writer.message(1, racetel.v1.Frame, f); frames++; if (f.telemetry || f.motion) samples++; if (writer.length >= BATCH_BYTES) writer.take(); } },
  drops: { drop: () => {} },
  advice: { once: () => {} },
};

const dir = path.join(sharedDir(), "captures", "f1-livetiming", "2025-mexico-q");
let t0 = performance.now();
const archive = readArchive(dir);
const readMs = performance.now() - t0;
let best = Infinity;
for (let round = 0; round < 3; round++) {
  frames = 0;
  samples = 0;
  const decoder = new F1LiveTimingDecoder(ctx, { source: "bench" });
  t0 = performance.now();
  for (const line of archive.lines) decoder.handle(archiveMessage(archive, line));
  decoder.flush();
  best = Math.min(best, performance.now() - t0);
}
const sessionS = (archive.lines.at(-1)!.offsetMs - archive.lines[0]!.offsetMs) / 1000;
console.log(`archive replay (Mexico qualifying, ${archive.lines.length} messages, ${sessionS.toFixed(0)} s of session): read ${readMs.toFixed(0)} ms, ` +
  `decode + encode ${best.toFixed(0)} ms = ${Math.round(samples / (best / 1000)).toLocaleString("en")} car samples/s, ${Math.round(frames / (best / 1000)).toLocaleString("en")} frames/s ` +
  `(${Math.round(sessionS / (best / 1000))}x real time)`);

const recording = readFileSync(path.join(sharedDir(), "captures", "f1-livetiming", "2023-monaco-fp2-signalr", "fp2.txt"), "utf8").split("\n").slice(3).filter((l) => l.startsWith("{"));
const first = recording.findIndex((l) => l.includes("\"M\":[{"));
const t = (l: string): number => Date.parse(/"(\d{4}-\d\d-\d\dT[^"]+Z)"\]\}\]/.exec(l)?.[1] ?? "") || Number.NaN;
const spanS = (t(recording.at(-1)!) - t(recording[first]!)) / 1000;
let liveBest = Infinity;
for (let round = 0; round < 5; round++) {
  const decoder = new F1LiveTimingDecoder(ctx, { source: "bench" });
  t0 = performance.now();
  for (const line of recording) handleSignalrFrame(decoder, line, Date.now());
  decoder.flush();
  liveBest = Math.min(liveBest, performance.now() - t0);
}
console.log(`live client (Monaco FP2 recording, ${recording.length} SignalR frames over ${spanS.toFixed(0)} s, 20 cars): ${liveBest.toFixed(0)} ms of CPU = ` +
  `${((100 * liveBest) / 1000 / spanS).toFixed(2)}% of one core in real time, ${((liveBest * 1000) / recording.length).toFixed(0)} µs per frame`);
