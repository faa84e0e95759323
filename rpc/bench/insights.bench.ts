// What the race-engineer insights cost rpc: one simulated console (F1 24, 20 cars, 60 Hz, the game's
// default send rate) decoded by racetel's F1 decoder, validated once, and applied to two stores side by
// side, one with insights and one without. Prints the apply time per frame, the CPU share of one core per
// console and per car, and the memory insights hold per car, with the ratio of the two in the same run.
import v8 from "node:v8";
import vm from "node:vm";
import { racetel } from "@racetel/proto";
import { simulateSession } from "@racetel/ingest/simulate/session";
import { F1Decoder } from "@racetel/ingest/sources/f1/index";
import type { Frame } from "@racetel/ingest/sources/source";
import { DEFAULT_TRACE_CHANNELS, traceSlots } from "../src/metrics/catalogue.js";
import { TelemetryStore, defaultRecording } from "../src/metrics/store.js";
import { defaultInsightOptions } from "../src/insights/options.js";
import { validateFrame } from "../src/validate.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const race = { format: 2024, cars: 20, laps: Number(process.env.BENCH_LAPS ?? 6), track: "monza", rate: 60, seed: 1 } as const;
const T0 = 1.7e18;

function store(insights: boolean): TelemetryStore {
  return new TelemetryStore({
    carTimeoutMs: 600_000, sessionTimeoutMs: 600_000, maxSessions: 4, newSessionsPerMinute: 100,
    recording: { ...defaultRecording(), traceSlots: traceSlots(DEFAULT_TRACE_CHANNELS) },
    insights: { ...defaultInsightOptions(), enabled: insights },
  });
}

const stores = { off: store(false), on: store(true) };
const ns = { off: 0, on: 0 };
let frames = 0;
let lastT = 0;
const report = { droppedValue: () => {}, cleanedLabel: () => {} };
const decoder = new F1Decoder({
  sink: {
    emit(f: Frame) {
      const frame = racetel.v1.Frame.create(f as racetel.v1.IFrame);
      if (validateFrame(frame, report) !== undefined) return;
      const t = Number(frame.receiveTimeUnixNano);
      lastT = t;
      frames++;
      // Alternate which store goes first, so neither always gets the warmer cache.
      const order = (frames & 1) === 0 ? (["off", "on"] as const) : (["on", "off"] as const);
      for (const k of order) {
        const s = process.hrtime.bigint();
        stores[k].apply(frame, t / 1e6);
        ns[k] += Number(process.hrtime.bigint() - s);
      }
      if ((frames & 0xffff) === 0) for (const st of Object.values(stores)) for (const session of st.sessions.values()) session.pending.length = 0;
    },
  },
  drops: { drop: () => {} },
  advice: { once: () => {} },
});
for (const d of simulateSession(race)) decoder.decode(d.data, T0 + d.timeMs * 1e6, "127.0.0.1:40000");

const raceS = (lastT - T0) / 1e9;
const perFrame = (k: "on" | "off"): number => ns[k] / frames;
const share = (k: "on" | "off"): number => ns[k] / 1e9 / raceS;
console.log(`one console: ${race.cars} cars, ${race.laps} laps of ${race.track} at ${race.rate} Hz, ${frames.toLocaleString("en")} frames over ${raceS.toFixed(0)} s of session time; insights raised: ${stores.on.insightsRaised}`);
console.log(`store.apply without insights: ${perFrame("off").toFixed(0)} ns/frame, ${(share("off") * 100).toFixed(2)}% of one core per console, ${(share("off") * 100 / race.cars).toFixed(3)}% per car`);
console.log(`store.apply with insights:    ${perFrame("on").toFixed(0)} ns/frame, ${(share("on") * 100).toFixed(2)}% of one core per console, ${(share("on") * 100 / race.cars).toFixed(3)}% per car`);
console.log(`insights cost: +${(perFrame("on") - perFrame("off")).toFixed(0)} ns/frame, +${((share("on") - share("off")) * 100).toFixed(2)}% of a core per console (ratio with/without ${(ns.on / ns.off).toFixed(2)})`);

// Memory: the same cars with and without their insight state (baselines, rates, windows).
for (const st of Object.values(stores)) for (const session of st.sessions.values()) session.pending.length = 0;
// Typed arrays keep their bytes outside the JS heap: count both.
const used = (): number => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
gc();
const withInsights = used();
for (const session of stores.on.sessions.values()) for (const car of session.cars.values()) car.insights = undefined;
gc();
const without = used();
console.log(`insight state held: ${((withInsights - without) / 1024 / race.cars).toFixed(1)} KiB per car, ${((withInsights - without) / 1024 / 1024).toFixed(2)} MiB per console of ${race.cars} cars`);
