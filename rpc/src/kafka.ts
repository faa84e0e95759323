// Frames from Kafka (--transport kafka): rpc instances consume the topic as one consumer group, so each
// partition, and every session keyed to it, belongs to one instance at a time and Kafka moves it when
// instances come and go. A message is a PublishRequest of one session (ingest's KafkaBatchSink), handled
// like a Publish batch. Offsets are committed only for messages whose samples reached the collector (the
// PublishAcked rule, acks.ts): after a crash the new owner replays from there, and event-time storage makes
// the replayed rows the same rows (docs/deploy.md "Kafka").
import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes, type Message, type MessagesStream } from "@platformatic/kafka";
import { racetel } from "@racetel/proto";
import { Admin } from "@platformatic/kafka";
import { AckStream, type Acknowledger } from "./acks.js";
import type { RpcConfig } from "./config.js";
import type { SessionState } from "./metrics/store.js";
import { handleBatch, type PublishContext } from "./server.js";

/** Messages above this are dropped and counted (ingest's batches are ~64 KiB). */
export const MAX_KAFKA_MESSAGE_BYTES = 4 * 1024 * 1024;

type Commit = Message["commit"];

/** One owned partition: its acknowledgements and the commit function of each message still waiting. */
interface OwnedPartition {
  acks: AckStream;
  commits: Map<number, Commit>;
}

/** Creates the topic with `partitions` partitions unless it exists (rpc owns the layout: partitions bound how many instances share the work). */
async function ensureTopic(brokers: string[], topic: string, partitions: number, clientId: string): Promise<void> {
  const admin = new Admin({ clientId, bootstrapBrokers: brokers, retries: 20, retryDelay: 500 });
  try {
    if ((await admin.listTopics()).includes(topic)) return;
    await admin.createTopics({ topics: [topic], partitions, replicas: -1 }).catch(async (err: unknown) => {
      // Another rpc instance created it meanwhile.
      if (!(await admin.listTopics()).includes(topic)) throw err;
    });
  } finally {
    await admin.close();
  }
}

export class KafkaFrameConsumer implements Acknowledger {
  private consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private readonly partitions = new Map<number, OwnedPartition>();
  private lagTimer: NodeJS.Timeout | undefined;
  private joins = 0;

  constructor(private readonly ctx: PublishContext, private readonly config: RpcConfig) {}

