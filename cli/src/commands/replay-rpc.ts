// `racetel replay FILE --rpc HOST:PORT`: decodes the capture here, with the same decoders and checks as
// the ingest service, and publishes the frames straight to rpc stamped with the capture's own receive
// times (--time original) or shifted so the capture starts now (--time now). The same capture then
// stores the same rows at any --speed: what the UDP path cannot give (ingest stamps its own receive time).
import { setTimeout as sleep } from "node:timers/promises";
import { readCapture } from "@racetel/ingest/capture/capture-reader";
import { IngestCounters } from "@racetel/ingest/observability/counters";
import { RateLimitedDropRecorder } from "@racetel/ingest/observability/drop-recorder";
import { snapshotIngestStats } from "@racetel/ingest/observability/ingest-stats";
import type { Logger } from "@racetel/ingest/observability/logger";
import { LogOnce } from "@racetel/ingest/observability/once-logger";
import { FrameBatcher } from "@racetel/ingest/pipeline/frame-batcher";
import { FrameGuard } from "@racetel/ingest/pipeline/frame-guard";
import { defaultSourceDecoders, recordDecoders } from "@racetel/ingest/service/source-decoders";
import { RpcStreamClient } from "@racetel/ingest/stream/client";
import { archiveMessage, readArchive } from "@racetel/ingest/sources/f1-livetiming/archive";
import { F1LiveTimingDecoder } from "@racetel/ingest/sources/f1-livetiming/decoder";
import path from "node:path";

export interface RpcReplayOptions {
  target: string;
  token?: string;
  time: "original" | "now";
  speed: number;
  instance: string;
  logger: Logger;
  isStopped(): boolean;
  onRecord(fileOffset: number): void;
}

/** Batches waiting in the client before the replay waits for them to leave (no drops at --speed max). */
const MAX_QUEUED_BATCHES = 256;

/** ingest's pipeline (frame guard, batcher) into one PublishAcked stream to rpc, as the replays use it. */
async function openPublisher(o: RpcReplayOptions) {
  const counters = new IngestCounters();
  const client = new RpcStreamClient({ targets: [o.target], instance: o.instance, logger: o.logger, stats: () => snapshotIngestStats(counters), ...(o.token !== undefined ? { token: o.token } : {}) });
  const deadline = Date.now() + 10_000;
  while (!client.allConnected()) {
    if (Date.now() > deadline) {
      client.close();
      throw new Error(`rpc at ${o.target} does not answer (is it running? racetel rpc, or racetel up)`);
    }
    await sleep(50);
  }
  const batcher = new FrameBatcher(client, counters, { maxBytes: 64 * 1024, maxAgeMs: 20 });
  const context = { sink: new FrameGuard(batcher, counters), drops: new RateLimitedDropRecorder(counters, o.logger), advice: new LogOnce(o.logger), cleanedLabel: (label: string) => counters.countLabelCleaned(label) };
  return {
    counters, client, context,
    /** Waits while too much is queued for rpc (no drops at --speed max). */
    async backpressure(): Promise<void> {
      while (client.targetStats()[0]!.queued > MAX_QUEUED_BATCHES) await sleep(2);
    },
    /**
     * Sends what is left and waits until rpc has acknowledged it (stored: sent to the collector), or until
     * nothing moved for a minute. Closing earlier would cancel what HTTP/2 still holds while rpc paces the replay.
     */
    async drain(): Promise<void> {
      batcher.flush();
      let last = -1;
      let since = Date.now();
      for (;;) {
        const s = client.targetStats()[0]!;
        const left = s.queued + s.unacked;
        if (left === 0) break;
        if (left !== last) { last = left; since = Date.now(); }
        if (Date.now() - since > 60_000) break;
        await sleep(20);
      }
    },
  };
}

export async function replayToRpc(file: string, o: RpcReplayOptions): Promise<{ records: number; frames: number; dropped: number }> {
  const p = await openPublisher(o);
  try {
    const decoders = recordDecoders(defaultSourceDecoders(), p.context);
    let shift = 0;
    let firstNs = Number.NaN;
    const playStart = performance.now();
    let records = 0;
    for await (const record of readCapture(file)) {
      if (o.isStopped()) break;
      if (firstNs !== firstNs) {
        firstNs = record.receiveTimeUnixNano;
        if (o.time === "now") shift = Date.now() * 1e6 - firstNs;
      }
      if (o.speed !== Infinity) {
        const wait = playStart + (record.receiveTimeUnixNano - firstNs) / 1e6 / o.speed - performance.now();
        if (wait > 1) await sleep(wait);
      }
      p.counters.packetsReceived++;
      const decoder = decoders.decoderFor(record.kind);
      if (decoder?.decode(record.payload, record.receiveTimeUnixNano + shift, record.sender || "127.0.0.1:0") === true) p.counters.packetsDecoded++;
      records++;
      o.onRecord(record.fileOffset);
      await p.backpressure();
    }
    for (const d of decoders.all()) d.flush?.();
    await p.drain();
    return { records, frames: p.counters.framesEmitted, dropped: p.client.framesDropped };
  } finally {
    p.client.close();
  }
}

/**
 * An F1 live-timing archive folder (one .jsonStream per topic) decoded here and published to rpc, every
 * sample at its own UTC time (--time original) or shifted so the session starts now. `onRecord` gets the
 * share of lines done.
 */
export async function replayArchiveToRpc(dir: string, o: Omit<RpcReplayOptions, "onRecord"> & { onProgress(done: number, total: number): void }): Promise<{ records: number; frames: number; dropped: number; messagesDropped: number }> {
  const archive = readArchive(dir);
  const p = await openPublisher({ ...o, onRecord: () => undefined });
  try {
    const first = archive.lines[0]?.offsetMs ?? 0;
    const last = archive.lines.at(-1)?.offsetMs ?? first;
    // --time now: at real time the session starts now and unfolds as it did; faster, it ends now (stored as
    // if it had just happened: a time picker on the last hours shows it, nothing lies in the future).
    const anchor = o.speed === 1 ? archive.startMs + first : archive.startMs + last;
    const shift = o.time === "now" ? (Date.now() - anchor) * 1e6 : 0;
    const decoder = new F1LiveTimingDecoder(p.context, { source: `f1-livetiming:${path.basename(path.resolve(dir))}`, timeShiftNs: shift });
    const playStart = performance.now();
    let records = 0;
    for (const line of archive.lines) {
      if (o.isStopped()) break;
      if (o.speed !== Infinity) {
        const wait = playStart + (line.offsetMs - first) / o.speed - performance.now();
        if (wait > 1) await sleep(wait);
      }
      p.counters.packetsReceived++;
      let ok = false;
      try {
        ok = decoder.handle(archiveMessage(archive, line));
      } catch (err) {
        ok = decoder.rejected(err, line.topic);
      }
      if (ok) p.counters.packetsDecoded++;
      records++;
      o.onProgress(records, archive.lines.length);
      await p.backpressure();
    }
    decoder.flush();
    await p.drain();
    return { records, frames: p.counters.framesEmitted, dropped: p.client.framesDropped, messagesDropped: decoder.dropped };
  } finally {
    p.client.close();
  }
}
