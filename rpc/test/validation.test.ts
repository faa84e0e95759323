// rpc rejects frames it cannot place, counts them per reason, answers the stream with the counts, and ends
// a stream whose bytes do not decode with INVALID_ARGUMENT. A number out of its range is dropped alone (the
// rest of the frame kept, counted by field); a label with control characters is cleaned (counted).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { ingestServiceDefinition, racetel } from "@racetel/proto";
import { collectOnce, encodeBatch, labels, metric, pointValue, startTestRpc } from "./helpers.js";
import type { TestRpc } from "./helpers.js";

function publish(target: string, batches: Buffer[]): Promise<{ err: grpc.ServiceError | null; res: racetel.v1.PublishResponse | undefined }> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    const call = client.makeClientStreamRequest<Buffer, racetel.v1.PublishResponse>(
      ingestServiceDefinition.publish.path, (b) => b, (b) => racetel.v1.PublishResponse.decode(b), (err, res) => {
        client.close();
        resolve({ err, res });
      });
    for (const b of batches) call.write(b);
    call.end();
  });
}

describe("frame validation", () => {
  let rpc: TestRpc;
  before(async () => { rpc = await startTestRpc(); });
  after(async () => { await rpc.stop(); });

  it("rejects frames it cannot place, drops impossible values alone, cleans unsafe labels", async () => {
    const good = { labels: labels("900", 1), telemetry: { speedMps: 80, throttle: 1 } };
    const rejected: racetel.v1.IFrame[] = [
      { telemetry: { speedMps: 10 } }, // no labels
      { labels: { ...labels("900", 2), sessionId: "" }, telemetry: { speedMps: 10 } },
      { labels: { ...labels("9\n00", 2) }, telemetry: { speedMps: 10 } }, // a session id no tag store takes
      { labels: { ...labels("a".repeat(3_000), 2) }, telemetry: { speedMps: 10 } },
      { labels: labels("900", 5000), telemetry: { speedMps: 10 } },
      { labels: labels("900", 3) }, // no payload
      { labels: labels("900", 3), sessionTimeS: -5, telemetry: { speedMps: 10 } }, // an impossible clock
    ];
    const withBadValues: racetel.v1.IFrame[] = [
      { labels: labels("900", 4), telemetry: { speedMps: Number.NaN } },
      { labels: labels("900", 4), telemetry: { speedMps: 42, throttle: 3 } },
      { labels: labels("900", 4), telemetry: { speedMps: 1e30, gear: 3, brake: 0.5 } },
      { labels: labels("900", 4), status: { fuelMassKg: -5, tyreAgeLaps: 2 } },
      { labels: labels("900", 4), lap: { lastLapTimeMs: 4_294_967_280, position: 3 } },
    ];
    const hostileLabels = { labels: { ...labels("900", 6), driver: "NL\nX\r", track: "x".repeat(5000) }, telemetry: { speedMps: 50 } };
    const { err, res } = await publish(rpc.target, [encodeBatch([good, ...rejected, ...withBadValues, hostileLabels, good])]);
    assert.equal(err, null);
    assert.equal(Number(res!.framesAccepted), 2 + withBadValues.length + 1);
    assert.equal(Number(res!.framesRejected), rejected.length);
    const r = rpc.service.counters.rejected;
    assert.equal(r.get("missing_labels"), 1);
    assert.equal(r.get("missing_session_id"), 1);
    assert.equal(r.get("bad_session_id"), 2);
    assert.equal(r.get("car_index_out_of_range"), 1);
    assert.equal(r.get("missing_payload"), 1);
    assert.equal(r.get("out_of_range"), 1);
    const dropped = rpc.service.counters.valuesDropped;
    assert.deepEqual(Object.fromEntries([...dropped].sort()), {
      "lap.lastLapTimeMs": 1, "status.fuelMassKg": 1, "telemetry.speedMps": 2, "telemetry.throttle": 1,
    });
    assert.equal(rpc.service.counters.labelsCleaned.get("driver"), 1);
    assert.equal(rpc.service.counters.labelsCleaned.get("track"), 1);
    const metrics = await collectOnce(rpc);
    assert.equal(pointValue(metrics, "racetel.car.speed", { car_index: "1" }), 80);
    assert.equal(pointValue(metrics, "racetel.car.speed", { car_index: "4" }), 42, "a dropped value is never stored: the last good one stands");
    assert.equal(pointValue(metrics, "racetel.car.gear", { car_index: "4" }), 3, "the rest of the frame is kept");
    assert.equal(pointValue(metrics, "racetel.car.brake", { car_index: "4" }), 0.5);
    assert.equal(pointValue(metrics, "racetel.car.tyre.age", { car_index: "4" }), 2);
    assert.equal(pointValue(metrics, "racetel.car.race_position", { car_index: "4" }), 3);
    const lastLap = metrics.find((m) => m.descriptor.name === "racetel.car.lap.last_time");
    assert.equal(lastLap?.dataPoints.find((p) => p.attributes["car_index"] === "4"), undefined, "an impossible lap time is not stored");
    const six = metric(metrics, "racetel.car.speed").dataPoints.find((p) => p.attributes["car_index"] === "6");
    assert.equal(six?.attributes["driver"], "NLX", "the driver label without its control characters");
    assert.equal(String(six?.attributes["track"]).length, 64, "the track label capped");
  });

  it("answers undecodable bytes with INVALID_ARGUMENT and keeps serving", async () => {
    const { err } = await publish(rpc.target, [Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01])]);
    assert.equal(err?.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(rpc.service.counters.rejected.get("decode_error"), 1);
    const again = await publish(rpc.target, [encodeBatch([{ labels: labels("900", 1), telemetry: { speedMps: 81 } }])]);
    assert.equal(again.err, null);
    assert.equal(Number(again.res!.framesAccepted), 1);
  });

  it("a flood of new session ids from one source uses up that source's budget; a new console gets in", async () => {
    const small = await startTestRpc({ maxSessions: 50 });
    try {
      const from = (source: string, id: string, tMs: number): racetel.v1.IFrame =>
        ({ labels: { ...labels(id, 0), source }, receiveTimeUnixNano: tMs * 1e6, telemetry: { speedMps: 10 } });
      const racing = Array.from({ length: 20 }, (_, i) => from("f1:192.168.1.20", "111", 1_000 + i * 100));
      assert.equal(Number((await publish(small.target, [encodeBatch(racing)])).res!.framesAccepted), 20);
      const flood: Buffer[] = [];
      for (let b = 0; b < 100; b++) flood.push(encodeBatch(Array.from({ length: 1000 }, (_, i) => from("f1:10.6.6.6", `f${b}-${i}`, 5_000))));
      const newConsole = encodeBatch([from("f1:192.168.1.21", "222", 5_000)]);
      const { err, res } = await publish(small.target, [...flood.slice(0, 50), newConsole, ...flood.slice(50)]);
      assert.equal(err, null);
      assert.equal(small.service.counters.rejected.get("session_budget"), 100_000 - 30, "the flooding source opened 30 sessions, no more");
      assert.equal(Number(res!.framesAccepted), 31);
      const held = [...small.service.store.sessions.keys()];
      assert.ok(held.includes("111") && held.includes("222"), "the racing console kept, the new one admitted");
      assert.equal(small.service.store.sessions.get("111")!.established, true);
    } finally {
      await small.stop();
    }
  });

  it("full of sessions: a newcomer evicts one that never got going, never a live one; refused only when all are live", async () => {
    const small = await startTestRpc({ maxSessions: 3 });
    try {
      const frame = (source: string, id: string, tMs: number): racetel.v1.IFrame =>
        ({ labels: { ...labels(id, 0), source }, receiveTimeUnixNano: tMs * 1e6, telemetry: { speedMps: 10 } });
      const live = (id: string) => Array.from({ length: 20 }, (_, i) => frame(`f1:10.0.0.${id}`, id, (i + 1) * 100));
      await publish(small.target, [encodeBatch(live("1"))]);
      // Spoofed sources, one frame each: they take the free slots and then evict each other.
      const spoofed = Array.from({ length: 200 }, (_, i) => frame(`f1:10.9.${i >> 8}.${i & 255}`, `x${i}`, 3_000));
      await publish(small.target, [encodeBatch(spoofed)]);
      assert.equal(small.service.store.sessionsEvicted, 198);
      await publish(small.target, [encodeBatch(live("2")), encodeBatch(live("3"))]);
      assert.deepEqual([...small.service.store.sessions.keys()].sort(), ["1", "2", "3"]);
      const { res } = await publish(small.target, [encodeBatch([frame("f1:10.0.0.4", "4", 3_000)])]);
      assert.equal(Number(res!.framesRejected), 1, "three live sessions: the fourth waits");
      assert.equal(small.service.counters.rejected.get("too_many_sessions"), 1);
      const text = await (await fetch(`http://127.0.0.1:${small.service.httpPort}/metrics`)).text();
      assert.match(text, /racetel_rpc_sessions_evicted_total 200/);
    } finally {
      await small.stop();
    }
  });

  it("shows the counters on /metrics and /healthz", async () => {
    const text = await (await fetch(`http://127.0.0.1:${rpc.service.httpPort}/metrics`)).text();
    assert.match(text, /racetel_rpc_frames_rejected_total\{reason="bad_session_id"\} 2/);
    assert.match(text, /racetel_rpc_values_dropped_total\{field="telemetry.speedMps"\} 2/);
    assert.match(text, /racetel_rpc_labels_cleaned_total\{label="driver"\} 1/);
    assert.match(text, /racetel_rpc_frames_accepted_total 9/);
    const health = await fetch(`http://127.0.0.1:${rpc.service.httpPort}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, "ok");
  });
});
