// Property tests (fast-check): random bytes, truncations and bit flips of real packets never throw out
// of the decoder, and every rejected datagram is counted exactly once.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { F1Decoder, F1_PACKET_SIZES, type F1Format } from "../../src/sources/f1/index.js";
import type { DecodeContext } from "../../src/sources/source.js";
import { peerMocks, raceDump, readClip, singlePackets } from "./helpers.js";

/** A decoder whose drops, frames and advice are only counted (frames go through no encoder). */
// Random sessionUIDs from one address would use up its new-session budget (session-flood.test.ts):
// here every packet should reach the parsers.
function countingDecoder() {
  const counts = { drops: 0, frames: 0 };
  const reasons = new Set<string>();
  const ctx: DecodeContext = {
    sink: { emit: () => { counts.frames++; } },
    drops: { drop: (reason) => { counts.drops++; reasons.add(reason); } },
    advice: { once: () => {} },
  };
  return { decoder: new F1Decoder(ctx, { newSessionsPerMinute: 1e9 }), counts, reasons };
}

// One real packet of every packet id and format at hand (F1 23 dump and singles, F1 24 clips, F1 25 mocks).
const realPackets: Buffer[] = (() => {
  const byKey = new Map<string, Buffer>();
  const all = [...raceDump(), ...singlePackets().map((p) => p.data), ...readClip("time-trial-clip-a.bin").map((c) => c.data),
    ...peerMocks(2024).map((m) => m.data), ...peerMocks(2025).map((m) => m.data)];
  for (const d of all) {
    const key = `${d.readUInt16LE(0)}:${d[6]}:${d[6] === 3 ? d.toString("latin1", 29, 33) : ""}`;
    if (!byKey.has(key)) byKey.set(key, d);
  }
  return [...byKey.values()];
})();

/** Decodes and checks the contract: no throw, false exactly when one drop was counted. */
function decodeOnce(d: ReturnType<typeof countingDecoder>, packet: Buffer): boolean {
  const before = d.counts.drops;
  const ok = d.decoder.decode(packet, 1.7e18, "10.1.1.1:20777");
  assert.equal(typeof ok, "boolean");
  assert.equal(d.counts.drops - before, ok ? 0 : 1, "a rejected datagram is counted exactly once");
  return ok;
}

test("at least one real packet of every id of every format is under test", () => {
  const keys = new Set(realPackets.map((p) => `${p.readUInt16LE(0)}:${p[6]}`));
  for (let id = 0; id <= 13; id++) assert.ok(keys.has(`2023:${id}`), `2023 id ${id}`);
  assert.ok(keys.has("2024:14"), "2024 TimeTrial");
  assert.ok(realPackets.length >= 40);
});

test("random bytes never throw and are counted when rejected", () => {
  const d = countingDecoder();
  fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 1600 }), (bytes) => {
    decodeOnce(d, Buffer.from(bytes));
  }), { numRuns: 500 });
  assert.ok(d.counts.drops > 0);
});

test("random bodies behind a valid header of every format and id never throw", () => {
  const d = countingDecoder();
  const arb = fc.record({
    format: fc.constantFrom(2023, 2024, 2025),
    id: fc.integer({ min: 0, max: 15 }),
    seed: fc.uint8Array({ minLength: 64, maxLength: 64 }),
    uid: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  });
  let decoded = 0;
  fc.assert(fc.property(arb, ({ format, id, seed, uid }) => {
    const size = F1_PACKET_SIZES[format as F1Format][id] ?? 100;
    const buf = Buffer.alloc(size);
    for (let i = 0; i < size; i++) buf[i] = seed[i % 64]! ^ (i * 31);
    buf.writeUInt16LE(format, 0);
    buf[6] = id;
    buf.writeBigUInt64LE(uid, 7);
    if (decodeOnce(d, buf)) decoded++;
  }), { numRuns: 600 });
  assert.ok(decoded > 300, `most well-sized random packets decode (${decoded})`);
});

test("every truncation of a real packet is dropped and counted, never thrown", () => {
  const d = countingDecoder();
  fc.assert(fc.property(fc.constantFrom(...realPackets), fc.nat(), (packet, cut) => {
    const len = cut % packet.length;
    assert.equal(decodeOnce(d, packet.subarray(0, len)), false);
  }), { numRuns: 800 });
  assert.ok(d.reasons.has("too_short") && d.reasons.has("wrong_size"), [...d.reasons].join());
});

test("bit flips of real packets never throw; rejected ones are counted", () => {
  const d = countingDecoder();
  fc.assert(fc.property(fc.constantFrom(...realPackets), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    (packet, positions) => {
      const flipped = Buffer.from(packet);
      for (const p of positions) flipped[(p >>> 3) % flipped.length]! ^= 1 << (p & 7);
      decodeOnce(d, flipped);
    }), { numRuns: 1500 });
  assert.ok(d.counts.frames > 0);
});
