// A flood of made-up sessionUIDs (issue: 100,000 packets locked a real console out) costs only the
// flooding address its budget: a console that starts during the flood is decoded, and a live session is
// never the one evicted.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_NEW_SESSIONS_PER_MINUTE } from "@racetel/proto";
import { F1Decoder } from "../../src/sources/f1/index.js";
import { T0_NS, raceDump, recordingContext } from "./helpers.js";

/** A copy of `packet` with another sessionUID (bytes 7..14). */
function withUid(packet: Buffer, low: number, high: number): Buffer {
  const copy = Buffer.from(packet);
  copy.writeUInt32LE(low >>> 0, 7);
  copy.writeUInt32LE(high >>> 0, 11);
  return copy;
}

const dump = raceDump();
const telemetry = dump.find((d) => d[6] === 6)!; // CarTelemetry: frames for every car
const participants = dump.find((d) => d[6] === 4)!;

test("100,000 packets with random sessionUIDs from one address: the flood gets its budget, a new console gets in", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx, { maxSessions: 64 });
  const flood = Buffer.from(telemetry);
  let t = T0_NS;
  // A console already racing (its own address) before the flood.
  for (let i = 0; i < 100; i++) assert.ok(decoder.decode(withUid(telemetry, 1111, 1), (t += 20e6), "192.168.1.20:20777"));
  for (let i = 0; i < 100_000; i++) {
    flood.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, 7);
    flood.writeUInt32LE((i + 7) >>> 0, 11);
    decoder.decode(flood, (t += 10_000), "10.6.6.6:4000"); // 100k packets/s
    if (i === 50_000) {
      // A second console starts in the middle of the flood.
      for (let k = 0; k < 40; k++) assert.ok(decoder.decode(withUid(telemetry, 2222, 2), t + k, "192.168.1.21:20777"), "the new console's packets are decoded");
    }
  }
  assert.equal(rec.drops["session_budget"], 100_000 - DEFAULT_NEW_SESSIONS_PER_MINUTE, "the flood opened its budget's worth of sessions and no more");
  assert.ok(decoder.decode(withUid(telemetry, 1111, 1), (t += 20e6), "192.168.1.20:20777"), "the console racing before the flood still decodes");
  const sessions = new Set(rec.frames.map((f) => f.labels!.sessionId));
  assert.ok(sessions.has(String((1n << 32n) | 1111n)));
  assert.ok(sessions.has(String((2n << 32n) | 2222n)));
  assert.equal(decoder.sessionsEvicted(), 0, "64 slots: 2 consoles and 30 flood sessions fit");
});

test("a flood from many addresses fills the table: sessions that never got going are evicted, a live one never", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx, { maxSessions: 16 });
  const live = withUid(telemetry, 1111, 1);
  let t = T0_NS;
  assert.ok(decoder.decode(withUid(participants, 1111, 1), t, "192.168.1.20:20777"));
  for (let i = 0; i < 100; i++) decoder.decode(live, (t += 20e6), "192.168.1.20:20777"); // 2 s: established
  const flood = Buffer.from(telemetry);
  for (let i = 0; i < 5000; i++) {
    flood.writeUInt32LE(i, 7);
    decoder.decode(flood, (t += 1e6), `10.7.${i >> 8}.${i & 255}:4000`);
    if (i % 16 === 0) decoder.decode(live, t, "192.168.1.20:20777");
  }
  assert.ok(decoder.sessionsEvicted() > 4900, `flood sessions evicted: ${decoder.sessionsEvicted()}`);
  const before = rec.frames.length;
  decoder.decode(live, (t += 1e6), "192.168.1.20:20777");
  const liveFrames = rec.frames.slice(before);
  assert.ok(liveFrames.length > 0);
  // Its state survived: drivers' names come from the one Participants packet it sent before the flood.
  assert.equal(liveFrames[0]!.labels!.sessionId, String((1n << 32n) | 1111n));
  assert.ok(liveFrames.every((f) => f.labels!.driver !== ""), "driver names still known: the session was never evicted");
});
