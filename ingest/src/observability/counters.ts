// The ingest service's own counters: plain numbers bumped on the hot path, read by /metrics and
// by the IngestStats snapshot sent to rpc.

/** The drop reason under which datagrams the kernel dropped (receive buffer full) are reported. */
export const KERNEL_DROP_REASON = "kernel_receive_buffer";

/** Cumulative counters since start; gauges are read through callbacks at scrape time. */
export class IngestCounters {
  packetsReceived = 0;
  packetsDecoded = 0;
  bytesReceived = 0;
  framesEmitted = 0;
  framesDroppedQueue = 0;
  /** Frames forgotten before rpc acknowledged them (rpc unable to store for minutes). */
  framesUnprotected = 0;
  batchesSealed = 0;
  readonly packetsDroppedByReason = new Map<string, number>();
  /** Frames dropped because a number was outside its valid range, by field ("telemetry.speedMps"). */
  readonly framesOutOfRange = new Map<string, number>();
  /** Labels cleaned (control characters, broken UTF-8, too long), by label name. */
  readonly labelsCleaned = new Map<string, number>();
  /** performance.now() of the last datagram, -1 before the first. */
  lastPacketAtMs = -1;
  /** Supplies the sessions-active gauge (sum over decoders). */
  sessionsActive: () => number = () => 0;
  /** Sessions a decoder forgot to make room for a new one (their state is gone; see docs/validation.md). */
  sessionsEvicted: () => number = () => 0;
  /** Datagrams the kernel dropped on ingest's sockets before ingest read them (read from /proc at scrape time). */
  kernelReceiveDrops: () => number | undefined = () => undefined;

  countOutOfRange(field: string): void {
    this.framesOutOfRange.set(field, (this.framesOutOfRange.get(field) ?? 0) + 1);
  }

  countLabelCleaned(label: string): void {
    this.labelsCleaned.set(label, (this.labelsCleaned.get(label) ?? 0) + 1);
  }

  countDrop(reason: string): void {
    this.packetsDroppedByReason.set(reason, (this.packetsDroppedByReason.get(reason) ?? 0) + 1);
  }

  packetsDropped(): number {
    let total = 0;
    for (const n of this.packetsDroppedByReason.values()) total += n;
    return total;
  }

  /** Drops by reason, with the kernel's receive-buffer drops as reason "kernel_receive_buffer" (scrape time only). */
  dropsByReasonWithKernel(): Map<string, number> {
    const out = new Map(this.packetsDroppedByReason);
    const kernel = this.kernelReceiveDrops();
    if (kernel !== undefined) out.set(KERNEL_DROP_REASON, kernel);
    // Frames dropped for a value out of range, all fields together (the field is on ingest's /metrics).
    let outOfRange = 0;
    for (const n of this.framesOutOfRange.values()) outOfRange += n;
    if (outOfRange > 0) out.set("frame_out_of_range", outOfRange);
    return out;
  }

  /** Seconds since the last datagram or page arrived, -1 before the first. */
  lastPacketAgeSeconds(nowMs: number = performance.now()): number {
    return this.lastPacketAtMs < 0 ? -1 : (nowMs - this.lastPacketAtMs) / 1000;
  }
}
