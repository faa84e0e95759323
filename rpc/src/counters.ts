// rpc's own counters, shown as Prometheus text on the HTTP port and exported as racetel.rpc.* metrics.

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

import { monitorEventLoopDelay } from "node:perf_hooks";
import type { IntervalHistogram } from "node:perf_hooks";

export class RpcCounters {
  /** Event-loop delay since the last scrape: how long frames may have waited behind other work. */
  readonly eventLoopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });

  framesReceived = 0;
  framesAccepted = 0;
  batchesReceived = 0;
  /** Rejected frames by reason (fixed vocabulary, see validate.ts). */
  readonly rejected = new Map<string, number>();
  /** Values outside their valid range, dropped from otherwise good frames, by field. */
  readonly valuesDropped = new Map<string, number>();
  valuesDroppedTotal = 0;
  /** Labels cleaned (control characters, broken UTF-8, too long), by label. */
  readonly labelsCleaned = new Map<string, number>();
  /** The ValidationReport rpc's validation reports into (bound once: no closure per frame). */
  readonly report = {
    droppedValue: (field: string): void => {
      this.valuesDropped.set(field, (this.valuesDropped.get(field) ?? 0) + 1);
      this.valuesDroppedTotal++;
    },
    cleanedLabel: (label: string): void => {
      this.labelsCleaned.set(label, (this.labelsCleaned.get(label) ?? 0) + 1);
    },
  };
  /** Batches whose sequence number skipped ahead (ingest lost them). */
  batchGaps = 0;
  publishStreams = 0;
  subscribers = 0;
  subscriberFramesSkipped = 0;
  /** Subscribe calls refused: over --max-subscribers, or an oversized filter. */
  subscribersRefused = 0;
  /** Publish or Subscribe calls without the right access token. */
  callsUnauthenticated = 0;
  /** OTLP requests the collector refused as too large, sent again in halves. */
  exportsSplit = 0;
  /** Data points handed to the OTLP exporter, and those the collector accepted. */
  pointsHandedOver = 0;
  pointsExported = 0;
  exportFailures = 0;
  exportsSucceeded = 0;
  /** Export requests not sent because too many were still waiting for the collector. */
  exportsSkipped = 0;
  /** OTLP exporters rebuilt after persistent failures. */
  exporterRebuilds = 0;
  carsActive = 0;
  carsExpired = 0;
  /** Walks of the store (one per collection); their rate is the effective export interval. */
  collections = 0;
  /** Collections skipped because OTLP requests of the previous one were still pending. */
  collectionsSkipped = 0;
  /** --transport kafka: messages consumed and dropped (too big, not a PublishRequest), offset commits, rebalances, lag. */
  kafkaMessages = 0;
  kafkaMessagesDropped = 0;
  kafkaCommits = 0;
  kafkaCommitFailures = 0;
  kafkaRebalances = 0;
  kafkaPartitions = 0;
  kafkaLag = 0;

  reject(reason: string, n = 1): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + n);
  }

  rejectedTotal(): number {
    let n = 0;
    for (const v of this.rejected.values()) n += v;
    return n;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function series(out: string[], name: string, type: "counter" | "gauge", help: string, value: number): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
}

/** ingest's counters as last reported to this rpc (PublishRequest.ingest_stats). */
export interface IngestView {
  instance: string;
  packetsReceived: number;
  packetsDecoded: number;
  packetsDropped: number;
  framesEmitted: number;
  framesDropped: number;
  lastPacketAgeS: number;
}

/** Renders the counters in Prometheus text format 0.0.4 (per scrape, never per frame). */
/** The live view's counters (absent when it is off). */
export interface LiveView {
  clients: number;
  clientsRefused: number;
  updatesSent: number;
  updatesSkipped: number;
  snapshotsSent: number;
  badMessages: number;
}

