// The OpenTelemetry side of rpc: one MeterProvider whose instruments are all observable gauges, reported
// by ONE batch callback per collection from the TelemetryStore, so every channel of a car shares the
// collection's timestamp. Exports use DELTA temporality, so a series that is no longer observed is
// simply absent from the next export (no ghost series).
import type { Attributes, BatchObservableResult, Meter, Observable, ObservableGauge } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import type { PushMetricExporter, ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { CAR_CHANNELS, LAP_METRICS, WHEEL_CHANNELS, WHEELS, sessionChannels } from "./channels.js";
import type { TelemetryStore } from "./store.js";
import type { RpcCounters } from "../counters.js";
import type { RateLimitedLog } from "../log.js";
import { toNumber } from "../int64.js";

export interface OtelOptions {
  exportIntervalMs: number;
  /** Instance name for the racetel.rpc.* self-metrics. */
  instance: string;
  /** Data points per OTLP request (keeps each request under the collector's 4 MiB receive limit). */
  maxExportBatchSize: number;
  /**
   * The SDK memoises every attribute set an async instrument ever saw (DeltaMetricProcessor keeps a
   * cumulative memo with no clean-up), so after this many attribute sets were created the MeterProvider
   * is rebuilt to give that memory back. The store holds the state, so nothing is lost.
   */
  rebuildAfterAttributeSets: number;
  /** Series per instrument before the SDK folds new ones into an overflow series. */
  cardinalityLimit: number;
}

const INGEST_METRICS = [
  ["racetel.ingest.packets_received", "{packet}", "Datagrams or pages ingest received"],
  ["racetel.ingest.packets_decoded", "{packet}", "Datagrams or pages ingest decoded"],
  ["racetel.ingest.packets_dropped", "{packet}", "Datagrams or pages ingest dropped, by reason"],
  ["racetel.ingest.sessions_active", "{session}", "Sessions ingest sees"],
  ["racetel.ingest.frames_emitted", "{frame}", "Frames ingest produced"],
  ["racetel.ingest.frames_dropped", "{frame}", "Frames ingest dropped (queue to rpc full)"],
  ["racetel.ingest.last_packet_age", "s", "Seconds since ingest's last packet"],
] as const;

const RPC_METRICS = [
  ["racetel.rpc.frames_received", "{frame}", "Frames received on Publish streams"],
  ["racetel.rpc.frames_rejected", "{frame}", "Frames rejected by validation, by reason"],
  ["racetel.rpc.publish_streams", "{stream}", "Open Publish streams"],
  ["racetel.rpc.subscribers", "{subscriber}", "Open Subscribe streams"],
  ["racetel.rpc.subscriber_frames_skipped", "{frame}", "Frames skipped for slow subscribers"],
  ["racetel.rpc.export_failures", "{export}", "Failed OTLP exports"],
  ["racetel.rpc.cars_active", "{car}", "Cars reported in the last collection"],
] as const;

/**
 * Wraps the real exporter: counts failures, logs them at a bounded rate, picks DELTA temporality, and
 * survives MeterProvider rebuilds (the reader's shutdown must not shut the shared exporter).
 */
export class CountingExporter implements PushMetricExporter {
  private inner: PushMetricExporter;
  private consecutiveFailures = 0;
  private createdAt: number;

  /**
   * @param create builds the real exporter; when `recreateAfterMs` is set and exports keep failing, a new
   *   one (a new gRPC channel) is built at most that often, because grpc-js' channel backoff grows to
   *   two minutes and would delay the recovery after the collector comes back.
   */
  constructor(
    private readonly create: () => PushMetricExporter,
    private readonly counters: RpcCounters,
    private readonly log: RateLimitedLog,
    private readonly recreateAfterMs: number | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.inner = create();
    this.createdAt = now();
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.inner.export(metrics, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.counters.exportsSucceeded++;
        this.consecutiveFailures = 0;
      } else {
        this.counters.exportFailures++;
        this.consecutiveFailures++;
        this.log.warn("export", { err: result.error?.message, consecutiveFailures: this.consecutiveFailures }, "OTLP export failed; rpc keeps running and retries at the next interval");
        this.maybeRecreate();
      }
      resultCallback(result);
    });
  }

  private maybeRecreate(): void {
    if (this.recreateAfterMs === undefined || this.now() - this.createdAt < this.recreateAfterMs) return;
    const old = this.inner;
    this.inner = this.create();
    this.createdAt = this.now();
    this.counters.exporterRebuilds++;
    void old.shutdown().catch(() => undefined);
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.DELTA;
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  /** Called by a reader being replaced: the exporter stays open. */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.inner.shutdown();
  }
}

