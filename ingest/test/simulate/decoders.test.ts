// Every datagram the simulator emits, in every format, has the size of the spec's table, decodes without a
// drop in racetel's F1Decoder, and (F1 23/24) in the peer decoder @z0mt3c/f1-telemetry-client, and the two
// decoders agree on the fields both read.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ENCODED_PACKET_SIZES, PACKET_FORMATS, type PacketFormat } from "../../src/simulate/encode/layout.js";
import { simulateSession } from "../../src/simulate/session.js";
import { F1_PACKET_SIZES } from "../../src/sources/f1/index.js";
import type { Frame } from "../../src/sources/source.js";
import { peerParse, racetelDecoder, sharedSizeTable, type PeerRecord } from "./helpers.js";

// A short but complete race: 2 laps (pit stops, a retirement, the flag, the classification), 20 cars, 10 Hz.
const RACE = { cars: 20, laps: 2, track: "silverstone", rate: 10, seed: 7 } as const;

const close = (a: number, b: number, tol: number, what: string): void => {
  assert.ok(Math.abs(a - b) <= tol, `${what}: racetel ${a} vs peer ${b}`);
};
const n = (v: number | null | undefined): number => v ?? 0;

/** MotionEx fields compared through the Motion frames they are merged into (reset per test). */
let motionExCompared = 0;

