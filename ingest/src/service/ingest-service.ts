// The ingest service: UDP listeners -> decoders -> frame guard -> frame batcher -> BatchSink, plus /metrics and
// /healthz. Start-up throws on bad config or busy ports; after that nothing a sender does can stop it.
import type { Server } from "node:http";
import { createSourceFilter } from "../config/cidr.js";
import type { IngestConfig } from "../config/ingest-config.js";
import { IngestCounters } from "../observability/counters.js";
import { RateLimitedDropRecorder } from "../observability/drop-recorder.js";
import { startObservabilityServer } from "../observability/http-server.js";
import type { Logger } from "../observability/logger.js";
import { LogOnce } from "../observability/once-logger.js";
import type { BatchSink } from "../pipeline/batch-sink.js";
import { FrameBatcher } from "../pipeline/frame-batcher.js";
import { FrameGuard } from "../pipeline/frame-guard.js";
import type { DecodeContext, PacketDecoder } from "../sources/source.js";
import { F1LiveTimingDecoder } from "../sources/f1-livetiming/decoder.js";
import { LiveTimingClient, decodingHandler } from "../sources/f1-livetiming/signalr.js";
import { AccBroadcastClient, AccShmReader, defaultAccBroadcastConfig, defaultAccShmReaderConfig, parseBroadcastTarget } from "../sources/acc/index.js";
import type { SourceDecoders } from "./source-decoders.js";
import { startUdpListener, type UdpListener } from "./udp-listener.js";

export interface IngestServiceOptions {
  config: IngestConfig;
  logger: Logger;
  output: BatchSink;
  decoders: SourceDecoders;
  /** Counters to use (so an output created before the service can report into them). */
  counters?: IngestCounters;
}

export interface BoundPorts {
  f1: number;
  /** Undefined when no ACC page decoder is available. */
  acc: number | undefined;
  http: number;
  /** Receive buffer the kernel granted the F1 socket (Linux reports double the usable size). */
  f1RecvBufferBytes: number;
}

export class IngestService {
  readonly counters: IngestCounters;
  readonly batcher: FrameBatcher;
  /** What decoders emit into: range and label checks, then the batcher. */
  readonly guard: FrameGuard;
  private readonly listeners: UdpListener[] = [];
  private readonly decoders: PacketDecoder[] = [];
  /** Sources that are not UDP listeners (ACC page-file poller and broadcasting client, F1 live timing). */
  private readonly clientSources: { activeSessions(): number; stop(): void | Promise<void> }[] = [];
  private http: Server | undefined;
  private running = false;

  constructor(private readonly options: IngestServiceOptions) {
    const { config, logger } = options;
    this.counters = options.counters ?? new IngestCounters();
    this.batcher = new FrameBatcher(options.output, this.counters, {
      maxBytes: config.batch.maxBytes,
      maxAgeMs: config.batch.maxAgeMs,
      onEncodeError: (err) => logger.error({ err }, "a decoder emitted a frame that cannot be encoded (bug): frame skipped"),
    });
    const frameLog = new Map<string, number>();
    this.guard = new FrameGuard(this.batcher, this.counters, (field, frame) => {
      const now = performance.now();
      if (now - (frameLog.get(field) ?? -Infinity) < 10_000) return;
      frameLog.set(field, now);
      logger.warn({ field, session: frame.labels?.sessionId, car: frame.labels?.carIndex, source: frame.labels?.source, total: this.counters.framesOutOfRange.get(field) },
        "dropped a frame: a value outside its valid range (a broken or hostile packet)");
    });
    this.counters.kernelReceiveDrops = () => {
      let total: number | undefined;
      for (const l of this.listeners) {
        const n = l.kernelDrops();
        if (n !== undefined) total = (total ?? 0) + n;
      }
      return total;
    };
    this.counters.sessionsActive = () => {
      let n = 0;
      for (const decoder of this.decoders) n += decoder.activeSessions();
      for (const source of this.clientSources) n += source.activeSessions();
      return n;
    };
    this.counters.sessionsEvicted = () => {
      let n = 0;
      for (const decoder of this.decoders) n += decoder.sessionsEvicted?.() ?? 0;
      return n;
    };
  }

