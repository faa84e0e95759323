// The F1 live-timing source on the real 2025 Mexico City GP qualifying archive (../shared/captures), checked
// against the archive's own files read independently here (zlib + JSON.parse, no racetel code): every car
// sample, the drivers, each driver's best lap and the final order as the feed's final TimingData states them,
// the Q1 and Q2 eliminations, the yellow flag. Then hostile input: nothing throws, every drop is counted.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import { describe, it } from "node:test";
import { racetel } from "@racetel/proto";
import { archiveMessage, readArchive } from "@racetel/ingest/sources/f1-livetiming/archive";
import { F1LiveTimingDecoder } from "@racetel/ingest/sources/f1-livetiming/decoder";
import { FrameGuard } from "@racetel/ingest/pipeline/frame-guard";
import { IngestCounters } from "@racetel/ingest/observability/counters";
import type { Frame } from "@racetel/ingest/sources/source";
import { sharedDir } from "../f1/helpers.js";

const dir = path.join(sharedDir(), "captures", "f1-livetiming", "2025-mexico-q");
const V1 = racetel.v1;

/** The archive's lines of one topic, payload parsed (and inflated for .z), read without racetel's code. */
function topicLines(topic: string): unknown[] {
  return readFileSync(path.join(dir, `${topic}.jsonStream`), "utf8").split("\r\n").filter((l) => l.length > 12).map((l) => {
    const payload = JSON.parse(l.replace(/^\uFEFF/, "").slice(12)) as unknown;
    return topic.endsWith(".z") ? JSON.parse(inflateRawSync(Buffer.from(payload as string, "base64")).toString("utf8")) : payload;
  });
}

interface Decoded { frames: Frame[]; drops: string[]; decoder: F1LiveTimingDecoder; counters: IngestCounters }

function decodeArchive(): Decoded {
  const frames: Frame[] = [];
  const drops: string[] = [];
  const counters = new IngestCounters();
  // Through ingest's frame guard, as the service and replay do: a value out of its range would be dropped there.
  const sink = new FrameGuard({ emit: (f) => frames.push(structuredClone(f)) }, counters);
  const decoder = new F1LiveTimingDecoder({ sink, drops: { drop: (r) => drops.push(r) }, advice: { once: () => {} } }, { source: "f1-livetiming:test" });
  const archive = readArchive(dir);
  for (const line of archive.lines) decoder.handle(archiveMessage(archive, line));
  decoder.flush();
  return { frames, drops, decoder, counters };
}

const decoded = decodeArchive();
const byKind = (kind: keyof Frame): Frame[] => decoded.frames.filter((f) => f[kind] !== undefined && f[kind] !== null);

