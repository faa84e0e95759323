// Spec coverage: every field of racetel.v1 that an F1 format sends must be filled by racetel for that format,
// somewhere in the real captures or the simulator's output. A field that is never filled fails this test
// unless NOT_SENT below says why (with a comment): so the next field racetel forgets cannot go unnoticed.
import assert from "node:assert/strict";
import { test } from "node:test";
import path from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { racetel } from "@racetel/proto";
import type { PacketFormat } from "../../src/simulate/encode/layout.js";
import { simulateSession } from "../../src/simulate/session.js";
import { F1Decoder, F1_PACKET_SIZES } from "../../src/sources/f1/index.js";
import { EVENT_TYPES } from "../../src/sources/f1/tables.js";
import { T0_NS, peerMocks, raceDump, readClip, recordingContext, singlePackets } from "./helpers.js";

/** The spec itself, parsed from proto/racetel/v1 (the generated static code has no reflection). */
function loadSpec(): protobuf.Root {
  const protoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../proto");
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(protoDir, target.replace(/^.*racetel\/v1\//, "racetel/v1/"));
  root.loadSync("racetel/v1/frame.proto", { keepCase: false });
  root.resolveAll();
  return root;
}

/** Every leaf field path of a message type ("telemetry.wheelSurface.frontLeft"), through nested messages. */
function leafPaths(type: protobuf.Type, prefix: string, out: string[]): void {
  for (const field of type.fieldsArray) {
    const name = prefix === "" ? field.name : `${prefix}.${field.name}`;
    if (field.resolvedType instanceof protobuf.Type) leafPaths(field.resolvedType, name, out);
    else out.push(name);
  }
}

/** Paths holding a non-default value in a decoded frame (arrays: any element). */
function filledPaths(value: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) filledPaths(v, prefix, out);
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) filledPaths(v, prefix === "" ? k : `${prefix}.${k}`, out);
    return;
  }
  if (value !== 0 && value !== "" && value !== false && value !== "0" && value !== null && value !== undefined) out.add(prefix);
}

/** The payload paths of the spec (Frame's oneof members and what they hold). */
function specPaths(): string[] {
  const frame = loadSpec().lookupType("racetel.v1.Frame");
  const out: string[] = [];
  for (const field of frame.oneofs["payload"]!.fieldsArray) leafPaths(field.resolvedType as protobuf.Type, field.name, out);
  return out;
}

/**
 * One datagram per packet id of a format with every byte after the header set to 1: each field the format
 * sends is then non-zero (counts are 1, flags true, floats tiny), so a field racetel forgets to read shows up
 * even where every real sample holds 0 (no safety car, offline, never paused). Participants first (one car:
 * car 0, the player), Motion before MotionEx of the same game frame.
 */
function everyFieldSet(format: PacketFormat): Buffer[] {
  const sizes = F1_PACKET_SIZES[format];
  const ids = [4, 1, ...sizes.map((_, id) => id).filter((id) => id !== 4 && id !== 1 && id !== 9)];
  const packet = (id: number): Buffer => {
    const d = Buffer.alloc(sizes[id]!, 1);
    d.writeUInt16LE(format, 0);
    d[6] = id;
    d.writeUInt32LE(0x52414345, 7); // sessionUID "RACE" (not a menu packet)
    d[27] = 1; // playerCarIndex: car 1 (0 would read as "absent" in proto3)
    d[28] = 255;
    return d;
  };
  const out = ids.map((id) => {
    const d = packet(id);
    if (id === 4) d[29] = 2; // numActiveCars: cars 0 and 1
    return d;
  });
  // One Event per code racetel knows, its detail bytes 1 too.
  for (const code of EVENT_TYPES.keys()) {
    const d = packet(3);
    d.write(code, 29, "latin1");
    out.push(d);
  }
  return out;
}

/** Everything racetel decodes for a format: real captures, the peer's stored datagrams, a simulated race. */
function filledFor(format: PacketFormat): Set<string> {
  const filled = new Set<string>();
  const run = (datagrams: Iterable<Buffer>): void => {
    const rec = recordingContext();
    const decoder = new F1Decoder(rec.ctx);
    let i = 0;
    for (const d of datagrams) decoder.decode(d, T0_NS + i++ * 1e6, "10.0.0.9:1");
    decoder.flush();
    for (const f of rec.frames) {
      if (f.labels!.format !== String(format)) continue;
      const object = racetel.v1.Frame.toObject(f, { defaults: false, enums: Number, longs: Number });
      const { labels: _l, receiveTimeUnixNano: _r, sessionTimeS: _s, gameFrame: _g, ...payload } = object;
      filledPaths(payload, "", filled);
    }
  };
  run(everyFieldSet(format));
  if (format === 2023) {
    run(raceDump());
    for (const p of singlePackets()) run([p.data]);
  }
  if (format === 2024) for (const clip of ["time-trial-clip-a.bin", "time-trial-clip-b.bin"]) run(readClip(clip).map((c) => c.data));
  if (format !== 2023) run(peerMocks(format).map((m) => m.data));
  // A whole simulated race (copied one by one: the generator reuses its datagram object and buffers).
  const simulated: Buffer[] = [];
  for (const d of simulateSession({ format, cars: 20, laps: 3, track: "monza", rate: 10, seed: 3 })) simulated.push(Buffer.from(d.data));
  run(simulated);
  return filled;
}

