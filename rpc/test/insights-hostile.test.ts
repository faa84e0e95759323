// Insights on hostile values: whatever numbers a frame carries past validation (NaN, infinities, huge,
// negative, laps going backwards, distances beyond the track), CarInsights never throws, never raises an
// event without a finite size, and keeps its memory bounded by the track it was made for.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { CarInsights } from "../src/insights/car-insights.js";
import { INSIGHT_CAR_METRICS, INSIGHT_WHEEL_METRICS } from "../src/insights/metrics.js";
import { defaultInsightOptions } from "../src/insights/options.js";
import { CAR_CHANNELS, WHEEL_CHANNELS, sessionChannels } from "../src/metrics/channels.js";

const anyNumber = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, -0, 1e308, -1e308), fc.integer({ min: -5, max: 300 }));

describe("insights on hostile values", () => {
  it("never throw, and every event raised has a finite size", () => {
    fc.assert(fc.property(
      fc.constantFrom("f1", "acc", "f1_simulated", "f1_live", "unspecified"),
      fc.array(fc.tuple(fc.array(anyNumber, { minLength: CAR_CHANNELS.length, maxLength: CAR_CHANNELS.length }),
        fc.array(anyNumber, { minLength: WHEEL_CHANNELS.length * 4, maxLength: WHEEL_CHANNELS.length * 4 }),
        fc.array(anyNumber, { minLength: sessionChannels.length, maxLength: sessionChannels.length })), { minLength: 1, maxLength: 40 }),
      (game, samples) => {
        const raised: number[] = [];
        const insights = new CarInsights(game, defaultInsightOptions(), (_n, _d, value) => raised.push(value));
        let t = 1.7e18;
        for (const [v, w, s] of samples) {
          t += 1e8;
          insights.sample(Float64Array.from(v), Float64Array.from(w), Float64Array.from(s), t);
        }
        for (const value of raised) assert.ok(Number.isFinite(value), `event size ${value}`);
        assert.equal(insights.values.length, INSIGHT_CAR_METRICS.length);
        assert.equal(insights.wheels.length, INSIGHT_WHEEL_METRICS.length * 4);
      },
    ), { numRuns: 300 });
  });
});
