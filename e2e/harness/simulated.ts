// A simulated race for the e2e stack: `racetel simulate` sends it over UDP (paced, so nothing is lost),
// and the same race, generated again in this process (deterministic for a seed) and read by racetel's
// own F1 decoder, is the truth to compare InfluxDB with.
import { racetel } from "@racetel/proto";
import type { RaceModel } from "@racetel/ingest/simulate/model";
import { simulateSession } from "@racetel/ingest/simulate/session";
import { F1Decoder } from "@racetel/ingest/sources/f1/index";
import type { Frame } from "@racetel/ingest/sources/source";

/** 3 laps of Monza, 20 cars, 10 Hz, sent at 10x real time: ~27 s of wall time, lossless on 2 busy cores. */
export const simulatedRace = { format: 2024, cars: 20, laps: 3, track: "monza", rate: 10, seed: 8, speed: 10 } as const;

export type SimulatedRace = { format: number; cars: number; laps: number; track: string; rate: number; seed: number; speed: number };

/** `racetel simulate` flags for a race (simulatedRace by default), sending to `to` (host:port). */
export function simulateArgs(to: string, r: SimulatedRace = simulatedRace): string[] {
  return ["simulate", "--format", String(r.format), "--cars", String(r.cars), "--laps", String(r.laps), "--track", r.track,
    "--rate", String(r.rate), "--seed", String(r.seed), "--speed", String(r.speed), "--to", to];
}

export interface DecodedRace {
  sessionId: string;
  datagrams: number;
  trackLengthM: number;
  /** car index -> final position (FinalClassification) */
  finalPositions: Map<number, number>;
  /** car index -> driver name */
  drivers: Map<number, string>;
  /** car index -> laps that finished with the pit flag (live timing) */
  pitLaps: Map<number, number[]>;
  /** "car/lap" -> telemetry samples the game sent for the car while it drove that lap */
  telemetrySamples: Map<string, number>;
  /** "car/lap" -> lap time (s) of the laps finished live */
  lapTimes: Map<string, number>;
  /** The simulator's own truth (its model, not a decoder): car -> laps on which it entered the pit lane */
  pitEntries: Map<number, number[]>;
  /** The simulator's own truth: cars penalised (one entry per penalty) and cars retired */
  penalties: number[];
  retirements: number[];
}

export function decodeSimulatedRace(race: SimulatedRace = simulatedRace): DecodedRace {
  const out: DecodedRace = { sessionId: "", datagrams: 0, trackLengthM: 0, finalPositions: new Map(), drivers: new Map(), pitLaps: new Map(), telemetrySamples: new Map(),
    lapTimes: new Map(), pitEntries: new Map(), penalties: [], retirements: [] };
  const lapOf = new Map<number, number>();
  const drops: string[] = [];
  const decoder = new F1Decoder({
    sink: {
      emit(f: Frame) {
        out.sessionId = f.labels?.sessionId ?? out.sessionId;
        if (f.session?.trackLengthM) out.trackLengthM = f.session.trackLengthM;
        const car = f.labels?.carIndex;
        if (car === null || car === undefined) return;
        if (f.labels?.driver) out.drivers.set(car, f.labels.driver);
        if (f.finalResult) out.finalPositions.set(car, f.finalResult.position ?? 0);
        if (f.finishedLap?.pitLap === true) out.pitLaps.set(car, [...(out.pitLaps.get(car) ?? []), f.finishedLap.lapNumber ?? 0]);
        if (f.finishedLap?.origin === racetel.v1.FinishedLapOrigin.FINISHED_LAP_ORIGIN_LIVE) out.lapTimes.set(`${car}/${f.finishedLap.lapNumber}`, (f.finishedLap.lapTimeMs ?? 0) / 1000);
        if (f.lap?.lapNumber) lapOf.set(car, f.lap.lapNumber);
        if (f.telemetry) {
          const key = `${car}/${lapOf.get(car) ?? 0}`;
          out.telemetrySamples.set(key, (out.telemetrySamples.get(key) ?? 0) + 1);
        }
      },
    },
    drops: { drop: (reason) => drops.push(reason) },
    advice: { once: () => {} },
  });
  const pitStatus = new Map<number, number>();
  const observe = (model: RaceModel): void => {
    for (const car of model.cars) {
      if (car.pitStatus !== 0 && (pitStatus.get(car.index) ?? 0) === 0) out.pitEntries.set(car.index, [...(out.pitEntries.get(car.index) ?? []), car.completedLaps + 1]);
      pitStatus.set(car.index, car.pitStatus);
    }
    for (const e of model.events) {
      if (e.code === "PENA") out.penalties.push(e.car);
      if (e.code === "RTMT") out.retirements.push(e.car);
    }
  };
  for (const d of simulateSession(race as typeof simulatedRace, observe)) {
    decoder.decode(d.data, 1.7e18 + d.timeMs * 1e6, "127.0.0.1:40000");
    out.datagrams++;
  }
  if (drops.length > 0) throw new Error(`racetel's decoder dropped simulated packets: ${drops.slice(0, 5).join(", ")}`);
  return out;
}
