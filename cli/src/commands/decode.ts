// `racetel decode`: decode a capture offline into racetel.v1 frames (JSON lines) or a summary table.
import { parseArgs } from "node:util";
import { inspectCapture, readCapture } from "@racetel/ingest/capture/capture-reader";
import { ProgressLine, formatBytes } from "@racetel/ingest/observability/progress-line";
import { CaptureFormatError, RECORD_KIND_NAMES, RecordKind, type CaptureRecord } from "@racetel/ingest/capture/rtcap-format";
import { UsageError } from "@racetel/ingest/config/usage-error";
import { IngestCounters } from "@racetel/ingest/observability/counters";
import { RateLimitedDropRecorder } from "@racetel/ingest/observability/drop-recorder";
import { createLogger } from "@racetel/ingest/observability/logger";
import { LogOnce } from "@racetel/ingest/observability/once-logger";
import { FrameBatcher } from "@racetel/ingest/pipeline/frame-batcher";
import { JsonLinesBatchSink } from "@racetel/ingest/pipeline/stdout-sink";
import { FrameGuard } from "@racetel/ingest/pipeline/frame-guard";
import { defaultSourceDecoders, recordDecoders } from "@racetel/ingest/service/source-decoders";
import type { DecodeContext, DropRecorder, Frame, FrameSink } from "@racetel/ingest/sources/source";
import { f1PacketLabel } from "@racetel/ingest/service/packet-labels";
import { archiveMessage, isLiveTimingArchive, readArchive } from "@racetel/ingest/sources/f1-livetiming/archive";
import { F1LiveTimingDecoder } from "@racetel/ingest/sources/f1-livetiming/decoder";
import type { Command } from "../main.js";

interface Row {
  packets: number;
  frames: number;
  drops: Map<string, number>;
}

/** Remembers the reason of the last drop, so the summary can attribute it to a packet type. */
class LastDropReason implements DropRecorder {
  last = "";
  constructor(private readonly inner: DropRecorder) {}
  drop(reason: string, packet: Uint8Array): void {
    this.last = reason;
    this.inner.drop(reason, packet);
  }
}

function rowLabel(record: CaptureRecord): string {
  if (record.kind === RecordKind.F1UdpDatagram) return f1PacketLabel(record.payload);
  return `${RECORD_KIND_NAMES[record.kind]} (${record.payload.length} B)`;
}

