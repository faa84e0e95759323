// Lap marks and live deltas (rpc/src/metrics/lap-marks.ts) through the store, on laps driven at known
// speeds: the marks every 10 m hold the lap time at that distance, the finish holds the lap time, and the
// live deltas against the car's and the session's best are what the speeds make them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { racetel } from "@racetel/proto";
import { M_LAP_MARK, METRIC_NAMES, DEFAULT_TRACE_CHANNELS, traceSlots } from "../src/metrics/catalogue.js";
import { MARK_SPACING_M, formatLapTime, timeAt } from "../src/metrics/lap-marks.js";
import { TelemetryStore, defaultRecording, type PointGroup } from "../src/metrics/store.js";
import { CAR_CHANNELS } from "../src/metrics/channels.js";

const TRACK_M = 1000;
const T0 = 1.7e18;
const HZ = 20;

function newStore(): TelemetryStore {
  return new TelemetryStore({
    carTimeoutMs: 60_000, sessionTimeoutMs: 60_000, maxSessions: 10, newSessionsPerMinute: 100,
    recording: { ...defaultRecording(), traceSlots: traceSlots(DEFAULT_TRACE_CHANNELS) },
  });
}

/** A Frame instance (its payload getter tells the kind), as rpc's decoder makes them. */
const frameOf = (f: racetel.v1.IFrame): racetel.v1.Frame => racetel.v1.Frame.create(f);

const labels = (car: number): racetel.v1.IFrameLabels => ({ sessionId: "s1", carIndex: car, game: racetel.v1.Game.GAME_F1, format: "2024", track: "Testring", source: "f1:test", driver: `Driver ${car}` });

/**
 * Drives `laps` laps of TRACK_M at the given constant speeds (m/s, one per lap) for `car`, sampling at HZ,
 * starting at event time `startNs`; returns the event time at the end.
 */
function drive(store: TelemetryStore, car: number, speeds: number[], startNs: number, invalidLaps: number[] = []): number {
  let t = startNs;
  store.apply(frameOf({ labels: { ...labels(car), carIndex: null }, receiveTimeUnixNano: t, session: { trackLengthM: TRACK_M, sessionType: racetel.v1.SessionType.SESSION_TYPE_RACE } }), t / 1e6);
  let lastLapMs = 0;
  for (let i = 0; i < speeds.length; i++) {
    const v = speeds[i]!;
    const lapS = TRACK_M / v;
    for (let s = 0; s < lapS; s += 1 / HZ) {
      const frame: racetel.v1.IFrame = {
        labels: labels(car), receiveTimeUnixNano: t + s * 1e9,
        lap: { lapNumber: i + 1, lapDistanceM: v * s, currentLapTimeMs: Math.round(s * 1000), lastLapTimeMs: lastLapMs, lapInvalid: invalidLaps.includes(i + 1) },
      };
      store.apply(frameOf(frame), (t + s * 1e9) / 1e6);
    }
    t += lapS * 1e9;
    lastLapMs = Math.round(lapS * 1000);
  }
  // The line crossing that finishes the last lap.
  store.apply(frameOf({ labels: labels(car), receiveTimeUnixNano: t + 0.01e9, lap: { lapNumber: speeds.length + 1, lapDistanceM: 0.5, currentLapTimeMs: 10, lastLapTimeMs: lastLapMs } }), (t + 0.01e9) / 1e6);
  return t + 0.01e9;
}

function marksOf(groups: PointGroup[], car: number, lap: number): { d: number; s: number; labelled: boolean; attrs: Record<string, unknown> }[] {
  return groups
    .filter((g) => g.metrics[0] === M_LAP_MARK && g.attrs.car_index === String(car) && g.attrs.lap === String(lap))
    .map((g) => ({ d: g.values[0]!, s: g.values[1]!, labelled: "lap_label" in g.attrs, attrs: g.attrs as Record<string, unknown> }));
}

