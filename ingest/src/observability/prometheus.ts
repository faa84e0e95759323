// Prometheus text exposition (format 0.0.4) of the ingest counters, written by hand: a dozen
// series do not need a metrics library.
import type { IngestCounters } from "./counters.js";
import { hostUdpReceiveBufferErrors } from "./kernel-drops.js";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function series(out: string[], name: string, type: "counter" | "gauge", help: string, value: number): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
}

/** Renders every ingest metric; called per scrape, never per packet. */
export function renderPrometheus(counters: IngestCounters, nowMs: number = performance.now()): string {
  const out: string[] = [];
  series(out, "racetel_ingest_packets_received_total", "counter", "Datagrams or pages received.", counters.packetsReceived);
  series(out, "racetel_ingest_bytes_received_total", "counter", "Bytes of datagrams or pages received.", counters.bytesReceived);
  series(out, "racetel_ingest_packets_decoded_total", "counter", "Datagrams or pages decoded into frames.", counters.packetsDecoded);
  out.push("# HELP racetel_ingest_packets_dropped_total Datagrams or pages dropped, by reason.", "# TYPE racetel_ingest_packets_dropped_total counter");
  // Includes reason="kernel_receive_buffer": datagrams the kernel dropped on ingest's sockets (Linux only).
  const drops = counters.dropsByReasonWithKernel();
  for (const reason of [...drops.keys()].sort()) {
    out.push(`racetel_ingest_packets_dropped_total{reason="${escapeLabel(reason)}"} ${drops.get(reason)}`);
  }
  const host = hostUdpReceiveBufferErrors();
  if (host !== undefined) series(out, "racetel_ingest_host_udp_receive_buffer_errors_total", "counter", "UDP datagrams the kernel dropped for a full receive buffer on any socket of this host (RcvbufErrors; includes other programs).", host);
  out.push("# HELP racetel_ingest_frames_dropped_out_of_range_total Frames dropped because a number was outside its valid range (docs/validation.md), by field.", "# TYPE racetel_ingest_frames_dropped_out_of_range_total counter");
  for (const field of [...counters.framesOutOfRange.keys()].sort()) out.push(`racetel_ingest_frames_dropped_out_of_range_total{field="${escapeLabel(field)}"} ${counters.framesOutOfRange.get(field)}`);
  out.push("# HELP racetel_ingest_labels_cleaned_total Labels that needed cleaning (control characters, broken UTF-8, too long), by label.", "# TYPE racetel_ingest_labels_cleaned_total counter");
  for (const label of [...counters.labelsCleaned.keys()].sort()) out.push(`racetel_ingest_labels_cleaned_total{label="${escapeLabel(label)}"} ${counters.labelsCleaned.get(label)}`);
  series(out, "racetel_ingest_frames_emitted_total", "counter", "racetel.v1 frames produced by the decoders.", counters.framesEmitted);
  series(out, "racetel_ingest_frames_dropped_queue_total", "counter", "Frames dropped because the output queue was full.", counters.framesDroppedQueue);
  series(out, "racetel_ingest_frames_unprotected_total", "counter", "Frames sent to rpc and forgotten before rpc acknowledged them (kept: 8192 batches / 64 MB); lost only if rpc then crashes.", counters.framesUnprotected);
  series(out, "racetel_ingest_batches_sealed_total", "counter", "PublishRequest batches handed to the output.", counters.batchesSealed);
  series(out, "racetel_ingest_sessions_active", "gauge", "Game sessions seen recently.", counters.sessionsActive());
  series(out, "racetel_ingest_sessions_evicted_total", "counter", "Sessions forgotten to make room for new ones (least recently active, those that never got going first).", counters.sessionsEvicted());
  series(out, "racetel_ingest_last_packet_age_seconds", "gauge", "Seconds since the last datagram or page (-1 before the first).", counters.lastPacketAgeSeconds(nowMs));
  return out.join("\n") + "\n";
}