/** Compares racetel's frames of one datagram with the peer's parse of it; returns how many fields were compared. */
function agree(id: number, frames: Frame[], p: PeerRecord, lastMotionEx: PeerRecord | undefined): number {
  let checked = 0;
  const car = (f: Frame): number => f.labels?.carIndex as number;
  for (const f of frames) {
    assert.equal(f.labels?.sessionId, String(p["m_header"].m_sessionUID), "sessionUID");
    assert.equal(Number(f.gameFrame), p["m_header"].m_frameIdentifier, "frameIdentifier");
    checked += 2;
  }
  switch (id) {
    case 0: for (const f of frames.filter((x) => x.motion)) {
      const m = p["m_carMotionData"][car(f)];
      close(n(f.motion?.positionM?.x), m.m_worldPositionX, 1e-3, "worldPositionX");
      close(n(f.motion?.positionM?.z), m.m_worldPositionZ, 1e-3, "worldPositionZ");
      close(n(f.motion?.gForceLateral), m.m_gForceLateral, 1e-4, "gForceLateral");
      checked += 3;
      // racetel attaches the player car's latest MotionEx to its next Motion frame.
      assert.equal(f.motion?.detail ?? null, null, "detail comes with the MotionEx of the same frame, not with Motion");
    } break;
    case 1: for (const f of frames.filter((x) => x.session)) {
      assert.equal(n(f.session?.trackId), p["m_trackId"]);
      assert.equal(n(f.session?.totalLaps), p["m_totalLaps"]);
      assert.equal(n(f.session?.trackLengthM), p["m_trackLength"]);
      checked += 3;
    } break;
    case 2: for (const f of frames.filter((x) => x.lap)) {
      const l = p["m_lapData"][car(f)];
      assert.equal(n(f.lap?.position), l.m_carPosition, "carPosition");
      assert.equal(n(f.lap?.lapNumber), l.m_currentLapNum, "currentLapNum");
      assert.equal(n(f.lap?.lastLapTimeMs), l.m_lastLapTimeInMS, "lastLapTimeInMS");
      assert.equal(n(f.lap?.pitStops), l.m_numPitStops, "numPitStops");
      assert.equal(n(f.lap?.gridPosition), l.m_gridPosition, "gridPosition");
      close(n(f.lap?.lapDistanceM), l.m_lapDistance, 1e-3, "lapDistance");
      checked += 6;
    }
      // A lap completed live shows up as a finished lap whose time is the peer's lastLapTime.
      for (const f of frames.filter((x) => x.finishedLap)) {
        assert.equal(n(f.finishedLap?.lapTimeMs), p["m_lapData"][car(f)].m_lastLapTimeInMS, "live finished lap");
        checked += 1;
      }
      assert.equal(p["m_timeTrialPBCarIdx"], 255, "LapData trailer"); break;
    case 3: for (const f of frames.filter((x) => x.event)) {
      assert.equal(f.event?.code, p["m_eventStringCode"]);
      if (p["m_eventStringCode"] === "FTLP") assert.equal(n(f.event?.lapTimeMs), Math.round(p["m_eventDetails"].lapTime * 1000));
      if (p["m_eventStringCode"] === "STLG") assert.equal(n(f.event?.lights), p["m_eventDetails"].numLights);
      checked += 1;
    } break;
    case 4: for (const f of frames.filter((x) => x.participant)) {
      const q = p["m_participants"][car(f)];
      assert.equal(f.participant?.driverName, q.m_name, "name");
      assert.equal(n(f.participant?.raceNumber), q.m_raceNumber, "raceNumber");
      assert.equal(n(f.participant?.teamId), q.m_teamId, "teamId");
      checked += 3;
    } break;
    case 5: for (const f of frames.filter((x) => x.setup)) {
      const s = p["m_carSetups"][car(f)];
      assert.equal(n(f.setup?.frontWing), s.m_frontWing);
      assert.equal(n(f.setup?.rearWing), s.m_rearWing);
      close(n(f.setup?.fuelLoadKg), s.m_fuelLoad, 1e-4, "fuelLoad");
      checked += 3;
    } break;
    case 6: for (const f of frames.filter((x) => x.telemetry)) {
      const t = p["m_carTelemetryData"][car(f)];
      close(n(f.telemetry?.speedMps) * 3.6, t.m_speed, 1e-3, "speed");
      assert.equal(n(f.telemetry?.gear), t.m_gear, "gear");
      close(n(f.telemetry?.throttle), t.m_throttle, 1e-6, "throttle");
      close(n(f.telemetry?.brake), t.m_brake, 1e-6, "brake");
      assert.equal(n(f.telemetry?.engineRpm), t.m_engineRPM, "engineRPM");
      assert.equal(f.telemetry?.drsOpen ?? false, t.m_drs === 1, "drs");
      checked += 6;
    } assert.equal(p["m_mfdPanelIndex"], 255, "CarTelemetry trailer"); break;
    case 7: for (const f of frames.filter((x) => x.status)) {
      const s = p["m_carStatusData"][car(f)];
      close(n(f.status?.fuelMassKg), s.m_fuelInTank, 1e-4, "fuelInTank");
      assert.equal(n(f.status?.tyreAgeLaps), s.m_tyresAgeLaps, "tyresAgeLaps");
      assert.equal(n(f.status?.maxRpm), s.m_maxRPM, "maxRPM");
      checked += 3;
    } break;
    case 8: for (const f of frames.filter((x) => x.finalResult)) {
      const r = p["m_classificationData"][car(f)];
      assert.equal(n(f.finalResult?.position), r.m_position, "position");
      assert.equal(n(f.finalResult?.lapsCompleted), r.m_numLaps, "numLaps");
      assert.equal(n(f.finalResult?.bestLapTimeMs), r.m_bestLapTimeInMS, "bestLapTime");
      close(n(f.finalResult?.totalRaceTimeS), r.m_totalRaceTime, 1e-9, "totalRaceTime");
      assert.equal(n(f.finalResult?.pitStops), r.m_numPitStops, "numPitStops");
      checked += 5;
    } break;
    case 10: for (const f of frames.filter((x) => x.damage)) {
      const d = p["m_carDamageData"][car(f)];
      close(n(f.damage?.tyreWear?.rearLeft) * 100, d.m_tyresWear[0], 1e-3, "tyresWear RL");
      close(n(f.damage?.tyreWear?.frontRight) * 100, d.m_tyresWear[3], 1e-3, "tyresWear FR");
      checked += 2;
    } break;
    case 11: for (const f of frames.filter((x) => x.finishedLap)) {
      const lap = p["m_lapHistoryData"][n(f.finishedLap?.lapNumber) - 1];
      assert.equal(n(f.finishedLap?.lapTimeMs), lap.m_lapTimeInMS, "lapTimeInMS");
      assert.equal(n(f.finishedLap?.sector1TimeMs), lap.m_sector1TimeInMS + 60000 * n(lap.m_sector1TimeMinutes), "sector1");
      assert.equal(n(f.finishedLap?.sector3TimeMs), lap.m_sector3TimeInMS + 60000 * n(lap.m_sector3TimeMinutes), "sector3");
      checked += 3;
    } break;
    case 12: {
      const sets = frames.find((x) => x.f1TyreSets)?.f1TyreSets?.sets ?? [];
      sets.forEach((s, k) => { assert.equal(n(s.lifeSpanLaps), p["m_tyreSetData"][k].m_lifeSpan, "lifeSpan"); checked++; });
    } break;
    // The player's Motion frame waited for this MotionEx (same game frame) and carries it.
    case 13: {
      assert.equal(frames.length, 1, "the MotionEx completes the player's Motion frame of its game frame");
      const f = frames[0]!;
      assert.ok(f.motion?.detail, "with its detail");
      close(n(f.motion.detail.wheelSpeedMps?.rearLeft), p["m_wheelSpeed"][0], 1e-4, "MotionEx wheelSpeed RL");
      close(n(f.motion.detail.wheelSpeedMps?.frontRight), p["m_wheelSpeed"][3], 1e-4, "MotionEx wheelSpeed FR");
      if (lastMotionEx !== undefined) close(n(f.motion.positionM?.x), lastMotionEx["m_carMotionData"][car(f)].m_worldPositionX, 1e-3, "player x from its Motion");
      checked += 3;
      motionExCompared++;
    } break;
    default: break;
  }
  return checked;
}

