// Cross-language test vectors: binary racetel.v1 encodings made by the TypeScript side, plus vectors.json
// holding, for each file, its message type and the expected content keyed by the .proto field names
// (64-bit integers as decimal strings, enums by name, bytes as base64), which Python and Go check field for field.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FrameWriter, racetel } from "@racetel/proto";
import { loadSpec, sampleFrames } from "./sample-frames.js";

const v1 = racetel.v1;

export interface Vector {
  file: string;
  type: string;
  expected: Record<string, unknown>;
}

/** Writes every vector and vectors.json into `outDir`; returns the vectors. Deterministic. */
export function writeVectors(outDir: string): Vector[] {
  const samples = sampleFrames();
  // A second reflection root that keeps the .proto field names: it reads back what was written, independently
  // of the generated code, and gives the names the other languages use.
  const protoNames = loadSpec({ keepCase: true });
  const toExpected = (typeName: string, bytes: Uint8Array): Record<string, unknown> => {
    const type = protoNames.lookupType(typeName);
    return type.toObject(type.decode(bytes), { longs: String, enums: String, bytes: String });
  };
  const vectors: Vector[] = [];
  mkdirSync(join(outDir, "frames"), { recursive: true });

  for (const { name, frame } of samples) {
    const bytes = v1.Frame.encode(v1.Frame.fromObject(frame)).finish();
    const file = `frames/${name}.binpb`;
    writeFileSync(join(outDir, file), bytes);
    vectors.push({ file, type: "racetel.v1.Frame", expected: toExpected("racetel.v1.Frame", bytes) });
  }

  // A batch as ingest builds it: frames through FrameWriter, then the request's own fields.
  const w = new FrameWriter(1024);
  for (const { frame } of samples.slice(0, 6)) w.message(1, v1.Frame, v1.Frame.fromObject(frame));
  v1.PublishRequest.encode(v1.PublishRequest.fromObject({
    ingestInstance: "ingest-7f9c-Ω",
    batchSequence: "18446744073709551615",
    framesDroppedTotal: "4294967297",
    ingestStats: {
      packetsReceived: "9007199254740993", packetsDecoded: "123", sessionsActive: 2, framesEmitted: "1000000",
      framesDroppedQueue: "0", lastPacketAgeS: -1,
      packetsDroppedByReason: { too_short: "3", unknown_format: "18446744073709551615", "wrong_size·ü": "1" },
    },
  }), w.asWriter());
  const request = w.take();
  writeFileSync(join(outDir, "publish_request.binpb"), request);
  vectors.push({ file: "publish_request.binpb", type: "racetel.v1.PublishRequest", expected: toExpected("racetel.v1.PublishRequest", request) });

  const doc = {
    about: "racetel.v1 test vectors written by proto/test/support/vectors.ts (npm run vectors -w @racetel/proto). " +
      "`expected` uses .proto field names; 64-bit integers are decimal strings, enums names, bytes base64; " +
      "a field absent from `expected` must hold its default value.",
    vectors,
  };
  writeFileSync(join(outDir, "vectors.json"), JSON.stringify(doc, null, 1) + "\n");
  return vectors;
}

