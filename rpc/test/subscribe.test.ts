// Subscribe delivers live frames filtered by session, car and payload kind; a subscriber that does not
// read gets frames skipped (counted), never unbounded memory in rpc.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import { racetel, telemetryServiceDefinition } from "@racetel/proto";
import { encodeBatch, raceTick, silentLogger, startTestRpc, waitFor } from "./helpers.js";
import type { TestRpc } from "./helpers.js";

const TelemetryClient = grpc.makeGenericClientConstructor(telemetryServiceDefinition as unknown as grpc.ServiceDefinition, "TelemetryService");

function subscribe(target: string, request: racetel.v1.ISubscribeRequest, metadata = new grpc.Metadata()): { call: grpc.ClientReadableStream<racetel.v1.SubscribeResponse>; ended: Promise<grpc.ServiceError | null>; frames: racetel.v1.IFrame[]; responses: racetel.v1.SubscribeResponse[]; close(): void } {
  const client = new TelemetryClient(target, grpc.credentials.createInsecure()) as unknown as grpc.Client & { subscribe(req: racetel.v1.ISubscribeRequest, md: grpc.Metadata): grpc.ClientReadableStream<racetel.v1.SubscribeResponse> };
  const call = client.subscribe(request, metadata);
  const frames: racetel.v1.IFrame[] = [];
  const responses: racetel.v1.SubscribeResponse[] = [];
  const ended = new Promise<grpc.ServiceError | null>((resolve) => {
    call.on("error", (err: grpc.ServiceError) => resolve(err));
    call.on("end", () => resolve(null));
  });
  call.on("data", (r: racetel.v1.SubscribeResponse) => { responses.push(r); frames.push(...r.frames); });
  return { call, frames, responses, ended, close: () => { call.cancel(); client.close(); } };
}

describe("Subscribe", () => {
  let rpc: TestRpc;
  let ingest: RpcStreamClient;
  before(async () => {
    rpc = await startTestRpc({ subscriberBufferFrames: 50 });
    ingest = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-sub", logger: silentLogger });
  });
  after(async () => {
    ingest.close();
    await rpc.stop();
  });

  it("filters by session, car and payload kind", async () => {
    const carSub = subscribe(rpc.target, { sessionId: "A", carIndices: [2, 5], payloadKinds: ["telemetry", "lap"] });
    const sessionSub = subscribe(rpc.target, { sessionId: "B" });
    const finishedSub = subscribe(rpc.target, { payloadKinds: ["finished_lap"] });
    await waitFor("3 subscribers", () => rpc.service.counters.subscribers === 3);
    ingest.sendBatch(encodeBatch([...raceTick("A", 0, 8), ...raceTick("B", 0, 8)]), 66);
    ingest.sendBatch(encodeBatch([{ labels: { sessionId: "B", carIndex: 1, game: racetel.v1.Game.GAME_F1 }, finishedLap: { lapNumber: 2, lapTimeMs: 91_000 } }]), 1);
    await waitFor("car subscriber got its 4 frames", () => carSub.frames.length >= 4);
    await waitFor("session subscriber got session B", () => sessionSub.frames.length >= 34);
    await waitFor("finished-lap subscriber", () => finishedSub.frames.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(carSub.frames.length, 4);
    for (const f of carSub.frames) {
      assert.equal(f.labels!.sessionId, "A");
      assert.ok([2, 5].includes(f.labels!.carIndex!));
      assert.ok(f.telemetry || f.lap);
    }
    assert.equal(sessionSub.frames.length, 34);
    assert.ok(sessionSub.frames.every((f) => f.labels!.sessionId === "B"));
    assert.equal(finishedSub.frames.length, 1);
    assert.equal(finishedSub.frames[0]!.finishedLap!.lapTimeMs, 91_000);
    carSub.close();
    sessionSub.close();
    finishedSub.close();
    await waitFor("subscribers gone", () => rpc.service.counters.subscribers === 0);
  });

  it("skips and counts frames for a subscriber that does not read", async () => {
    const slow = subscribe(rpc.target, {});
    slow.call.pause();
    await waitFor("subscriber registered", () => rpc.service.counters.subscribers === 1);
    for (let tick = 0; tick < 400; tick++) ingest.sendBatch(encodeBatch(raceTick("C", tick)), 81);
    await waitFor("frames skipped", () => rpc.service.counters.subscriberFramesSkipped > 0, 15_000);
    await waitFor("all frames at rpc", () => rpc.service.counters.framesAccepted >= 400 * 81 + 66 + 1, 15_000);
    slow.call.resume();
    await waitFor("subscriber reads again", () => slow.responses.some((r) => Number(r.framesSkippedTotal) > 0), 15_000);
    const received = slow.frames.length;
    const skipped = Number(slow.responses.at(-1)!.framesSkippedTotal);
    assert.ok(skipped > 0, "the subscriber is told how many frames it missed");
    assert.ok(received + skipped <= 400 * 81, `received ${received} + skipped ${skipped}`);
    slow.close();
  });

  it("refuses subscribers beyond --max-subscribers and oversized filters, and keeps serving the others", async () => {
    const small = await startTestRpc({ maxSubscribers: 2 });
    const feed = new RpcStreamClient({ targets: [small.target], instance: "ingest-cap", logger: silentLogger });
    try {
      const a = subscribe(small.target, { sessionId: "D" });
      const b = subscribe(small.target, {});
      await waitFor("2 subscribers", () => small.service.counters.subscribers === 2);
      const third = subscribe(small.target, {});
      assert.equal((await third.ended)?.code, grpc.status.RESOURCE_EXHAUSTED);
      const huge = subscribe(small.target, { carIndices: Array.from({ length: 1000 }, (_, i) => i % 256) });
      assert.equal((await huge.ended)?.code, grpc.status.INVALID_ARGUMENT, "a filter longer than any car list");
      a.close();
      await waitFor("1 subscriber", () => small.service.counters.subscribers === 1);
      const bad = subscribe(small.target, { carIndices: Array.from({ length: 1000 }, (_, i) => i % 256) });
      assert.equal((await bad.ended)?.code, grpc.status.INVALID_ARGUMENT);
      assert.equal(small.service.counters.subscribersRefused, 3);
      feed.sendBatch(encodeBatch(raceTick("D", 0, 8)), 33);
      await waitFor("the remaining subscriber still gets frames", () => b.frames.length >= 33);
      assert.deepEqual(b.frames.filter((f) => f.telemetry).map((f) => f.labels!.carIndex), [0, 1, 2, 3, 4, 5, 6, 7]);
      b.close();
      third.close();
      huge.close();
      bad.close();
    } finally {
      feed.close();
      await small.stop();
    }
  });
});
