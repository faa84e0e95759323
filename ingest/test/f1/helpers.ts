// Shared helpers of the F1 tests: locating ../shared, reading the real captures, a recording context.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FrameWriter, encodeFrame, racetel } from "@racetel/proto";
import type { DecodeContext, Frame } from "../../src/sources/source.js";
import { splitF1Dump } from "../../src/sources/f1/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The shared folder (captures), `../shared` beside the checkout or $RACETEL_SHARED_DIR. */
export function sharedDir(): string {
  const dir = process.env["RACETEL_SHARED_DIR"] ?? path.resolve(repoRoot, "../shared");
  if (!existsSync(path.join(dir, "captures"))) {
    throw new Error(`the F1 tests need the real captures in ${dir}/captures (set RACETEL_SHARED_DIR to the shared folder)`);
  }
  return dir;
}

export const capturePath = (...parts: string[]): string => path.join(sharedDir(), "captures", ...parts);

/** Datagrams of the unframed F1 23 race dump. */
export function raceDump(): Buffer[] {
  return splitF1Dump(readFileSync(capturePath("f1-23", "race-20cars-v1.21.dump")));
}

/** F1 24 clip framing: u32 LE count, then per datagram {f32 LE wall seconds, u32 LE length, bytes}. */
export function readClip(name: string): { timeS: number; data: Buffer }[] {
  const buf = readFileSync(capturePath("f1-24", name));
  const count = buf.readUInt32LE(0);
  const out: { timeS: number; data: Buffer }[] = [];
  let off = 4;
  for (let i = 0; i < count; i++) {
    const timeS = buf.readFloatLE(off);
    const len = buf.readUInt32LE(off + 4);
    out.push({ timeS, data: buf.subarray(off + 8, off + 8 + len) });
    off += 8 + len;
  }
  if (off !== buf.length) throw new Error(`clip ${name}: ${buf.length - off} bytes left after ${count} datagrams`);
  return out;
}

export interface PeerMock { format: number; packetId: number; data: Buffer; parsed: Record<string, unknown> }

/** The peer-decoder mocks: real datagrams with another decoder's output beside them. */
export function peerMocks(year: 2023 | 2024 | 2025): PeerMock[] {
  const text = readFileSync(capturePath("f1-peer-mocks", `${year}.json`), "utf8");
  return text.split("\n").filter((l) => l.trim() !== "").map((line) => {
    const j = JSON.parse(line) as { message: { data: number[] } | number[]; parsed: Record<string, unknown> };
    const bytes = Array.isArray(j.message) ? j.message : j.message.data;
    const data = Buffer.from(bytes);
    return { format: data.readUInt16LE(0), packetId: data[6]!, data, parsed: j.parsed };
  });
}

/** The single-packet files of F1 23, by file name. */
export function singlePackets(): { name: string; data: Buffer }[] {
  const dir = capturePath("f1-23", "packets");
  return readdirSync(dir).filter((f) => f.endsWith(".bin")).sort()
    .map((name) => ({ name, data: readFileSync(path.join(dir, name)) }));
}

export type PayloadKind = Exclude<keyof racetel.v1.IFrame, "labels" | "receiveTimeUnixNano" | "sessionTimeS" | "gameFrame">;

/** Which payload a frame carries. */
export function payloadOf(f: Frame): PayloadKind {
  for (const k of Object.keys(f)) {
    if (k === "labels" || k === "receiveTimeUnixNano" || k === "sessionTimeS" || k === "gameFrame") continue;
    if ((f as Record<string, unknown>)[k] != null) return k as PayloadKind;
  }
  throw new Error("frame without payload");
}

/** A DecodeContext that keeps a decoded copy of every frame (through the real encoder), drops and advice. */
export function recordingContext() {
  const frames: racetel.v1.Frame[] = [];
  const drops: Record<string, number> = {};
  const advice: { key: string; message: string }[] = [];
  // ingest's encoder (canonical proto3: zeros, false and "" are left off, as null fields are)
  const writer = new FrameWriter(4096);
  const ctx: DecodeContext = {
    sink: { emit: (f) => { encodeFrame(writer, f); frames.push(racetel.v1.Frame.decode(writer.take())); } },
    drops: { drop: (reason) => { drops[reason] = (drops[reason] ?? 0) + 1; } },
    advice: { once: (key, message) => { if (!advice.some((a) => a.key === key)) advice.push({ key, message }); } },
  };
  return { ctx, frames, drops, advice };
}

/** A fixed receive time base (ns) so tests are deterministic. */
export const T0_NS = 1.7e18;
