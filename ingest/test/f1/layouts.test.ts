// The binary-parser layouts match the specifications' packet sizes, and the dump splitter finds
// every datagram boundary of the real F1 23 capture.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { headerParser } from "../../src/sources/f1/layouts/header.js";
import { F1_PARSERS } from "../../src/sources/f1/layouts/index.js";
import { F1_FORMATS, F1_PACKET_SIZES, splitF1Dump } from "../../src/sources/f1/index.js";
import { capturePath, raceDump } from "./helpers.js";

test("every parser's sizeOf() equals the specification's packet size", () => {
  for (const format of F1_FORMATS) {
    assert.equal(F1_PARSERS[format].length, F1_PACKET_SIZES[format].length, `parser count ${format}`);
    F1_PARSERS[format].forEach((parser, id) => {
      assert.equal(parser.sizeOf(), F1_PACKET_SIZES[format][id], `format ${format} packet id ${id}`);
    });
  }
  assert.equal(headerParser.sizeOf(), 29);
});

test("the header keeps the u64 sessionUID exact", () => {
  const [first] = raceDump();
  const h = headerParser.parse(first!) as { sessionUidLow: number; sessionUidHigh: number; packetFormat: number };
  const exact = first!.readBigUInt64LE(7);
  assert.equal(((BigInt(h.sessionUidHigh) << 32n) | BigInt(h.sessionUidLow)), exact);
  assert.ok(exact > BigInt(Number.MAX_SAFE_INTEGER), "this capture's uid needs more than 53 bits");
  assert.equal(h.packetFormat, 2023);
});

test("splitF1Dump finds all 1,788 datagrams of the real race dump, each starting with a 2023 header", () => {
  const datagrams = raceDump();
  assert.equal(datagrams.length, 1788);
  let total = 0;
  for (const d of datagrams) {
    assert.deepEqual([...d.subarray(0, 3)], [0xe7, 0x07, 0x17]);
    total += d.length;
  }
  assert.equal(total, 1_680_120);
  const ids = new Set(datagrams.map((d) => d[6]));
  assert.deepEqual([...ids].sort((a, b) => a! - b!), [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13]);
});

test("splitF1Dump names the offset of a truncated or foreign dump", () => {
  const buf = readFileSync(capturePath("f1-23", "race-20cars-v1.21.dump"));
  assert.throws(() => splitF1Dump(buf.subarray(0, buf.length - 10)), /runs past the end/);
  const foreign = Buffer.from(buf.subarray(0, 2000));
  foreign.writeUInt16LE(2019, 0);
  assert.throws(() => splitF1Dump(foreign), /unsupported packetFormat 2019 at offset 0/);
});

test("pre-sized compiled parsers give exactly binary-parser's own results (real and random packets)", () => {
  const real = raceDump();
  let seed = 12345;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  let checked = 0;
  for (const format of F1_FORMATS) {
    F1_PARSERS[format].forEach((parser, id) => {
      const fast = parser.compiled!;
      parser.compile();
      const own = parser.compiled!;
      parser.compiled = fast;
      assert.notEqual(fast, own, `format ${format} id ${id} runs the pre-sized compilation`);
      const size = F1_PACKET_SIZES[format][id]!;
      const samples = real.filter((d) => d.length === size && d[6] === id).slice(0, 5);
      for (let k = 0; k < 3; k++) samples.push(Buffer.from(Array.from({ length: size }, rand)));
      for (const packet of samples) {
        assert.deepEqual(fast(packet), own(packet), `format ${format} id ${id}`);
        checked++;
      }
    });
  }
  assert.ok(checked > 150);
});