describe("lap marks", () => {
  it("marks every 10 m with the lap time there, and the line with the lap time; only whole laps are labelled", () => {
    const store = newStore();
    drive(store, 0, [50, 40], T0);
    const pending = store.sessions.get("s1")!.pending;
    assert.equal(METRIC_NAMES[M_LAP_MARK], "racetel.lap.mark.distance");
    const lap1 = marksOf(pending, 0, 1);
    const plain = lap1.filter((m) => !m.labelled);
    assert.equal(plain.length, TRACK_M / MARK_SPACING_M, "marks 0, 10, ... 990 m");
    for (const m of plain) assert.ok(Math.abs(m.s - m.d / 50) < 0.002, `lap 1 at ${m.d} m: ${m.s} s (expected ${m.d / 50})`);
    const finish = lap1.filter((m) => m.labelled);
    assert.equal(finish.length, 1);
    assert.equal(finish[0]!.d, TRACK_M);
    assert.equal(finish[0]!.s, 20);
    assert.equal(finish[0]!.attrs.lap_label, "lap 1 · 00:20.000");
    assert.equal(finish[0]!.attrs.lap_by_time, "00:20.000 · lap 1");
    assert.equal(marksOf(pending, 0, 2).filter((m) => m.labelled)[0]!.attrs.lap_by_time, "00:25.000 · lap 2");
    // The same lap at fixed shares of its length: 0, 0.5%, ... 100%, for laps of tracks of different lengths.
    const fractions = pending.filter((g) => g.metrics[0] === M_LAP_MARK + 2 && g.attrs.car_index === "0" && g.attrs.lap === "2");
    assert.equal(fractions.length, 201);
    for (const g of fractions) assert.ok(Math.abs(g.values[1]! - g.values[0]! * 25) < 0.002, `lap 2 at ${g.values[0]}: ${g.values[1]} s`);
    assert.equal(fractions.at(-1)!.values[1], 25, "the whole lap: its lap time");
  });

  it("a lap joined halfway is not labelled (it cannot be compared whole)", () => {
    const store = newStore();
    let t = T0;
    for (let d = 500; d < TRACK_M; d += 2.5) {
      store.apply(frameOf({ labels: labels(3), receiveTimeUnixNano: t, lap: { lapNumber: 4, lapDistanceM: d, currentLapTimeMs: Math.round((d / 50) * 1000) } }), t / 1e6);
      t += 0.05e9;
    }
    store.apply(frameOf({ labels: labels(3), receiveTimeUnixNano: t, lap: { lapNumber: 5, lapDistanceM: 1, currentLapTimeMs: 20, lastLapTimeMs: 20_000 } }), t / 1e6);
    const lap4 = marksOf(store.sessions.get("s1")!.pending, 3, 4);
    assert.ok(lap4.length > 40 && lap4.every((m) => !m.labelled && m.d >= 500), `${lap4.length} marks from 500 m, none labelled`);
  });

  it("live delta to the personal best: 0 on an equal lap, the lap-time difference at the end of a slower one; invalid laps never become the best", () => {
    const store = newStore();
    // Lap 1 at 50 m/s (20 s), lap 2 at 50 m/s, lap 3 at 40 m/s (25 s), lap 4 at 100 m/s but invalid.
    drive(store, 0, [50, 50, 40, 100], T0, [4]);
    const car = store.sessions.get("s1")!.cars.get(0)!;
    assert.equal(car.lapMarks!.personalBest!.lapTimeS, 20, "the invalid 10 s lap is not the best");
    const slot = CAR_CHANNELS.findIndex((c) => c.name === "racetel.car.lap.delta_to_personal_best");
    const column = store.columns[slot]!;
    assert.ok(column >= 0, "delta to personal best is a trace channel");
    // Read back the trace samples: lap 2 deltas ~0, lap 3 grows to +5 s, lap 4 (invalid, 100 m/s) negative.
    const trace = car.trace;
    trace.ready(Infinity);
    const lapCol = store.columns[CAR_CHANNELS.findIndex((c) => c.name === "racetel.car.lap.number")]!;
    const distCol = store.columns[CAR_CHANNELS.findIndex((c) => c.name === "racetel.car.lap.distance")]!;
    const byLap = new Map<number, { d: number; delta: number }[]>();
    for (let i = 0; i < trace.count; i++) {
      const lap = trace.valueAt(i, lapCol);
      const delta = trace.valueAt(i, column);
      if (delta !== delta) continue;
      byLap.set(lap, [...(byLap.get(lap) ?? []), { d: trace.valueAt(i, distCol), delta }]);
    }
    assert.equal(byLap.has(1), false, "no reference during lap 1");
    for (const p of byLap.get(2)!) assert.ok(Math.abs(p.delta) < 0.002, `lap 2 at ${p.d} m: delta ${p.delta}`);
    const lap3 = byLap.get(3)!;
    const last3 = lap3[lap3.length - 1]!;
    assert.ok(Math.abs(last3.delta - (last3.d / 40 - last3.d / 50)) < 0.002, `lap 3 at ${last3.d} m: ${last3.delta}`);
    assert.ok(last3.delta > 4.9, `lap 3 ends ~5 s down: ${last3.delta}`);
    assert.ok(byLap.get(4)!.every((p) => p.delta <= 0.001), "lap 4 is ahead all the way");
  });

  it("live delta to the session best uses the fastest valid lap of any car", () => {
    const store = newStore();
    drive(store, 0, [50, 50], T0);
    drive(store, 1, [40, 40], T0);
    const s = store.sessions.get("s1")!;
    assert.equal(s.best.lap!.lapTimeS, 20);
    const c1 = s.cars.get(1)!;
    assert.equal(c1.lapMarks!.personalBest!.lapTimeS, 25);
    // Car 1 on the line of lap 3 after its last sample: against the session best it is 25 - 20 = 5 s down at the end.
    assert.ok(Math.abs(timeAt(s.best.lap!, TRACK_M) - 20) < 1e-9);
    assert.ok(Math.abs(timeAt(s.best.lap!, 505) - 10.1) < 0.002, `at 505 m: ${timeAt(s.best.lap!, 505)}`);
  });

  it("formats lap times to sort as text", () => {
    assert.equal(formatLapTime(81.3456), "01:21.346");
    assert.equal(formatLapTime(9.5), "00:09.500");
    assert.ok(formatLapTime(79.9) < formatLapTime(80.1));
  });
});
