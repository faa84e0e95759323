// Ingest reading ACC's page files itself (same Linux machine as the game, `--acc-shm-dir /dev/shm`):
// polls the three files and feeds the same decoder path as forwarded pages.
import { existsSync, statSync } from "node:fs";
import { hostname } from "node:os";
import type { DecodeContext } from "../source.js";
import { AccPageFeed } from "./page-feed.js";
import { PageFileReader, missingPageFiles } from "./page-files.js";

export interface AccShmReaderConfig {
  /** Directory holding acpmf_physics, acpmf_graphics, acpmf_static. */
  dir: string;
  /** Polls per second for physics and graphics (static is read once a second). */
  rateHz: number;
  /** Source label; default "acc-shm:<hostname>". */
  source?: string;
}

export function defaultAccShmReaderConfig(): AccShmReaderConfig {
  return { dir: "/dev/shm", rateHz: 60 };
}

/** A message for the user when the config cannot work, else null. */
export function validateAccShmReaderConfig(c: AccShmReaderConfig): string | null {
  if (!existsSync(c.dir) || !statSync(c.dir).isDirectory()) return `--acc-shm-dir ${c.dir}: not a directory`;
  if (!Number.isFinite(c.rateHz) || c.rateHz < 1 || c.rateHz > 1000) return `ACC shm poll rate ${c.rateHz}: must be 1..1000 Hz`;
  return null;
}

export class AccShmReader {
  private readonly reader: PageFileReader;
  private readonly feed: AccPageFeed;
  private timer: NodeJS.Timeout | undefined;
  private nextStaticMs = 0;
  private missingSince = 0;
  /** Polls that found all pages, and polls that found pages missing. */
  polls = 0;
  missedPolls = 0;

  constructor(private readonly config: AccShmReaderConfig, private readonly ctx: DecodeContext) {
    const problem = validateAccShmReaderConfig(config);
    if (problem) throw new Error(problem);
    this.reader = new PageFileReader(config.dir);
    this.feed = new AccPageFeed(ctx, config.source ?? `acc-shm:${hostname()}`);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.poll(), 1000 / this.config.rateHz);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.reader.close();
  }

  activeSessions(): number {
    return this.feed.normaliser.currentSessionId && Date.now() - this.feed.normaliser.lastDataMs < 10_000 ? 1 : 0;
  }

  /** One poll: static (at most once a second), graphics, physics. Public for tests. */
  poll(nowMs = Date.now()): void {
    const t = nowMs * 1e6;
    if (nowMs >= this.nextStaticMs) {
      const bytes = this.reader.read("static");
      if (!bytes) { this.pagesMissing(nowMs); return; }
      this.nextStaticMs = nowMs + 1000;
      this.feed.feed("static", bytes, t);
    }
    const graphics = this.reader.read("graphics");
    const physics = this.reader.read("physics");
    if (!graphics || !physics) { this.pagesMissing(nowMs); return; }
    this.missingSince = 0;
    this.polls++;
    this.feed.feed("graphics", graphics, t);
    this.feed.feed("physics", physics, t);
  }

  private pagesMissing(nowMs: number): void {
    this.missedPolls++;
    if (this.missingSince === 0) this.missingSince = nowMs;
    this.ctx.advice.once(`acc-shm-missing:${this.config.dir}`,
      `ACC page files missing in ${this.config.dir} (${missingPageFiles(this.config.dir).join(", ") || "unreadable"}): ` +
      "is the game running with a shared-memory bridge (shm-bridge, simshmbridge)?");
  }
}