// Fields no F1 format sends, each with why. (The ACC and real-F1 payloads are other sources' frames.)
const NOT_F1 = [
  /^accCarExtras\./, /^accSessionExtras\./, // ACC's own extras
];
const NOT_SENT_BY_ANY_F1: Record<string, string> = {
  "session.sessionPart": "the games make Q1, Q2 and Q3 separate sessions (own session UIDs): no part within one (F1 live timing has)",
  "participant.teamColour": "the games send a team id, not a colour (F1 live timing sends the colour)",
  "lap.knockedOut": "the games end a knocked-out driver's qualifying session instead (F1 live timing flags it)",
  "event.flag": "the games' events carry no flag (F1 live timing's track status and race control do)",
  "telemetry.tyreCoreTemperatureCelsius": "F1 has no tyre core temperature (ACC has)",
  "telemetry.brakePressureBar": "F1 has no brake line pressure (ACC has)",
  "telemetry.turboBoostBar": "F1 cars report no turbo boost (ACC has)",
  "lap.deltaToBestMs": "F1 has no live delta to the best lap (ACC has)",
  "lap.estimatedLapTimeMs": "F1 has no estimated lap time (ACC has)",
  "lap.classPosition": "F1 sessions have one class",
  "status.fuelVolumeL": "F1 measures fuel in kg (fuelMassKg)",
  "status.tractionControlActive": "F1 does not say when TC intervenes (ACC does)",
  "status.absActive": "F1 does not say when ABS intervenes (ACC does)",
  "damage.brakePadLifeMm": "F1 has no pad wear (ACC has)",
  "damage.brakeDiscLifeMm": "F1 has no disc wear (ACC has)",
  "damage.suspensionDamage": "F1 reports no suspension damage",
  "damage.bodyDamageFront": "F1 reports wing/floor/sidepod damage instead (ACC body zones)",
  "damage.bodyDamageRear": "as above", "damage.bodyDamageLeft": "as above", "damage.bodyDamageRight": "as above",
  "damage.bodyDamageCentre": "as above",
  "session.trackGrip": "F1 reports no track grip (ACC surfaceGrip)",
  "session.windSpeedMps": "F1 reports no wind", "session.windDirectionRad": "F1 reports no wind",
  "participant.driverShortName": "F1 sends no driver code (ACC does)",
  "participant.carClass": "F1 sessions have one class", "participant.driverCategory": "F1 has no driver categories (ACC does)",
  "event.message": "F1 events carry no free text (ACC broadcasting does)",
};
/** Fields a format does not have (the spec added them later), by format. */
const NOT_IN_FORMAT: Record<PacketFormat, Record<string, string>> = {
  2023: {
    "session.sector2StartM": "sector start distances: F1 24+", "session.sector3StartM": "F1 24+",
    "motion.detail.frontRideHeightM": "MotionEx aero heights: F1 24+", "motion.detail.rearRideHeightM": "F1 24+",
    "motion.detail.wheelCamberRad": "MotionEx camber: F1 25", "motion.detail.wheelCamberGainRad": "F1 25",
    "motion.detail.chassisPitchRad": "F1 25", "lap.speedTrapFastestMps": "LapData speed trap: F1 24+",
    "damage.tyreBlisters": "F1 25", "setup.engineBraking": "CarSetups engine braking: F1 24+",
    "f1TimeTrial": "the TimeTrial packet (id 14): F1 24+", "f1LapPositions": "the LapPositions packet (id 15): F1 25",
  },
  2024: {
    "motion.detail.wheelCamberRad": "MotionEx camber: F1 25", "motion.detail.wheelCamberGainRad": "F1 25",
    "motion.detail.chassisPitchRad": "F1 25", "damage.tyreBlisters": "F1 25",
    "f1LapPositions": "the LapPositions packet (id 15): F1 25",
  },
  2025: {},
};

test("every racetel.v1 field an F1 format sends is filled for F1 23, F1 24 and F1 25", () => {
  const spec = specPaths();
  assert.ok(spec.length > 250, `spec leaf fields: ${spec.length}`);
  const failures: string[] = [];
  for (const format of [2023, 2024, 2025] as const) {
    const filled = filledFor(format);
    for (const path of spec) {
      if (NOT_F1.some((r) => r.test(path))) continue;
      if (filled.has(path) || [...filled].some((p) => p.startsWith(`${path}.`))) continue;
      const reason = Object.entries({ ...NOT_SENT_BY_ANY_F1, ...NOT_IN_FORMAT[format] }).find(([k]) => path === k || path.startsWith(`${k}.`));
      if (reason === undefined) failures.push(`F1 ${format}: ${path}`);
    }
    // The lists only shrink: a field said to be unsent that racetel fills is a stale entry.
    for (const k of Object.keys({ ...NOT_SENT_BY_ANY_F1, ...NOT_IN_FORMAT[format] })) {
      if ([...filled].some((p) => p === k || p.startsWith(`${k}.`))) failures.push(`F1 ${format}: ${k} is listed as not sent but is filled`);
    }
  }
  assert.deepEqual(failures, [], `fields never filled:\n${failures.join("\n")}`);
});
