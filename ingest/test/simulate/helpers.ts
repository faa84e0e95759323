// Shared by the simulator tests: the size table of ../shared/README.md, racetel's decoder with a frame
// recorder, and the peer decoder (@z0mt3c/f1-telemetry-client) behind a small typed wrapper.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { F1Decoder } from "../../src/sources/f1/index.js";
import type { Frame } from "../../src/sources/source.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The packet size table of ../shared/README.md (id -> size by format), parsed from the markdown. */
export function sharedSizeTable(): Record<number, Record<number, number>> {
  const dir = process.env["RACETEL_SHARED_DIR"] ?? path.resolve(repoRoot, "../shared");
  const file = path.join(dir, "README.md");
  if (!existsSync(file)) throw new Error(`the simulator tests need ${file} (the F1 size table): set RACETEL_SHARED_DIR to the shared folder`);
  const table: Record<number, Record<number, number>> = { 2023: {}, 2024: {}, 2025: {} };
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^\|\s*(\d+)\s*\|\s*\w+\s*\|\s*([\d-]+)\s*\|\s*([\d-]+)\s*\|\s*([\d-]+)\s*\|$/.exec(line);
    if (!m) continue;
    const id = Number(m[1]);
    [2023, 2024, 2025].forEach((f, k) => { const v = m[k + 2] as string; if (v !== "-") table[f]![id] = Number(v); });
  }
  if (Object.keys(table[2023]!).length < 14) throw new Error(`no F1 size table found in ${file}`);
  return table;
}

/** racetel's F1Decoder with a recorder: frames of the last decode() call (deep copies) and drop counts. */
export function racetelDecoder() {
  let frames: Frame[] = [];
  const drops: Record<string, number> = {};
  const decoder = new F1Decoder({
    sink: { emit: (f) => { frames.push(structuredClone(f)); } },
    drops: { drop: (reason) => { drops[reason] = (drops[reason] ?? 0) + 1; } },
    advice: { once: () => {} },
  });
  return {
    drops,
    /** Decodes one datagram; returns whether it was accepted and the frames it produced. */
    decode(data: Buffer, timeMs: number, source = "127.0.0.1:40000"): { ok: boolean; frames: Frame[] } {
      frames = [];
      const ok = decoder.decode(data, 1.7e18 + timeMs * 1e6, source);
      return { ok, frames };
    },
  };
}

// The peer decoder is CommonJS without ESM types for its parse entry point: load it through require.
const require = createRequire(import.meta.url);
type PeerParsed = { id: number; format: number; data: Record<string, unknown> } | undefined;
const peer = require("@z0mt3c/f1-telemetry-client") as {
  F1TelemetryClient: { parseBufferMessage(message: Buffer, bigintEnabled?: boolean): PeerParsed };
};

/** The peer's parse of a packet, read field by field by the tests (its names: m_speed, m_carPosition ...). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped nested output of another library
export type PeerRecord = Record<string, any>;

/** Parses one datagram with the peer decoder (bigints on, so sessionUID keeps its precision). */
export function peerParse(data: Buffer): PeerRecord {
  const parsed = peer.F1TelemetryClient.parseBufferMessage(data, true);
  if (!parsed) throw new Error(`peer decoder has no parser for packet id ${data[6]}`);
  return parsed.data as PeerRecord;
}
