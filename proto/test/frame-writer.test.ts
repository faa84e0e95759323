import assert from "node:assert/strict";
import { test } from "node:test";
import protobuf from "protobufjs";
import Long from "long";
import fc from "fast-check";
import { FrameWriter, racetel } from "@racetel/proto";
import { loadSpec, sampleFrames } from "./support/sample-frames.js";

const v1 = racetel.v1;
const toObjectOptions = { longs: String, enums: String, bytes: String, defaults: false, arrays: false, objects: false, oneofs: true };
const samples = sampleFrames();

function referenceBytes(frame: racetel.v1.IFrame): Uint8Array {
  return v1.Frame.encode(frame, protobuf.Writer.create()).finish();
}

test("the samples cover every Frame payload kind", () => {
  const kinds = new Set(samples.map((s) => v1.Frame.fromObject(s.frame).payload));
  const all = loadSpec().lookupType("racetel.v1.Frame").oneofs["payload"]!.oneof;
  assert.deepEqual([...kinds].filter(Boolean).sort(), [...all].sort());
});

test("FrameWriter bytes equal protobufjs Writer bytes and decode to the input, for every sample frame", () => {
  const w = new FrameWriter(16);
  for (const { name, frame: json } of samples) {
    const frame = v1.Frame.fromObject(json);
    const expected = referenceBytes(frame);
    v1.Frame.encode(frame, w.asWriter());
    const actual = w.take();
    assert.ok(actual.equals(expected), `${name}: ${actual.length} bytes differ from protobufjs' ${expected.length}`);
    const back = v1.Frame.toObject(v1.Frame.decode(actual), toObjectOptions);
    assert.deepEqual(back, v1.Frame.toObject(frame, toObjectOptions), name);
  }
});

test("a batch written with message() is the PublishRequest protobufjs would encode", () => {
  const frames = samples.map((s) => v1.Frame.fromObject(s.frame));
  const w = new FrameWriter(1024);
  for (const f of frames) w.message(1, v1.Frame, f);
  assert.equal(w.count, frames.length);
  w.uint32((2 << 3) | 2).string("ingest-0");
  w.uint32(3 << 3).uint64(12345678901234567890n);
  const bytes = w.take();
  assert.equal(w.count, 0);
  assert.equal(w.length, 0);
  const request = { frames, ingestInstance: "ingest-0", batchSequence: Long.fromString("12345678901234567890", true) };
  const expected = v1.PublishRequest.encode(request).finish();
  assert.ok(bytes.equals(expected), "batch bytes differ from PublishRequest.encode");
  const decoded = v1.PublishRequest.decode(bytes);
  assert.equal(decoded.frames.length, frames.length);
  assert.equal(decoded.batchSequence.toString(), "12345678901234567890");
  assert.equal(decoded.frames[0]!.labels?.source, frames[0]!.labels?.source);
});

test("the writer is reused: after a warm-up batch its buffer does not grow or move", () => {
  const frame = v1.Frame.fromObject(samples.find((s) => s.name === "payload_telemetry")!.frame);
  const w = new FrameWriter(64 * 1024);
  const fill = () => { while (w.length < 60 * 1024) w.message(1, v1.Frame, frame); return w.take(); };
  const first = fill();
  const capacity = w.capacity;
  const second = fill();
  assert.equal(w.capacity, capacity);
  assert.ok(first.equals(second));
});

type Op = [method: string, value: unknown];
const primitiveCases: Op[] = [
  ...[0, 1, 127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, -1].map((v): Op => ["uint32", v]),
  ...[0, 1, -1, -128, 2 ** 31 - 1, -(2 ** 31)].map((v): Op => ["int32", v]),
  ...[0, 1, -1, 63, -64, 2 ** 31 - 1, -(2 ** 31)].map((v): Op => ["sint32", v]),
  ...[0, 1, -1, 2 ** 32 - 1, 2 ** 31, -(2 ** 31)].map((v): Op => ["fixed32", v]),
  ...[0, -1, -(2 ** 31)].map((v): Op => ["sfixed32", v]),
  ...[0, 1, 127, 2 ** 32, 2 ** 53 - 1, 1.5, -1, -(2 ** 53), 1.8e19].map((v): Op => ["uint64", v]),
  ...[0, -1, 2 ** 40, -(2 ** 40)].map((v): Op => ["int64", v]),
  ...[0, -1, 1, 2 ** 40, -(2 ** 40)].map((v): Op => ["sint64", v]),
  ...[0, 1, -1, 2 ** 52 + 3].map((v): Op => ["fixed64", v]),
  ...[-1, 2 ** 33].map((v): Op => ["sfixed64", v]),
  ...[0, -0, 1.5, -3.25, NaN, Infinity, -Infinity, 3.4e38, 1e-45, 16777217].map((v): Op => ["float", v]),
  ...[0, -0, Math.PI, NaN, -Infinity, Number.MAX_VALUE, 5e-324].map((v): Op => ["double", v]),
  ["bool", true], ["bool", false],
  ...["", "a", "x".repeat(42), "x".repeat(43), "é".repeat(42), "é".repeat(43), "€".repeat(42), "🏁".repeat(21),
    "🏁".repeat(22), "mixed Ünïcødé 東京 🏎️", "y".repeat(200), "z".repeat(20000)].map((v): Op => ["string", v]),
  ["bytes", new Uint8Array([])], ["bytes", new Uint8Array([1, 2, 255])], ["bytes", Buffer.alloc(300, 7)], ["bytes", "AQL/"],
];

