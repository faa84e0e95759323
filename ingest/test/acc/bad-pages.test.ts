import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { AccForwardDecoder } from "../../src/sources/acc/forward-decoder.js";
import { HEADER_BYTES, writeHeader } from "../../src/sources/acc/framing.js";
import { AccPageFeed } from "../../src/sources/acc/page-feed.js";
import { LAYOUTS } from "../../src/sources/acc/pages.js";
import type { PageKind } from "../../src/sources/acc/pages.js";
import { Recorder, samplePages } from "./helpers.js";

const KINDS = ["physics", "graphics", "static"] as const;
const kindArb = fc.constantFrom<PageKind>(...KINDS);

function framed(kind: PageKind, page: Uint8Array, seq = 0): Buffer {
  const out = Buffer.alloc(HEADER_BYTES + page.length);
  writeHeader(out, kind, page.length, seq);
  out.set(page, HEADER_BYTES);
  return out;
}

test("short pages of every kind are counted as too_short, never thrown", () => {
  fc.assert(fc.property(kindArb, fc.nat(), (kind, n) => {
    const len = n % LAYOUTS[kind].size;
    const rec = new Recorder();
    assert.equal(new AccPageFeed(rec, "x").feed(kind, Buffer.alloc(len), 0), false);
    assert.equal(rec.dropped.get("too_short"), 1);
  }));
});

test("a NaN or infinite float anywhere in a page is a nan_values drop", () => {
  fc.assert(fc.property(kindArb, fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity), (kind, pick, bad) => {
    const pages = samplePages();
    const page = Buffer.from(pages[kind]);
    const offsets = LAYOUTS[kind].floatOffsets;
    page.writeFloatLE(bad, offsets[pick % offsets.length]!);
    const rec = new Recorder();
    assert.equal(new AccPageFeed(rec, "x").feed(kind, page, 0), false);
    assert.deepEqual([...rec.dropped], [["nan_values", 1]]);
  }));
});

test("control characters or broken UTF-16 in a string field are a garbage_string drop", () => {
  const stringFields = KINDS.flatMap((kind) => LAYOUTS[kind].fields.filter((f) => f.type === "utf16").map((f) => ({ kind, f })));
  fc.assert(fc.property(fc.constantFrom(...stringFields), fc.constantFrom(0x01, 0x1f, 0x7f, 0x85, 0xd800, 0xdc00), ({ kind, f }, unit) => {
    const page = Buffer.from(samplePages()[kind]);
    page.writeUInt16LE(0x41, f.offset);
    page.writeUInt16LE(unit, f.offset + 2);
    page.writeUInt16LE(0x42, f.offset + 4); // keeps a lone surrogate lone
    const rec = new Recorder();
    assert.equal(new AccPageFeed(rec, "x").feed(kind, page, 0), false);
    assert.deepEqual([...rec.dropped], [["garbage_string", 1]]);
  }));
});

test("names with accents, CJK or emoji (surrogate pairs) are not garbage", () => {
  const rec = new Recorder();
  const feed = new AccPageFeed(rec, "x");
  assert.equal(feed.feed("static", samplePages({ static: { playerName: "Jürgen 🏁", playerSurname: "佐藤" } }).static, 0), true);
  assert.equal(rec.dropped.size, 0);
});

test("any bytes at all, framed or not, never throw out of the forwarded-page decoder", () => {
  const rec = new Recorder();
  const decoder = new AccForwardDecoder(rec);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2100 }), kindArb, fc.boolean(), (bytes, kind, frame) => {
    const packet = frame ? framed(kind, bytes) : Buffer.from(bytes);
    const ok = decoder.decode(packet, 1e18, "10.0.0.1:5000");
    assert.equal(typeof ok, "boolean");
  }), { numRuns: 500 });
  const total = [...rec.dropped.values()].reduce((a, b) => a + b, 0);
  assert.ok(total > 400, `expected most random inputs dropped, got ${total}`);
});

test("framing errors are counted by reason: too_short, bad_magic, unsupported_version, bad_page_type", () => {
  const rec = new Recorder();
  const decoder = new AccForwardDecoder(rec);
  const good = framed("physics", samplePages().physics);
  const variant = (edit: (b: Buffer) => void) => { const b = Buffer.from(good); edit(b); return b; };
  assert.equal(decoder.decode(good.subarray(0, 5), 0, "a:1"), false);
  assert.equal(decoder.decode(good.subarray(0, 400), 0, "a:1"), false); // header says 800 bytes follow
  assert.equal(decoder.decode(variant((b) => { b[0] = 0x58; }), 0, "a:1"), false);
  assert.equal(decoder.decode(variant((b) => { b[4] = 2; }), 0, "a:1"), false);
  assert.equal(decoder.decode(variant((b) => { b[5] = 9; }), 0, "a:1"), false);
  assert.equal(decoder.decode(good, 0, "a:1"), true);
  assert.deepEqual(Object.fromEntries(rec.dropped), { too_short: 2, bad_magic: 1, unsupported_version: 1, bad_page_type: 1 });
});

test("graphics pages with an impossible car count or status are out_of_range drops", () => {
  const rec = new Recorder();
  const feed = new AccPageFeed(rec, "x");
  assert.equal(feed.feed("graphics", samplePages({ graphics: { activeCars: 61 } }).graphics, 0), false);
  assert.equal(feed.feed("graphics", samplePages({ graphics: { status: 7 } }).graphics, 0), false);
  assert.equal(rec.dropped.get("out_of_range"), 2);
});

test("each forwarder address is its own source; more than 64 addresses are too_many_sources drops", () => {
  const rec = new Recorder();
  const decoder = new AccForwardDecoder(rec);
  const pages = samplePages();
  for (const host of ["10.0.0.1", "10.0.0.2"]) {
    for (const kind of ["static", "graphics", "physics"] as const) assert.ok(decoder.decode(framed(kind, pages[kind]), 1e18, `${host}:4000`));
  }
  assert.deepEqual(rec.of("telemetry").map((f) => f.labels?.source), ["acc-shm:10.0.0.1", "acc-shm:10.0.0.2"]);
  for (let i = 3; i <= 64; i++) assert.ok(decoder.decode(framed("static", pages.static), 0, `10.0.1.${i}:1`));
  assert.equal(decoder.decode(framed("static", pages.static), 0, "10.0.2.1:1"), false);
  assert.equal(rec.dropped.get("too_many_sources"), 1);
});
