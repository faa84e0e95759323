// The F1 live-timing feed's message format (livetiming.formula1.com, the feed FastF1 reads): topics of JSON
// state sent as a first full object and then partial updates; `.z` topics carry base64 of raw DEFLATE.
// Facts checked on the real captures: ../shared/README.md "F1 live-timing format facts". Parsing is written
// here because no kept-up JavaScript library reads this feed; zlib and JSON.parse do the heavy lifting.
import { inflateRawSync } from "node:zlib";

/** One message of one topic: its JSON (already parsed) and when it was sent (ms since the Unix epoch). */
export interface FeedMessage {
  topic: string;
  data: unknown;
  utcMs: number;
}

/** Topics racetel reads; others are counted and ignored. */
export const KNOWN_TOPICS = new Set([
  "SessionInfo", "SessionData", "SessionStatus", "TrackStatus", "WeatherData", "DriverList", "TimingData",
  "TimingAppData", "TimingStats", "RaceControlMessages", "LapCount", "CarData.z", "Position.z", "ExtrapolatedClock",
  "Heartbeat", "TopThree", "TeamRadio", "AudioStreams", "ContentStreams",
]);

/** Largest message accepted, bytes of text (the real archive's largest line is ~55 KB; a .z inflates to ~100 KB). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Deepest JSON nesting accepted (the feed's is 6). */
export const MAX_DEPTH = 16;

export class FeedError extends Error {
  constructor(readonly reason: "bad_line" | "bad_json" | "bad_z" | "too_big" | "too_deep", message: string) {
    super(message);
  }
}

/** Parses JSON text, refusing oversized or too deeply nested input before it can cost anything. */
export function parseJson(text: string): unknown {
  if (text.length > MAX_MESSAGE_BYTES) throw new FeedError("too_big", `message of ${text.length} characters (limit ${MAX_MESSAGE_BYTES})`);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) throw new FeedError("too_deep", `JSON nested deeper than ${MAX_DEPTH}`);
    } else if (c === 125 || c === 93) depth--;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new FeedError("bad_json", (err as Error).message);
  }
}

/** A `.z` payload: base64 of raw DEFLATE of JSON. */
export function inflateZ(base64: unknown): unknown {
  if (typeof base64 !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new FeedError("bad_z", "a .z payload is not base64");
  let text: string;
  try {
    text = inflateRawSync(Buffer.from(base64, "base64"), { maxOutputLength: MAX_MESSAGE_BYTES }).toString("utf8");
  } catch (err) {
    throw new FeedError("bad_z", `a .z payload does not inflate: ${(err as Error).message}`);
  }
  return parseJson(text);
}

/** "HH:MM:SS.mmm" of an archive line -> ms, or NaN. */
export function parseOffset(text: string): number {
  const m = /^(\d\d):(\d\d):(\d\d)\.(\d\d\d)$/.exec(text);
  if (m === null) return Number.NaN;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
}

/**
 * One archive line (`HH:MM:SS.mmm` then the payload) of `topic`, the stream starting at `startMs`.
 * `.z` payloads are inflated.
 */
export function parseArchiveLine(topic: string, line: string, startMs: number): FeedMessage {
  const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  const offset = parseOffset(text.slice(0, 12));
  if (offset !== offset) throw new FeedError("bad_line", "an archive line starts with HH:MM:SS.mmm");
  const payload = parseJson(text.slice(12));
  return { topic, data: topic.endsWith(".z") ? inflateZ(payload) : payload, utcMs: startMs + offset };
}

/** "1:17.123", "17.123" -> ms; anything else (empty, "1 L") -> NaN. */
export function parseLapTime(v: unknown): number {
  if (typeof v !== "string") return Number.NaN;
  const m = /^(?:(\d+):)?(\d{1,2})\.(\d{3})$/.exec(v.trim());
  if (m === null) return Number.NaN;
  return (Number(m[1] ?? 0) * 60 + Number(m[2])) * 1000 + Number(m[3]);
}

/** A gap: "+1.234" or "1.234" -> ms; "LAP 1", "1 L", "" -> NaN (laps behind are not a time). */
export function parseGap(v: unknown): number {
  if (typeof v !== "string") return Number.NaN;
  const m = /^\+?(\d+)\.(\d{1,3})$/.exec(v.trim());
  if (m === null) return Number.NaN;
  return Number(m[1]) * 1000 + Number(m[2]!.padEnd(3, "0"));
}

/** A number the feed may send as a string ("25.9", "1"). */
export function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return Number.NaN;
}

/** ISO UTC time ("2025-10-25T21:51:39.1702193Z", "2025-10-25T21:00:00") -> ms with its sub-ms digits, or NaN. */
export function parseUtc(v: unknown): number {
  if (typeof v !== "string" || v.length > 40) return Number.NaN;
  const t = Date.parse(/[Zz]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
  if (!Number.isFinite(t)) return Number.NaN;
  // Date.parse keeps milliseconds; the feed sends ticks of 100 ns.
  const sub = /\.\d{3}(\d{1,4})/.exec(v)?.[1];
  return sub === undefined ? t : t + Number(sub) / 10 ** sub.length;
}
