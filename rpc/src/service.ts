// Wires rpc together: store, metrics pipeline, gRPC server (Publish, Subscribe) and the HTTP port.
import { readFileSync } from "node:fs";
import type http from "node:http";
import * as grpc from "@grpc/grpc-js";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-grpc";
import { AggregationTemporality, InMemoryMetricExporter, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import type { RpcConfig } from "./config.js";
import { RpcCounters } from "./counters.js";
import { startHttpServer } from "./http.js";
import { RateLimitedLog } from "./log.js";
import type { Logger } from "./log.js";
import { CountingExporter, MetricsPipeline } from "./metrics/export.js";
import { traceSlots } from "./metrics/catalogue.js";
import { TelemetryStore } from "./metrics/store.js";
import { startGrpcServer } from "./server.js";
import { SubscriberHub } from "./subscribers.js";
import { TokenCheck } from "./auth.js";
import { AckTracker } from "./acks.js";
import { Backpressure } from "./backpressure.js";
import { KafkaFrameConsumer } from "./kafka.js";

/** rpc stops reading Publish streams above this many samples waiting for the collector, and reads again below the low mark. */
const BACKLOG_HIGH_WATER = 400_000;
const BACKLOG_LOW_WATER = 200_000;

/** Bytes waiting per subscriber before frames are skipped: 64 stuck subscribers hold 128 MiB at most. */
const SUBSCRIBER_BUFFER_BYTES = 2 * 1024 * 1024;
import { LiveModel, LiveViewServer, defaultLiveModelOptions, defaultLiveViewOptions, type SetupHints } from "@racetel/live-view";

export interface RpcServiceOptions {
  /** Replaces the OTLP exporter (tests read metrics back through InMemoryMetricExporter). */
  exporter?: PushMetricExporter;
  /** What the live view's empty state tells the player (racetel up knows ingest's ports and addresses). */
  liveSetup?: SetupHints;
}

function serverCredentials(config: RpcConfig): grpc.ServerCredentials {
  const { certFile, keyFile, clientCaFile } = config.tls;
  if (certFile === "") return grpc.ServerCredentials.createInsecure();
  const ca = clientCaFile === "" ? null : readFileSync(clientCaFile);
  return grpc.ServerCredentials.createSsl(ca, [{ cert_chain: readFileSync(certFile), private_key: readFileSync(keyFile) }], ca !== null);
}

/** A running rpc: call start(), then stop() to close everything. */
export class RpcService {
  readonly counters = new RpcCounters();
  readonly store: TelemetryStore;
  readonly hub: SubscriberHub;
  readonly pipeline: MetricsPipeline;
  readonly acks = new AckTracker();
  readonly pressure: Backpressure;
  /** The live view's state, fed by every accepted frame; undefined when the live view is off. */
  readonly live: LiveModel | undefined;
  liveServer: LiveViewServer | undefined;
  private grpcServer: grpc.Server | undefined;
  private kafka: KafkaFrameConsumer | undefined;
  private httpServer: http.Server | undefined;
  private closing = false;
  private readonly exporterGiven: boolean;
  grpcPort = 0;
  httpPort = 0;
  livePort = 0;

  constructor(readonly config: RpcConfig, private readonly logger: Logger, options: RpcServiceOptions = {}) {
    this.store = new TelemetryStore({
      carTimeoutMs: config.carTimeoutMs,
      sessionTimeoutMs: config.sessionTimeoutMs,
      maxSessions: config.maxSessions,
      newSessionsPerMinute: config.newSessionsPerMinute,
      recording: { enabled: config.otlpEndpoint !== "" || options.exporter !== undefined, traceSlots: traceSlots(config.traceChannels), stateIntervalMs: config.stateIntervalMs, heartbeatMs: config.heartbeatMs, latenessMs: config.latenessMs },
      insights: config.insights,
    });
    this.hub = new SubscriberHub({ maxSubscribers: config.maxSubscribers, bufferFrames: config.subscriberBufferFrames, bufferBytes: SUBSCRIBER_BUFFER_BYTES }, this.counters);
    if (config.live.port !== null) {
      const live = (this.live = new LiveModel({ ...defaultLiveModelOptions(), carTimeoutMs: config.carTimeoutMs }));
      this.store.onInsight = (session, car, name, detail, value) => live.insightEvent(session.id, car.carIndex, name, detail, value, Date.now());
      this.liveServer = new LiveViewServer(this.live, {
        ...defaultLiveViewOptions(), host: config.live.host, port: config.live.port, token: config.live.token,
        ...(options.liveSetup !== undefined ? { setup: options.liveSetup } : {}),
      });
    }
    const given = options.exporter;
    this.exporterGiven = given !== undefined;
    // With export off the pipeline never starts; the exporter only has to exist.
    const create = given !== undefined ? () => given : config.otlpEndpoint === "" ? () => new InMemoryMetricExporter(AggregationTemporality.DELTA) : () => new OTLPMetricExporter({
      url: config.otlpEndpoint,
      // A large collection is ~20 requests of 1.5 MB: give them time; collections are skipped meanwhile.
      timeoutMillis: Math.max(10_000, config.exportIntervalMs * 4),
      // Every request of one collection goes at once (at most maxPointsPerCollection / exportBatchSize).
      concurrencyLimit: 128,
    });
    const exporter = new CountingExporter(create, this.counters, new RateLimitedLog(logger, 30_000, 2), given !== undefined ? undefined : 5_000);
    this.pipeline = new MetricsPipeline(this.store, exporter, this.counters, {
      exportIntervalMs: config.exportIntervalMs,
      instance: config.instance,
      maxExportBatchSize: config.exportBatchSize,
      maxPointsPerCollection: Math.max(config.exportBatchSize, 100 * config.exportBatchSize),
    });
    this.pipeline.onExported(() => this.acks.checkAll());
    this.pressure = new Backpressure(this.pipeline, BACKLOG_HIGH_WATER, BACKLOG_LOW_WATER);
  }

  async start(): Promise<void> {
    const log = new RateLimitedLog(this.logger, 10_000, 3);
    const ctx = { store: this.store, hub: this.hub, live: this.live, counters: this.counters, log, now: Date.now, auth: new TokenCheck(this.config.authToken), acks: this.acks, pressure: this.pressure };
    const grpcBound = await startGrpcServer(ctx, { host: this.config.grpc.host, port: this.config.grpc.port, credentials: serverCredentials(this.config) }, () => this.closing);
    this.grpcServer = grpcBound.server;
    this.grpcPort = grpcBound.port;
    const httpBound = await startHttpServer(this.config.http.host, this.config.http.port, {
      counters: this.counters,
      store: this.store,
      pipeline: this.pipeline,
      live: this.liveServer?.counters,
      serving: () => this.grpcServer !== undefined && !this.closing,
    });
    this.httpServer = httpBound.server;
    this.httpPort = httpBound.port;
    if (this.liveServer !== undefined) this.livePort = await this.liveServer.start();
    if (this.config.otlpEndpoint !== "" || this.exporterGiven) this.pipeline.start();
    if (this.config.transport === "kafka") {
      this.kafka = new KafkaFrameConsumer(ctx, this.config);
      await this.kafka.start();
    }
    this.counters.eventLoopDelay.enable();
    this.pressure.start();
  }

  /** Stops accepting, ends streams, exports one last time. */
  async stop(): Promise<void> {
    this.closing = true;
    this.pressure.stop();
    this.counters.eventLoopDelay.disable();
    this.hub.closeAll();
    await this.kafka?.stop();
    const server = this.grpcServer;
    this.grpcServer = undefined;
    if (server !== undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { server.forceShutdown(); resolve(); }, 2000);
        server.tryShutdown(() => { clearTimeout(timer); resolve(); });
      });
    }
    await new Promise<void>((resolve) => (this.httpServer ? this.httpServer.close(() => resolve()) : resolve()));
    this.httpServer?.closeAllConnections();
    await this.liveServer?.stop();
    await this.pipeline.stop();
  }

  /** Immediately drops every connection and exports nothing more, as a crash would (tests: "rpc crashed"). */
  kill(): void {
    this.closing = true;
    this.grpcServer?.forceShutdown();
    this.httpServer?.closeAllConnections();
    this.httpServer?.close();
    void this.liveServer?.stop();
    this.pipeline.abort();
  }
}