  /** Binds every listener and the HTTP port; resolves with the ports actually bound. */
  async start(): Promise<BoundPorts> {
    const { config, logger, decoders } = this.options;
    const filter = createSourceFilter(config.allowCidrs);
    const drops = new RateLimitedDropRecorder(this.counters, logger);
    const context: DecodeContext = { sink: this.guard, drops, advice: new LogOnce(logger), cleanedLabel: (label) => this.counters.countLabelCleaned(label) };
    const common = { recvBufferBytes: config.recvBufferBytes, filter, counters: this.counters, drops, logger };
    try {
      const f1Decoder = decoders.f1(context);
      this.decoders.push(f1Decoder);
      this.listeners.push(await startUdpListener({ ...common, name: "f1", host: config.f1.host, port: config.f1.port, decoder: f1Decoder }));
      let accPort: number | undefined;
      if (decoders.accForwardedPage) {
        const accDecoder = decoders.accForwardedPage(context);
        this.decoders.push(accDecoder);
        const listener = await startUdpListener({ ...common, name: "acc-pages", host: config.acc.host, port: config.acc.port, decoder: accDecoder });
        this.listeners.push(listener);
        accPort = listener.port;
      } else {
        logger.info("no ACC forwarded-page decoder in this build: UDP port for ACC pages not opened");
      }
      if (config.accShmDir !== "") {
        const reader = new AccShmReader({ ...defaultAccShmReaderConfig(), dir: config.accShmDir }, context);
        reader.start();
        this.clientSources.push(reader);
        logger.info({ dir: config.accShmDir }, "polling ACC page files");
      }
      if (config.accBroadcast.target !== "") {
        const client = new AccBroadcastClient({ ...defaultAccBroadcastConfig(), ...parseBroadcastTarget(config.accBroadcast.target), connectionPassword: config.accBroadcast.password }, context);
        await client.start();
        this.clientSources.push({ activeSessions: () => client.decoder.activeSessions(), stop: () => client.stop() });
        logger.info({ target: config.accBroadcast.target }, "ACC broadcasting client registering");
      }
      if (config.liveTimingUrl !== "") {
        const decoder = new F1LiveTimingDecoder(context, { source: `f1-livetiming:${new URL(config.liveTimingUrl).host}` });
        const client = new LiveTimingClient(decodingHandler(decoder), { url: config.liveTimingUrl, logger });
        client.start();
        this.clientSources.push({ activeSessions: () => decoder.activeSessions(), stop: () => client.stop() });
        logger.info({ url: config.liveTimingUrl }, "F1 live timing: connecting");
      }
      this.running = true;
      const { server, port: httpPort } = await startObservabilityServer(this.counters, { ready: () => this.running }, config.http.host, config.http.port);
      this.http = server;
      const ports: BoundPorts = { f1: this.listeners[0].port, acc: accPort, http: httpPort, f1RecvBufferBytes: this.listeners[0].socket.getRecvBufferSize() };
      logger.info({ ports, allowCidrs: config.allowCidrs.length > 0 ? config.allowCidrs : "all" }, "ingest listening");
      return ports;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stops receiving, seals the last batch and closes the HTTP port. Safe to call twice. */
  async stop(): Promise<void> {
    this.running = false;
    const listeners = this.listeners.splice(0);
    await Promise.all(this.clientSources.splice(0).map((source) => source.stop()));
    await Promise.all(listeners.map((l) => l.close()));
    this.batcher.flush();
    const http = this.http;
    this.http = undefined;
    if (http) await new Promise<void>((resolve) => http.close(() => resolve()));
  }
}
