// Frame validation: a frame rpc cannot label or whose numbers are impossible is rejected with a reason,
// counted, and never reaches the metrics (a NaN or 1e30 would poison a dashboard's scale).
import type { racetel } from "@racetel/proto";

export const REJECT_REASONS = [
  "missing_labels", "missing_session_id", "missing_payload", "car_index_out_of_range", "out_of_range",
] as const;
// Also counted elsewhere: "decode_error" (server.ts, a whole batch) and "too_many_sessions" (the store is full).
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Highest car index accepted (F1 uses 0..21, ACC car ids stay well below this). */
export const MAX_CAR_INDEX = 1023;
const MAX_SPEED_MPS = 200; // 720 km/h: beyond any car in these games
const MAX_RPM = 30_000;
const TEMPERATURE_MIN = -100;
const TEMPERATURE_MAX = 2_000;

const finite = (v: number | null | undefined): boolean => v === null || v === undefined || Number.isFinite(v);
const within = (v: number | null | undefined, lo: number, hi: number): boolean => v === null || v === undefined || (v >= lo && v <= hi);

function wheelsWithin(w: racetel.v1.IPerWheelFloat | null | undefined, lo: number, hi: number): boolean {
  if (w === null || w === undefined) return true;
  return within(w.frontLeft, lo, hi) && within(w.frontRight, lo, hi) && within(w.rearLeft, lo, hi) && within(w.rearRight, lo, hi);
}

function telemetryOk(t: racetel.v1.ICarTelemetry): boolean {
  return within(t.speedMps, -MAX_SPEED_MPS, MAX_SPEED_MPS)
    && within(t.throttle, 0, 1) && within(t.brake, 0, 1) && within(t.clutch, 0, 1) && within(t.steering, -1, 1)
    && within(t.gear, -1, 15) && within(t.engineRpm, 0, MAX_RPM)
    && wheelsWithin(t.tyreSurfaceTemperatureCelsius, TEMPERATURE_MIN, TEMPERATURE_MAX)
    && wheelsWithin(t.tyreInnerTemperatureCelsius, TEMPERATURE_MIN, TEMPERATURE_MAX)
    && wheelsWithin(t.tyreCoreTemperatureCelsius, TEMPERATURE_MIN, TEMPERATURE_MAX)
    && wheelsWithin(t.brakeTemperatureCelsius, TEMPERATURE_MIN, TEMPERATURE_MAX)
    && wheelsWithin(t.tyrePressureKpa, 0, 2_000)
    && finite(t.engineTemperatureCelsius) && finite(t.revLights);
}

function motionOk(m: racetel.v1.ICarMotion): boolean {
  const p = m.positionM;
  return (p === null || p === undefined || (finite(p.x) && finite(p.y) && finite(p.z)))
    && finite(m.gForceLateral) && finite(m.gForceLongitudinal) && finite(m.gForceVertical)
    && finite(m.yawRad) && finite(m.pitchRad) && finite(m.rollRad);
}

function lapOk(l: racetel.v1.ILapState): boolean {
  return finite(l.lapDistanceM) && finite(l.totalDistanceM) && within(l.lapFraction, -1, 2) && finite(l.penaltiesS);
}

function statusOk(s: racetel.v1.ICarStatus): boolean {
  return within(s.fuelMassKg, 0, 1_000) && within(s.fuelVolumeL, 0, 1_000) && finite(s.fuelCapacity)
    && finite(s.fuelRemainingLaps) && finite(s.ersStoreJ) && within(s.brakeBiasFront, 0, 1)
    && finite(s.enginePowerW) && finite(s.mgukPowerW);
}

function sessionOk(s: racetel.v1.ISessionInfo): boolean {
  return within(s.airTemperatureCelsius, TEMPERATURE_MIN, 100) && within(s.trackTemperatureCelsius, TEMPERATURE_MIN, 150)
    && finite(s.trackLengthM) && finite(s.sessionTimeLeftS) && finite(s.sessionDurationS) && within(s.rainIntensity, 0, 1);
}

/** Returns why the frame cannot be used, or undefined when it is fine. Never throws. */
export function validateFrame(frame: racetel.v1.Frame): RejectReason | undefined {
  const labels = frame.labels;
  if (labels === null || labels === undefined) return "missing_labels";
  if (labels.sessionId === "" || labels.sessionId === null || labels.sessionId === undefined) return "missing_session_id";
  const car = labels.carIndex;
  if (car !== null && car !== undefined && car > MAX_CAR_INDEX) return "car_index_out_of_range";
  const kind = frame.payload;
  if (kind === undefined) return "missing_payload";
  switch (kind) {
    case "telemetry": return telemetryOk(frame.telemetry!) ? undefined : "out_of_range";
    case "motion": return motionOk(frame.motion!) ? undefined : "out_of_range";
    case "lap": return lapOk(frame.lap!) ? undefined : "out_of_range";
    case "status": return statusOk(frame.status!) ? undefined : "out_of_range";
    case "session": return sessionOk(frame.session!) ? undefined : "out_of_range";
    case "finishedLap": return finite(frame.finishedLap!.topSpeedMps) && finite(frame.finishedLap!.fuelUsed) ? undefined : "out_of_range";
    default: return undefined;
  }
}
