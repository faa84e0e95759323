// Session sharding over several rpc targets: each session goes whole to one target, chosen by a hash
// of its id, and the split parts are valid PublishRequests.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RpcStreamClient, sessionHash, shardBatch } from "@racetel/ingest/stream/index";
import { splitBySession } from "@racetel/ingest/stream/shard";
import { racetel } from "@racetel/proto";
import { encodeBatch, raceTick, silentLogger, startTestRpc, waitFor } from "../../../rpc/test/helpers.js";
import type { TestRpc } from "../../../rpc/test/helpers.js";

describe("session sharding", () => {
  it("splits a mixed batch by session without decoding, into valid PublishRequests", () => {
    const sessions = ["1", "22", "333", "4444", "55555", "13490268915186440000"];
    const frames = sessions.flatMap((s) => raceTick(s, 0, 2));
    const { parts, frames: counts } = shardBatch(encodeBatch(frames), 3);
    let total = 0;
    for (let shard = 0; shard < 3; shard++) {
      const part = parts[shard];
      if (part === undefined) continue;
      const decoded = racetel.v1.PublishRequest.decode(part);
      assert.equal(decoded.frames.length, counts[shard]);
      total += decoded.frames.length;
      for (const f of decoded.frames) assert.equal(sessionHash(f.labels!.sessionId!) % 3, shard);
    }
    assert.equal(total, frames.length);
  });

  it("splits a batch per session for Kafka: the id as the key, the frames in their order, unlabelled frames under the empty key", () => {
    const sessions = ["7", "13490268915186440000", "acc:lobby-1"];
    const frames = [0, 1, 2].flatMap((tick) => sessions.flatMap((s) => raceTick(s, tick, 2)));
    frames.push({ telemetry: { speedMps: 1 } });
    const parts = splitBySession(encodeBatch(frames));
    assert.deepEqual(parts.map((p) => p.sessionId.toString("utf8")), [...sessions, ""]);
    for (const p of parts) {
      const decoded = racetel.v1.PublishRequest.decode(p.bytes);
      assert.equal(decoded.frames.length, p.frames);
      const expected = frames.filter((f) => (f.labels?.sessionId ?? "") === p.sessionId.toString("utf8"));
      assert.ok(p.bytes.equals(encodeBatch(expected)), "the session's frames, byte for byte, in their order");
    }
    assert.deepEqual(splitBySession(Buffer.alloc(0)), []);
  });

  describe("over two real rpc targets", () => {
    const rpcs: TestRpc[] = [];
    let client: RpcStreamClient | undefined;
    after(async () => {
      client?.close();
      await Promise.all(rpcs.map((r) => r.stop()));
    });

    it("keeps each session on one rpc", async () => {
      rpcs.push(await startTestRpc(), await startTestRpc());
      client = new RpcStreamClient({ targets: rpcs.map((r) => r.target), instance: "ingest-shard", logger: silentLogger });
      const sessions = Array.from({ length: 12 }, (_, i) => String(1000 + i));
      for (let tick = 0; tick < 3; tick++) client.sendBatch(encodeBatch(sessions.flatMap((s) => raceTick(s, tick, 2))), sessions.length * 9);
      await waitFor("all frames delivered", () => rpcs[0]!.service.counters.framesAccepted + rpcs[1]!.service.counters.framesAccepted >= 3 * sessions.length * 9);
      const on0 = new Set(rpcs[0]!.service.store.sessions.keys());
      const on1 = new Set(rpcs[1]!.service.store.sessions.keys());
      assert.ok(on0.size > 0 && on1.size > 0, `both rpcs got sessions (${on0.size}, ${on1.size})`);
      for (const s of sessions) {
        assert.ok(on0.has(s) !== on1.has(s), `session ${s} lives on exactly one rpc`);
        assert.equal(on1.has(s) ? 1 : 0, sessionHash(s) % 2);
      }
    });
  });
});
