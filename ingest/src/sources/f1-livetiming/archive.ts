// A recorded F1 live-timing session as the static archive serves it: one `<Topic>.jsonStream` file per
// topic, each line `HH:MM:SS.mmm` (offset from the recording's start) then the payload. Read here in time
// order across topics; payloads are parsed only when their turn comes (CarData and Position inflate to
// hundreds of MB in all).
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { FeedError, KNOWN_TOPICS, MAX_MESSAGE_BYTES, inflateZ, parseArchiveLine, parseJson, parseOffset, parseUtc, type FeedMessage } from "./feed.js";

/** One line of one topic, not yet parsed. */
export interface ArchiveLine {
  topic: string;
  offsetMs: number;
  line: string;
  /** 1-based line number in its file, for messages. */
  lineNumber: number;
}

export interface Archive {
  dir: string;
  /** When offset 0 was, ms since the Unix epoch. */
  startMs: number;
  /** Every line of every topic, in time order (topic order breaks ties: state before samples). */
  lines: ArchiveLine[];
  /** Lines per topic, as in the files. */
  linesPerTopic: Map<string, number>;
  /** Lines that do not start with an offset (counted, skipped). */
  badLines: number;
  /** Files of topics racetel does not read (listed, skipped). */
  unknownTopics: string[];
}

/** True when `dir` holds at least one `.jsonStream` file. */
export function isLiveTimingArchive(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && readdirSync(dir).some((f) => f.endsWith(".jsonStream"));
  } catch {
    return false;
  }
}

const TOPIC_ORDER = ["SessionInfo", "SessionData", "SessionStatus", "TrackStatus", "DriverList", "TimingAppData", "TimingData", "LapCount", "WeatherData", "RaceControlMessages"];
const rank = (topic: string): number => {
  const i = TOPIC_ORDER.indexOf(topic);
  return i < 0 ? TOPIC_ORDER.length : i;
};

/**
 * The recording's start: a `.z` line's offset is its last sample's time minus the start, truncated to ms;
 * SessionData's Series times minus their offsets are the same instant (checked on the real archives).
 */
function findStart(byTopic: Map<string, ArchiveLine[]>): number {
  for (const topic of ["CarData.z", "Position.z"]) {
    for (const l of (byTopic.get(topic) ?? []).slice(0, 20)) {
      try {
        const data = inflateZ(parseJson(l.line.slice(12))) as { Entries?: { Utc?: string }[]; Position?: { Timestamp?: string }[] };
        const last = topic === "CarData.z" ? data.Entries?.at(-1)?.Utc : data.Position?.at(-1)?.Timestamp;
        const t = parseUtc(last);
        if (t === t) return Math.floor(t) - l.offsetMs;
      } catch {
        // the next line may do
      }
    }
  }
  for (const l of byTopic.get("SessionData") ?? []) {
    try {
      const series = (parseJson(l.line.slice(12)) as { Series?: unknown }).Series;
      if (series === null || typeof series !== "object" || Array.isArray(series)) continue;
      for (const e of Object.values(series as Record<string, { Utc?: string }>)) {
        const t = parseUtc(e?.Utc);
        if (t === t) return t - l.offsetMs;
      }
    } catch {
      // the next line may do
    }
  }
  return Number.NaN;
}

/** Reads an archive folder's lines. Throws with a clear message when it is not one or has no clock. */
export function readArchive(dir: string): Archive {
  const files = readdirSync(dir).filter((f) => f.endsWith(".jsonStream")).sort();
  if (files.length === 0) throw new Error(`${dir}: no <Topic>.jsonStream files: not an F1 live-timing archive folder`);
  const byTopic = new Map<string, ArchiveLine[]>();
  const linesPerTopic = new Map<string, number>();
  const unknownTopics: string[] = [];
  let badLines = 0;
  for (const file of files) {
    const topic = file.slice(0, -".jsonStream".length);
    if (!KNOWN_TOPICS.has(topic)) {
      unknownTopics.push(topic);
      continue;
    }
    const text = readFileSync(path.join(dir, file), "utf8");
    const out: ArchiveLine[] = [];
    let n = 0;
    for (const raw of text.split("\n")) {
      n++;
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (line === "") continue;
      const clean = n === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
      const offsetMs = parseOffset(clean.slice(0, 12));
      if (offsetMs !== offsetMs || clean.length > MAX_MESSAGE_BYTES) {
        badLines++;
        continue;
      }
      out.push({ topic, offsetMs, line: clean, lineNumber: n });
    }
    byTopic.set(topic, out);
    linesPerTopic.set(topic, out.length);
  }
  const startMs = findStart(byTopic);
  if (startMs !== startMs) throw new Error(`${dir}: cannot tell when the recording started (no CarData.z, Position.z or SessionData times)`);
  const lines = [...byTopic.values()].flat();
  lines.sort((a, b) => a.offsetMs - b.offsetMs || rank(a.topic) - rank(b.topic));
  return { dir, startMs, lines, linesPerTopic, badLines, unknownTopics };
}

/** Parses one archive line; a FeedError says why it cannot be used. */
export function archiveMessage(archive: Archive, l: ArchiveLine): FeedMessage {
  try {
    return parseArchiveLine(l.topic, l.line, archive.startMs);
  } catch (err) {
    if (err instanceof FeedError) err.message = `${l.topic} line ${l.lineNumber}: ${err.message}`;
    throw err;
  }
}
