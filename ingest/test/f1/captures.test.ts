// Every datagram of every real capture decodes without a drop, and the frames carry real values.
import assert from "node:assert/strict";
import { test } from "node:test";
import { racetel } from "@racetel/proto";
import { F1Decoder } from "../../src/sources/f1/index.js";
import { T0_NS, payloadOf, peerMocks, raceDump, readClip, recordingContext, singlePackets } from "./helpers.js";

const v1 = racetel.v1;

/** Decodes the race dump with receive times following the game's session clock. */
function decodeRace() {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  const datagrams = raceDump();
  const t0 = datagrams[0]!.readFloatLE(15);
  let decoded = 0;
  for (const d of datagrams) {
    if (decoder.decode(d, T0_NS + (d.readFloatLE(15) - t0) * 1e9, "192.168.1.20:53001")) decoded++;
  }
  return { ...rec, decoder, decoded, datagrams };
}

test("F1 23 race dump: all 1,788 datagrams decode, none dropped, no menu packets", () => {
  const { decoded, drops, decoder } = decodeRace();
  assert.equal(decoded, 1788);
  assert.deepEqual(drops, {});
  assert.equal(decoder.menuPackets, 0);
  assert.equal(decoder.activeSessions(T0_NS / 1e6 + 20_000), 1);
  assert.equal(decoder.activeSessions(T0_NS / 1e6 + 60_000), 0);
});

test("F1 23 race dump: 20 active cars, a Race at Imola (track 27), exact session id in every label", () => {
  const { frames, datagrams } = decodeRace();
  const uid = datagrams[0]!.readBigUInt64LE(7).toString();
  for (const f of frames) {
    assert.equal(f.labels!.sessionId, uid);
    assert.equal(f.labels!.format, "2023");
    assert.equal(f.labels!.game, v1.Game.GAME_F1);
    assert.equal(f.labels!.source, "f1:192.168.1.20");
  }
  const sessions = frames.filter((f) => f.session);
  assert.ok(sessions.length > 20);
  const s = sessions.at(-1)!.session!;
  assert.equal(s.trackId, 27);
  assert.equal(s.track, "Imola");
  assert.equal(s.sessionType, v1.SessionType.SESSION_TYPE_RACE);
  assert.equal(s.activeCars, 20);
  assert.equal(s.totalLaps, 5);
  assert.equal(s.gameVersion, "1.21");
  assert.equal(s.sectorCount, 3);
  const telemetryCars = new Set(frames.filter((f) => f.telemetry).map((f) => f.labels!.carIndex));
  assert.equal(telemetryCars.size, 20);
  assert.ok(![...telemetryCars].some((c) => c! >= 20), "slots 20 and 21 are unused in this race");
});

test("F1 23 race dump: driver names keep their accents and label every later frame", () => {
  const { frames } = decodeRace();
  const participants = frames.filter((f) => f.participant);
  const names = new Set(participants.map((f) => f.participant!.driverName));
  assert.equal(names.size, 20);
  assert.ok(names.has("PÉREZ"), `names: ${[...names].join(", ")}`);
  const perez = participants.find((f) => f.participant!.driverName === "PÉREZ")!;
  assert.equal(perez.participant!.teamName, "Red Bull Racing");
  const car = perez.labels!.carIndex!;
  const firstIdx = frames.indexOf(perez);
  const later = frames.slice(firstIdx).filter((f) => f.telemetry && f.labels!.carIndex === car);
  assert.ok(later.length > 0);
  for (const f of later) {
    assert.equal(f.labels!.driver, "PÉREZ");
    assert.equal(f.labels!.team, "Red Bull Racing");
    assert.equal(f.labels!.track, "Imola");
  }
});

