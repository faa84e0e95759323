// The race model does not depend on the format, so the same seed in F1 24 and F1 25 is the same race:
// racetel must decode identical frames from both streams, except for what truly differs by game year.
// With F1 24 cross-checked against the peer decoder, this carries that check over to F1 25 (which the peer
// does not read).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { simulateSession } from "../../src/simulate/session.js";
import type { Frame } from "../../src/sources/source.js";
import { racetelDecoder } from "./helpers.js";

/** Frame fields that legitimately differ between the F1 24 and F1 25 streams of one race. */
const BY_YEAR = new Set(["labels.format", "labels.team", "participant.teamName", "session.gameVersion",
  // F1 25 adds wheel camber, chassis pitch and tyre blisters
  ...["frontLeft", "frontRight", "rearLeft", "rearRight"].flatMap((w) => [`motion.detail.wheelCamberRad.${w}`, `motion.detail.wheelCamberGainRad.${w}`, `damage.tyreBlisters.${w}`]),
  "motion.detail.wheelCamberRad", "motion.detail.wheelCamberGainRad", "damage.tyreBlisters", "motion.detail.chassisPitchRad"]);

function differences(a: unknown, b: unknown, path: string, out: Set<string>): void {
  if (a && b && typeof a === "object" && typeof b === "object") {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
    }
    return;
  }
  if (!Object.is(a, b) && JSON.stringify(a) !== JSON.stringify(b)) out.add(path);
}

describe("F1 24 and F1 25 streams of one race", () => {
  it("decode to the same frames apart from format, game version and team names", () => {
    const options = { cars: 10, laps: 2, track: "spa", rate: 10, seed: 21 } as const;
    const s24 = simulateSession({ format: 2024, ...options });
    const s25 = simulateSession({ format: 2025, ...options });
    const d24 = racetelDecoder();
    const d25 = racetelDecoder();
    let datagrams = 0;
    let frames = 0;
    while (true) {
      const a = s24.next();
      let b = s25.next();
      // F1 25 alone sends LapPositions (once a second): the rest of the streams is packet for packet the same.
      while (!b.done && b.value.packetId === 15) b = s25.next();
      assert.equal(a.done, b.done, "both streams end together");
      if (a.done || b.done) break;
      assert.equal(a.value.packetId, b.value.packetId);
      assert.equal(a.value.timeMs, b.value.timeMs);
      const fa = d24.decode(a.value.data, a.value.timeMs).frames;
      const fb = d25.decode(b.value.data, b.value.timeMs).frames;
      assert.equal(fa.length, fb.length, `frames of packet ${a.value.packetId} at ${a.value.timeMs} ms`);
      for (let i = 0; i < fa.length; i++) {
        const diff = new Set<string>();
        differences(fa[i] as Frame, fb[i] as Frame, "", diff);
        for (const field of diff) assert.ok(BY_YEAR.has(field), `packet ${a.value.packetId} at ${a.value.timeMs} ms: ${field} differs`);
      }
      datagrams++;
      frames += fa.length;
    }
    assert.deepEqual(d24.drops, {});
    assert.deepEqual(d25.drops, {});
    assert.ok(datagrams > 15000 && frames > 50000, `${datagrams} datagrams, ${frames} frames compared`);
  });
});
