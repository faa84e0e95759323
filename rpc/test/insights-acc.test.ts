// ACC's inputs to the insights, through the store as ACC frames carry them: fuel in litres in a timed race
// (laps to go from the time left at the last lap's pace), the core temperature against ACC's dry window.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { racetel } from "@racetel/proto";
import { I_FUEL_PER_LAP, I_FUEL_SURPLUS, I_FUEL_SURPLUS_LAPS, IW_TEMPERATURE_STATE } from "../src/insights/metrics.js";
import { TelemetryStore, defaultRecording } from "../src/metrics/store.js";

const LAP_M = 4000;
const LAP_S = 100;
const HZ = 10;
const T0 = 1.7e18;
const labels = (car?: number): racetel.v1.IFrameLabels => ({ sessionId: "acc-1", ...(car !== undefined ? { carIndex: car } : {}), game: racetel.v1.Game.GAME_ACC, track: "monza", source: "acc:test", driver: "Driver" });
const frame = (f: racetel.v1.IFrame): racetel.v1.Frame => racetel.v1.Frame.create(f);

describe("insights on ACC's inputs", () => {
  it("litres per lap and fuel to the end of a timed race; a hot core temperature raised after the hold", () => {
    const store = new TelemetryStore({ carTimeoutMs: 600_000, sessionTimeoutMs: 600_000, maxSessions: 2, newSessionsPerMinute: 10, recording: { ...defaultRecording(), traceSlots: [] } });
    const raised: string[] = [];
    store.onInsight = (_s, _c, name, detail) => raised.push(`${name}:${detail}`);
    const timeLeftAtStart = 20 * 60; // a 20-minute race: 12 laps of 100 s
    let fuel = 32;
    for (let i = 0; i < 5 * LAP_S * HZ; i++) {
      const tS = i / HZ;
      const t = T0 + tS * 1e9;
      const lap = Math.floor(tS / LAP_S) + 1;
      fuel -= 2.5 / (LAP_S * HZ); // 2.5 L a lap
      // From lap 3 the front left runs at 105 °C, above ACC's 70-90 °C window.
      const hot = lap >= 3 ? 105 : 80;
      if (i % (HZ / 2) === 0) store.apply(frame({ labels: labels(), receiveTimeUnixNano: t, session: { trackLengthM: LAP_M, sessionTimeLeftS: timeLeftAtStart - tS, safetyCarStatus: racetel.v1.SafetyCarStatus.SAFETY_CAR_STATUS_NONE } }), t / 1e6);
      store.apply(frame({ labels: labels(0), receiveTimeUnixNano: t, status: { fuelVolumeL: fuel, tyreCompound: racetel.v1.TyreCompound.TYRE_COMPOUND_DRY } }), t / 1e6);
      store.apply(frame({ labels: labels(0), receiveTimeUnixNano: t, telemetry: { speedMps: 40, tyreCoreTemperatureCelsius: { frontLeft: hot, frontRight: 80, rearLeft: 80, rearRight: 80 } } }), t / 1e6);
      store.apply(frame({ labels: labels(0), receiveTimeUnixNano: t, lap: {
        lapNumber: lap, lapDistanceM: (tS % LAP_S) * (LAP_M / LAP_S), lastLapTimeMs: lap > 1 ? LAP_S * 1000 : 0,
        pitStatus: racetel.v1.PitStatus.PIT_STATUS_ON_TRACK, resultStatus: racetel.v1.ResultStatus.RESULT_STATUS_ACTIVE } }), t / 1e6);
    }
    const car = store.sessions.get("acc-1")!.cars.get(0)!;
    const v = car.insights!.values;
    assert.ok(Math.abs(v[I_FUEL_PER_LAP]! - 2.5) < 0.01, `litres per lap ${v[I_FUEL_PER_LAP]}`);
    // At the line of lap 5 (4 laps done at 400 s): 800 s left at 100 s a lap = 8 laps; 22 L in the tank, 20 L needed.
    assert.ok(Math.abs(v[I_FUEL_SURPLUS]! - 2) < 0.1, `surplus ${v[I_FUEL_SURPLUS]} L`);
    assert.ok(Math.abs(v[I_FUEL_SURPLUS_LAPS]! - 0.8) < 0.05, `surplus ${v[I_FUEL_SURPLUS_LAPS]} laps`);
    assert.deepEqual(Array.from(car.insights!.wheels.subarray(IW_TEMPERATURE_STATE * 4, IW_TEMPERATURE_STATE * 4 + 4)), [1, 0, 0, 0]);
    assert.deepEqual(raised, ["tyre_hot:front_left"]);
  });
});