test("F1 23 race dump: speeds, gears, temperatures and pressures are plausible in racetel units", () => {
  const { frames } = decodeRace();
  const tel = frames.filter((f) => f.telemetry).map((f) => f.telemetry!);
  assert.ok(tel.length >= 3000);
  let maxSpeed = 0;
  for (const t of tel) {
    assert.ok(t.speedMps! >= 0 && t.speedMps! < 100, `speed ${t.speedMps} m/s`);
    maxSpeed = Math.max(maxSpeed, t.speedMps!);
    assert.ok(t.gear! >= -1 && t.gear! <= 8, `gear ${t.gear}`);
    assert.ok(t.throttle! >= 0 && t.throttle! <= 1);
    assert.ok(t.engineRpm! < 16000);
    for (const w of ["frontLeft", "frontRight", "rearLeft", "rearRight"] as const) {
      assert.ok(t.tyreSurfaceTemperatureCelsius![w]! > 20 && t.tyreSurfaceTemperatureCelsius![w]! < 160);
      assert.ok(t.tyrePressureKpa![w]! > 100 && t.tyrePressureKpa![w]! < 200, `pressure ${t.tyrePressureKpa![w]} kPa`);
      assert.ok(t.brakeTemperatureCelsius![w]! > 20 && t.brakeTemperatureCelsius![w]! < 1300);
    }
    assert.ok(t.engineTemperatureCelsius! > 60 && t.engineTemperatureCelsius! < 140);
  }
  assert.ok(maxSpeed > 70, `top speed ${maxSpeed} m/s is a racing speed`);
  const status = frames.filter((f) => f.status).map((f) => f.status!);
  for (const s of status) {
    assert.ok(s.fuelMassKg! >= 0 && s.fuelMassKg! < 110);
    assert.ok(s.brakeBiasFront! > 0.4 && s.brakeBiasFront! < 0.8);
    assert.equal(s.fuelVolumeL ?? null, null, "F1 reports fuel mass, not volume");
  }
  const damage = frames.filter((f) => f.damage).map((f) => f.damage!);
  for (const d of damage) assert.ok(d.tyreWear!.rearLeft! >= 0 && d.tyreWear!.rearLeft! < 1);
});

test("F1 23 race dump: lap distances increase for every car; everyone is on lap 4", () => {
  const { frames } = decodeRace();
  const last = new Map<number, number>();
  let laps = 0;
  for (const f of frames) {
    if (!f.lap) continue;
    laps++;
    const car = f.labels!.carIndex!;
    assert.equal(f.lap.lapNumber, 4);
    const prev = last.get(car);
    if (prev !== undefined) assert.ok(f.lap.lapDistanceM! >= prev, `car ${car}: ${f.lap.lapDistanceM} < ${prev}`);
    last.set(car, f.lap.lapDistanceM!);
    assert.ok(f.lap.position! >= 1 && f.lap.position! <= 20);
    assert.equal(f.lap.resultStatus, v1.ResultStatus.RESULT_STATUS_ACTIVE);
  }
  assert.equal(last.size, 20);
  assert.ok(laps >= 3000);
});

test("F1 23 race dump: SessionHistory gives laps 1-3 of each car once, as HISTORY finished laps", () => {
  const { frames } = decodeRace();
  const finished = frames.filter((f) => f.finishedLap);
  const byCar = new Map<number, number[]>();
  for (const f of finished) {
    const l = f.finishedLap!;
    assert.equal(l.origin, v1.FinishedLapOrigin.FINISHED_LAP_ORIGIN_HISTORY);
    assert.ok(l.lapTimeMs! > 60_000 && l.lapTimeMs! < 200_000, `lap time ${l.lapTimeMs}`);
    // the game rounds each sector to the millisecond
    assert.ok(Math.abs(l.sector1TimeMs! + l.sector2TimeMs! + l.sector3TimeMs! - l.lapTimeMs!) <= 2, "sectors add up");
    const list = byCar.get(f.labels!.carIndex!) ?? [];
    list.push(l.lapNumber!);
    byCar.set(f.labels!.carIndex!, list);
  }
  assert.equal(byCar.size, 20);
  for (const [car, list] of byCar) assert.deepEqual(list.sort(), [1, 2, 3], `car ${car}`);
});

