// Second opinion, field by field: every racetel.v1 field the peer decoder @z0mt3c/f1-telemetry-client also
// exposes (peer-fields.ts), on every frame of the real captures: the F1 23 race dump, both F1 24 clips, the
// F1 23 single packets, and the F1 24/25 datagrams stored with the peer's own output (for F1 25 the peer's
// live parser fails on Participants, so its stored output is the second opinion there).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import type { racetel } from "@racetel/proto";
import { F1Decoder } from "../../src/sources/f1/index.js";
import { T0_NS, peerMocks, raceDump, readClip, recordingContext, singlePackets } from "./helpers.js";
import { DAMAGE, EVENT, FINAL_RESULT, HISTORY_LAP, LAP, LOBBY, MOTION, MOTION_DETAIL, PARTICIPANT, SESSION, SETUP, STATUS, TELEMETRY, TYRE_SETS,
  type FieldCheck, type Peer } from "./peer-fields.js";

const require = createRequire(import.meta.url);
const { F1TelemetryClient } = require("@z0mt3c/f1-telemetry-client") as {
  F1TelemetryClient: { parseBufferMessage(buf: Buffer, bigint?: boolean): { data: Peer } | undefined };
};

type Frame = racetel.v1.Frame;

/** Which table applies to a frame, and which packet id the peer parsed it from. */
function tableOf(f: Frame): { table: FieldCheck[]; id: number; key: string } | undefined {
  if (f.telemetry) return { table: TELEMETRY, id: 6, key: "telemetry" };
  if (f.motion) return { table: MOTION, id: 0, key: "motion" };
  if (f.lap) return { table: LAP, id: 2, key: "lap" };
  if (f.status) return { table: STATUS, id: 7, key: "status" };
  if (f.damage) return { table: DAMAGE, id: 10, key: "damage" };
  if (f.participant) return { table: PARTICIPANT, id: 4, key: "participant" };
  if (f.setup) return { table: SETUP, id: 5, key: "setup" };
  if (f.session) return { table: SESSION, id: 1, key: "session" };
  if (f.finishedLap && f.finishedLap.origin === 2) return { table: HISTORY_LAP, id: 11, key: "finishedLap(history)" };
  if (f.finalResult) return { table: FINAL_RESULT, id: 8, key: "finalResult" };
  if (f.f1TyreSets) return { table: TYRE_SETS, id: 12, key: "f1TyreSets" };
  if (f.f1LobbyPlayer) return { table: LOBBY, id: 9, key: "f1LobbyPlayer" };
  if (f.event) return { table: EVENT, id: 3, key: "event" };
  return undefined;
}

/** Values compared per `kind.field`, over everything a run decoded. */
type Tally = Map<string, number>;

function same(a: unknown, b: unknown, eps: number): boolean {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= eps || (Number.isNaN(a) && Number.isNaN(b));
  if (typeof a === "object" && a !== null && "toNumber" in a) return same((a as { toNumber(): number }).toNumber(), b, eps);
  return a === b;
}

/**
 * Decodes datagrams one by one and compares every frame with the peer's parse of the packet it came from
 * (the player's Motion frame, sent when its MotionEx arrives, with the Motion and MotionEx of its game frame).
 * `peerOf` gives the peer's parse of a datagram.
 */
function compare(datagrams: Buffer[], peerOf: (d: Buffer, i: number) => Peer | undefined, tally: Tally): void {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  const latest = new Map<number, Peer>();
  const motionByFrame = new Map<number, Peer>();
  const motionExByFrame = new Map<number, Peer>();
  const run = (frames: Frame[], format: number): void => {
    for (const f of frames) {
      const which = tableOf(f);
      if (which === undefined) continue;
      const car = f.labels!.carIndex ?? -1;
      let p = latest.get(which.id);
      if (which.id === 0) p = motionByFrame.get(Number(f.gameFrame));
      assert.ok(p, `no peer parse of packet id ${which.id} for a ${which.key} frame`);
      for (const c of which.table) {
        const expected = c.peer(p, car, format, f);
        if (expected === null || expected === undefined) continue;
        const actual = c.ours(f);
        assert.ok(same(actual, expected, c.eps), `${which.key}.${c.name} of car ${car} (format ${format}, frame ${String(f.gameFrame)}): racetel ${String(actual)}, peer ${String(expected)}`);
        tally.set(`${which.key}.${c.name}`, (tally.get(`${which.key}.${c.name}`) ?? 0) + 1);
      }
      const detail = f.motion?.detail;
      if (detail) {
        const ex = motionExByFrame.get(Number(f.gameFrame));
        assert.ok(ex, `motion detail of frame ${String(f.gameFrame)} has no MotionEx of that frame`);
        for (const c of MOTION_DETAIL) {
          const expected = c.peer(ex, car, format, f);
          if (expected === null || expected === undefined) continue;
          const actual = c.ours(f);
          assert.ok(same(actual, expected, c.eps), `motion.detail.${c.name} (frame ${String(f.gameFrame)}): racetel ${String(actual)}, peer ${String(expected)}`);
          tally.set(`motion.detail.${c.name}`, (tally.get(`motion.detail.${c.name}`) ?? 0) + 1);
        }
      }
    }
  };
  datagrams.forEach((d, i) => {
    const p = peerOf(d, i);
    assert.ok(p, `the peer parses datagram ${i} (packet id ${d[6]})`);
    const id = d[6]!;
    latest.set(id, p);
    const frameId = d.readUInt32LE(23); // frameIdentifier
    if (id === 0) motionByFrame.set(frameId, p);
    if (id === 13) motionExByFrame.set(frameId, p);
    const start = rec.frames.length;
    assert.ok(decoder.decode(d, T0_NS + i * 1e6, "10.0.0.9:1"), `racetel decodes datagram ${i}`);
    run(rec.frames.slice(start), d.readUInt16LE(0));
  });
  const start = rec.frames.length;
  decoder.flush();
  run(rec.frames.slice(start), datagrams[0]!.readUInt16LE(0));
}