describe("F1 live timing: the 2025 Mexico City GP qualifying archive", () => {
  it("decodes every message with no drop; one session, Qualifying at Mexico City, labelled as real F1", () => {
    assert.deepEqual(decoded.drops, []);
    assert.deepEqual([...decoded.counters.framesOutOfRange], [], "no value out of its range");
    const ids = new Set(decoded.frames.map((f) => f.labels!.sessionId));
    assert.deepEqual([...ids], ["f1lt-9873"]);
    assert.ok(decoded.frames.every((f) => f.labels!.game === V1.Game.GAME_F1_LIVE_TIMING && f.labels!.format === "livetiming" && f.labels!.track === "Mexico City"));
    const session = byKind("session").at(-1)!.session!;
    assert.equal(session.sessionType, V1.SessionType.SESSION_TYPE_QUALIFYING);
    assert.equal(session.sessionPart, 3);
  });

  it("has the 20 drivers with names, teams and team colours, as DriverList gives them", () => {
    const list = topicLines("DriverList")[0] as Record<string, { FullName: string; TeamName: string; TeamColour: string }>;
    const participants = new Map(byKind("participant").map((f) => [f.labels!.carIndex!, f.participant!]));
    assert.equal(participants.size, 20);
    for (const [num, d] of Object.entries(list)) {
      const p = participants.get(Number(num))!;
      assert.equal(p.driverName, d.FullName);
      assert.equal(p.teamName, d.TeamName);
      assert.equal(p.teamColour, `#${d.TeamColour}`);
      assert.equal(p.raceNumber, Number(num));
    }
  });

  it("has every car sample of CarData.z (rpm, speed, gear, throttle, brake, DRS) and Position.z, at its own time", () => {
    const telemetry = byKind("telemetry");
    let expected = 0;
    let index = 0;
    for (const line of topicLines("CarData.z") as { Entries: { Utc: string; Cars: Record<string, { Channels: Record<string, number> }> }[] }[]) {
      for (const e of line.Entries) {
        for (const [num, car] of Object.entries(e.Cars)) {
          expected++;
          const f = telemetry[index++]!;
          const ch = car.Channels;
          assert.equal(f.labels!.carIndex, Number(num));
          // Its own time, to the feed's 100 ns ticks (within a double's ~256 ns at this epoch).
          const ticks = /\.(\d+)Z$/.exec(e.Utc)![1]!.padEnd(7, "0");
          assert.ok(Math.abs(Number(f.receiveTimeUnixNano) - (Date.parse(e.Utc.replace(/\.\d+Z$/, "Z")) * 1e6 + Number(ticks) * 100)) < 1000, `${e.Utc}: ${f.receiveTimeUnixNano}`);
          assert.equal(f.telemetry!.engineRpm, ch["0"]);
          assert.ok(Math.abs(f.telemetry!.speedMps! - ch["2"]! / 3.6) < 1e-9);
          assert.equal(f.telemetry!.gear, ch["3"]);
          // 104 is the feed's "no data", never a percentage.
          assert.equal(f.telemetry!.throttle, ch["4"] === 104 ? undefined : ch["4"]! / 100);
          assert.equal(f.telemetry!.brake, ch["5"] === 104 ? undefined : ch["5"]! > 0 ? 1 : 0);
          assert.equal(f.telemetry!.drsOpen, ch["45"]! >= 10 && ch["45"] !== 104);
        }
      }
    }
    assert.equal(telemetry.length, expected);
    assert.equal(expected, 347_120);
    let positions = 0;
    for (const line of topicLines("Position.z") as { Position: { Entries: Record<string, { X: number; Y: number; Z: number }> }[] }[]) {
      for (const s of line.Position) for (const p of Object.values(s.Entries)) if (p.X !== 0 || p.Y !== 0 || p.Z !== 0) positions++;
    }
    assert.equal(byKind("motion").length, positions);
    // Verified sample (../shared/README.md): car 44 at 21:51:39.1356224Z, X 10310, Y -213, Z 22266 (1/10 m).
    const m = byKind("motion").find((f) => f.labels!.carIndex === 44 && Math.abs(Number(f.receiveTimeUnixNano) - Date.parse("2025-10-25T21:51:39.135Z") * 1e6 - 622_400) < 1000)!;
    assert.deepEqual(m.motion!.positionM, { x: 1031, y: 2226.6, z: -21.3 });
  });

  it("gives each driver's best lap and the final order as the feed's final TimingData states them; Q1 and Q2 eliminate 5 each", () => {
    // The feed's own final values, read line by line here.
    const best = new Map<number, string>();
    const position = new Map<number, number>();
    const knockedOut = new Map<number, boolean>();
    for (const line of topicLines("TimingData") as { Lines?: Record<string, { BestLapTime?: { Value?: string }; Position?: string; KnockedOut?: boolean }> }[]) {
      for (const [num, l] of Object.entries(line.Lines ?? {})) {
        if (l.BestLapTime?.Value) best.set(Number(num), l.BestLapTime.Value);
        if (l.Position !== undefined) position.set(Number(num), Number(l.Position));
        if (l.KnockedOut !== undefined) knockedOut.set(Number(num), l.KnockedOut);
      }
    }
    const lastLap = new Map(byKind("lap").map((f) => [f.labels!.carIndex!, f.lap!]));
    // The part each finished lap was driven in, from the session frames.
    const parts = byKind("session").map((f) => [Number(f.receiveTimeUnixNano), f.session!.sessionPart ?? 0] as const);
    const partAt = (t: number): number => parts.filter(([at]) => at <= t).at(-1)?.[1] ?? 0;
    const laps = new Map<number, { t: number; ms: number; valid: boolean; lap: number }[]>();
    for (const f of byKind("finishedLap")) {
      const list = laps.get(f.labels!.carIndex!) ?? [];
      const at = list.findIndex((x) => x.lap === f.finishedLap!.lapNumber);
      const entry = { t: Number(f.receiveTimeUnixNano), ms: f.finishedLap!.lapTimeMs!, valid: f.finishedLap!.valid === true, lap: f.finishedLap!.lapNumber! };
      if (at >= 0) list[at] = { ...entry, t: list[at]!.t }; else list.push(entry);
      laps.set(f.labels!.carIndex!, list);
    }
    const fmt = (ms: number): string => `${Math.floor(ms / 60000)}:${((ms % 60000) / 1000).toFixed(3).padStart(6, "0")}`;
    for (const [num, pos] of position) {
      assert.equal(lastLap.get(num)!.position, pos, `car ${num}: final position`);
      // The best valid lap of the last part the driver ran in (qualifying ranks each part on its own laps).
      const own = laps.get(num)!;
      const lastPart = Math.max(...own.map((l) => partAt(l.t)));
      const inPart = own.filter((l) => l.valid && partAt(l.t) === lastPart).map((l) => l.ms);
      assert.equal(fmt(Math.min(...inPart)), best.get(num), `car ${num}: best lap of Q${lastPart}`);
      assert.equal(lastLap.get(num)!.bestLapTimeMs, Math.min(...inPart));
      assert.equal(lastLap.get(num)!.knockedOut, knockedOut.get(num));
      assert.equal(knockedOut.get(num), pos > 10, `car ${num} (P${pos}) knocked out`);
      assert.equal(lastPart, pos > 15 ? 1 : pos > 10 ? 2 : 3, `car ${num} (P${pos}) last ran in Q${lastPart}`);
    }
    assert.equal(position.size, 20);
    // Race control deleted car 5's 1:18.964 (lap 3) for track limits: that lap no longer counts.
    assert.ok(laps.get(5)!.some((l) => l.lap === 3 && l.ms === 78_964 && !l.valid));
  });

  it("turns the yellow flag, the green and chequered flags and race control messages into events", () => {
    const events = byKind("event").map((f) => ({ t: new Date(Number(f.receiveTimeUnixNano) / 1e6).toISOString(), type: f.event!.type, flag: f.event!.flag, car: f.labels!.carIndex, message: f.event!.message }));
    const yellow = events.filter((e) => e.type === V1.SessionEventType.SESSION_EVENT_TYPE_FLAG && e.flag === V1.Flag.FLAG_YELLOW);
    assert.deepEqual(yellow.map((e) => e.t), ["2025-10-25T20:51:41.821Z"], "TrackStatus 2 (Yellow) at 00:05:17.922");
    assert.equal(events.filter((e) => e.type === V1.SessionEventType.SESSION_EVENT_TYPE_CHEQUERED_FLAG).length, 3, "Q1, Q2, Q3");
    const deleted = events.find((e) => e.message?.startsWith("CAR 5 (BOR) TIME 1:18.964 DELETED"))!;
    assert.equal(deleted.type, V1.SessionEventType.SESSION_EVENT_TYPE_RACE_CONTROL);
    assert.equal(deleted.car, 5);
    assert.equal(events.filter((e) => e.type === V1.SessionEventType.SESSION_EVENT_TYPE_RACE_CONTROL || e.type === V1.SessionEventType.SESSION_EVENT_TYPE_CHEQUERED_FLAG || (e.type === V1.SessionEventType.SESSION_EVENT_TYPE_FLAG && e.message?.includes("GREEN"))).length,
      topicLines("RaceControlMessages").length > 0 ? 14 : 0, "the 14 race control messages");
  });
});

