// Advice to the player (wrong UDP format, restricted telemetry) logged once per key per process.
import type { OnceLogger } from "../sources/source.js";
import type { Logger } from "./logger.js";

export class LogOnce implements OnceLogger {
  private readonly seen = new Set<string>();

  constructor(private readonly logger: Logger) {}

  once(key: string, message: string, details?: Record<string, unknown>): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.logger.warn({ adviceKey: key, ...details }, message);
  }
}
