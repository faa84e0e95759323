import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { racetel } from "@racetel/proto";
import { IngestCounters } from "../../src/observability/counters.js";
import { FrameWriterBatchEncoder, GeneratedCodeBatchEncoder } from "../../src/pipeline/batch-encoder.js";
import type { BatchSink } from "../../src/pipeline/batch-sink.js";
import { FrameBatcher } from "../../src/pipeline/frame-batcher.js";
import { JsonLinesBatchSink } from "../../src/pipeline/stdout-sink.js";
import type { Frame } from "../../src/sources/source.js";

/** A decoder-style frame object that is overwritten for every car, as real decoders do. */
function telemetryFrame(reused: Frame, car: number): Frame {
  reused.labels = { source: "f1:192.168.1.20", game: racetel.v1.Game.GAME_F1, format: "2023", sessionId: "18446744073709551615", carIndex: car, driver: `PÉREZ ${car}`, team: "Red Bull Racing" };
  reused.receiveTimeUnixNano = 1_763_950_000_000_000_000 + car;
  reused.sessionTimeS = 123.25;
  reused.gameFrame = 4242 + car;
  reused.telemetry = { speedMps: 80 + car, gear: (car % 8) + 1, engineRpm: 11000, throttle: 1, tyreSurfaceTemperatureCelsius: { frontLeft: 95, frontRight: 96, rearLeft: 97, rearRight: 98 } };
  return reused;
}

class CollectingSink implements BatchSink {
  batches: { bytes: Buffer; frames: number; at: number }[] = [];
  sendBatch(bytes: Buffer, frames: number): void {
    this.batches.push({ bytes, frames, at: performance.now() });
  }
}

test("batches are sealed by size, hold every frame in order and decode as PublishRequest", () => {
  const sink = new CollectingSink();
  const counters = new IngestCounters();
  const batcher = new FrameBatcher(sink, counters, { maxBytes: 4096, maxAgeMs: 10_000 });
  const reused: Frame = {};
  for (let i = 0; i < 500; i++) batcher.emit(telemetryFrame(reused, i % 22));
  batcher.flush();
  assert.equal(counters.framesEmitted, 500);
  assert.ok(sink.batches.length > 10, `${sink.batches.length} batches`);
  let seen = 0;
  for (const batch of sink.batches) {
    // Sealed as soon as it reached maxBytes: at most one frame over.
    assert.ok(batch.bytes.length < 4096 + 200, `batch of ${batch.bytes.length} bytes`);
    const request = racetel.v1.PublishRequest.decode(batch.bytes);
    assert.equal(request.frames.length, batch.frames);
    for (const frame of request.frames) {
      assert.equal(frame.labels?.carIndex, seen % 22);
      assert.equal(frame.labels?.driver, `PÉREZ ${seen % 22}`);
      assert.equal(frame.labels?.sessionId, "18446744073709551615");
      assert.equal(frame.telemetry?.speedMps, 80 + (seen % 22));
      seen++;
    }
  }
  assert.equal(seen, 500);
  assert.equal(counters.batchesSealed, sink.batches.length);
});

test("a lone frame is sealed by age", async () => {
  const sink = new CollectingSink();
  const batcher = new FrameBatcher(sink, new IngestCounters(), { maxBytes: 64 * 1024, maxAgeMs: 20 });
  const started = performance.now();
  batcher.emit(telemetryFrame({}, 3));
  assert.equal(sink.batches.length, 0);
  await sleep(200);
  assert.equal(sink.batches.length, 1);
  assert.ok(sink.batches[0].at - started >= 19, `sealed after ${sink.batches[0].at - started} ms`);
  assert.equal(racetel.v1.PublishRequest.decode(sink.batches[0].bytes).frames[0].labels?.carIndex, 3);
});

test("a frame that cannot be encoded is counted and skipped, the batch stays intact", () => {
  const sink = new CollectingSink();
  const counters = new IngestCounters();
  const errors: unknown[] = [];
  const batcher = new FrameBatcher(sink, counters, { maxBytes: 64 * 1024, maxAgeMs: 10_000, onEncodeError: (e) => errors.push(e) });
  batcher.emit(telemetryFrame({}, 1));
  batcher.emit({ labels: { source: 5 as unknown as string } });
  batcher.emit(telemetryFrame({}, 2));
  batcher.flush();
  assert.equal(counters.packetsDroppedByReason.get("frame_encode_error"), 1);
  assert.equal(errors.length, 1);
  const frames = racetel.v1.PublishRequest.decode(sink.batches[0].bytes).frames;
  assert.deepEqual(frames.map((f) => f.labels?.carIndex), [1, 2]);
});

test("FrameWriter batches are byte-identical to the generated code's encoding", () => {
  const fast = new FrameWriterBatchEncoder(1024);
  const reference = new GeneratedCodeBatchEncoder(1024);
  const reused: Frame = {};
  for (let i = 0; i < 64; i++) {
    fast.appendFrame(telemetryFrame(reused, i % 22));
    reference.appendFrame(reused);
  }
  assert.equal(fast.count, 64);
  assert.ok(fast.take().equals(reference.take()));
});

test("stdout sink prints one proto3 JSON frame per line", () => {
  let text = "";
  const out = new Writable({ write(chunk: Buffer, _enc, cb) { text += chunk.toString(); cb(); } });
  const batcher = new FrameBatcher(new JsonLinesBatchSink(out), new IngestCounters(), { maxBytes: 64 * 1024, maxAgeMs: 10_000 });
  batcher.emit(telemetryFrame({}, 7));
  batcher.emit(telemetryFrame({}, 8));
  batcher.flush();
  const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as { labels: { carIndex: number; game: string; sessionId: string }; receiveTimeUnixNano: string; telemetry: { gear: number } });
  assert.equal(lines.length, 2);
  assert.equal(lines[0].labels.carIndex, 7);
  assert.equal(lines[0].labels.game, "GAME_F1");
  // proto3 JSON: 64-bit integers are strings.
  assert.equal(typeof lines[1].receiveTimeUnixNano, "string");
  assert.equal(lines[1].telemetry.gear, 1);
});