test("F1 23 race dump: BUTN and SPTP events are decoded with their own fields", () => {
  const { frames } = decodeRace();
  const events = frames.filter((f) => f.event).map((f) => f.event!);
  const codes = new Set(events.map((e) => e.code));
  assert.deepEqual([...codes].sort(), ["BUTN", "SPTP"]);
  for (const e of events) {
    if (e.code === "SPTP") {
      assert.equal(e.type, v1.SessionEventType.SESSION_EVENT_TYPE_SPEED_TRAP);
      assert.ok(e.speedMps! > 50 && e.speedMps! < 100, `speed trap ${e.speedMps}`);
    } else {
      assert.equal(e.type, v1.SessionEventType.SESSION_EVENT_TYPE_BUTTONS);
    }
  }
});

test("F1 24 time-trial clips: every datagram decodes; 1 car at Monza / Zandvoort with time-trial data", () => {
  for (const [clip, track] of [["time-trial-clip-a.bin", "Monza"], ["time-trial-clip-b.bin", "Zandvoort"]] as const) {
    const rec = recordingContext();
    const decoder = new F1Decoder(rec.ctx);
    const datagrams = readClip(clip);
    for (const d of datagrams) assert.ok(decoder.decode(d.data, T0_NS + d.timeS * 1e9, "10.0.0.2:20777"));
    assert.deepEqual(rec.drops, {}, clip);
    const kinds = new Set(rec.frames.map(payloadOf));
    for (const k of ["session", "lap", "telemetry", "motion", "status", "damage", "f1TyreSets", "f1TimeTrial", "participant"]) {
      assert.ok(kinds.has(k as never), `${clip}: no ${k} frame`);
    }
    const session = rec.frames.find((f) => f.session)!.session!;
    assert.equal(session.track, track);
    assert.equal(session.sessionType, v1.SessionType.SESSION_TYPE_TIME_TRIAL);
    assert.equal(new Set(rec.frames.filter((f) => f.telemetry).map((f) => f.labels!.carIndex)).size, 1);
    for (const f of rec.frames) assert.equal(f.labels!.format, "2024");
    const detail = rec.frames.find((f) => f.motion?.detail)?.motion?.detail;
    assert.ok(detail, "MotionEx detail rides on the player's motion frame");
    assert.ok(detail.frontRideHeightM! > 0 && detail.frontRideHeightM! < 0.2);
  }
});

test("single F1 23 packets (ids 0-13, 19 event codes) decode without a drop", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  const packets = singlePackets();
  assert.equal(packets.length, 32);
  for (const p of packets) assert.ok(decoder.decode(p.data, T0_NS, "10.0.0.3:1"), p.name);
  assert.deepEqual(rec.drops, {});
  // BUTN and LobbyInfo were recorded in menus (sessionUID 0): decoded, counted as menu packets
  assert.equal(decoder.menuPackets, 2);
  const codes = rec.frames.filter((f) => f.event).map((f) => f.event!);
  assert.equal(codes.length, 18);
  for (const e of codes) assert.notEqual(e.type, v1.SessionEventType.SESSION_EVENT_TYPE_OTHER, e.code!);
  const ftlp = codes.find((e) => e.code === "FTLP")!;
  assert.ok(ftlp.lapTimeMs! > 60_000 && ftlp.lapTimeMs! < 120_000);
  assert.ok(rec.frames.some((f) => f.finalResult), "FinalClassification gives final results");
  const lobby = rec.frames.filter((f) => f.f1LobbyPlayer);
  assert.ok(lobby.length > 0, "LobbyInfo gives lobby players");
  for (const f of lobby) assert.equal(f.labels!.sessionId, "0", "lobby players are labelled with the menu session");
});

test("peer mocks of F1 23, 24 and 25: every datagram decodes without a drop", () => {
  for (const year of [2023, 2024, 2025] as const) {
    const rec = recordingContext();
    const decoder = new F1Decoder(rec.ctx);
    for (const m of peerMocks(year)) {
      assert.equal(m.format, year);
      assert.ok(decoder.decode(m.data, T0_NS, "10.0.0.4:1"), `${year} id ${m.packetId}`);
    }
    assert.deepEqual(rec.drops, {}, String(year));
    assert.ok(rec.frames.length > 0);
    for (const f of rec.frames) assert.equal(f.labels!.format, String(year));
  }
});