describe("simulated sessions decode in racetel and in the peer decoder", () => {
  const shared = sharedSizeTable();

  it("the encoder's size table is the shared README's and racetel's decoder's", () => {
    for (const format of PACKET_FORMATS) {
      for (const [id, size] of Object.entries(ENCODED_PACKET_SIZES[format])) {
        assert.equal(size, shared[format]![Number(id)], `${format} id ${id} vs ../shared/README.md`);
        assert.equal(size, F1_PACKET_SIZES[format][Number(id)], `${format} id ${id} vs F1_PACKET_SIZES`);
      }
    }
  });

  for (const format of PACKET_FORMATS) {
    const withPeer = format !== 2025; // the peer decoder reads F1 23 and F1 24 only
    it(`F1 ${format}: every datagram has its table size and decodes without a drop${withPeer ? "; racetel and the peer agree" : ""}`, () => {
      const racetel = racetelDecoder();
      const byId = new Map<number, number>();
      const compared = new Map<number, number>();
      const codes = new Set<string>();
      let total = 0;
      let lastMotionEx: PeerRecord | undefined;
      motionExCompared = 0;
      for (const d of simulateSession({ format: format as PacketFormat, ...RACE })) {
        total++;
        byId.set(d.packetId, (byId.get(d.packetId) ?? 0) + 1);
        assert.equal(d.data.length, shared[format]![d.packetId], `F1 ${format} packet ${d.packetId} size`);
        assert.equal(d.data.readUInt16LE(0), format);
        const { ok, frames } = racetel.decode(d.data, d.timeMs);
        assert.ok(ok, `racetel dropped F1 ${format} packet ${d.packetId} at ${d.timeMs} ms: ${JSON.stringify(racetel.drops)}`);
        if (d.packetId === 3) codes.add(d.data.toString("latin1", 29, 33));
        if (!withPeer) continue;
        const parsed = peerParse(d.data);
        assert.equal(parsed["m_header"].m_packetId, d.packetId);
        compared.set(d.packetId, (compared.get(d.packetId) ?? 0) + agree(d.packetId, frames, parsed, lastMotionEx));
        if (d.packetId === 0) lastMotionEx = parsed; // the last Motion, for the player's frame sent with MotionEx
      }
      assert.deepEqual(racetel.drops, {});
      // Every packet kind the simulator promises, and the events of a whole race.
      // Every packet id of the format: LobbyInfo from the lobby first; LapPositions in F1 25 only.
      assert.deepEqual([...byId.keys()].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, ...(format === 2025 ? [15] : [])]);
      for (const code of ["SSTA", "STLG", "LGOT", "DRSD", "DRSE", "FTLP", "PENA", "OVTK", "SPTP", "RTMT", "CHQF", "RCWN", "SEND"]) {
        assert.ok(codes.has(code), `event ${code} missing (saw ${[...codes].join(" ")})`);
      }
      assert.equal(byId.get(8), 1, "one FinalClassification");
      assert.ok(total > 15000, `a whole race is many datagrams, got ${total}`);
      if (withPeer) {
        for (const id of byId.keys()) assert.ok((compared.get(id) ?? 0) > 0, `no field of packet ${id} was compared`);
        assert.ok(motionExCompared > 1000, `MotionEx compared ${motionExCompared} times`);
      }
    });
  }
});