interface Instruments {
  car: ObservableGauge[];
  wheel: ObservableGauge[];
  lap: ObservableGauge[];
  lapWearDelta: ObservableGauge;
  carEvents: ObservableGauge;
  sessionEvents: ObservableGauge;
  session: ObservableGauge[];
  ingest: ObservableGauge[];
  rpc: ObservableGauge[];
}

function createInstruments(meter: Meter): Instruments {
  const g = (name: string, unit: string, description: string) => meter.createObservableGauge(name, { unit, description });
  return {
    car: CAR_CHANNELS.map((c) => g(c.name, c.unit, c.description)),
    wheel: WHEEL_CHANNELS.map((c) => g(c.name, c.unit, c.description)),
    lap: LAP_METRICS.map((m) => g(m.name, m.unit, m.description)),
    lapWearDelta: g("racetel.lap.tyre_wear_delta", "1", "Tyre wear increase over the lap"),
    carEvents: g("racetel.car.events", "{event}", "Events of the car since rpc first saw the session"),
    sessionEvents: g("racetel.session.events", "{event}", "Session-wide events since rpc first saw the session"),
    session: sessionChannels.map((c) => g(c.name, c.unit, c.description)),
    ingest: INGEST_METRICS.map(([n, u, d]) => g(n, u, d)),
    rpc: RPC_METRICS.map(([n, u, d]) => g(n, u, d)),
  };
}

function allInstruments(i: Instruments): Observable[] {
  return [...i.car, ...i.wheel, ...i.lap, i.lapWearDelta, i.carEvents, i.sessionEvents, ...i.session, ...i.ingest, ...i.rpc];
}

/** Runs the MeterProvider and reports the store at each collection. */
export class MetricsPipeline {
  private provider: MeterProvider | undefined;
  private rebuildBaseline = 0;
  private rebuilding = false;
  private readonly rpcAttrs: Attributes;
  private readonly rejectAttrs = new Map<string, Attributes>();
  private readonly ingestAttrs = new Map<string, Attributes>();
  rebuilds = 0;

  constructor(
    private readonly store: TelemetryStore,
    private readonly exporter: CountingExporter,
    private readonly counters: RpcCounters,
    private readonly options: OtelOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.rpcAttrs = { rpc_instance: options.instance };
  }

  start(): void {
    this.provider = this.build();
    this.rebuildBaseline = this.store.attributeSets.created;
  }

  private build(): MeterProvider {
    const reader = new PeriodicExportingMetricReader({
      exporter: this.exporter,
      exportIntervalMillis: this.options.exportIntervalMs,
      exportTimeoutMillis: this.options.exportIntervalMs,
      maxExportBatchSize: this.options.maxExportBatchSize,
      cardinalityLimits: { default: this.options.cardinalityLimit },
    });
    // Only service.name: every resource attribute becomes a tag on every stored point.
    const provider = new MeterProvider({ resource: resourceFromAttributes({ "service.name": "racetel-rpc" }), readers: [reader] });
    const meter = provider.getMeter("racetel-rpc");
    const instruments = createInstruments(meter);
    meter.addBatchObservableCallback((result) => this.report(result, instruments), allInstruments(instruments));
    return provider;
  }

