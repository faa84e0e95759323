// Each packet kind at the game's cadence: per tick at --rate, Session and CarSetups 2/s, CarDamage 10/s,
// Participants every 5 s, SessionHistory and TyreSets 20/s with one car per packet in rotation.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PacketId } from "../../src/simulate/encode/layout.js";
import { simulateSession } from "../../src/simulate/session.js";

describe("packet cadence", () => {
  it("matches the game's frequencies at --rate 30", () => {
    const rate = 30;
    const counts = new Map<number, number>();
    const historyCars: number[] = [];
    let lastMs = 0;
    let previousMs = 0;
    for (const d of simulateSession({ format: 2024, cars: 12, laps: 1, track: "silverstone", rate, seed: 3 })) {
      assert.ok(d.timeMs >= previousMs, "send times never go back");
      previousMs = d.timeMs;
      counts.set(d.packetId, (counts.get(d.packetId) ?? 0) + 1);
      if (d.packetId === PacketId.SessionHistory) historyCars.push(d.data[29]!);
      lastMs = d.timeMs;
    }
    const seconds = lastMs / 1000;
    const perSecond = (id: number): number => (counts.get(id) ?? 0) / seconds;
    const near = (id: number, expected: number, what: string): void => {
      const got = perSecond(id);
      assert.ok(Math.abs(got - expected) <= expected * 0.05 + 0.05, `${what}: ${got.toFixed(2)}/s, expected ${expected}/s`);
    };
    assert.ok(seconds > 60, `one lap and the start take more than a minute (${seconds} s)`);
    for (const id of [PacketId.Motion, PacketId.MotionEx, PacketId.CarTelemetry, PacketId.CarStatus, PacketId.LapData]) near(id, rate, `packet ${id}`);
    near(PacketId.Session, 2, "Session");
    near(PacketId.CarSetups, 2, "CarSetups");
    near(PacketId.CarDamage, 10, "CarDamage");
    near(PacketId.Participants, 0.2, "Participants");
    near(PacketId.SessionHistory, 20, "SessionHistory");
    near(PacketId.TyreSets, 20, "TyreSets");
    assert.equal(counts.get(PacketId.FinalClassification), 1);
    // One car per SessionHistory packet, in rotation 0, 1, ..., 11, 0, ...
    for (let i = 0; i < 100; i++) assert.equal(historyCars[i], i % 12);
  });
});