describe("F1 live timing: hostile input", () => {
  it("truncated lines, bad base64, bad DEFLATE, huge and deeply nested JSON, unknown topics: counted drops, never a throw, the session goes on", () => {
    const frames: Frame[] = [];
    const drops: string[] = [];
    const decoder = new F1LiveTimingDecoder({ sink: { emit: (f) => frames.push(f) }, drops: { drop: (r) => drops.push(r) }, advice: { once: () => {} } }, { source: "hostile" });
    const t = Date.parse("2025-10-25T21:00:00Z");
    decoder.handleText("SessionInfo", JSON.stringify({ Key: 1, Meeting: { Circuit: { ShortName: "Test" } }, Type: "Race" }), t);
    const hostile: [string, unknown][] = [
      ["TimingData", "{\"Lines\":{\"1\":{\"Position\":"],
      ["CarData.z", "not base64 !!"],
      ["CarData.z", Buffer.from("definitely not deflate").toString("base64")],
      ["TimingData", `{"Lines":{"1":{"x":"${"y".repeat(5 * 1024 * 1024)}"}}}`],
      ["TimingData", `${"[".repeat(10_000)}${"]".repeat(10_000)}`],
      ["NotATopic", "{}"],
      ["TimingData", "42"],
      ["DriverList", JSON.stringify({ "7": { FullName: "Evil\u0000Name\n", TeamName: "T".repeat(500), TeamColour: "not-a-colour" } })],
      ["TimingData", JSON.stringify({ Lines: { "__proto__": { polluted: true }, "99999": { Position: "1" }, "7": { Position: "1e30", NumberOfLaps: "NaN", LastLapTime: { Value: "9:99.999" } } } })],
    ];
    for (const [topic, payload] of hostile) assert.doesNotThrow(() => decoder.handleText(topic, payload, t));
    decoder.flush();
    assert.deepEqual([...decoder.droppedByReason].sort(), [["bad_json", 2], ["bad_z", 2], ["too_big", 1], ["too_deep", 1], ["unknown_topic", 1]].sort());
    assert.equal(({} as Record<string, unknown>).polluted, undefined, "no prototype pollution");
    const p = frames.find((f) => f.participant)!.participant!;
    assert.equal(p.driverName, "EvilName");
    assert.equal(p.teamName!.length, 64);
    assert.equal(p.teamColour, "");
    assert.ok(frames.filter((f) => f.lap).every((f) => f.labels!.carIndex === 7 && f.lap!.position === undefined), "no car 99999, no position 1e30");
    // The session goes on: a good message after all that still decodes.
    const before = frames.length;
    decoder.handleText("WeatherData", JSON.stringify({ AirTemp: "25.1" }), t + 1000);
    decoder.flush();
    assert.equal(frames.length, before + 1);
    assert.equal(frames.at(-1)!.session!.airTemperatureCelsius, 25.1);
  });
});
