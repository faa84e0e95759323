// Counts dropped packets by reason and logs them at a bounded rate with a hex prefix of the bytes,
// so a flood of bad datagrams costs a counter increment each, not a log line each.
import type { DropRecorder } from "../sources/source.js";
import type { IngestCounters } from "./counters.js";
import type { Logger } from "./logger.js";

const HEX_PREFIX_BYTES = 32;

interface ReasonLogState {
  lastLogMs: number;
  suppressed: number;
}

/** The DropRecorder handed to decoders; at most one log line per reason per `intervalMs`. */
export class RateLimitedDropRecorder implements DropRecorder {
  private readonly logState = new Map<string, ReasonLogState>();

  constructor(
    private readonly counters: IngestCounters,
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
  ) {}

  drop(reason: string, packet: Uint8Array): void {
    this.counters.countDrop(reason);
    const now = performance.now();
    let state = this.logState.get(reason);
    if (state === undefined) {
      state = { lastLogMs: -Infinity, suppressed: 0 };
      this.logState.set(reason, state);
    }
    if (now - state.lastLogMs < this.intervalMs) {
      state.suppressed++;
      return;
    }
    const prefix = Buffer.from(packet.buffer, packet.byteOffset, Math.min(packet.byteLength, HEX_PREFIX_BYTES)).toString("hex");
    this.logger.warn(
      { reason, bytes: packet.byteLength, hexPrefix: prefix, suppressedSinceLastLog: state.suppressed, total: this.counters.packetsDroppedByReason.get(reason) },
      `dropped a packet: ${reason}`,
    );
    state.lastLogMs = now;
    state.suppressed = 0;
  }
}
