// The generated specialised encoders (gen/racetel-encoders.js) against protobufjs' generated encode():
// byte-identical where every field is set, decode-identical everywhere else (they skip proto3 defaults).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import Long from "long";
import protobuf from "protobufjs";
import { FrameWriter, encodeFrame, encodeFrameLabels, encodePublishRequest, racetel } from "@racetel/proto";
import { loadSpec, protoRoot, sampleFrames } from "./support/sample-frames.js";

const v1 = racetel.v1;
// defaults: true so that "left off the wire" and "written as zero" compare equal; enums as numbers so that
// out-of-range values survive; NaN and -0 are compared exactly by deepStrictEqual (Object.is).
const asObject = { longs: String, enums: Number, bytes: String, defaults: true, arrays: true, objects: true, oneofs: true };
const spec = loadSpec();

function fastFrameBytes(frame: racetel.v1.IFrame, w = new FrameWriter(16)): Buffer {
  encodeFrame(w, frame);
  return w.take();
}

function assertSameDecoded(fast: Uint8Array, reference: Uint8Array, what: string): void {
  const a = v1.Frame.toObject(v1.Frame.decode(fast), asObject);
  const b = v1.Frame.toObject(v1.Frame.decode(reference), asObject);
  assert.deepStrictEqual(a, b, what);
}

test("every sample frame (each payload kind with every field set, and edge cases) decodes to the input", () => {
  const samples = sampleFrames(spec);
  for (const { name, frame: json } of samples) {
    const frame = v1.Frame.fromObject(json);
    const reference = v1.Frame.encode(frame).finish();
    const fast = fastFrameBytes(frame);
    assertSameDecoded(fast, reference, name);
    assert.deepStrictEqual(v1.Frame.toObject(v1.Frame.decode(fast), asObject), v1.Frame.toObject(frame, asObject), name);
    // Every field of the payload_* samples is non-zero: nothing to skip, so the bytes are protobufjs' exactly.
    if (name.startsWith("payload_")) assert.ok(fast.equals(reference), `${name}: bytes differ from protobufjs`);
  }
  // The fast path skips zeros protobufjs writes: the all-zero telemetry frame is shorter.
  const zeros = v1.Frame.fromObject(samples.find((s) => s.name === "minimal_telemetry_zero_values")!.frame);
  assert.ok(fastFrameBytes(zeros).length < v1.Frame.encode(zeros).finish().length);
});

test("every committed vector in proto/testdata re-encodes to the same message", () => {
  const doc = JSON.parse(readFileSync(join(protoRoot, "testdata", "vectors.json"), "utf8")) as { vectors: Array<{ file: string; type: string }> };
  assert.ok(doc.vectors.length > 10, "proto/testdata/vectors.json lists too few vectors");
  for (const { file, type } of doc.vectors) {
    const bytes = readFileSync(join(protoRoot, "testdata", file));
    const w = new FrameWriter(16);
    if (type === "racetel.v1.Frame") {
      const message = v1.Frame.decode(bytes);
      encodeFrame(w, message);
      assertSameDecoded(w.take(), bytes, file);
    } else {
      assert.equal(type, "racetel.v1.PublishRequest", `${file}: no check for ${type}`);
      const message = v1.PublishRequest.decode(bytes);
      encodePublishRequest(w, message);
      const again = v1.PublishRequest.toObject(v1.PublishRequest.decode(w.take()), asObject);
      assert.deepStrictEqual(again, v1.PublishRequest.toObject(message, asObject), file);
    }
  }
});

test("FrameWriter.encodeField writes PublishRequest.frames with 1-, 2- and 3-byte lengths", () => {
  const labels = { source: "f1:10.0.0.1", game: 1, carIndex: 3 };
  // Event bodies: labels + code + message; message lengths chosen so the frame body crosses 127 and 16383.
  const frames = [1, 60, 80, 100, 200, 16300, 16400, 20000].map((n) => ({ labels, event: { code: "CHAT", message: "m".repeat(n) } }));
  const w = new FrameWriter(16);
  for (const f of frames) w.encodeField(1, encodeFrame, f);
  assert.equal(w.count, frames.length);
  const bytes = w.take();
  assert.ok(bytes.equals(v1.PublishRequest.encode({ frames }).finish()), "batch differs from PublishRequest.encode");
});

test("encodeField rolls back a frame whose encoder throws, keeping the batch intact", () => {
  const w = new FrameWriter(16);
  const good = { labels: { source: "a" }, telemetry: { speedMps: 1 } };
  w.encodeField(1, encodeFrame, good);
  const before = Buffer.from(w.view());
  const bad = { labels: { source: "a" }, telemetry: { speedMps: 2, gear: 3, tyrePressureKpa: { get frontLeft(): number { throw new Error("bad wheel"); } } } };
  assert.throws(() => w.encodeField(1, encodeFrame, bad as racetel.v1.IFrame), /bad wheel/);
  assert.equal(w.count, 1);
  assert.ok(w.view().equals(before));
  w.encodeField(1, encodeFrame, good);
  assert.equal(v1.PublishRequest.decode(w.take()).frames.length, 2);
});

