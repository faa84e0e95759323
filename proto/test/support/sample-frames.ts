// Deterministic sample frames that set EVERY field of the spec, built by walking the .proto files with
// protobufjs reflection, so a field added to the spec is covered without touching the tests.
// One frame per Frame.payload kind, plus edge cases (negative ints, u64 ids, unicode, bodies > 16 KiB).
// Values are plain JSON (64-bit integers as decimal strings) fit for `racetel.v1.Frame.fromObject`.
import { readdirSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

export const protoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** The racetel.v1 spec loaded by reflection (for walking fields; encoding uses the generated code). */
export function loadSpec(options: protobuf.IParseOptions = {}): protobuf.Root {
  const dir = join(protoRoot, "racetel", "v1");
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(protoRoot, target));
  root.loadSync(readdirSync(dir).filter((f) => f.endsWith(".proto")).sort().map((f) => join(dir, f)), options);
  root.resolveAll();
  return root;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Fills every field of `type` with a value derived from `seed`, so that two fields never look alike. */
function fill(type: protobuf.Type, seed: number, depth: number): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const field of type.fieldsArray) {
    // Only the synthetic oneofs of proto3 `optional` are filled here; real oneofs are chosen by the caller.
    if (field.partOf && !isSyntheticOneof(field.partOf)) continue;
    const s = seed + field.id;
    if (field.map) {
      const mf = field as unknown as protobuf.MapField;
      out[field.name] = { [`reason_${s}`]: scalar(mf.type, s, field, depth), [`ré_${s + 1}`]: scalar(mf.type, s + 1, field, depth) };
    } else if (field.repeated) {
      out[field.name] = [0, 1, 2].map((i) => scalar(field.type, s + i * 7, field, depth));
    } else {
      out[field.name] = scalar(field.type, s, field, depth);
    }
  }
  return out;
}

function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.name.startsWith("_");
}

function scalar(typeName: string, s: number, field: protobuf.Field, depth: number): Json {
  switch (typeName) {
    case "double": return s + 0.123456789;
    case "float": return Math.fround(s * 1.25 + 0.5);
    case "int32": case "sint32": case "sfixed32": return s % 2 === 0 ? -(s * 1000 + 3) : s * 1000 + 3;
    case "uint32": case "fixed32": return s * 1000 + 7;
    // 64-bit values are above 2^53, so a writer that goes through doubles would corrupt them.
    case "uint64": case "fixed64": return (18446744073709551615n - BigInt(s)).toString();
    case "int64": case "sint64": case "sfixed64": return (-9007199254740993n - BigInt(s)).toString();
    case "bool": return true;
    case "string": return `${field.name}·Pérez·東京·🏁·${s}`;
    case "bytes": return Buffer.from([s & 0xff, 0, 0xff, 0x80]).toString("base64");
  }
  const resolved = field.resolvedType ?? (field.parent as protobuf.Type).lookup(typeName);
  if (resolved instanceof protobuf.Enum) {
    const values = Object.values(resolved.values);
    return values[1 + (s % (values.length - 1))]!;
  }
  if (resolved instanceof protobuf.Type) {
    if (depth > 4) return {};
    return fill(resolved, s * 3, depth + 1);
  }
  throw new Error(`sample-frames: no sample for type ${typeName} of ${field.fullName}`);
}

export interface SampleFrame {
  name: string;
  frame: Record<string, Json>;
}

/** Every payload kind with every field set, then edge cases. Deterministic. */
export function sampleFrames(root: protobuf.Root = loadSpec()): SampleFrame[] {
  const frameType = root.lookupType("racetel.v1.Frame");
  const payload = frameType.oneofs["payload"]!;
  const out: SampleFrame[] = [];
  payload.fieldsArray.forEach((field, i) => {
    const frame = fill(frameType, i * 100, 0);
    frame[field.name] = scalar(field.type, i * 100 + 50, field, 0);
    out.push({ name: `payload_${field.name}`, frame });
  });

  const labels = { source: "f1:192.168.1.20", game: "GAME_F1", format: "2024", sessionId: "18446744073709551615", carIndex: 0, driver: "PÉREZ", team: "Red Bull Racing", track: "Silverstone" };
  out.push({
    name: "minimal_telemetry_zero_values",
    frame: { labels: { source: "acc-shm:rig-1", game: "GAME_ACC", carIndex: 0 }, telemetry: { gear: -1, speedMps: 0 } },
  });
  out.push({
    name: "telemetry_negative_and_unicode",
    frame: {
      labels: { ...labels, driver: "Łukasz Żółć 🏎️ 日本", carIndex: 21 },
      receiveTimeUnixNano: "1732412345123456789",
      sessionTimeS: 1234.5,
      gameFrame: "4294967296",
      telemetry: { speedMps: 83.5, gear: -1, steering: -1, suggestedGear: -2147483648, engineRpm: 4294967295, drsOpen: true,
        tyreSurfaceTemperatureCelsius: { frontLeft: 95, frontRight: -0.5, rearLeft: Math.fround(1e-30), rearRight: Math.fround(3.4e38) } },
    },
  });
  // Sub-messages of 128..16383 and >= 16384 bytes need 2- and 3-byte length prefixes.
  out.push({
    name: "lap_positions_over_16k",
    frame: { labels, f1LapPositions: { firstLap: 1, positions: Array.from({ length: 9000 }, (_, i) => 128 + i) } },
  });
  out.push({
    name: "tyre_sets_over_127",
    frame: { labels, f1TyreSets: { sets: Array.from({ length: 20 }, (_, i) => ({ setIndex: i, tyreCompound: "TYRE_COMPOUND_SOFT", tyreCompoundName: "C3", wear: Math.fround(i / 20), available: i % 2 === 0, lapDeltaTimeMs: -i * 100 })) } },
  });
  out.push({
    name: "event_long_message",
    frame: { labels, event: { type: "SESSION_EVENT_TYPE_UNSPECIFIED", code: "CHAT", message: "ü".repeat(10000) + "🏁".repeat(100) } },
  });
  return out;
}