  /** Collects and exports now (tests, shutdown). */
  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }

  async stop(): Promise<void> {
    const provider = this.provider;
    this.provider = undefined;
    await provider?.shutdown();
    await this.exporter.close();
  }

  private maybeRebuild(): void {
    if (this.rebuilding || this.store.attributeSets.created - this.rebuildBaseline < this.options.rebuildAfterAttributeSets) return;
    this.rebuilding = true;
    const old = this.provider;
    this.provider = this.build();
    this.rebuildBaseline = this.store.attributeSets.created;
    this.rebuilds++;
    // The old provider's last export finishes in the background; its memo is then garbage.
    void old?.shutdown().finally(() => { this.rebuilding = false; });
  }

  /** The batch callback: O(cars x channels), called once per collection. */
  private report(result: BatchObservableResult, ins: Instruments): void {
    const nowMs = this.now();
    this.counters.carsExpired += this.store.expire(nowMs);
    let cars = 0;
    for (const session of this.store.sessions.values()) {
      for (let i = 0; i < ins.session.length; i++) {
        const v = session.values[i]!;
        if (v === v) result.observe(ins.session[i]!, v, session.attrs);
      }
      for (const e of session.events.values()) result.observe(ins.sessionEvents, e.count, e.attrs);
      for (const car of session.cars.values()) {
        cars++;
        const values = car.values;
        for (let i = 0; i < ins.car.length; i++) {
          const v = values[i]!;
          if (v === v) result.observe(ins.car[i]!, v, car.attrs); // v === v: skip NaN (not received yet)
        }
        const wheels = car.wheels;
        for (let i = 0; i < ins.wheel.length; i++) {
          for (let w = 0; w < 4; w++) {
            const v = wheels[i * 4 + w]!;
            if (v === v) result.observe(ins.wheel[i]!, v, car.wheelAttrs[w]!);
          }
        }
        for (const e of car.events.values()) result.observe(ins.carEvents, e.count, e.attrs);
        for (let l = car.laps.length - 1; l >= 0; l--) {
          const lap = car.laps[l]!;
          for (let i = 0; i < ins.lap.length; i++) {
            const v = lap.values[i]!;
            if (v === v) result.observe(ins.lap[i]!, v, lap.attrs);
          }
          for (let w = 0; w < WHEELS.length; w++) {
            const v = lap.wearDelta[w]!;
            if (v === v) result.observe(ins.lapWearDelta, v, lap.wheelAttrs[w]!);
          }
          if (--lap.collectionsLeft <= 0) car.laps.splice(l, 1);
        }
      }
    }
    this.counters.carsActive = cars;
    this.reportIngest(result, ins);
    this.reportSelf(result, ins);
    this.maybeRebuild();
  }

  private reportIngest(result: BatchObservableResult, ins: Instruments): void {
    const [received, decoded, dropped, sessions, emitted, framesDropped, age] = ins.ingest as [ObservableGauge, ObservableGauge, ObservableGauge, ObservableGauge, ObservableGauge, ObservableGauge, ObservableGauge];
    for (const rec of this.store.ingest.values()) {
      const attrs = { ingest_instance: rec.instance };
      const s = rec.stats;
      result.observe(received, toNumber(s.packetsReceived), attrs);
      result.observe(decoded, toNumber(s.packetsDecoded), attrs);
      for (const [reason, n] of Object.entries(s.packetsDroppedByReason ?? {})) {
        const key = `${rec.instance}\u0000${reason}`;
        let a = this.ingestAttrs.get(key);
        if (a === undefined) {
          a = { ingest_instance: rec.instance, reason };
          // Bounded: reasons are a fixed vocabulary and instances expire.
          if (this.ingestAttrs.size > 10_000) this.ingestAttrs.clear();
          this.ingestAttrs.set(key, a);
        }
        result.observe(dropped, toNumber(n), a);
      }
      result.observe(sessions, Number(s.sessionsActive ?? 0), attrs);
      result.observe(emitted, toNumber(s.framesEmitted), attrs);
      // The batch header's total covers every drop; ingest_stats may lag by a second.
      result.observe(framesDropped, Math.max(toNumber(s.framesDroppedQueue), rec.framesDroppedTotal), attrs);
      result.observe(age, Number(s.lastPacketAgeS ?? -1), attrs);
    }
  }

  private reportSelf(result: BatchObservableResult, ins: Instruments): void {
    const c = this.counters;
    const [received, rejected, streams, subscribers, skipped, failures, cars] = ins.rpc as [ObservableGauge, ObservableGauge, ObservableGauge, ObservableGauge, ObservableGauge, ObservableGauge, ObservableGauge];
    result.observe(received, c.framesReceived, this.rpcAttrs);
    for (const [reason, n] of c.rejected) {
      let a = this.rejectAttrs.get(reason);
      if (a === undefined) {
        a = { ...this.rpcAttrs, reason };
        this.rejectAttrs.set(reason, a);
      }
      result.observe(rejected, n, a);
    }
    result.observe(streams, c.publishStreams, this.rpcAttrs);
    result.observe(subscribers, c.subscribers, this.rpcAttrs);
    result.observe(skipped, c.subscriberFramesSkipped, this.rpcAttrs);
    result.observe(failures, c.exportFailures, this.rpcAttrs);
    result.observe(cars, c.carsActive, this.rpcAttrs);
  }
}
