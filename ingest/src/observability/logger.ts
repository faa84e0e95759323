// Structured logs (pino) on stderr, so stdout stays free for frames. Never one line per packet.
import pino from "pino";

export type Logger = pino.Logger;

/** Creates the process logger; `destination` defaults to stderr (fd 2). */
export function createLogger(level: string, destination: number = 2): Logger {
  return pino({ level, base: { service: "racetel-ingest" } }, pino.destination({ dest: destination, sync: true }));
}
