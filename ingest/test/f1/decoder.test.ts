// F1Decoder behaviour on edited copies of real packets: counted drops by reason, plain-words advice,
// menu packets, sessions, live finished laps.
import assert from "node:assert/strict";
import { test } from "node:test";
import { racetel } from "@racetel/proto";
import { F1Decoder } from "../../src/sources/f1/index.js";
import { T0_NS, raceDump, recordingContext } from "./helpers.js";

const v1 = racetel.v1;
const ADDR = "192.168.1.20:53001";

const firstOf = (id: number): Buffer => Buffer.from(raceDump().find((d) => d[6] === id)!);
const sessionTime = (d: Buffer): number => d.readFloatLE(15);

test("drops are counted by reason and never thrown", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  const telemetry = firstOf(6);
  assert.equal(decoder.decode(telemetry.subarray(0, 28), T0_NS, ADDR), false);
  assert.equal(decoder.decode(Buffer.alloc(0), T0_NS, ADDR), false);
  const wrongId = Buffer.from(telemetry);
  wrongId[6] = 14; // TimeTrial does not exist in format 2023
  assert.equal(decoder.decode(wrongId, T0_NS, ADDR), false);
  wrongId[6] = 200;
  assert.equal(decoder.decode(wrongId, T0_NS, ADDR), false);
  assert.equal(decoder.decode(Buffer.concat([telemetry, Buffer.from([0])]), T0_NS, ADDR), false);
  assert.equal(decoder.decode(telemetry.subarray(0, telemetry.length - 1), T0_NS, ADDR), false);
  const f1_24_participants_size = Buffer.from(telemetry.subarray(0, 1350));
  f1_24_participants_size[6] = 4; // 1350 bytes is a 2024 Participants packet, not a 2023 one
  assert.equal(decoder.decode(f1_24_participants_size, T0_NS, ADDR), false);
  assert.deepEqual(rec.drops, { too_short: 2, unknown_packet_id: 2, wrong_size: 3 });
  assert.equal(rec.frames.length, 0);
});

test("an unsupported UDP format is dropped and the player is told once which setting to change", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  const old = firstOf(6);
  old.writeUInt16LE(2022, 0);
  assert.equal(decoder.decode(old, T0_NS, ADDR), false);
  assert.equal(decoder.decode(old, T0_NS, ADDR), false);
  const future = firstOf(6);
  future.writeUInt16LE(2026, 0);
  assert.equal(decoder.decode(future, T0_NS, ADDR), false);
  assert.deepEqual(rec.drops, { unsupported_format: 3 });
  assert.equal(rec.advice.length, 2, "one advice per format seen");
  assert.match(rec.advice[0]!.message, /2022/);
  assert.match(rec.advice[0]!.message, /set UDP Format to 2023\/2024\/2025 in the game's telemetry settings/);
});

test("a failing sink is counted as decode_error, not thrown", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder({ ...rec.ctx, sink: { emit: () => { throw new Error("sink broke"); } } });
  assert.equal(decoder.decode(firstOf(6), T0_NS, ADDR), false);
  assert.deepEqual(rec.drops, { decode_error: 1 });
});

test("menu packets (sessionUID 0) are decoded, counted apart, and create no session or frame", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  const menu = firstOf(6);
  menu.fill(0, 7, 15);
  assert.equal(decoder.decode(menu, T0_NS, ADDR), true);
  assert.equal(decoder.menuPackets, 1);
  assert.deepEqual(rec.drops, {});
  assert.equal(rec.frames.length, 0);
  assert.equal(decoder.activeSessions(T0_NS / 1e6), 0);
});

test("a new sessionUID starts a fresh session; sessions are bounded (LRU) and counted active for 10 s", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx, { maxSessions: 2 });
  const datagrams = raceDump();
  for (const d of datagrams) decoder.decode(d, T0_NS, ADDR);
  const named = rec.frames.filter((f) => f.telemetry && f.labels!.driver !== "");
  assert.ok(named.length > 0, "the first session learnt its drivers");
  rec.frames.length = 0;
  const telemetry = firstOf(6);
  for (const uid of [1n, 2n, 3n]) {
    telemetry.writeBigUInt64LE(uid, 7);
    decoder.decode(telemetry, T0_NS + 1e9, ADDR);
  }
  assert.deepEqual([...new Set(rec.frames.map((f) => f.labels!.sessionId))], ["1", "2", "3"]);
  for (const f of rec.frames) assert.equal(f.labels!.driver, "", "a new session knows no drivers yet");
  const nowMs = T0_NS / 1e6 + 1000;
  assert.equal(decoder.activeSessions(nowMs), 2, "only 2 sessions are kept");
  assert.equal(decoder.activeSessions(nowMs + 10_500), 0);
  assert.throws(() => new F1Decoder(rec.ctx, { maxSessions: 0 }), /maxSessions must be a positive integer/);
});

