// The Kafka BatchSink of ingest (--output kafka): each batch is split by session and produced to one
// topic with the session id as the key, so every frame of a session lands in one partition, in order,
// and rpc instances consuming as one group each own whole sessions (docs/deploy.md "Kafka").
// Client: @platformatic/kafka (pure JavaScript, maintained, runs on Node 20; the choice and the figures are
// in docs/deploy.md). Kafka keeps the frames once it acknowledged them: rpc commits its offsets only after
// their samples reached the collector, so nothing is lost when an rpc dies.
import { Admin, Producer, ProduceAcks } from "@platformatic/kafka";
import { racetel } from "@racetel/proto";
import type { BatchSink } from "../pipeline/batch-sink.js";
import type { StreamLogger } from "./client.js";
import { splitBySession } from "./shard.js";

/** Bytes produced but not yet acknowledged by Kafka before new batches are dropped (counted). */
const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

export interface KafkaSinkSettings {
  brokers: string[];
  topic: string;
  instance: string;
  logger: StreamLogger;
  /** Frames dropped: Kafka unreachable for longer than the producer retries, or too much in flight. */
  onDrop: (frames: number) => void;
  stats: () => racetel.v1.IIngestStats;
}

/**
 * Resolves once the topic exists. rpc creates it (it owns the partition count, which bounds how many rpc
 * instances share the work); meanwhile batches wait in memory up to MAX_IN_FLIGHT_BYTES.
 */
async function topicExists(brokers: string[], topic: string, clientId: string, logger: StreamLogger): Promise<void> {
  const admin = new Admin({ clientId, bootstrapBrokers: brokers, retries: 3, retryDelay: 500 });
  let warned = false;
  try {
    for (;;) {
      const topics = await admin.listTopics().catch((err: unknown) => { if (!warned) logger.warn({ err: (err as Error).message, brokers }, "Kafka not reachable yet"); warned = true; return [] as string[]; });
      if (topics.includes(topic)) return;
      if (!warned) logger.warn({ topic }, "waiting for the Kafka topic (rpc --transport kafka creates it)");
      warned = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await admin.close();
  }
}

export class KafkaBatchSink implements BatchSink {
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  private readonly ready: Promise<void>;
  private isReady = false;
  /** Bytes waiting or being produced. */
  private inFlightBytes = 0;
  /** Messages waiting for the send in progress: one send at a time keeps the idempotent producer's sequence in order. */
  private waiting: { key: Buffer; value: Buffer; frames: number }[] = [];
  private sending: Promise<void> | undefined;
  private lastStatsMs = 0;
  private lastWarnMs = 0;
  framesDropped = 0;
  framesProduced = 0;
  messagesProduced = 0;

  constructor(private readonly s: KafkaSinkSettings) {
    this.producer = new Producer({
      clientId: s.instance, bootstrapBrokers: s.brokers,
      // Every replica has it before it counts as sent; idempotent: a retried send is not a duplicate.
      acks: ProduceAcks.ALL, idempotent: true, retries: 10, retryDelay: 500,
    });
    this.ready = topicExists(s.brokers, s.topic, `${s.instance}-admin`, s.logger).then(() => {
      this.isReady = true;
      s.logger.info({ brokers: s.brokers, topic: s.topic }, "producing frames to Kafka");
      this.flush();
    }, (err: unknown) => {
      s.logger.warn({ err: (err as Error).message, brokers: s.brokers }, "Kafka topic could not be made ready; frames are dropped until it is");
    });
  }

  sendBatch(bytes: Buffer, frames: number): void {
    const parts = splitBySession(bytes);
    const now = Date.now();
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      let value = p.bytes;
      // About once a second one message carries ingest's counters (protobuf messages merge when concatenated).
      if (i === 0 && now - this.lastStatsMs >= 1000) {
        this.lastStatsMs = now;
        const trailer = racetel.v1.PublishRequest.encode({ ingestInstance: this.s.instance, ingestStats: this.s.stats(), framesDroppedTotal: this.framesDropped }).finish();
        value = Buffer.concat([value, trailer]);
      }
      if (this.inFlightBytes + value.length > MAX_IN_FLIGHT_BYTES) {
        this.drop(p.frames, "too much waiting for Kafka");
        continue;
      }
      this.inFlightBytes += value.length;
      this.waiting.push({ key: p.sessionId, value, frames: p.frames });
    }
    void frames;
    this.flush();
  }

  /** Sends everything waiting in one produce request, unless one is in progress (it sends the rest when done). */
  private flush(): void {
    if (!this.isReady || this.sending !== undefined || this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    let bytes = 0;
    let frames = 0;
    for (const m of batch) { bytes += m.value.length; frames += m.frames; }
    const topic = this.s.topic;
    this.sending = this.producer.send({ messages: batch.map((m) => ({ topic, key: m.key, value: m.value })) }).then(() => {
      this.framesProduced += frames;
      this.messagesProduced += batch.length;
    }, (err: unknown) => {
      const cause = (err as { errors?: Error[] }).errors?.[0]?.message;
      this.drop(frames, cause === undefined ? (err as Error).message : `${(err as Error).message} ${cause}`);
    }).finally(() => {
      this.inFlightBytes -= bytes;
      this.sending = undefined;
      this.flush();
    });
  }

  private drop(frames: number, why: string): void {
    this.framesDropped += frames;
    this.s.onDrop(frames);
    const now = Date.now();
    if (now - this.lastWarnMs > 10_000) {
      this.lastWarnMs = now;
      this.s.logger.warn({ why, framesDropped: this.framesDropped }, "frames dropped on the way to Kafka");
    }
  }

  /** Waits for what is in flight (at most `timeoutMs`), then closes the producer. */
  async close(timeoutMs = 5000): Promise<void> {
    const drained = (async () => {
      await this.ready;
      while (this.sending !== undefined) await this.sending;
    })();
    await Promise.race([drained, new Promise((r) => setTimeout(r, timeoutMs))]);
    await new Promise<void>((resolve) => { this.producer.close(true, () => resolve()); });
  }
}
