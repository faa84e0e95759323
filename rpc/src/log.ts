// Structured logs (pino) on stderr, and a rate limiter so that a failing collector or a stream of bad
// frames produces a bounded number of lines.
import pino from "pino";

export type Logger = pino.Logger;

/** Creates the process logger on stderr. */
export function createLogger(level: string, name = "racetel-rpc"): Logger {
  return pino({ level, base: { service: name } }, pino.destination({ dest: 2, sync: true }));
}

/** Logs at most `perInterval` lines per key per interval, then one summary of how many were suppressed. */
export class RateLimitedLog {
  private readonly windows = new Map<string, { start: number; count: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
    private readonly perInterval = 3,
    private readonly now: () => number = Date.now,
  ) {}

  /** A one-off line (the caller makes sure it is rare). */
  always(_key: string, details: Record<string, unknown>, message: string): void {
    this.logger.warn(details, message);
  }

  info(_key: string, details: Record<string, unknown>, message: string): void {
    this.logger.info(details, message);
  }

  warn(key: string, details: Record<string, unknown>, message: string): void {
    const t = this.now();
    let w = this.windows.get(key);
    if (w === undefined || t - w.start >= this.intervalMs) {
      if (w !== undefined && w.suppressed > 0) this.logger.warn({ key, suppressed: w.suppressed }, `${w.suppressed} similar messages suppressed`);
      if (this.windows.size > 1000) this.windows.clear(); // keys come from a fixed vocabulary; stay bounded anyway
      w = { start: t, count: 0, suppressed: 0 };
      this.windows.set(key, w);
    }
    if (w.count < this.perInterval) {
      w.count++;
      this.logger.warn(details, message);
    } else w.suppressed++;
  }
}