test("memoised labels: a changed field is re-encoded, the hidden slot is invisible to deep equality", () => {
  const labels: racetel.v1.IFrameLabels = { source: "f1:10.0.0.1", game: 1, format: "2023", sessionId: "42", carIndex: 0, driver: "", team: "", track: "Monza" };
  const copy = { ...labels };
  const encode = () => { const w = new FrameWriter(16); encodeFrameLabels(w, labels); return v1.FrameLabels.toObject(v1.FrameLabels.decode(w.take()), asObject); };
  assert.equal(encode()["driver"], "");
  assert.equal(encode()["carIndex"], 0, "optional car_index 0 is written");
  assert.equal(encode()["driver"], "", "a memo hit gives the same bytes");
  labels.driver = "VERSTAPPEN";
  assert.equal(encode()["driver"], "VERSTAPPEN");
  labels.carIndex = null;
  assert.equal(encode()["carIndex"], undefined, "car_index null is left off");
  labels.carIndex = 0;
  labels.driver = "";
  assert.deepStrictEqual(labels, copy);
  assert.deepStrictEqual(Object.keys(labels), Object.keys(copy));
  // Frozen objects cannot hold the memo and are simply encoded each time.
  const frozen = Object.freeze({ source: "x", carIndex: 0 });
  const w = new FrameWriter(16);
  encodeFrameLabels(w, frozen);
  encodeFrameLabels(w, frozen);
  assert.equal(w.take().toString("hex"), "0a01782800".repeat(2));
});

// ---- property test over random frames of every payload kind, arbitraries built from the spec --------

const UINT64_MAX = 2n ** 64n - 1n;
function scalarArb(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case "float": return fc.oneof(fc.float(), fc.constantFrom(0, -0, NaN, Infinity));
    case "double": return fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN));
    case "int32": case "sint32": case "sfixed32": return fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, 127, 128));
    case "uint32": case "fixed32": return fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 127, 128, 16384));
    case "uint64": case "fixed64": return fc.oneof(
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(0, 2 ** 32 - 1, 2 ** 32, 1.7e18),
      fc.bigInt({ min: 0n, max: UINT64_MAX }).map((n) => Long.fromString(n.toString(), true)),
      fc.bigInt({ min: 0n, max: UINT64_MAX }).map(String));
    case "int64": case "sint64": case "sfixed64": return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => Long.fromString(n.toString()));
    case "bool": return fc.boolean();
    case "string": return fc.oneof(fc.string({ unit: "binary", maxLength: 12 }), fc.string({ unit: "binary", maxLength: 200 }));
    case "bytes": return fc.uint8Array({ maxLength: 40 });
  }
  throw new Error(`no arbitrary for ${type}`);
}

function messageArb(type: protobuf.Type, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of type.fieldsArray) {
    if (field.partOf && !field.partOf.name.startsWith("_")) continue;
    let value: fc.Arbitrary<unknown>;
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) value = depth > 3 ? fc.constant({}) : messageArb(resolved, depth + 1);
    else if (resolved instanceof protobuf.Enum) value = fc.oneof(fc.constantFrom(...Object.values(resolved.values)), fc.integer({ min: -5, max: 300 }));
    else value = scalarArb(field.type);
    if (field.map) value = fc.dictionary(fc.string({ maxLength: 8 }), scalarArb(field.type), { maxKeys: 3 });
    else if (field.repeated) value = fc.array(value, { maxLength: 4 });
    // proto3 `optional` may be null (absent) or set, even to zero
    if (field.partOf) value = fc.option(value, { nil: null });
    fields[field.name] = value;
  }
  return fc.record(fields, { requiredKeys: [] });
}

test("random frames of every payload kind decode the same from both encoders (property test)", () => {
  const frameType = spec.lookupType("racetel.v1.Frame");
  const header = messageArb(frameType, 0);
  const payloads = frameType.oneofs["payload"]!.fieldsArray.map((field) =>
    fc.tuple(header, messageArb(field.resolvedType as protobuf.Type, 1)).map(([h, p]) => ({ ...h, [field.name]: p })));
  fc.assert(fc.property(fc.oneof(...payloads), fc.integer({ min: 16, max: 300 }), (frame, capacity) => {
    // A fresh, small writer each run: the buffer has to grow at every possible point of a frame.
    const w = new FrameWriter(capacity);
    encodeFrame(w, frame);
    assertSameDecoded(w.take(), v1.Frame.encode(frame).finish(), "random frame");
  }), { numRuns: 1500 });
});

test("a frame object reused with another payload member, or frozen, encodes the member set now", () => {
  const frame: racetel.v1.IFrame = { labels: { source: "s" }, gameFrame: 5, telemetry: { speedMps: 10 } };
  const decode = (f: racetel.v1.IFrame) => { const w = new FrameWriter(16); encodeFrame(w, f); return v1.Frame.decode(w.take()); };
  assert.equal(decode(frame).payload, "telemetry");
  assert.equal(decode(frame).payload, "telemetry", "second encode goes through the remembered member");
  frame.telemetry = null;
  frame.motion = { yawRad: 1 };
  assert.equal(decode(frame).payload, "motion");
  assert.equal(decode(frame).motion?.yawRad, 1);
  frame.motion = null;
  const none = decode(frame);
  assert.equal(none.payload, undefined);
  assert.equal(Number(none.gameFrame), 5);
  assert.deepStrictEqual(Object.keys(frame), ["labels", "gameFrame", "telemetry", "motion"], "hidden slots are not enumerable");
  const frozen = Object.freeze({ labels: Object.freeze({ source: "s" }), lap: { lapNumber: 3 } });
  assert.equal(decode(frozen).lap?.lapNumber, 3);
  assert.equal(decode(frozen).lap?.lapNumber, 3);
});

test("a labels object whose fields change on every frame stays correct after its memo stops refreshing", () => {
  const labels: racetel.v1.IFrameLabels = { source: "acc-broadcast:1", carIndex: 0 };
  for (let i = 0; i < 30; i++) {
    labels.carIndex = i % 3;
    const w = new FrameWriter(16);
    w.encodeField(1, encodeFrame, { labels, lap: { lapNumber: i + 1 } });
    const f = v1.PublishRequest.decode(w.take()).frames[0]!;
    assert.equal(f.labels?.carIndex, i % 3);
    assert.equal(f.lap?.lapNumber, i + 1);
  }
});