function renderTable(rows: Map<string, Row>): string {
  const header = ["packet", "packets", "frames", "dropped", "drop reasons"];
  const body = [...rows.entries()].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })).map(([label, row]) => {
    let dropped = 0;
    for (const n of row.drops.values()) dropped += n;
    const reasons = [...row.drops.entries()].map(([reason, n]) => `${reason}=${n}`).join(" ");
    return [label, String(row.packets), String(row.frames), String(dropped), reasons];
  });
  const totals = [...rows.values()].reduce((t, r) => { t[0] += r.packets; t[1] += r.frames; for (const n of r.drops.values()) t[2] += n; return t; }, [0, 0, 0]);
  body.push(["total", String(totals[0]), String(totals[1]), String(totals[2]), ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n") + "\n";
}

/** `racetel decode DIR`: an F1 live-timing archive; messages and drops per topic, then frames by kind. */
function decodeArchive(dir: string, json: boolean, logger: ReturnType<typeof createLogger>): number {
  const archive = readArchive(dir);
  const counters = new IngestCounters();
  const drops = new LastDropReason(new RateLimitedDropRecorder(counters, logger));
  const batcher = json ? new FrameBatcher(new JsonLinesBatchSink(process.stdout), counters, { maxBytes: 64 * 1024, maxAgeMs: 1000 }) : undefined;
  const kinds = new Map<string, number>();
  const sink: FrameSink = batcher ?? { emit: (frame: Frame) => {
    counters.framesEmitted++;
    const kind = (frame as { payload?: string }).payload ?? Object.keys(frame).find((k) => k !== "labels" && k !== "receiveTimeUnixNano") ?? "?";
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  } };
  const decoder = new F1LiveTimingDecoder({ sink: new FrameGuard(sink, counters), drops, advice: new LogOnce(logger), cleanedLabel: (label) => counters.countLabelCleaned(label) }, { source: `f1-livetiming:${dir}` });
  const rows = new Map<string, Row>();
  const progress = new ProgressLine();
  let done = 0;
  const status = (): string => `decode ${dir}: ${done} of ${archive.lines.length} live-timing messages, ${counters.framesEmitted} frames`;
  for (const line of archive.lines) {
    let row = rows.get(line.topic);
    if (!row) rows.set(line.topic, (row = { packets: 0, frames: 0, drops: new Map() }));
    row.packets++;
    drops.last = "";
    let ok: boolean;
    try {
      ok = decoder.handle(archiveMessage(archive, line));
    } catch (err) {
      ok = decoder.rejected(err, line.topic);
    }
    if (!ok) row.drops.set(drops.last || "unknown", (row.drops.get(drops.last || "unknown") ?? 0) + 1);
    done++;
    progress.update(status);
  }
  decoder.flush();
  batcher?.flush();
  progress.done(status);
  if (!json) {
    // Frames wait for time order across topics (decoder.ts): counted by kind, not by the topic that made them.
    const body = [...rows].sort(([a], [b]) => a.localeCompare(b)).map(([topic, r]) => {
      const dropped = [...r.drops.values()].reduce((a, b) => a + b, 0);
      return [topic, String(r.packets), String(dropped), [...r.drops].map(([k, n]) => `${k}=${n}`).join(" ")];
    });
    const header = ["topic", "messages", "dropped", "drop reasons"];
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
    process.stdout.write([line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n") + "\n");
    process.stdout.write(`frames by kind: ${[...kinds].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(", ")}\n`);
  }
  if (archive.badLines > 0 || archive.unknownTopics.length > 0) process.stderr.write(`decode: ${archive.badLines} lines without an offset skipped; topics not read: ${archive.unknownTopics.join(", ") || "none"}\n`);
  return 0;
}

export const command: Command = {
  name: "decode",
  summary: "decode a capture into racetel.v1 frames (proto3 JSON lines) or a per-packet-type summary",
  usage: `Usage: racetel decode FILE|DIR [--json]

Decodes every datagram of FILE (.rtcap, F1 24 clip, or unframed F1 dump) with the same decoders as
the ingest service. With --json prints one racetel.v1 Frame per line as proto3 JSON; without, a table
of packets, frames and drops (by reason) per packet type. Drops are also logged (rate-limited) on stderr.
DIR: an F1 live-timing archive folder (one <Topic>.jsonStream per topic): the same, per topic.

Flags:
  --json              frames as proto3 JSON lines on stdout
  --log-level LEVEL   stderr log level (default warn)`,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: "boolean" }, "log-level": { type: "string" } }, strict: true, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "FILE to decode is required" : `one FILE expected, got ${positionals.length}`);
    const file = positionals[0];
    const logger = createLogger(values["log-level"] ?? "warn");
    if (isLiveTimingArchive(file)) return decodeArchive(file, values.json === true, logger);
    const counters = new IngestCounters();
    const drops = new LastDropReason(new RateLimitedDropRecorder(counters, logger));
    let sink: FrameSink;
    let batcher: FrameBatcher | undefined;
    if (values.json) {
      batcher = new FrameBatcher(new JsonLinesBatchSink(process.stdout), counters, { maxBytes: 64 * 1024, maxAgeMs: 1000 });
      sink = batcher;
    } else {
      sink = { emit: (_frame: Frame) => void counters.framesEmitted++ };
    }
    // The same checks as the ingest service: a frame with a value out of range never leaves.
    const context: DecodeContext = { sink: new FrameGuard(sink, counters), drops, advice: new LogOnce(logger), cleanedLabel: (label) => counters.countLabelCleaned(label) };
    const decoders = recordDecoders(defaultSourceDecoders(), context);
    const decoderFor = decoders.decoderFor;

    const rows = new Map<string, Row>();
    // Progress on stderr (redrawn in place on a terminal, one final line otherwise): big captures take a while.
    const progress = new ProgressLine();
    let size = 0;
    let bytes = 0;
    const status = (): string => `decode ${file}: ${counters.packetsReceived} packets, ${formatBytes(bytes)}${size > 0 ? ` of ${formatBytes(size)} (${Math.min(100, Math.round((bytes / size) * 100))}%)` : ""}, ${counters.framesEmitted} frames`;
    try {
      size = (await inspectCapture(file)).size;
      for await (const record of readCapture(file)) {
        bytes += record.payload.length;
        progress.update(status);
        const label = values.json ? "" : rowLabel(record);
        let row = rows.get(label);
        if (!row) {
          row = { packets: 0, frames: 0, drops: new Map() };
          rows.set(label, row);
        }
        row.packets++;
        counters.packetsReceived++;
        const framesBefore = counters.framesEmitted;
        const decoder = decoderFor(record.kind);
        let ok: boolean;
        if (decoder) {
          drops.last = "";
          ok = decoder.decode(record.payload, record.receiveTimeUnixNano, record.sender || "capture");
        } else {
          drops.drop("no_decoder_for_record_kind", record.payload);
          ok = false;
        }
        if (ok) counters.packetsDecoded++;
        else row.drops.set(drops.last || "unknown", (row.drops.get(drops.last || "unknown") ?? 0) + 1);
        row.frames += counters.framesEmitted - framesBefore;
      }
    } catch (err) {
      if (err instanceof CaptureFormatError || (err as NodeJS.ErrnoException).code === "ENOENT") {
        batcher?.flush();
        process.stderr.write(`racetel decode: ${file}: ${(err as Error).message}\n`);
        return 1;
      }
      throw err;
    }
    // Frames a decoder still holds (a last Motion waiting for its MotionEx) belong to the capture too.
    for (const decoder of decoders.all()) decoder.flush?.();
    batcher?.flush();
    progress.done(status);
    if (!values.json) process.stdout.write(renderTable(rows));
    return 0;
  },
};