const live = (d: Buffer): Peer | undefined => F1TelemetryClient.parseBufferMessage(d, true)?.data;

/** Fields every frame of a kind must have been compared on at least once in `tally`. */
function assertCovered(tally: Tally, key: string, table: FieldCheck[], except: string[] = []): void {
  for (const c of table) {
    if (except.includes(c.name)) continue;
    assert.ok((tally.get(`${key}.${c.name}`) ?? 0) > 0, `${key}.${c.name} was never compared`);
  }
}

test("F1 23 race dump: every shared field of every frame agrees with the peer decoder", () => {
  const tally: Tally = new Map();
  compare(raceDump(), live, tally);
  assertCovered(tally, "telemetry", TELEMETRY);
  assertCovered(tally, "motion", MOTION);
  // F1 23 has no aero heights, chassis pitch or camber (F1 24/25).
  assertCovered(tally, "motion.detail", MOTION_DETAIL, ["frontRideHeightM", "rearRideHeightM", "chassisPitchRad",
    ...["rearLeft", "rearRight", "frontLeft", "frontRight"].flatMap((w) => [`wheelCamberRad.${w}`, `wheelCamberGainRad.${w}`])]);
  assertCovered(tally, "lap", LAP, ["speedTrapFastestMps"]);
  assertCovered(tally, "status", STATUS);
  assertCovered(tally, "damage", DAMAGE, ["rearLeft", "rearRight", "frontLeft", "frontRight"].map((w) => `tyreBlisters.${w}`));
  assertCovered(tally, "participant", PARTICIPANT);
  assertCovered(tally, "setup", SETUP);
  assertCovered(tally, "session", SESSION);
  assertCovered(tally, "finishedLap(history)", HISTORY_LAP);
  assertCovered(tally, "f1TyreSets", TYRE_SETS);
  // The dump's events are BUTN and SPTP only: the other event fields come from the single packets.
  assertCovered(tally, "event", EVENT.filter((c) => ["code", "type", "carIndex", "speedMps", "buttons"].includes(c.name)));
  const total = [...tally.values()].reduce((a, b) => a + b, 0);
  assert.ok(total > 400_000, `values compared: ${total}`);
});

test("F1 23 single packets (final classification, lobby, every event code): every shared field agrees", () => {
  const tally: Tally = new Map();
  for (const { name, data } of singlePackets()) {
    // Each file stands alone: a fresh decoder per packet, as the files come from different sessions.
    try {
      compare([data], live, tally);
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`);
    }
  }
  assertCovered(tally, "finalResult", FINAL_RESULT);
  assertCovered(tally, "f1LobbyPlayer", LOBBY);
  assertCovered(tally, "event", EVENT);
  // 19 event files; BUTN is a menu packet (sessionUID 0) and makes no frame.
  assert.equal(tally.get("event.code"), 18, "every event file of a session was compared");
});

test("F1 24 clips: every shared field of every frame agrees with the peer decoder", () => {
  const tally: Tally = new Map();
  for (const clip of ["time-trial-clip-a.bin", "time-trial-clip-b.bin"]) compare(readClip(clip).map((c) => c.data), live, tally);
  assertCovered(tally, "telemetry", TELEMETRY);
  // The peer's live parser reads F1 24's MotionEx with F1 23's layout: no aero heights (its stored output has them).
  assertCovered(tally, "motion.detail", MOTION_DETAIL, ["chassisPitchRad", "frontRideHeightM", "rearRideHeightM",
    ...["rearLeft", "rearRight", "frontLeft", "frontRight"].flatMap((w) => [`wheelCamberRad.${w}`, `wheelCamberGainRad.${w}`])]);
  assertCovered(tally, "lap", LAP);
  assertCovered(tally, "session", SESSION, ["timeOfDayS", "pitWindowIdealLap", "pitWindowLatestLap", "safetyCarPeriods", "virtualSafetyCarPeriods", "redFlagPeriods"]);
  assertCovered(tally, "status", STATUS);
});

test("F1 24 and F1 25 datagrams stored with the peer's output: every shared field agrees with it", () => {
  for (const year of [2024, 2025] as const) {
    const tally: Tally = new Map();
    const mocks = peerMocks(year);
    compare(mocks.map((m) => m.data), (_d, i) => mocks[i]!.parsed as Peer, tally);
    // The stored datagrams start with Motion, before Participants names the cars: no motion frames there.
    for (const key of ["telemetry", "lap", "status", "damage", "participant", "session", "setup", "f1TyreSets"]) {
      assert.ok([...tally.keys()].some((k) => k.startsWith(`${key}.`)), `${year}: ${key} frames compared`);
    }
    if (year === 2025) assert.ok((tally.get("damage.tyreBlisters.rearLeft") ?? 0) > 0, "F1 25 tyre blisters compared");
  }
});
