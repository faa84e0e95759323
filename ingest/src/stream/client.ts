// The ingest -> rpc gRPC stream: one long-lived PublishAcked stream per rpc target, fed from a bounded
// queue of already-encoded batches (raw-bytes serialisation: nothing is decoded or re-encoded here).
// A batch sent stays in memory until rpc acknowledges it (every sample of it reached the collector); after
// a reconnect the unacknowledged batches go again, so an rpc crash loses nothing. When rpc is slow or away
// the oldest queued batches are dropped and counted; the stream reconnects with exponential backoff and
// jitter. An rpc without PublishAcked gets plain Publish. With several targets, sessions are sharded.
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { ingestServiceDefinition, racetel } from "@racetel/proto";
import type { BatchSink } from "../pipeline/batch-sink.js";
import { BatchQueue } from "./batch-queue.js";
import type { QueuedBatch } from "./batch-queue.js";
import { shardBatch } from "./shard.js";

/** Minimal logger surface (pino fits). */
export interface StreamLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RpcTls {
  /** PEM files; a CA alone means TLS with server verification, cert+key add a client certificate (mTLS). */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface RpcStreamOptions {
  targets: string[];
  instance: string;
  logger: StreamLogger;
  tls?: RpcTls;
  /** rpc's access token (rpc --auth-token), sent as "authorization: Bearer ..." */
  token?: string;
  /** Queue bound per target. */
  queueBatches?: number;
  queueBytes?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** How often ingest stats go along (and an empty batch carries them when idle). */
  statsIntervalMs?: number;
  /** ingest's counters; framesDroppedQueue is raised to this client's own count. */
  stats?: () => racetel.v1.IIngestStats;
  /** Called with the number of frames dropped (queue full), e.g. to bump IngestCounters.framesDroppedQueue. */
  onDrop?: (frames: number) => void;
  /** Called with frames forgotten before rpc acknowledged them (not lost unless rpc crashes before storing them). */
  onUnprotected?: (frames: number) => void;
  /** Overrides the jitter source (tests). */
  random?: () => number;
}

const publishPath = ingestServiceDefinition.publish.path;
const publishAckedPath = ingestServiceDefinition.publishAcked.path;
const passThrough = (bytes: Buffer): Buffer => bytes;
const decodeResponse = (bytes: Buffer): racetel.v1.PublishResponse => racetel.v1.PublishResponse.decode(bytes);
const decodeAck = (bytes: Buffer): racetel.v1.PublishAckedResponse => racetel.v1.PublishAckedResponse.decode(bytes);

/** PublishAckedRequest { PublishRequest batch = 1 } around already-encoded PublishRequest bytes. */
function wrapBatch(bytes: Buffer): Buffer {
  let n = bytes.length;
  const head = [0x0a];
  while (n >= 0x80) {
    head.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  head.push(n);
  return Buffer.concat([Buffer.from(head), bytes]);
}

/** Batches sent and not yet acknowledged, per target, before the oldest are forgotten (counted). */
const MAX_UNACKED_BATCHES = 8192;
const MAX_UNACKED_BYTES = 64 * 1024 * 1024;

function credentials(tls: RpcTls | undefined): grpc.ChannelCredentials {
  if (tls === undefined || (tls.caFile === undefined && tls.certFile === undefined)) return grpc.credentials.createInsecure();
  const read = (f: string | undefined): Buffer | null => (f === undefined ? null : readFileSync(f));
  return grpc.credentials.createSsl(read(tls.caFile), read(tls.keyFile), read(tls.certFile));
}

function authMetadata(token: string | undefined): grpc.Metadata {
  const m = new grpc.Metadata();
  if (token !== undefined) m.set("authorization", `Bearer ${token}`);
  return m;
}

/** Per-target counters, for /metrics and tests. */
export interface TargetStats {
  target: string;
  connected: boolean;
  batchesSent: number;
  framesSent: number;
  framesDropped: number;
  reconnects: number;
  queued: number;
  /** Batches sent and not yet acknowledged by rpc. */
  unacked: number;
  /** Frames sent again after a reconnect because rpc had not acknowledged them. */
  framesResent: number;
}

interface SentBatch {
  sequence: number;
  bytes: Buffer;
  frames: number;
}

class TargetStream {
  readonly queue: BatchQueue;
  private readonly client: grpc.Client;
  private call: grpc.ClientWritableStream<Buffer> | undefined;
  /** False once rpc answered UNIMPLEMENTED to PublishAcked: plain Publish from then on. */
  private acked = true;
  private readonly unacked: SentBatch[] = [];
  private unackedBytes = 0;
  /** Index of the first unacknowledged batch not yet written on the current stream (0 after a reconnect). */
  private resendFrom = 0;
  framesResent = 0;
  /** Frames forgotten before rpc acknowledged them (rpc slow to export for minutes): not lost unless rpc crashes too. */
  framesUnprotected = 0;
  private writable = false;
  private backoffMs: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private sequence = 0;
  private statsDue = true;
  private connectedAt = 0;
  batchesSent = 0;
  framesSent = 0;
  framesDropped = 0;
  reconnects = 0;

  constructor(readonly target: string, private readonly owner: RpcStreamClient, private readonly o: Required<Omit<RpcStreamOptions, "tls" | "token" | "stats" | "onDrop" | "onUnprotected">> & RpcStreamOptions) {
    this.queue = new BatchQueue(o.queueBatches, o.queueBytes, (frames) => {
      this.framesDropped += frames;
      owner.countDrop(frames);
    });
    this.backoffMs = o.backoffInitialMs;
    this.client = new grpc.Client(target, credentials(o.tls), {
      "grpc.keepalive_time_ms": 30_000,
      "grpc.keepalive_timeout_ms": 10_000,
      // Our own backoff decides when to retry; keep grpc-js' reconnect quick so it does not add to it.
      "grpc.initial_reconnect_backoff_ms": 100,
      "grpc.max_reconnect_backoff_ms": 1000,
    });
    this.connect();
  }

  get connected(): boolean {
    return this.call !== undefined;
  }

  enqueue(batch: QueuedBatch): void {
    this.queue.push(batch);
    if (this.writable) this.pump();
  }

  markStatsDue(): void {
    this.statsDue = true;
    // Idle ingest still reports its stats: an empty batch carries them.
    if (this.writable && this.queue.length === 0) this.enqueue({ bytes: Buffer.alloc(0), frames: 0 });
  }

  private connect(): void {
    if (this.closed) return;
    this.client.waitForReady(Date.now() + Math.max(1000, this.backoffMs), (err) => {
      if (this.closed) return;
      if (err) {
        this.scheduleReconnect(`rpc ${this.target} not reachable`);
        return;
      }
      this.startCall();
    });
  }

  private startCall(): void {
    const metadata = authMetadata(this.o.token);
    let call: grpc.ClientWritableStream<Buffer>;
    const ended = (err: grpc.ServiceError | null, detail: string): void => {
      if (this.call === call) {
        this.call = undefined;
        this.writable = false;
      }
      if (this.closed) return;
      // What rpc did not acknowledge goes again on the next stream, before anything newer.
      this.resendFrom = 0;
      if (err !== null && err.code === grpc.status.UNIMPLEMENTED && this.acked) {
        this.acked = false;
        this.o.logger.warn({ target: this.target }, "rpc does not offer PublishAcked: using Publish (batches in flight when rpc restarts are lost, counted by rpc as batch gaps)");
      }
      if (err) this.scheduleReconnect(`Publish stream to ${this.target} ended: ${err.code === grpc.status.UNAVAILABLE ? "rpc unavailable" : err.message}`);
      else this.scheduleReconnect(`Publish stream to ${this.target} closed by rpc${detail}`);
    };
    if (this.acked) {
      const duplex = this.client.makeBidiStreamRequest<Buffer, racetel.v1.PublishAckedResponse>(publishAckedPath, wrapBatch, decodeAck, metadata, {});
      duplex.on("data", (ack: racetel.v1.PublishAckedResponse) => this.onAck(Number(ack.ackedThroughSequence)));
      duplex.on("status", (st: grpc.StatusObject) => ended(st.code === grpc.status.OK ? null : Object.assign(new Error(st.details), st) as grpc.ServiceError, ""));
      call = duplex;
    } else {
      call = this.client.makeClientStreamRequest<Buffer, racetel.v1.PublishResponse>(publishPath, passThrough, decodeResponse, metadata, {}, (err, response) => {
        ended(err, ` (accepted ${response?.framesAccepted ?? 0} frames)`);
      });
    }
    this.call = call;
    this.writable = true;
    this.connectedAt = Date.now();
    this.statsDue = true;
    call.on("drain", () => {
      if (this.call === call) {
        this.writable = true;
        this.pump();
      }
    });
    call.on("error", () => { /* reported through status / the callback */ });
    this.o.logger.info({ target: this.target, queued: this.queue.length, acked: this.acked }, "Publish stream to rpc open");
    this.pump();
  }

  /** rpc stored every sample of the batches up to `sequence`: forget them. */
  private onAck(sequence: number): void {
    let n = 0;
    while (n < this.unacked.length && this.unacked[n]!.sequence <= sequence) {
      this.unackedBytes -= this.unacked[n]!.bytes.length;
      n++;
    }
    if (n === 0) return;
    this.unacked.splice(0, n);
    this.resendFrom = Math.max(0, this.resendFrom - n);
  }

  private scheduleReconnect(reason: string): void {
    if (this.closed || this.reconnectTimer !== undefined) return;
    // A stream that stayed up a while resets the backoff.
    if (this.connectedAt > 0 && Date.now() - this.connectedAt > 5_000) this.backoffMs = this.o.backoffInitialMs;
    this.connectedAt = 0;
    // Full jitter over the upper half: many ingest instances do not reconnect in lockstep.
    const delay = Math.round(this.backoffMs * (0.5 + 0.5 * this.o.random()));
    this.backoffMs = Math.min(this.o.backoffMaxMs, this.backoffMs * 2);
    this.reconnects++;
    this.owner.logReconnect(this.target, reason, delay);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }

  /** Writes queued batches while the stream accepts them. */
  private pump(): void {
    const call = this.call;
    // First what a previous stream sent and rpc did not acknowledge (bytes and sequence kept), then the queue.
    while (call !== undefined && this.writable && this.acked && this.resendFrom < this.unacked.length) {
      const b = this.unacked[this.resendFrom++]!;
      this.framesResent += b.frames;
      if (!call.write(b.bytes)) this.writable = false;
    }
    while (call !== undefined && this.writable && this.queue.length > 0) {
      const batch = this.queue.shift()!;
      const sequence = ++this.sequence;
      const bytes = this.withTrailer(batch.bytes, sequence);
      const ok = call.write(bytes);
      this.batchesSent++;
      this.framesSent += batch.frames;
      if (this.acked) this.keepUntilAcked({ sequence, bytes, frames: batch.frames });
      if (!ok) this.writable = false;
    }
  }

  private keepUntilAcked(b: SentBatch): void {
    this.unacked.push(b);
    this.resendFrom = this.unacked.length;
    this.unackedBytes += b.bytes.length;
    while (this.unacked.length > MAX_UNACKED_BATCHES || this.unackedBytes > MAX_UNACKED_BYTES) {
      const old = this.unacked.shift()!;
      this.resendFrom = Math.max(0, this.resendFrom - 1);
      this.unackedBytes -= old.bytes.length;
      this.framesUnprotected += old.frames;
      this.o.onUnprotected?.(old.frames);
    }
  }

  /** Appends instance, sequence, drop total and (about once a second) stats: concatenated protobuf merges. */
  private withTrailer(bytes: Buffer, sequence: number): Buffer {
    const header: racetel.v1.IPublishRequest = {
      ingestInstance: this.o.instance,
      batchSequence: sequence,
      framesDroppedTotal: this.owner.framesDropped,
    };
    if (this.statsDue) {
      this.statsDue = false;
      header.ingestStats = this.owner.statsSnapshot();
    }
    const trailer = racetel.v1.PublishRequest.encode(header).finish();
    return Buffer.concat([bytes, trailer], bytes.length + trailer.length);
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    const call = this.call;
    this.call = undefined;
    this.writable = false;
    call?.end();
    // Let the final batches leave before the channel closes.
    setTimeout(() => this.client.close(), 200).unref();
  }

  stats(): TargetStats {
    return { target: this.target, connected: this.connected, batchesSent: this.batchesSent, framesSent: this.framesSent, framesDropped: this.framesDropped, reconnects: this.reconnects, queued: this.queue.length, unacked: this.unacked.length, framesResent: this.framesResent };
  }
}

/** The gRPC BatchSink: see the module comment. */
export class RpcStreamClient implements BatchSink {
  private readonly streams: TargetStream[];
  private readonly statsTimer: NodeJS.Timeout;
  private readonly lastReconnectLog = new Map<string, number>();
  framesDropped = 0;

  constructor(private readonly options: RpcStreamOptions) {
    if (options.targets.length === 0) throw new Error("RpcStreamClient needs at least one rpc target");
    const o = {
      queueBatches: 1024,
      queueBytes: 32 * 1024 * 1024,
      backoffInitialMs: 100,
      backoffMaxMs: 5_000,
      statsIntervalMs: 1_000,
      random: Math.random,
      ...options,
    };
    this.streams = options.targets.map((t) => new TargetStream(t, this, o));
    this.statsTimer = setInterval(() => {
      for (const s of this.streams) s.markStatsDue();
    }, o.statsIntervalMs);
    this.statsTimer.unref();
  }

  sendBatch(bytes: Buffer, frames: number): void {
    if (this.streams.length === 1) {
      this.streams[0]!.enqueue({ bytes, frames });
      return;
    }
    const { parts, frames: counts } = shardBatch(bytes, this.streams.length);
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part !== undefined) this.streams[i]!.enqueue({ bytes: part, frames: counts[i]! });
    }
  }

  countDrop(frames: number): void {
    this.framesDropped += frames;
    this.options.onDrop?.(frames);
  }

  statsSnapshot(): racetel.v1.IIngestStats {
    const stats = this.options.stats?.() ?? {};
    const reported = Number(stats.framesDroppedQueue ?? 0);
    return { ...stats, framesDroppedQueue: Math.max(reported, this.framesDropped) };
  }

  /** Reconnect messages: at most one per target per 10 s. */
  logReconnect(target: string, reason: string, delayMs: number): void {
    const now = Date.now();
    const last = this.lastReconnectLog.get(target) ?? 0;
    if (now - last < 10_000) return;
    this.lastReconnectLog.set(target, now);
    this.options.logger.warn({ target, retryInMs: delayMs, framesDropped: this.framesDropped }, `${reason}; reconnecting (queue keeps the newest frames, drops counted)`);
  }

  targetStats(): TargetStats[] {
    return this.streams.map((s) => s.stats());
  }

  /** True when every target has an open stream. */
  allConnected(): boolean {
    return this.streams.every((s) => s.connected);
  }

  /** Ends the streams (queued batches already written are sent; the rest is dropped). */
  close(): void {
    clearInterval(this.statsTimer);
    for (const s of this.streams) s.close();
  }
}