test("a car crossing the line gives a LIVE finished lap with top speed, fuel used and tyre wear", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  const datagrams = raceDump();
  const t0 = sessionTime(datagrams[0]!);
  for (const d of datagrams) decoder.decode(d, T0_NS + (sessionTime(d) - t0) * 1e9, ADDR);
  const car = 0;
  const lastLap = [...datagrams].reverse().find((d) => d[6] === 2)!;
  const base = 29 + car * 50; // F1 23 LapData: 50 bytes per car after the header
  const s1 = lastLap.readUInt16LE(base + 8) + lastLap[base + 10]! * 60000;
  const s2 = lastLap.readUInt16LE(base + 11) + lastLap[base + 13]! * 60000;
  const crossed = Buffer.from(lastLap);
  crossed.writeUInt32LE(79_123, base); // lastLapTimeInMS
  crossed[base + 31] = 5; // currentLapNum 4 -> 5
  crossed.writeFloatLE(sessionTime(lastLap) + 0.1, 15);
  const speeds = rec.frames.filter((f) => f.telemetry && f.labels!.carIndex === car).map((f) => f.telemetry!.speedMps!);
  const fuels = rec.frames.filter((f) => f.status && f.labels!.carIndex === car).map((f) => f.status!.fuelMassKg!);
  rec.frames.length = 0;
  assert.ok(decoder.decode(crossed, T0_NS + 20e9, ADDR));
  const live = rec.frames.filter((f) => f.finishedLap);
  assert.equal(live.length, 1);
  const l = live[0]!.finishedLap!;
  assert.equal(live[0]!.labels!.carIndex, car);
  assert.equal(l.origin, v1.FinishedLapOrigin.FINISHED_LAP_ORIGIN_LIVE);
  assert.equal(l.lapNumber, 4);
  assert.equal(l.lapTimeMs, 79_123);
  assert.equal(l.sector1TimeMs, s1);
  assert.equal(l.sector2TimeMs, s2);
  assert.equal(l.sector3TimeMs, 79_123 - s1 - s2);
  assert.ok(Math.abs(l.topSpeedMps! - Math.max(...speeds)) < 1e-3, `top speed ${l.topSpeedMps} vs ${Math.max(...speeds)}`);
  assert.ok(Math.abs(l.fuelUsed! - (fuels[0]! - fuels.at(-1)!)) < 1e-3, `fuel used ${l.fuelUsed}`);
  assert.ok(l.fuelUsed! > 0);
  assert.equal(l.tyreCompoundName, "C5");
  assert.ok(l.tyreWearDelta!.rearLeft! >= 0);
  const lap = rec.frames.find((f) => f.lap && f.labels!.carIndex === car)!.lap!;
  assert.equal(lap.lapNumber, 5);
  // crossing again with the same lap number emits nothing new
  rec.frames.length = 0;
  decoder.decode(crossed, T0_NS + 20.1e9, ADDR);
  assert.equal(rec.frames.filter((f) => f.finishedLap).length, 0);
});

test("a session sending only telemetry is reported once, saying what is missing", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  const datagrams = raceDump().filter((d) => d[6] === 6);
  const t0 = sessionTime(datagrams[0]!);
  for (const d of datagrams) decoder.decode(d, T0_NS + (sessionTime(d) - t0) * 1e9, ADDR);
  assert.equal(rec.advice.length, 1);
  assert.match(rec.advice[0]!.message, /sent no Motion, Session, LapData, Participants, CarStatus, CarDamage packets/);
});

test("restricted telemetry of other players is reported once with the number of cars", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  const datagrams = raceDump().map((d) => Buffer.from(d));
  for (const d of datagrams) {
    if (d[6] !== 4) continue;
    // F1 23 Participants: 58 bytes per car after header + numActiveCars; yourTelemetry at +55
    for (const car of [1, 2, 3]) d[30 + car * 58 + 55] = 0;
  }
  const t0 = sessionTime(datagrams[0]!);
  for (const d of datagrams) decoder.decode(d, T0_NS + (sessionTime(d) - t0) * 1e9, ADDR);
  const restricted = rec.advice.filter((a) => /restricted telemetry/.test(a.message));
  assert.equal(restricted.length, 1);
  assert.match(restricted[0]!.message, /3 cars have restricted telemetry/);
  const publicFlags = rec.frames.filter((f) => f.participant && f.labels!.carIndex! <= 3)
    .map((f) => [f.labels!.carIndex, f.participant!.telemetryPublic]);
  assert.ok(publicFlags.some(([car, pub]) => car === 1 && pub === false));
});
