// The player's chassis detail (MotionEx, id 13) rides on the Motion frame of the SAME game frame, whichever
// packet arrives first; and a car's best lap is reported only when every lap of it is known.
import assert from "node:assert/strict";
import { test } from "node:test";
import { F1Decoder } from "../../src/sources/f1/index.js";
import { T0_NS, raceDump, readClip, recordingContext } from "./helpers.js";

function decodeAll(datagrams: Buffer[]) {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  datagrams.forEach((d, i) => assert.ok(decoder.decode(d, T0_NS + i * 1e6, "10.0.0.9:1")));
  decoder.flush();
  return rec.frames;
}

/** MotionEx wheel speeds (RL, RR, FL, FR at offset 29 + 3*16) by frame identifier, read straight from the bytes. */
function motionExWheelSpeeds(datagrams: Buffer[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const d of datagrams) {
    if (d[6] !== 13) continue;
    const at = 29 + 3 * 16; // after suspension position, velocity, acceleration (4 floats each)
    out.set(d.readUInt32LE(23), [0, 1, 2, 3].map((w) => d.readFloatLE(at + w * 4)));
  }
  return out;
}

for (const [name, datagrams] of [["F1 23 race dump", raceDump()], ["F1 24 clip a", readClip("time-trial-clip-a.bin").map((c) => c.data)]] as const) {
  test(`${name}: every MotionEx lands on the player's Motion frame of its own game frame, the first and the last too`, () => {
    const frames = decodeAll([...datagrams]);
    const ex = motionExWheelSpeeds([...datagrams]);
    const player = datagrams[0]!.readUInt8(27);
    const playerMotion = frames.filter((f) => f.motion && f.labels!.carIndex === player);
    const withDetail = playerMotion.filter((f) => f.motion!.detail);
    const motionFrames = new Set(datagrams.filter((d) => d[6] === 0).map((d) => d.readUInt32LE(23)));
    const paired = [...ex.keys()].filter((id) => motionFrames.has(id));
    assert.ok(paired.length > 10, `game frames with both packets: ${paired.length}`);
    assert.equal(withDetail.length, paired.length, "one detail per game frame that has both packets");
    for (const f of withDetail) {
      const speeds = ex.get(Number(f.gameFrame));
      assert.ok(speeds, `detail on frame ${String(f.gameFrame)}, which has no MotionEx`);
      const w = f.motion!.detail!.wheelSpeedMps!;
      assert.deepEqual([w.rearLeft, w.rearRight, w.frontLeft, w.frontRight].map((v) => Math.fround(v ?? 0)), speeds.map(Math.fround));
    }
    const firstPaired = playerMotion.find((f) => ex.has(Number(f.gameFrame)))!;
    assert.ok(firstPaired.motion!.detail, "the first motion frame with a MotionEx has its detail");
    for (const f of playerMotion) assert.equal(Boolean(f.motion!.detail), ex.has(Number(f.gameFrame)), `frame ${String(f.gameFrame)}`);
    assert.equal(Number(withDetail.at(-1)!.gameFrame), Math.max(...paired), "the last MotionEx is sent");
    // Every player Motion frame is sent exactly once, detail or not.
    assert.equal(playerMotion.length, datagrams.filter((d) => d[6] === 0).length);
  });
}

test("F1 23 race dump: frame 5905's detail is frame 5905's (wheel speed rear left 45.386 m/s), not frame 5903's", () => {
  const frames = decodeAll(raceDump());
  const f = frames.find((x) => x.motion?.detail && Number(x.gameFrame) === 5905);
  assert.ok(f, "frame 5905 carries detail");
  assert.ok(Math.abs(f.motion!.detail!.wheelSpeedMps!.rearLeft! - 45.386) < 0.001, `rear left ${f.motion!.detail!.wheelSpeedMps!.rearLeft}`);
});

test("best lap: unknown (0) until every lap of the car is known, then the game's own best, never the last lap", () => {
  const frames = decodeAll(raceDump());
  let carsSeenBeforeHistory = 0;
  for (let car = 0; car < 20; car++) {
    const mine = frames.filter((f) => f.labels!.carIndex === car);
    const firstHistory = mine.findIndex((f) => f.finishedLap);
    assert.ok(firstHistory >= 0, `car ${car} has lap history`);
    const before = mine.slice(0, firstHistory).filter((f) => f.lap);
    // The capture starts on lap 4: before the history arrives, laps 1-3 are unknown, so is the best.
    for (const f of before) assert.equal(f.lap!.bestLapTimeMs, 0, `car ${car} before its history`);
    if (before.some((f) => f.lap!.lastLapTimeMs! > 0)) carsSeenBeforeHistory++;
    const best = Math.min(...mine.filter((f) => f.finishedLap?.valid).map((f) => f.finishedLap!.lapTimeMs!));
    for (const f of mine.slice(firstHistory).filter((x) => x.lap)) assert.equal(f.lap!.bestLapTimeMs, best, `car ${car} after its history`);
  }
  assert.ok(carsSeenBeforeHistory >= 5, `cars with a last lap shown before their history: ${carsSeenBeforeHistory}`);
  // Car 6 of the issue: best 76,705 ms although its last lap was 76,726 ms.
  const car6 = frames.filter((f) => f.labels!.carIndex === 6 && f.lap);
  assert.ok(car6.every((f) => f.lap!.bestLapTimeMs === 76705 || f.lap!.bestLapTimeMs === 0));
  assert.ok(car6.some((f) => f.lap!.lastLapTimeMs === 76726 && f.lap!.bestLapTimeMs === 76705));
});
