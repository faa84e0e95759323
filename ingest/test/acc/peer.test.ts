// Cross-check with a peer decoder: PyAccSharedMemory (PyPI pyaccsharedmemory, installed from
// .ci/requirements.txt) parses the same page bytes; every field must agree with racetel's decode.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { LAYOUTS, decodeGraphics, decodePhysics, decodeStatic } from "../../src/sources/acc/pages.js";
import type { PageKind } from "../../src/sources/acc/pages.js";
import { Recorder, repoRoot } from "./helpers.js";

const SCRIPT = path.join(repoRoot, "ingest/test/acc/peer/pyacc_decode.py");
const KINDS = ["physics", "graphics", "static"] as const;
const RUNS = 12;

// Fields the peer reads as another 4-byte type than racetel (the layout table's notes): compare the same
// bytes in the peer's type.
const PEER_TYPE: Record<string, "i32" | "f32"> = {
  "physics.drs": "i32", "physics.currentMaxRpm": "i32", "static.aidAllowTyreBlankets": "f32",
};
// The peer turns these into Python enums, which only accept the SDK's values.
const ENUM_RANGES: Record<string, [number, number]> = {
  "graphics.status": [0, 3], "graphics.session": [-1, 8], "graphics.flag": [0, 8], "graphics.trackGripStatus": [0, 6],
  "graphics.rainIntensity": [0, 5], "graphics.rainIntensityIn10min": [0, 5], "graphics.rainIntensityIn30min": [0, 5],
  "graphics.activeCars": [0, 60], "graphics.penalty": [0, 22],
};

function peerAvailable(): string | null {
  try {
    execFileSync("python3", ["-c", "import pyaccsharedmemory"], { stdio: "pipe" });
    return null;
  } catch {
    return "python3 with pyaccsharedmemory is required: pip install -r .ci/requirements.txt";
  }
}

const printable = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789.-éüß"), maxLength: 14 });
const f32 = fc.float({ noNaN: true, noDefaultInfinity: true });

/** Random but valid page bytes: every field filled, enums in range, strings printable, floats finite. */
function pageArb(kind: PageKind): fc.Arbitrary<Buffer> {
  const fields = LAYOUTS[kind].fields;
  return fc.tuple(...fields.map((f) => {
    const range = ENUM_RANGES[`${kind}.${f.name}`];
    if (f.type === "utf16") return printable.map((s) => s.slice(0, f.count - 1));
    if (range) return fc.integer({ min: range[0], max: range[1] });
    // an int the peer reads as float: use the bits of a finite float so both readings are numbers
    if (f.type === "i32" && PEER_TYPE[`${kind}.${f.name}`] === "f32") return f32.map((x) => [asPeerType(x, "f32", "i32")]);
    return fc.array(f.type === "i32" ? fc.integer({ min: -2147483648, max: 2147483647 }) : f32, { minLength: f.count, maxLength: f.count });
  })).map((values) => {
    const buf = Buffer.alloc(2048, 0);
    fields.forEach((f, i) => {
      const v = values[i]!;
      if (typeof v === "string") buf.write(v, f.offset, "utf16le");
      else if (typeof v === "number") buf.writeInt32LE(v, f.offset);
      else v.forEach((x, j) => f.type === "i32" ? buf.writeInt32LE(x, f.offset + 4 * j) : buf.writeFloatLE(x, f.offset + 4 * j));
    });
    return buf;
  });
}

function asPeerType(value: number, ours: "i32" | "f32", peer: "i32" | "f32"): number {
  if (ours === peer) return value;
  const b = Buffer.alloc(4);
  if (ours === "f32") b.writeFloatLE(value); else b.writeInt32LE(value);
  return peer === "f32" ? b.readFloatLE() : b.readInt32LE();
}

function sameNumber(a: number, b: number, what: string): void {
  // both sides read the same f32 bits; Python widens to double exactly, so equality is expected
  assert.ok(a === b || (Object.is(a, -0) && b === 0) || Math.abs(a - b) <= Math.abs(b) * 2 ** -23, `${what}: racetel ${a} vs peer ${b}`);
}

test("every field of random valid pages agrees with PyAccSharedMemory (peer decoder)", { timeout: 120_000 }, (t) => {
  const missing = peerAvailable();
  if (missing) assert.fail(missing);
  const dir = mkdtempSync(path.join(tmpdir(), "racetel-acc-peer-"));
  let compared = 0;
  try {
    fc.assert(fc.property(pageArb("physics"), pageArb("graphics"), pageArb("static"), (physics, graphics, stat) => {
      const pages = { physics, graphics, static: stat };
      for (const kind of KINDS) writeFileSync(path.join(dir, kind), pages[kind]);
      const out = JSON.parse(execFileSync("python3", [SCRIPT, ...KINDS.map((k) => path.join(dir, k))]).toString()) as Record<PageKind, [string, unknown][]>;
      const rec = new Recorder();
      const ours = { physics: decodePhysics(physics, rec.drops), graphics: decodeGraphics(graphics, rec.drops), static: decodeStatic(stat, rec.drops) };
      assert.deepEqual([...rec.dropped], []);
      for (const kind of KINDS) {
        const fields = LAYOUTS[kind].fields;
        const theirs = out[kind];
        assert.equal(theirs.length, fields.length, `${kind}: the peer reads ${theirs.length} fields, racetel ${fields.length}`);
        fields.forEach((f, i) => {
          const mine = (ours[kind] as Record<string, unknown>)[f.name];
          const [peerName, peerValue] = theirs[i]!;
          const what = `${kind}.${f.name} (peer ${peerName})`;
          if (f.type === "utf16") { assert.equal(mine, peerValue, what); compared++; return; }
          const peerType = PEER_TYPE[`${kind}.${f.name}`] ?? f.type;
          const mineList = (Array.isArray(mine) ? mine : [mine]) as number[];
          const peerList = (Array.isArray(peerValue) ? (peerValue as unknown[]).flat() : [peerValue]) as number[];
          assert.equal(mineList.length, peerList.length, what);
          mineList.forEach((v, j) => { sameNumber(asPeerType(v, f.type as "i32" | "f32", peerType), peerList[j]!, `${what}[${j}]`); compared++; });
        });
      }
    }), { numRuns: RUNS, endOnFailure: true, includeErrorInReport: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.diagnostic(`values compared with the peer: ${compared}`);
  const perRun = KINDS.reduce((n, k) => n + LAYOUTS[k].fields.reduce((m, f) => m + (f.type === "utf16" ? 1 : f.count), 0), 0);
  assert.equal(compared, RUNS * perRun, "every value of every field was compared");
});
