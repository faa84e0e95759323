// Writes a live F1 live-timing session down in the archive's own format (archive.ts reads it back): one
// `<Topic>.jsonStream` per topic, each line `HH:MM:SS.mmm` (offset from the recording's start) then the
// payload as JSON, CRLF. `.z` payloads stay base64 strings, as the archive keeps them, so a recording is
// byte-compatible with livetiming.formula1.com's static archive and FastF1-era tools.
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import path from "node:path";

const START_MARGIN_MS = 60_000;

/** Topic names that may become file names. */
const TOPIC = /^[A-Za-z][A-Za-z0-9]{0,63}(\.z)?$/;

function offsetText(ms: number): string {
  const t = Math.max(0, Math.floor(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(t % 1000, 3)}`;
}

export class ArchiveWriter {
  private readonly files = new Map<string, WriteStream>();
  private startMs = Number.NaN;
  messages = 0;
  skipped = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  write(topic: string, payload: unknown, utcMs: number): void {
    if (!TOPIC.test(topic) || !(utcMs > 0)) {
      this.skipped++;
      return;
    }
    // Offsets may not be negative, and the feed's samples trail the clock the first message (the subscribe
    // answer) is stamped with by a few seconds: the recording starts a minute before that message.
    if (this.startMs !== this.startMs) this.startMs = Math.floor(utcMs) - START_MARGIN_MS;
    let file = this.files.get(topic);
    if (file === undefined) {
      file = createWriteStream(path.join(this.dir, `${topic}.jsonStream`), { flags: "w" });
      this.files.set(topic, file);
    }
    file.write(`${offsetText(utcMs - this.startMs)}${JSON.stringify(payload)}\r\n`);
    this.messages++;
  }

  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => new Promise<void>((resolve) => f.end(() => resolve()))));
    this.files.clear();
  }
}
