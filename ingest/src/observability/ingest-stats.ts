// Snapshot of the counters as racetel.v1.IngestStats, which the stream client sends to rpc about
// once a second so the pipeline-health dashboard sees ingest without another exporter.
import type { racetel } from "@racetel/proto";
import type { IngestCounters } from "./counters.js";

/** Copies the counters into a fresh IngestStats object (called about once a second, not per packet). */
export function snapshotIngestStats(counters: IngestCounters, nowMs: number = performance.now()): racetel.v1.IIngestStats {
  const dropped: Record<string, number> = {};
  for (const [reason, n] of counters.dropsByReasonWithKernel()) dropped[reason] = n;
  return {
    packetsReceived: counters.packetsReceived,
    packetsDecoded: counters.packetsDecoded,
    packetsDroppedByReason: dropped,
    sessionsActive: counters.sessionsActive(),
    framesEmitted: counters.framesEmitted,
    framesDroppedQueue: counters.framesDroppedQueue,
    lastPacketAgeS: counters.lastPacketAgeSeconds(nowMs),
  };
}