  async start(): Promise<void> {
    const { kafka, instance } = this.config;
    const { counters, log } = this.ctx;
    await ensureTopic(kafka.brokers, kafka.topic, kafka.partitions, `${instance}-admin`);
    const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      groupId: kafka.group, clientId: instance, bootstrapBrokers: kafka.brokers,
      sessionTimeout: kafka.sessionTimeoutMs, heartbeatInterval: Math.max(500, Math.floor(kafka.sessionTimeoutMs / 10)),
      rebalanceTimeout: Math.max(kafka.sessionTimeoutMs * 2, 20_000),
      maxWaitTime: 100, maxBytes: 16 * MAX_KAFKA_MESSAGE_BYTES, retries: 20, retryDelay: 500,
    });
    this.consumer = consumer;
    consumer.on("consumer:group:join", () => {
      this.joins++;
      if (this.joins > 1) counters.kafkaRebalances++;
      this.dropUnowned();
    });
    const stream = await consumer.consume({
      topics: [kafka.topic], autocommit: false,
      mode: MessagesStreamModes.COMMITTED, fallbackMode: MessagesStreamFallbackModes.EARLIEST,
    });
    this.stream = stream;
    stream.on("data", (m: Message<Buffer, Buffer, Buffer, Buffer>) => this.onMessage(m));
    stream.on("error", (err: Error) => log.warn("kafka:stream", { err: err.message }, "Kafka consumer stream error (it reconnects)"));
    this.ctx.acks.open(this);
    this.lagTimer = setInterval(() => void this.measureLag(), 5000);
    this.lagTimer.unref();
    log.info("kafka:ready", { brokers: kafka.brokers, topic: kafka.topic, group: kafka.group }, "consuming frames from Kafka");
  }

  /** Every owned partition's acknowledgements, checked after each collection that reached the collector. */
  check(): void {
    for (const p of this.partitions.values()) p.acks.check();
  }

  get waiting(): number {
    let n = 0;
    for (const p of this.partitions.values()) n += p.acks.waiting;
    return n;
  }

  private owned(partition: number): OwnedPartition {
    let p = this.partitions.get(partition);
    if (p === undefined) {
      const commits = new Map<number, Commit>();
      const entry: OwnedPartition = {
        commits,
        acks: new AckStream((through) => {
          const commit = commits.get(through);
          for (const offset of commits.keys()) if (offset <= through) commits.delete(offset);
          if (commit === undefined) return;
          this.ctx.counters.kafkaCommits++;
          void Promise.resolve(commit()).catch((err: unknown) => {
            // The partition moved to another instance meanwhile: it replays from the last commit.
            this.ctx.counters.kafkaCommitFailures++;
            this.ctx.log.warn("kafka:commit", { partition, err: (err as Error).message }, "offset commit failed (partition moved?)");
          });
        }),
      };
      p = entry;
      this.partitions.set(partition, p);
    }
    return p;
  }

  private onMessage(m: Message<Buffer, Buffer, Buffer, Buffer>): void {
    const { counters, log } = this.ctx;
    counters.kafkaMessages++;
    const offset = Number(m.offset);
    const p = this.owned(m.partition);
    p.commits.set(offset, m.commit.bind(m));
    const touched = new Map<SessionState, number>();
    const value = m.value;
    if (value === null || value === undefined || value.length > MAX_KAFKA_MESSAGE_BYTES) {
      counters.kafkaMessagesDropped++;
      log.warn("kafka:too_big", { partition: m.partition, offset, bytes: value?.length ?? 0 }, "Kafka message dropped: empty or over 4 MiB");
    } else {
      let req: racetel.v1.PublishRequest | undefined;
      try {
        req = racetel.v1.PublishRequest.decode(value);
      } catch (err) {
        counters.kafkaMessagesDropped++;
        counters.reject("decode_error");
        log.warn("kafka:decode_error", { partition: m.partition, offset, err: (err as Error).message }, "Kafka message is not a PublishRequest: dropped");
      }
      if (req !== undefined) handleBatch(this.ctx, req, touched);
    }
    // A message that stored nothing is acknowledged (and so committable) at once.
    p.acks.add(offset, touched);
    if (this.ctx.pressure.over && this.stream !== undefined && !this.stream.isPaused()) {
      this.stream.pause();
      this.ctx.pressure.whenRelieved(() => this.stream?.resume());
    }
  }

  /** Forgets partitions this instance no longer owns (their next owner replays from the last commit). */
  private dropUnowned(): void {
    const assigned = new Set<number>();
    for (const a of this.consumer?.assignments ?? []) if (a.topic === this.config.kafka.topic) for (const n of a.partitions) assigned.add(n);
    for (const n of [...this.partitions.keys()]) if (!assigned.has(n)) this.partitions.delete(n);
    this.ctx.counters.kafkaPartitions = assigned.size;
  }

  private async measureLag(): Promise<void> {
    try {
      const lag = await this.consumer!.getLag({ topics: [this.config.kafka.topic] });
      let total = 0;
      for (const parts of lag.values()) for (const l of parts) if (l > 0n) total += Number(l);
      this.ctx.counters.kafkaLag = total;
    } catch {
      // Lag is a gauge; the next measurement comes in 5 s.
    }
  }

  async stop(): Promise<void> {
    if (this.lagTimer !== undefined) clearInterval(this.lagTimer);
    this.ctx.acks.close(this);
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer !== undefined) await new Promise<void>((resolve) => { consumer.close(true, () => resolve()); });
  }
}
