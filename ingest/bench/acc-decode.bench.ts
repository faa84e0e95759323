// ACC shared-memory pages per second through check + decode (binary-parser) + normalise + encode
// (FrameWriter into 64 KiB batches), the path ingest runs for every forwarded page. Also the broadcasting
// decoder on the real captures. Prints figures only: the machine is shared, the numbers are noisy.
import { FrameWriter, racetel } from "@racetel/proto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { AccForwardDecoder } from "../src/sources/acc/forward-decoder.js";
import { HEADER_BYTES, writeHeader } from "../src/sources/acc/framing.js";
import { AccPageFeed } from "../src/sources/acc/page-feed.js";
import { decodeGraphics, decodePhysics, decodeStatic } from "../src/sources/acc/pages.js";
import { AccBroadcastDecoder } from "../src/sources/acc-broadcast/decoder.js";
import type { DecodeContext, Frame } from "../src/sources/source.js";
import { samplePages, sharedDir } from "../test/acc/helpers.js";

const v1 = racetel.v1;
const seconds = Number(process.env["BENCH_SECONDS"] ?? 1);
const BATCH_BYTES = 64 * 1024;

const writer = new FrameWriter(BATCH_BYTES + 16 * 1024);
let frames = 0;
let drops = 0;
const ctx: DecodeContext = {
  sink: { emit: (f: Frame) => { writer.message(1, v1.Frame, f); frames++; if (writer.length >= BATCH_BYTES) writer.take(); } },
  drops: { drop: () => { drops++; } },
  advice: { once: () => {} },
};

/** Runs fn(i) for `seconds`, returns calls per second (best of 3 rounds). */
function rate(fn: (i: number) => void): number {
  for (let i = 0; i < 100_000; i++) fn(i);
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round((seconds / 3) * 1e9));
    let now = start;
    while (now < deadline) {
      for (let k = 0; k < 500; k++) fn(n++);
      now = process.hrtime.bigint();
    }
    best = Math.max(best, n / (Number(now - start) / 1e9));
  }
  return best;
}

const pages = samplePages({ graphics: { activeCars: 30, carID: Array.from({ length: 30 }, (_, i) => (i === 0 ? 1005 : i)) } });
const physicsPages = Array.from({ length: 64 }, (_, i) => { const b = Buffer.from(pages.physics); b.writeInt32LE(10_000 + i, 0); return b; });
const graphicsPages = Array.from({ length: 64 }, (_, i) => { const b = Buffer.from(pages.graphics); b.writeInt32LE(20_000 + i, 0); return b; });
const nullDrops = ctx.drops;

const out: [string, number, string][] = [];
out.push(["decode only: physics page (800 B)", rate((i) => { decodePhysics(physicsPages[i & 63]!, nullDrops); }), "pages/s"]);
out.push(["decode only: graphics page (1588 B)", rate((i) => { decodeGraphics(graphicsPages[i & 63]!, nullDrops); }), "pages/s"]);
out.push(["decode only: static page (820 B)", rate(() => { decodeStatic(pages.static, nullDrops); }), "pages/s"]);

// Physics every tick with new packetId (3 frames each, 3 more every 100 ms of receive time), as at 60 Hz.
const feed = new AccPageFeed(ctx, "acc-shm:bench");
feed.feed("static", pages.static, 0);
feed.feed("graphics", pages.graphics, 0);
let t = 1e15;
frames = 0;
let calls = 0;
const physicsRate = rate((i) => { t += 16_666_667; feed.feed("physics", physicsPages[i & 63]!, t); calls++; });
out.push(["decode+normalise+encode: physics page", physicsRate, `pages/s (${(frames / calls).toFixed(2)} frames/page)`]);

// Forwarded datagrams as the forwarder sends them at 60 Hz: physics + graphics each tick (static 1/s).
const datagrams = [...physicsPages.map((p) => framed("physics", p)), ...graphicsPages.map((p) => framed("graphics", p))];
const decoder = new AccForwardDecoder(ctx);
decoder.decode(framed("static", pages.static), 0, "10.0.0.2:40000");
frames = 0; calls = 0;
const fwdRate = rate((i) => {
  t += 8_333_333;
  decoder.decode(datagrams[(i & 1) * 64 + ((i >> 1) & 63)]!, t, "10.0.0.2:40000");
  calls++;
});
out.push(["forwarded datagrams (physics+graphics alternating, 30 cars)", fwdRate, `datagrams/s (${(frames / calls).toFixed(2)} frames/datagram)`]);

const dir = path.join(sharedDir(), "captures/acc-broadcasting");
const caps = readdirSync(dir).filter((f) => f.endsWith(".hex")).sort().map((f) => Buffer.from(readFileSync(path.join(dir, f), "utf8").trim(), "hex"));
const bDecoder = new AccBroadcastDecoder(ctx);
for (const c of caps) bDecoder.decode(c, 0, "x");
const carUpdate = caps[2]!;
out.push(["broadcasting REALTIME_CAR_UPDATE decode+normalise+encode", rate(() => { bDecoder.decode(carUpdate, 1e15, "x"); }), "datagrams/s"]);

function framed(kind: "physics" | "graphics" | "static", page: Buffer): Buffer {
  const b = Buffer.alloc(HEADER_BYTES + page.length);
  writeHeader(b, kind, page.length, 0);
  page.copy(b, HEADER_BYTES);
  return b;
}

console.log(`ACC decode bench (node ${process.version}, ${seconds}s per case, best of 3; shared 2-core machine: noisy)`);
for (const [name, value, unit] of out) console.log(`  ${name.padEnd(62)} ${Math.round(value).toLocaleString("en-US").padStart(10)} ${unit}`);
console.log(`  drops during the bench: ${drops} (expected 0)`);
