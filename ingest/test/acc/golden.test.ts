// Golden cases: every testcases/<case>/ folder of the ACC sources is decoded and compared with its
// expected.json (proto3 JSON of every frame). RACETEL_UPDATE_GOLDEN=1 rewrites expected.json.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { racetel } from "@racetel/proto";
import { AccBroadcastDecoder } from "../../src/sources/acc-broadcast/decoder.js";
import { HEADER_BYTES } from "../../src/sources/acc/framing.js";
import { AccForwardDecoder } from "../../src/sources/acc/forward-decoder.js";
import type { DecodeContext, PacketDecoder } from "../../src/sources/source.js";
import { repoRoot, sharedDir } from "./helpers.js";

const v1 = racetel.v1;
const RECEIVE = 1_732_400_000_000_000_000;

function run(decoder: (ctx: DecodeContext) => PacketDecoder, packets: Buffer[]) {
  const frames: unknown[] = [];
  const drops: string[] = [];
  const d = decoder({
    sink: { emit: (f) => { frames.push(v1.Frame.toObject(v1.Frame.decode(v1.Frame.encode(f).finish()), { longs: String, enums: String })); } },
    drops: { drop: (reason) => { drops.push(reason); } },
    advice: { once: () => {} },
  });
  packets.forEach((p, i) => d.decode(p, RECEIVE + i * 16_000_000, "192.0.2.10:50000"));
  return { frames, drops };
}

/** Forwarded datagrams back to back: each header says how many page bytes follow. */
function splitDatagrams(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const len = HEADER_BYTES + bytes.readUInt16LE(at + 6);
    out.push(bytes.subarray(at, at + len));
    at += len;
  }
  return out;
}

const sources = [
  { dir: "ingest/src/sources/acc/testcases", decoder: (c: DecodeContext) => new AccForwardDecoder(c),
    input: (caseDir: string) => splitDatagrams(readFileSync(path.join(caseDir, "input.bin"))) },
  { dir: "ingest/src/sources/acc-broadcast/testcases", decoder: (c: DecodeContext) => new AccBroadcastDecoder(c, "acc-broadcast:192.0.2.10"),
    input: (caseDir: string) => readFileSync(path.join(caseDir, "input.txt"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"))
      .map((f) => Buffer.from(readFileSync(path.join(sharedDir(), "captures/acc-broadcasting", f), "utf8").trim(), "hex")) },
];

for (const source of sources) {
  const root = path.join(repoRoot, source.dir);
  for (const name of readdirSync(root).filter((n) => existsSync(path.join(root, n, "expected.json")) || process.env["RACETEL_UPDATE_GOLDEN"])) {
    test(`golden case ${source.dir.split("/")[3]}/${name}: frames equal expected.json`, () => {
      const caseDir = path.join(root, name);
      const result = run(source.decoder, source.input(caseDir));
      const file = path.join(caseDir, "expected.json");
      if (process.env["RACETEL_UPDATE_GOLDEN"]) writeFileSync(file, `${JSON.stringify(result, null, 1)}\n`);
      assert.deepEqual(JSON.parse(JSON.stringify(result)), JSON.parse(readFileSync(file, "utf8")));
    });
  }
}
