// Second opinion: racetel's frames against the peer decoder @z0mt3c/f1-telemetry-client on the same
// real bytes (F1 23 race dump, F1 24 clip), and against the peer output stored beside the F1 25 mocks.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import type { racetel } from "@racetel/proto";
import { F1Decoder } from "../../src/sources/f1/index.js";
import { T0_NS, peerMocks, raceDump, readClip, recordingContext } from "./helpers.js";

type Peer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const require = createRequire(import.meta.url);
const { F1TelemetryClient } = require("@z0mt3c/f1-telemetry-client") as {
  F1TelemetryClient: { parseBufferMessage(buf: Buffer, bigint?: boolean): { data: Peer } | undefined };
};

const close = (a: number, b: number, eps: number, what: string): void => {
  assert.ok(Math.abs(a - b) <= eps, `${what}: racetel ${a} vs peer ${b}`);
};
// F1 wheel arrays are RL, RR, FL, FR
const wheels = (w: racetel.v1.IPerWheelFloat): number[] => [w.rearLeft!, w.rearRight!, w.frontLeft!, w.frontRight!];

/** Decodes one datagram and returns its frames along with the peer's parse of the same bytes. */
function both(decoder: F1Decoder, frames: racetel.v1.Frame[], d: Buffer): { ours: racetel.v1.Frame[]; peer: Peer } {
  const start = frames.length;
  assert.ok(decoder.decode(d, T0_NS, "10.0.0.9:1"));
  const peer = F1TelemetryClient.parseBufferMessage(d, true);
  assert.ok(peer, `peer parses packet id ${d[6]}`);
  return { ours: frames.slice(start), peer: peer.data };
}

function compareRun(datagrams: Buffer[]): Record<number, number> {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  const compared: Record<number, number> = {};
  for (const d of datagrams) {
    const id = d[6]!;
    const { ours, peer } = both(decoder, rec.frames, d);
    const uid = peer["m_header"]["m_sessionUID"] as bigint;
    for (const f of ours) assert.equal(f.labels!.sessionId, uid.toString());
    for (const f of ours) {
      const car = f.labels!.carIndex!;
      if (f.telemetry) {
        const p = peer["m_carTelemetryData"][car];
        close(f.telemetry.speedMps! * 3.6, p.m_speed, 1e-3, "speed");
        assert.equal(f.telemetry.gear, p.m_gear);
        assert.equal(f.telemetry.engineRpm, p.m_engineRPM);
        wheels(f.telemetry.tyrePressureKpa!).forEach((v, w) => close(v / 6.894757, p.m_tyresPressure[w], 1e-3, "pressure"));
        wheels(f.telemetry.brakeTemperatureCelsius!).forEach((v, w) => assert.equal(v, p.m_brakesTemperature[w]));
      } else if (f.motion) {
        const p = peer["m_carMotionData"][car];
        close(f.motion.positionM!.x!, p.m_worldPositionX, 1e-3, "x");
        close(f.motion.positionM!.z!, p.m_worldPositionZ, 1e-3, "z");
        close(f.motion.yawRad!, p.m_yaw, 1e-6, "yaw");
      } else if (f.lap) {
        const p = peer["m_lapData"][car];
        close(f.lap.lapDistanceM!, p.m_lapDistance, 1e-3, "lap distance");
        assert.equal(f.lap.position, p.m_carPosition);
        assert.equal(f.lap.lapNumber, p.m_currentLapNum);
        assert.equal(f.lap.lastLapTimeMs, p.m_lastLapTimeInMS);
      } else if (f.status) {
        const p = peer["m_carStatusData"][car];
        close(f.status.fuelMassKg!, p.m_fuelInTank, 1e-4, "fuel");
        assert.equal(f.status.tyreAgeLaps, p.m_tyresAgeLaps);
        assert.equal(f.status.maxRpm, p.m_maxRPM);
      } else if (f.damage) {
        const p = peer["m_carDamageData"][car];
        wheels(f.damage.tyreWear!).forEach((v, w) => close(v * 100, p.m_tyresWear[w], 1e-3, "wear"));
      } else if (f.participant) {
        const p = peer["m_participants"][car];
        assert.equal(f.participant.raceNumber, p.m_raceNumber);
        assert.equal(f.participant.teamId, p.m_teamId);
        assert.equal(f.participant.driverName, String(p.m_name).replace(/\0.*$/s, ""));
      } else if (f.session) {
        assert.equal(f.session.trackId, peer["m_trackId"]);
        assert.equal(f.session.trackLengthM, peer["m_trackLength"]);
        assert.equal(f.session.totalLaps, peer["m_totalLaps"]);
      } else if (f.finishedLap) {
        const lap = peer["m_lapHistoryData"][f.finishedLap.lapNumber! - 1];
        assert.equal(f.finishedLap.lapTimeMs, lap.m_lapTimeInMS);
      } else {
        continue;
      }
      compared[id] = (compared[id] ?? 0) + 1;
    }
  }
  return compared;
}

test("F1 23 race dump: racetel agrees with the peer decoder on telemetry, motion, laps, status, damage, names", () => {
  const compared = compareRun(raceDump());
  for (const id of [0, 1, 2, 4, 6, 7, 10, 11]) assert.ok((compared[id] ?? 0) > 0, `compared packet id ${id}`);
  assert.ok((compared[6] ?? 0) >= 3000);
});

test("F1 24 clip: racetel agrees with the peer decoder (telemetry, motion, laps, status, damage)", () => {
  const compared = compareRun(readClip("time-trial-clip-b.bin").map((c) => c.data).filter((d) => d[6] !== 1));
  for (const id of [0, 2, 6, 7, 10]) assert.ok((compared[id] ?? 0) > 0, `compared packet id ${id}`);
});

test("F1 25 mocks: racetel agrees with the peer output stored beside each datagram", () => {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  let checked = 0;
  for (const m of peerMocks(2025)) {
    const start = rec.frames.length;
    assert.ok(decoder.decode(m.data, T0_NS, "10.0.0.9:1"));
    const frames = rec.frames.slice(start);
    const p = m.parsed as Peer;
    for (const f of frames) {
      const car = f.labels!.carIndex!;
      if (f.telemetry) {
        close(f.telemetry.speedMps! * 3.6, p["m_carTelemetryData"][car].m_speed, 1e-3, "speed");
        assert.equal(f.telemetry.gear, p["m_carTelemetryData"][car].m_gear);
        checked++;
      } else if (f.participant) {
        assert.equal(f.participant.driverName, String(p["m_participants"][car].m_name).replace(/\0.*$/s, ""));
        assert.equal(f.participant.teamId, p["m_participants"][car].m_teamId);
        checked++;
      } else if (f.lap) {
        close(f.lap.lapDistanceM!, p["m_lapData"][car].m_lapDistance, 1e-3, "lap distance");
        checked++;
      } else if (f.session) {
        assert.equal(f.session.trackId, p["m_trackId"]);
        assert.equal(f.labels!.sessionId, String(p["m_header"]["m_sessionUID"]));
        checked++;
      } else if (f.damage) {
        wheels(f.damage.tyreWear!).forEach((v, w) => close(v * 100, p["m_carDamageData"][car].m_tyresWear[w], 1e-3, "wear"));
        checked++;
      }
    }
  }
  assert.ok(checked >= 20, `checked ${checked} frames`);
});
