// The range table covers every numeric field of racetel.v1, and its compiled checkers catch what they must:
// values outside the range, NaN and infinities, in plain fields, wheels, vectors and repeated fields.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { HEADER_RANGES, RANGES, clearOutOfRange, firstOutOfRange, headerInRange, rangePaths } from "../src/ranges.js";
import { cleanLabel, isCleanLabel, isValidSessionId } from "../src/labels.js";

const protoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Every numeric leaf of the payloads, as "kind.field.sub" (repeated fields without an index). */
function numericPaths(): string[] {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(protoDir, target.replace(/^.*racetel\/v1\//, "racetel/v1/"));
  root.loadSync("racetel/v1/frame.proto");
  root.resolveAll();
  const out: string[] = [];
  const walk = (type: protobuf.Type, prefix: string): void => {
    for (const f of type.fieldsArray) {
      const p = `${prefix}.${f.name}`;
      if (f.resolvedType instanceof protobuf.Type) walk(f.resolvedType, p);
      else if (!(f.resolvedType instanceof protobuf.Enum) && f.type !== "string" && f.type !== "bool") out.push(p);
    }
  };
  for (const f of root.lookupType("racetel.v1.Frame").oneofs["payload"]!.fieldsArray) walk(f.resolvedType as protobuf.Type, f.name);
  return out;
}

test("every numeric field of the spec has a valid range, and the table names no field the spec lacks", () => {
  const spec = numericPaths();
  const table = rangePaths();
  assert.ok(spec.length > 300, `numeric leaves: ${spec.length}`);
  assert.deepEqual(spec.filter((p) => !table.has(p)), [], "fields without a range");
  assert.deepEqual([...table.keys()].filter((p) => !spec.includes(p)), [], "ranges of fields that do not exist");
  for (const [p, [min, max]] of table) assert.ok(min <= max, `${p}: [${min}, ${max}]`);
});

test("checkers catch out-of-range values, NaN and infinities anywhere in a payload, and pass valid ones", () => {
  const ok = { telemetry: { speedMps: 80, tyrePressureKpa: { frontLeft: 160, frontRight: 160, rearLeft: 150, rearRight: 150 }, gear: 7 } };
  assert.equal(firstOutOfRange(ok), undefined);
  assert.equal(firstOutOfRange({ telemetry: { speedMps: 1e30 } }), "telemetry.speedMps");
  assert.equal(firstOutOfRange({ telemetry: { speedMps: Number.NaN } }), "telemetry.speedMps");
  assert.equal(firstOutOfRange({ telemetry: { tyrePressureKpa: { frontLeft: Infinity } } }), "telemetry.tyrePressureKpa.frontLeft");
  assert.equal(firstOutOfRange({ motion: { detail: { angularVelocityRadps: { x: 0, y: Number.NaN, z: 0 } } } }), "motion.detail.angularVelocityRadps.y");
  assert.equal(firstOutOfRange({ lap: { lastLapTimeMs: 4_294_967_280 } }), "lap.lastLapTimeMs");
  assert.equal(firstOutOfRange({ lap: { position: 1e30 } }), "lap.position");
  assert.equal(firstOutOfRange({ event: { lapTimeMs: 4_294_881_506 } }), "event.lapTimeMs");
  assert.equal(firstOutOfRange({ session: { forecast: [{ rainProbability: 0.2 }, { rainProbability: 7 }] } }), "session.forecast.rainProbability");
  assert.equal(firstOutOfRange({ f1LapPositions: { positions: [1, 2, 300] } }), "f1LapPositions.positions");
  assert.equal(firstOutOfRange({ sessionTimeS: -1, telemetry: {} }), "sessionTimeS");
  assert.equal(headerInRange({ sessionTimeS: Number.NaN }), false);
  // rpc's mode: the bad value alone becomes NaN, the others stay.
  const frame = { telemetry: { speedMps: 80, throttle: 7, brakeTemperatureCelsius: { frontLeft: 500, frontRight: 1e9, rearLeft: 400, rearRight: 400 } } };
  const bad: string[] = [];
  assert.equal(clearOutOfRange(frame, (p) => bad.push(p)), 2);
  assert.deepEqual(bad, ["telemetry.throttle", "telemetry.brakeTemperatureCelsius.frontRight"]);
  assert.equal(frame.telemetry.speedMps, 80);
  assert.ok(Number.isNaN(frame.telemetry.throttle));
  assert.ok(Number.isNaN(frame.telemetry.brakeTemperatureCelsius.frontRight));
  assert.equal(frame.telemetry.brakeTemperatureCelsius.frontLeft, 500);
});

test("labels: control characters, broken UTF-8 and unpaired surrogates are removed, length is capped, session ids are strict", () => {
  assert.equal(cleanLabel("NL\nX", 64), "NLX");
  assert.equal(cleanLabel("A\r\u0000B\u0085\u007f", 64), "AB");
  assert.equal(cleanLabel("P\ufffdREZ", 64), "PREZ");
  assert.equal(cleanLabel("x\ud800y", 64), "xy");
  assert.equal(cleanLabel("PÉREZ", 64), "PÉREZ");
  assert.equal(cleanLabel("a".repeat(3_000_000), 64), "a".repeat(64));
  assert.equal(cleanLabel(`${"a".repeat(63)}😀`, 64).length, 63, "never half a surrogate pair");
  assert.ok(isCleanLabel("Luca Stolz", 64));
  assert.ok(!isCleanLabel("NL\nX", 64));
  assert.ok(!isCleanLabel("a".repeat(65), 64));
  assert.ok(isValidSessionId("7563322787381458285"));
  assert.ok(isValidSessionId("f1lt:9873"));
  assert.ok(!isValidSessionId(""));
  assert.ok(!isValidSessionId("a".repeat(65)));
  assert.ok(!isValidSessionId("x\ny"));
  assert.ok(!isValidSessionId("a b"));
});

/** The range table of docs/validation.md, generated from RANGES (wheels and vectors as one row). */
function rangeTableMarkdown(): string {
  const rows: string[] = ["| field | min | max |", "|---|---:|---:|"];
  const fmt = (n: number): string => (Math.abs(n) >= 1e6 ? n.toExponential().replace("e+", "e") : n.toLocaleString("en-US"));
  const walk = (spec: Record<string, unknown>, prefix: string): void => {
    for (const [field, r] of Object.entries(spec)) {
      const p = `${prefix}.${field}`;
      if (Array.isArray(r)) rows.push(`| \`${p}\` | ${fmt(r[0] as number)} | ${fmt(r[1] as number)} |`);
      else if (typeof r === "object" && r !== null && "wheels" in r) rows.push(`| \`${p}\` (each wheel) | ${fmt((r.wheels as number[])[0]!)} | ${fmt((r.wheels as number[])[1]!)} |`);
      else if (typeof r === "object" && r !== null && "vector" in r) rows.push(`| \`${p}\` (x, y, z) | ${fmt((r.vector as number[])[0]!)} | ${fmt((r.vector as number[])[1]!)} |`);
      else if (typeof r === "object" && r !== null && "each" in r) {
        const e = r.each;
        if (Array.isArray(e)) rows.push(`| \`${p}[]\` | ${fmt(e[0] as number)} | ${fmt(e[1] as number)} |`);
        else walk(e as Record<string, unknown>, `${p}[]`);
      } else walk(r as Record<string, unknown>, p);
    }
  };
  for (const [kind, spec] of Object.entries(RANGES)) walk(spec as Record<string, unknown>, kind);
  rows.push(`| \`sessionTimeS\` (frame header: a frame outside it is rejected whole) | ${fmt(HEADER_RANGES.sessionTimeS[0])} | ${fmt(HEADER_RANGES.sessionTimeS[1])} |`);
  return rows.join("\n");
}

test("docs/validation.md carries the range table as the code has it (RACETEL_UPDATE_GOLDEN=1 rewrites it)", () => {
  const file = path.resolve(protoDir, "../docs/validation.md");
  const doc = readFileSync(file, "utf8");
  const begin = "<!-- ranges:begin (generated from proto/src/ranges.ts by proto/test/ranges.test.ts) -->";
  const end = "<!-- ranges:end -->";
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  assert.ok(a >= 0 && b > a, "docs/validation.md has the range table markers");
  const table = rangeTableMarkdown();
  const current = doc.slice(a + begin.length, b).trim();
  if (process.env["RACETEL_UPDATE_GOLDEN"] === "1" && current !== table) {
    writeFileSync(file, doc.slice(0, a + begin.length) + "\n" + table + "\n" + doc.slice(b));
    return;
  }
  assert.equal(current, table, "docs/validation.md's range table differs from proto/src/ranges.ts: run RACETEL_UPDATE_GOLDEN=1 node scripts/test.mjs proto/test/ranges");
});
