// A simulated race straight into rpc's store, in this process: simulator -> racetel's F1 decoder -> rpc's
// frame validation -> TelemetryStore (insights on). What the insights raised and predicted, and what the
// simulator's model says really happened, side by side. No sockets: the insight tests judge the maths, the
// e2e alert test judges the wire.
import { racetel } from "@racetel/proto";
import { COMPOUNDS, type RaceModel } from "@racetel/ingest/simulate/model";
import type { ScenarioSpec, ScenarioTruth } from "@racetel/ingest/simulate/scenarios";
import { simulateSession } from "@racetel/ingest/simulate/session";
import { F1Decoder } from "@racetel/ingest/sources/f1/index";
import type { Frame } from "@racetel/ingest/sources/source";
import type { InsightOptions } from "../src/insights/options.js";
import { TelemetryStore, defaultRecording } from "../src/metrics/store.js";
import { validateFrame, type ValidationReport } from "../src/validate.js";

export interface InsightRaceOptions {
  cars: number;
  laps: number;
  track: string;
  seed: number;
  rate?: number;
  scenarios?: ScenarioSpec[];
  insights?: InsightOptions;
}

export interface RaisedInsight {
  car: number;
  name: string;
  detail: string;
  value: number;
  /** Session time, s. */
  timeS: number;
}

/** rpc's predictions and the model's state as a car crossed the line to start `lap`. */
export interface LapLine {
  lap: number;
  timeS: number;
  insight: Float64Array;
  wheels: Float64Array;
}

/** The model's state as the car completed a lap (its own truth). */
export interface ModelLap {
  completed: number;
  fuel: number;
  /** Highest wear of the four tyres, 0..1, and the rate the model wears that tyre at per lap (0..1). */
  wearMax: number;
  wearRate: number;
  /** The car was in the pit lane during the lap. */
  pitted: boolean;
}

export interface InsightRace {
  model: RaceModel;
  truth: ScenarioTruth[];
  raised: RaisedInsight[];
  /** car -> lap -> rpc's values at that lap's line */
  lines: Map<number, Map<number, LapLine>>;
  /** car -> completed laps -> the model's state */
  modelLaps: Map<number, Map<number, ModelLap>>;
  retired: number[];
  /** Insight rows stored for the collector (racetel.insight.event points). */
  storedEvents: number;
  frames: number;
  store: TelemetryStore;
}

const T0_NS = 1.7e18;

export function runInsightRace(o: InsightRaceOptions): InsightRace {
  const store = new TelemetryStore({
    carTimeoutMs: 600_000, sessionTimeoutMs: 600_000, maxSessions: 4, newSessionsPerMinute: 100,
    recording: { ...defaultRecording(), traceSlots: [] },
    ...(o.insights !== undefined ? { insights: o.insights } : {}),
  });
  const raised: RaisedInsight[] = [];
  store.onInsight = (_s, car, name, detail, value, tNs) => raised.push({ car: car.carIndex, name, detail, value, timeS: (tNs - T0_NS) / 1e9 });
  const lines = new Map<number, Map<number, LapLine>>();
  const lastLap = new Map<number, number>();
  const report: ValidationReport = { droppedValue: () => {}, cleanedLabel: () => {} };
  let frames = 0;
  let storedEvents = 0;
  const decoder = new F1Decoder({
    sink: {
      emit(f: Frame) {
        const frame = racetel.v1.Frame.create(f as racetel.v1.IFrame);
        if (validateFrame(frame, report) !== undefined) return;
        frames++;
        const t = Number(frame.receiveTimeUnixNano);
        const session = store.apply(frame, t / 1e6);
        const index = frame.labels?.carIndex;
        if (session === undefined || index === null || index === undefined || frame.payload !== "lap") return;
        const car = session.cars.get(index);
        const lap = frame.lap?.lapNumber ?? 0;
        if (car?.insights === undefined || lap === lastLap.get(index)) return;
        lastLap.set(index, lap);
        let byLap = lines.get(index);
        if (byLap === undefined) lines.set(index, (byLap = new Map()));
        byLap.set(lap, { lap, timeS: (t - T0_NS) / 1e9, insight: car.insights.values.slice(), wheels: car.insights.wheels.slice() });
        // Keep memory flat: the stored rows are counted, not kept.
        if (session.pending.length > 10_000) storedEvents += drain(session.pending);
      },
    },
    drops: { drop: () => {} },
    advice: { once: () => {} },
  });
  const modelLaps = new Map<number, Map<number, ModelLap>>();
  const completed = new Map<number, number>();
  const inPit = new Map<number, boolean>();
  const retired: number[] = [];
  let model: RaceModel | undefined;
  const observe = (m: RaceModel): void => {
    model = m;
    for (const e of m.events) if (e.code === "RTMT") retired.push(e.car);
    for (const car of m.cars) {
      if (car.inPitLane) inPit.set(car.index, true);
      if (car.completedLaps === (completed.get(car.index) ?? 0)) continue;
      completed.set(car.index, car.completedLaps);
      let byLap = modelLaps.get(car.index);
      if (byLap === undefined) modelLaps.set(car.index, (byLap = new Map()));
      // Model wheel order RL RR FL FR; fronts (2, 3) wear 1.15 times faster.
      const wearMax = Math.max(...car.tyreWear) / 100;
      byLap.set(car.completedLaps, { completed: car.completedLaps, fuel: car.fuel, wearMax, wearRate: (COMPOUNDS[car.compound].wearPerLap * 1.15) / 100, pitted: inPit.get(car.index) === true });
      inPit.set(car.index, false);
    }
  };
  for (const d of simulateSession({ format: 2024, cars: o.cars, laps: o.laps, track: o.track, rate: o.rate ?? 10, seed: o.seed, scenarios: o.scenarios ?? [] }, observe)) {
    decoder.decode(d.data, T0_NS + d.timeMs * 1e6, "127.0.0.1:40000");
  }
  for (const s of store.sessions.values()) storedEvents += drain(s.pending);
  return { model: model!, truth: model!.truth, raised, lines, modelLaps, retired, storedEvents, frames, store };
}

/** Counts and drops the insight event rows of a session's pending rows. */
function drain(pending: { attrs: Record<string, unknown> }[]): number {
  let n = 0;
  for (const g of pending) if (g.attrs["insight"] !== undefined) n++;
  pending.length = 0;
  return n;
}
