// Same seed -> identical bytes; another seed or console -> another race; simulated sessions are labelled.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import type { PacketFormat } from "../../src/simulate/encode/layout.js";
import { SIMULATED_UID_TAG, simulateSession, type SessionOptions } from "../../src/simulate/session.js";

function digest(options: SessionOptions): { hash: string; count: number; uid: bigint } {
  const h = createHash("sha256");
  let count = 0;
  let uid = 0n;
  for (const d of simulateSession(options)) {
    h.update(d.data);
    h.update(String(d.timeMs));
    // the first packet of the session (the lobby's LobbyInfo packets before it carry sessionUID 0)
    if (uid === 0n) uid = d.data.readBigUInt64LE(7);
    count++;
  }
  return { hash: h.digest("hex"), count, uid };
}

const base = { cars: 10, laps: 2, track: "spa", rate: 10, seed: 5 } as const;

describe("simulator determinism", () => {
  for (const format of [2023, 2024, 2025] as PacketFormat[]) {
    it(`F1 ${format}: the same seed gives identical bytes, another seed a different race`, () => {
      const a = digest({ format, ...base });
      const b = digest({ format, ...base });
      assert.equal(a.hash, b.hash);
      assert.equal(a.count, b.count);
      const c = digest({ format, ...base, seed: 6 });
      assert.notEqual(c.hash, a.hash);
    });
  }

  it("consoles of one run differ, and every sessionUID carries the SIMU tag", () => {
    const first = digest({ format: 2024, ...base, sessionIndex: 0 });
    const second = digest({ format: 2024, ...base, sessionIndex: 1 });
    assert.notEqual(first.uid, second.uid);
    assert.notEqual(first.hash, second.hash);
    for (const uid of [first.uid, second.uid]) {
      assert.equal(uid >> 32n, SIMULATED_UID_TAG);
      assert.equal(Buffer.from((uid >> 32n).toString(16), "hex").toString("ascii"), "SIMU");
    }
  });
});