test("each primitive writes the same bytes as protobufjs' Writer", () => {
  for (const [method, value] of primitiveCases) {
    const w = new FrameWriter(16) as unknown as Record<string, (v: unknown) => unknown> & FrameWriter;
    w[method]!(value);
    const ref = protobuf.Writer.create() as unknown as Record<string, (v: unknown) => unknown> & protobuf.Writer;
    ref[method]!(value);
    const expected = Buffer.from(ref.finish());
    assert.ok(w.finish().equals(expected), `${method}(${String(value).slice(0, 40)}): ${w.finish().toString("hex").slice(0, 60)} != ${expected.toString("hex").slice(0, 60)}`);
  }
});

test("64-bit values may be numbers, bigints, decimal strings or Longs, with the same bytes", () => {
  const forms: Array<[string, Array<number | bigint | string | Long>]> = [
    ["18446744073709551615", [18446744073709551615n, "18446744073709551615", Long.fromString("18446744073709551615", true), -1]],
    ["9007199254740993", [9007199254740993n, "9007199254740993", Long.fromString("9007199254740993")]],
    ["-2", [-2n, "-2", Long.fromInt(-2), -2]],
    ["1732412345123456789", [1732412345123456789n, "1732412345123456789", Long.fromString("1732412345123456789")]],
  ];
  for (const method of ["uint64", "int64", "fixed64", "sint64"] as const) {
    for (const [decimal, values] of forms) {
      const ref = protobuf.Writer.create();
      ref[method](Long.fromString(decimal, method === "uint64" || method === "fixed64" ? decimal.startsWith("-") === false : false));
      const expected = Buffer.from(ref.finish());
      for (const value of values) {
        const w = new FrameWriter(16);
        w[method](value);
        assert.ok(w.finish().equals(expected), `${method}(${typeof value} ${String(value)}) != ${decimal}`);
      }
    }
  }
});

test("a lone surrogate is written as U+FFFD, the way Buffer encodes it", () => {
  const w = new FrameWriter(16);
  w.string("a\ud800b");
  assert.deepEqual([...w.finish()], [5, 0x61, 0xef, 0xbf, 0xbd, 0x62]);
});

test("reset() inside a fork drops the forked bytes; outside it empties the writer", () => {
  const w = new FrameWriter(16);
  w.uint32(8).uint32(1).uint32(18).fork().string("dropped");
  w.reset();
  assert.deepEqual([...w.finish()], [8, 1, 18]);
  w.reset();
  assert.equal(w.length, 0);
});

test("message() rolls back a message whose encode throws, keeping the batch intact", () => {
  const w = new FrameWriter(16);
  const good = v1.Frame.fromObject(samples[0]!.frame);
  w.message(1, v1.Frame, good);
  const before = w.finish();
  const broken = {
    encode(_m: unknown, writer?: protobuf.Writer): protobuf.Writer {
      writer!.uint32(10).fork().string("half a message");
      throw new Error("bad frame");
    },
  };
  assert.throws(() => w.message(1, broken, {}), /bad frame/);
  assert.equal(w.count, 1);
  assert.ok(w.finish().equals(before));
  w.message(1, v1.Frame, good);
  assert.equal(v1.PublishRequest.decode(w.take()).frames.length, 2);
});

test("ldelim() without fork() and a silly capacity are clear errors", () => {
  assert.throws(() => new FrameWriter(1).ldelim(), /initialCapacity/);
  assert.throws(() => new FrameWriter(16).ldelim(), /without a matching fork/);
});

test("random frames encode to the same bytes as protobufjs (property test)", () => {
  const wheels = fc.record({ frontLeft: fc.float(), frontRight: fc.float(), rearLeft: fc.float(), rearRight: fc.float() });
  const text = fc.string({ unit: "binary", maxLength: 300 });
  const frameArb = fc.record({
    labels: fc.record({ source: text, game: fc.integer({ min: 0, max: 3 }), sessionId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String), carIndex: fc.nat(255), driver: text }, { requiredKeys: [] }),
    receiveTimeUnixNano: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => Long.fromString(n.toString(), true)),
    sessionTimeS: fc.double(),
    telemetry: fc.record({
      speedMps: fc.float(), gear: fc.integer({ min: -2147483648, max: 2147483647 }), engineRpm: fc.nat(), drsOpen: fc.boolean(),
      tyreSurfaceTemperatureCelsius: wheels, brakeTemperatureCelsius: wheels,
    }, { requiredKeys: [] }),
  }, { requiredKeys: [] });
  const w = new FrameWriter(16);
  fc.assert(fc.property(fc.array(frameArb, { maxLength: 8 }), (frames) => {
    for (const f of frames) w.message(1, v1.Frame, f);
    const expected = v1.PublishRequest.encode({ frames }).finish();
    return w.take().equals(expected);
  }), { numRuns: 300 });
});