export function renderPrometheus(c: RpcCounters, extra: { sessions: number; sessionsOnProbation: number; sessionsEvicted: number; framesLate: number; samplesDropped: number; backlog: number; ingest: IngestView[]; live?: LiveView | undefined }): string {
  const out: string[] = [];
  series(out, "racetel_rpc_frames_received_total", "counter", "Frames received on Publish streams.", c.framesReceived);
  series(out, "racetel_rpc_frames_accepted_total", "counter", "Frames that passed validation.", c.framesAccepted);
  series(out, "racetel_rpc_batches_received_total", "counter", "PublishRequest batches received.", c.batchesReceived);
  out.push("# HELP racetel_rpc_frames_rejected_total Frames rejected by validation, by reason.", "# TYPE racetel_rpc_frames_rejected_total counter");
  for (const reason of [...c.rejected.keys()].sort()) out.push(`racetel_rpc_frames_rejected_total{reason="${escapeLabel(reason)}"} ${c.rejected.get(reason)}`);
  out.push("# HELP racetel_rpc_values_dropped_total Values outside their valid range dropped from frames (the rest of the frame kept), by field.", "# TYPE racetel_rpc_values_dropped_total counter");
  for (const field of [...c.valuesDropped.keys()].sort()) out.push(`racetel_rpc_values_dropped_total{field="${escapeLabel(field)}"} ${c.valuesDropped.get(field)}`);
  out.push("# HELP racetel_rpc_labels_cleaned_total Labels cleaned of control characters, broken UTF-8 or excess length, by label.", "# TYPE racetel_rpc_labels_cleaned_total counter");
  for (const label of [...c.labelsCleaned.keys()].sort()) out.push(`racetel_rpc_labels_cleaned_total{label="${escapeLabel(label)}"} ${c.labelsCleaned.get(label)}`);
  series(out, "racetel_rpc_batch_gaps_total", "counter", "Gaps in batch sequence numbers (batches ingest dropped).", c.batchGaps);
  series(out, "racetel_rpc_publish_streams", "gauge", "Open Publish streams.", c.publishStreams);
  series(out, "racetel_rpc_subscribers", "gauge", "Open Subscribe streams.", c.subscribers);
  series(out, "racetel_rpc_subscribers_refused_total", "counter", "Subscribe calls refused (over --max-subscribers, or an oversized filter).", c.subscribersRefused);
  series(out, "racetel_rpc_calls_unauthenticated_total", "counter", "Publish or Subscribe calls refused for a missing or wrong access token.", c.callsUnauthenticated);
  series(out, "racetel_rpc_subscriber_frames_skipped_total", "counter", "Frames skipped because a subscriber read too slowly.", c.subscriberFramesSkipped);
  series(out, "racetel_rpc_export_failures_total", "counter", "Failed OTLP exports.", c.exportFailures);
  series(out, "racetel_rpc_exporter_rebuilds_total", "counter", "OTLP exporters rebuilt after persistent failures.", c.exporterRebuilds);
  series(out, "racetel_rpc_exports_skipped_total", "counter", "OTLP requests skipped because too many were in flight (also in export failures).", c.exportsSkipped);
  series(out, "racetel_rpc_exports_split_total", "counter", "OTLP requests the collector refused as too large and rpc sent again in two halves.", c.exportsSplit);
  series(out, "racetel_rpc_points_exported_total", "counter", "Data points the collector accepted.", c.pointsExported);
  series(out, "racetel_rpc_points_not_exported_total", "counter", "Data points handed to the exporter that the collector did not accept (failed or pending).", c.pointsHandedOver - c.pointsExported);
  series(out, "racetel_rpc_exports_total", "counter", "Successful OTLP exports.", c.exportsSucceeded);
  series(out, "racetel_rpc_collections_total", "counter", "Collections of the store (one per export); fewer than one per interval means exports take longer than the interval.", c.collections);
  series(out, "racetel_rpc_collections_skipped_total", "counter", "Collections skipped while the previous one's OTLP requests were pending.", c.collectionsSkipped);
  series(out, "racetel_rpc_cars_active", "gauge", "Cars reported in the last collection.", c.carsActive);
  series(out, "racetel_rpc_cars_expired_total", "counter", "Cars that went silent and stopped being reported.", c.carsExpired);
  series(out, "racetel_rpc_sessions_active", "gauge", "Sessions with state in rpc.", extra.sessions);
  series(out, "racetel_rpc_sessions_on_probation", "gauge", "Sessions with fewer than 10 frames or 1 s of frames so far (evicted first when rpc is full).", extra.sessionsOnProbation);
  series(out, "racetel_rpc_frames_late_total", "counter", "Frames older than what rpc had already stored for their session (a resend, or held up longer than --lateness): not stored again.", extra.framesLate);
  series(out, "racetel_rpc_samples_dropped_total", "counter", "Samples dropped because rpc's export backlog was full (the collector away for minutes).", extra.samplesDropped);
  series(out, "racetel_rpc_export_backlog", "gauge", "Trace samples and state points waiting for the collector.", extra.backlog);
  series(out, "racetel_rpc_sessions_evicted_total", "counter", "Sessions forgotten to make room for new ones (on probation first, then silent ones).", extra.sessionsEvicted);
  series(out, "racetel_rpc_ingest_instances", "gauge", "ingest instances that sent stats recently.", extra.ingest.length);
  if (extra.live !== undefined) {
    const l = extra.live;
    series(out, "racetel_rpc_live_view_clients", "gauge", "Browsers connected to the live view.", l.clients);
    series(out, "racetel_rpc_live_view_clients_refused_total", "counter", "Browsers refused because the live view had its maximum.", l.clientsRefused);
    series(out, "racetel_rpc_live_view_updates_sent_total", "counter", "Live view updates sent to browsers.", l.updatesSent);
    series(out, "racetel_rpc_live_view_updates_skipped_total", "counter", "Live view updates skipped for browsers that read too slowly (they get a snapshot later).", l.updatesSkipped);
    series(out, "racetel_rpc_live_view_snapshots_sent_total", "counter", "Live view snapshots sent.", l.snapshotsSent);
    series(out, "racetel_rpc_live_view_bad_messages_total", "counter", "Unexpected messages from browsers (their connection is closed).", l.badMessages);
  }
  if (c.kafkaMessages > 0 || c.kafkaPartitions > 0 || c.kafkaRebalances > 0) {
    series(out, "racetel_rpc_kafka_messages_total", "counter", "Kafka messages consumed (one session's frame batch each).", c.kafkaMessages);
    series(out, "racetel_rpc_kafka_messages_dropped_total", "counter", "Kafka messages dropped: empty, over 4 MiB or not a PublishRequest.", c.kafkaMessagesDropped);
    series(out, "racetel_rpc_kafka_commits_total", "counter", "Offset commits (after the messages' samples reached the collector).", c.kafkaCommits);
    series(out, "racetel_rpc_kafka_commit_failures_total", "counter", "Offset commits refused (the partition moved to another instance; it replays from the last commit).", c.kafkaCommitFailures);
    series(out, "racetel_rpc_kafka_rebalances_total", "counter", "Times the consumer group moved partitions after this instance joined.", c.kafkaRebalances);
    series(out, "racetel_rpc_kafka_partitions", "gauge", "Partitions this instance owns.", c.kafkaPartitions);
    series(out, "racetel_rpc_kafka_lag", "gauge", "Messages in the topic not yet committed by the group (all partitions, as of the last 5 s measurement).", c.kafkaLag);
  }
  const eld = c.eventLoopDelay;
  series(out, "racetel_rpc_event_loop_delay_max_seconds", "gauge", "Longest event-loop delay since the previous scrape.", eld.count > 0 ? eld.max / 1e9 : 0);
  series(out, "racetel_rpc_event_loop_delay_p99_seconds", "gauge", "99th percentile event-loop delay since the previous scrape.", eld.count > 0 ? eld.percentile(99) / 1e9 : 0);
  eld.reset();
  // ingest's own counters as it reported them here, so one scrape of rpc shows the whole pipeline.
  const ingestSeries: [string, string, (v: IngestView) => number][] = [
    ["racetel_rpc_ingest_packets_received", "Datagrams or pages the ingest instance received (as reported).", (v) => v.packetsReceived],
    ["racetel_rpc_ingest_packets_decoded", "Datagrams or pages it decoded (as reported).", (v) => v.packetsDecoded],
    ["racetel_rpc_ingest_packets_dropped", "Datagrams or pages it dropped, all reasons (as reported).", (v) => v.packetsDropped],
    ["racetel_rpc_ingest_frames_emitted", "Frames it produced (as reported).", (v) => v.framesEmitted],
    ["racetel_rpc_ingest_frames_dropped", "Frames it dropped on the way to rpc (as reported).", (v) => v.framesDropped],
    ["racetel_rpc_ingest_last_packet_age_seconds", "Seconds since its last packet (as reported).", (v) => v.lastPacketAgeS],
  ];
  for (const [name, help, get] of ingestSeries) {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const v of extra.ingest) out.push(`${name}{ingest_instance="${escapeLabel(v.instance)}"} ${get(v)}`);
  }
  return out.join("\n") + "\n";
}
