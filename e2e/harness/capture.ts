// The real captures in ../shared, and the values racetel's own F1 decoder reads from them (the truth the
// e2e test compares InfluxDB with).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { F1Decoder, splitF1Dump } from "@racetel/ingest/sources/f1/index";
import type { Frame } from "@racetel/ingest/sources/source";
import { repoRoot } from "./process.js";

export function sharedDir(): string {
  const dir = process.env.RACETEL_SHARED_DIR ?? path.resolve(repoRoot, "../shared");
  if (!existsSync(dir)) {
    throw new Error(`e2e: the shared folder with the real captures is missing at ${dir} (set RACETEL_SHARED_DIR)`);
  }
  return dir;
}

export function raceCapturePath(): string {
  const file = path.join(sharedDir(), "captures/f1-23/race-20cars-v1.21.dump");
  if (!existsSync(file)) throw new Error(`e2e: capture ${file} is missing`);
  return file;
}

/** Latest decoded value per car of the channels the e2e test spot-checks (field names as InfluxDB stores them). */
export interface DecodedCapture {
  sessionId: string;
  datagrams: number;
  /** car index -> InfluxDB field (or "field|wheel") -> latest value */
  latest: Map<number, Map<string, number>>;
  /** car index -> lap number -> lap time (s) from finished-lap frames */
  lapTimes: Map<number, Map<number, number>>;
  drivers: Map<number, string>;
}

export function decodeCapture(file: string): DecodedCapture {
  const datagrams = splitF1Dump(readFileSync(file));
  const latest = new Map<number, Map<string, number>>();
  const lapTimes = new Map<number, Map<number, number>>();
  const drivers = new Map<number, string>();
  let sessionId = "";
  // The decoder leaves zero-valued fields null (proto3 defaults), so a payload's missing number is 0.
  const put = (car: number, key: string, value: number | null | undefined): void => {
    let m = latest.get(car);
    if (m === undefined) latest.set(car, (m = new Map()));
    m.set(key, Number(value ?? 0));
  };
  const sink = {
    emit(frame: Frame): void {
      const labels = frame.labels;
      if (labels?.sessionId) sessionId = labels.sessionId;
      const car = labels?.carIndex;
      if (car === null || car === undefined) return;
      if (labels?.driver) drivers.set(car, labels.driver);
      const t = frame.telemetry;
      if (t) {
        put(car, "racetel.car.speed", t.speedMps);
        put(car, "racetel.car.throttle", t.throttle);
        put(car, "racetel.car.gear", t.gear);
        put(car, "racetel.car.engine.rpm", t.engineRpm);
        put(car, "racetel.car.tyre.surface_temperature|rear_left", t.tyreSurfaceTemperatureCelsius?.rearLeft);
        put(car, "racetel.car.brake_temperature|front_right", t.brakeTemperatureCelsius?.frontRight);
      }
      const lap = frame.lap;
      if (lap) {
        put(car, "racetel.car.lap.distance", lap.lapDistanceM);
        put(car, "racetel.car.race_position", lap.position);
        put(car, "racetel.car.lap.number", lap.lapNumber);
      }
      const status = frame.status;
      if (status) {
        put(car, "racetel.car.fuel.mass", status.fuelMassKg);
        put(car, "racetel.car.ers.store", status.ersStoreJ);
      }
      if (frame.motion?.positionM) put(car, "racetel.car.world_position.x", frame.motion.positionM.x);
      const fin = frame.finishedLap;
      if (fin?.lapNumber && fin.lapTimeMs) {
        let m = lapTimes.get(car);
        if (m === undefined) lapTimes.set(car, (m = new Map()));
        m.set(fin.lapNumber, fin.lapTimeMs / 1000);
      }
    },
  };
  const decoder = new F1Decoder({
    sink,
    drops: { drop: (reason) => { throw new Error(`capture datagram dropped by the decoder: ${reason}`); } },
    advice: { once: () => {} },
  });
  let time = Date.now() * 1e6;
  for (const d of datagrams) decoder.decode(d, (time += 1e6), "127.0.0.1:1");
  return { sessionId, datagrams: datagrams.length, latest, lapTimes, drivers };
}
