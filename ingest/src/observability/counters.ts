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
  batchesSealed = 0;
  readonly packetsDroppedByReason = new Map<string, number>();
  /** performance.now() of the last datagram, -1 before the first. */
  lastPacketAtMs = -1;
  /** Supplies the sessions-active gauge (sum over decoders). */
  sessionsActive: () => number = () => 0;
  /** Datagrams the kernel dropped on ingest's sockets before ingest read them (read from /proc at scrape time). */
  kernelReceiveDrops: () => number | undefined = () => undefined;

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
    return out;
  }

  /** Seconds since the last datagram or page arrived, -1 before the first. */
  lastPacketAgeSeconds(nowMs: number = performance.now()): number {
    return this.lastPacketAtMs < 0 ? -1 : (nowMs - this.lastPacketAtMs) / 1000;
  }
}
