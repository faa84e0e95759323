// The generated encoders on real traffic: every frame the F1 decoder makes from the F1 23 race capture
// (ingest's source of truth, imported for this test only) decodes the same from the fast bytes as from
// protobufjs' bytes, and ingest's batch encoder produces PublishRequests protobufjs reads back frame by frame.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { FrameWriter, encodeFrame, racetel } from "@racetel/proto";
import { F1Decoder, splitF1Dump } from "@racetel/ingest/sources/f1/index";
import { GeneratedEncoderBatchEncoder } from "@racetel/ingest/pipeline/batch-encoder";
import { protoRoot } from "./support/sample-frames.js";

const v1 = racetel.v1;
const asObject = { longs: String, enums: Number, bytes: String, defaults: true, arrays: true, objects: true, oneofs: true };
const sharedDir = process.env["RACETEL_SHARED_DIR"] ?? path.resolve(protoRoot, "../../shared");
const dumpPath = path.join(sharedDir, "captures", "f1-23", "race-20cars-v1.21.dump");

test("frames of the real F1 23 capture decode the same from the fast bytes as from protobufjs'", () => {
  assert.ok(existsSync(dumpPath), `missing the shared capture ${dumpPath} (set RACETEL_SHARED_DIR to the folder holding captures/)`);
  const datagrams = splitF1Dump(readFileSync(dumpPath));
  const w = new FrameWriter(64 * 1024);
  const batch = new GeneratedEncoderBatchEncoder(64 * 1024);
  const kinds = new Map<string, number>();
  let frames = 0;
  let fastBytes = 0;
  let referenceBytes = 0;
  const expectedInBatch: Uint8Array[] = [];
  const sink = {
    emit(frame: racetel.v1.IFrame): void {
      encodeFrame(w, frame);
      const fast = w.take();
      const reference = v1.Frame.encode(frame).finish();
      const a = v1.Frame.toObject(v1.Frame.decode(fast), asObject);
      const b = v1.Frame.toObject(v1.Frame.decode(reference), asObject);
      assert.deepStrictEqual(a, b, `frame ${frames} (${String(b["payload"])})`);
      kinds.set(String(b["payload"]), (kinds.get(String(b["payload"])) ?? 0) + 1);
      frames++;
      fastBytes += fast.length;
      referenceBytes += reference.length;
      batch.appendFrame(frame);
      expectedInBatch.push(reference);
      if (batch.length > 60_000) checkBatch();
    },
  };
  const checkBatch = (): void => {
    const decoded = v1.PublishRequest.decode(batch.take()).frames;
    assert.equal(decoded.length, expectedInBatch.length);
    decoded.forEach((f, i) => assert.deepStrictEqual(v1.Frame.toObject(f as racetel.v1.Frame, asObject), v1.Frame.toObject(v1.Frame.decode(expectedInBatch[i]!), asObject)));
    expectedInBatch.length = 0;
  };
  let drops = 0;
  const decoder = new F1Decoder({ sink, drops: { drop: () => { drops++; } }, advice: { once: () => {} } });
  let t = 1.7e18;
  // Two passes: the second one hits the memoised labels of every car.
  for (let pass = 0; pass < 2; pass++) for (const d of datagrams) decoder.decode(d, (t += 1e7), "192.168.1.20:53001");
  checkBatch();
  assert.equal(drops, 0);
  assert.ok(frames > 30_000, `only ${frames} frames`);
  for (const kind of ["telemetry", "motion", "lap", "status", "damage", "session", "participant", "event"]) {
    assert.ok((kinds.get(kind) ?? 0) > 0, `no ${kind} frame in the capture run`);
  }
  assert.ok(fastBytes <= referenceBytes, "fast bytes never exceed protobufjs' (defaults skipped)");
});
