// The OpenTelemetry side of rpc: every metric is a gauge reported from the TelemetryStore by ONE walk
// per collection, so every channel of a car shares the collection's timestamp. Exports use DELTA
// temporality, so a series that is no longer reported is simply absent from the next export.
//
// Two ways to hand the walk to the SDK (same names, values, attributes and timestamps; tested alike):
// - "producer" (default): a MetricProducer on the PeriodicExportingMetricReader (the SDK's extension
//   point for state kept outside instruments) builds the gauge points directly: ~1 us per point.
// - "observable": observable gauges and one batch observable callback. The SDK then hashes every
//   attribute set and keeps per-series accumulations and a memo, ~8 us per point measured here, which
//   limits how many cars one rpc can report at 250 ms (see rpc/README.md).
import { ValueType } from "@opentelemetry/api";
import type { Attributes, HrTime, Meter, ObservableGauge } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { millisToHrTime } from "@opentelemetry/core";
import { AggregationTemporality, DataPointType, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import type { CollectionResult, DataPoint, GaugeMetricData, MetricData, MetricProducer, PushMetricExporter, ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { CAR_CHANNELS, LAP_METRICS, TYRE_SETS_METRIC, WHEEL_CHANNELS, WHEELS, sessionChannels, timeTrialChannels } from "./channels.js";
import type { SessionState, TelemetryStore } from "./store.js";
import type { RpcCounters } from "../counters.js";
import type { RateLimitedLog } from "../log.js";
import { toNumber } from "../int64.js";

export type ReportingMode = "producer" | "observable";

export interface OtelOptions {
  exportIntervalMs: number;
  reporting: ReportingMode;
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

const GRPC_RESOURCE_EXHAUSTED = 8;

function countPoints(rm: ResourceMetrics): number {
  let n = 0;
  for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.dataPoints.length;
  return n;
}

/** The same metrics as two requests of about half the points each; undefined for a single point. */
export function splitInHalves(rm: ResourceMetrics): [ResourceMetrics, ResourceMetrics] | undefined {
  const total = countPoints(rm);
  if (total < 2) return undefined;
  const first: ResourceMetrics = { resource: rm.resource, scopeMetrics: [] };
  const second: ResourceMetrics = { resource: rm.resource, scopeMetrics: [] };
  let seen = 0;
  const cut = Math.floor(total / 2);
  for (const sm of rm.scopeMetrics) {
    const a: MetricData[] = [];
    const b: MetricData[] = [];
    for (const m of sm.metrics) {
      const n = m.dataPoints.length;
      const k = Math.max(0, Math.min(n, cut - seen));
      if (k > 0) a.push({ ...m, dataPoints: m.dataPoints.slice(0, k) } as MetricData);
      if (k < n) b.push({ ...m, dataPoints: m.dataPoints.slice(k) } as MetricData);
      seen += n;
    }
    if (a.length > 0) first.scopeMetrics.push({ scope: sm.scope, metrics: a });
    if (b.length > 0) second.scopeMetrics.push({ scope: sm.scope, metrics: b });
  }
  return [first, second];
}

/** OTLP requests pending at once (rpc's and the OTLP exporter's bound). */
export const MAX_REQUESTS_IN_FLIGHT = 64;

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
  private everSucceeded = false;
  private toldNoCollector = false;
  private createdAt: number;
  private readonly inFlight = new Set<Promise<void>>();

  /**
   * @param create builds the real exporter; when `recreateAfterMs` is set and exports keep failing, a new
   *   one (a new gRPC channel) is built at most that often, because grpc-js' channel backoff grows to
   *   two minutes and would delay the recovery after the collector comes back.
   * @param maxInFlight OTLP requests pending at once. The reader waits at most one interval per request
   *   and drops the rest of a collection on a timeout, so requests are handed on at once and answered
   *   "done"; their outcome is counted when it arrives. More than this many pending: the batch is
   *   skipped and counted as a failure (memory stays bounded while the collector is slow or away).
   *   Collections themselves wait while requests are pending (see `MetricsPipeline.exporterBusy`).
   */
  constructor(
    private readonly create: () => PushMetricExporter,
    private readonly counters: RpcCounters,
    private readonly log: RateLimitedLog,
    private readonly recreateAfterMs: number | undefined,
    private readonly maxInFlight = MAX_REQUESTS_IN_FLIGHT,
    private readonly now: () => number = Date.now,
  ) {
    this.inner = create();
    this.createdAt = now();
  }

  /** OTLP requests handed on and not answered yet. */
  get pending(): number {
    return this.inFlight.size;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.inFlight.size >= this.maxInFlight) {
      this.counters.exportFailures++;
      this.counters.exportsSkipped++;
      this.log.warn("export-skipped", { inFlight: this.inFlight.size }, "OTLP export skipped: the collector has not answered the previous requests yet");
      resultCallback({ code: ExportResultCode.FAILED, error: new Error("too many OTLP requests in flight") });
      return;
    }
    this.counters.pointsHandedOver += countPoints(metrics);
    const done = new Promise<void>((resolve) => this.send(metrics, resolve));
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** Queues one OTLP request; a request the collector refuses as too large goes again as two halves. */
  private send(metrics: ResourceMetrics, finished: () => void): void {
    this.sendQueue.push(() => {
      this.inner.export(metrics, (result) => {
        if (result.code === ExportResultCode.SUCCESS) {
          this.counters.exportsSucceeded++;
          this.counters.pointsExported += countPoints(metrics);
          this.consecutiveFailures = 0;
          if (!this.everSucceeded && this.toldNoCollector) this.log.info("export-ok", {}, "metrics export reaches the OpenTelemetry collector now");
          this.everSucceeded = true;
          finished();
          return;
        }
        const halves = (result.error as { code?: number } | undefined)?.code === GRPC_RESOURCE_EXHAUSTED ? splitInHalves(metrics) : undefined;
        if (halves !== undefined) {
          // Too large for the collector (its max_recv_msg_size): never dropped whole, sent again in halves.
          this.counters.exportsSplit++;
          this.log.warn("export-split", { points: countPoints(metrics) }, "the collector refused an OTLP request as too large; sending it again in two halves");
          let left = 2;
          const half = (): void => { if (--left === 0) finished(); };
          this.send(halves[0], half);
          this.send(halves[1], half);
          return;
        }
        finished();
        this.counters.exportFailures++;
        this.consecutiveFailures++;
        if (!this.everSucceeded) {
          // No collector yet (the plain `npm start` path): say so once, not at every interval.
          if (!this.toldNoCollector) this.log.always("export-none", { err: result.error?.message }, "no OpenTelemetry collector answers: metrics are not stored (the live view works without one); racetel keeps trying quietly");
          this.toldNoCollector = true;
        } else {
          this.log.warn("export", { err: result.error?.message, consecutiveFailures: this.consecutiveFailures }, "OTLP export failed; rpc keeps running and retries at the next interval");
        }
        this.maybeRecreate();
      });
    });
    if (this.sendQueue.length === 1) this.sendNextLater();
  }

  // Serialising one request takes ~25 ms at 8192 points. The reader hands over a whole collection at
  // once; serialising it in one go held the event loop for seconds at 2000 cars. One request per
  // event-loop turn (each setImmediate scheduled from the previous one runs after the next I/O poll)
  // lets Publish streams in between.
  private readonly sendQueue: (() => void)[] = [];

  private sendNextLater(): void {
    setImmediate(() => {
      const job = this.sendQueue.shift();
      job?.();
      if (this.sendQueue.length > 0) this.sendNextLater();
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

  /** Waits for the requests in flight (shutdown, tests). */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.inFlight]);
    await this.inner.forceFlush();
  }

  /** Called by a reader being replaced: the exporter stays open. */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await Promise.all([...this.inFlight]);
    await this.inner.shutdown();
  }
}

interface MetricInfo {
  name: string;
  unit: string;
  description: string;
}

// One flat catalogue; the walk below refers to metrics by index.
const CATALOGUE: MetricInfo[] = [];
function section(list: readonly MetricInfo[]): number {
  const base = CATALOGUE.length;
  CATALOGUE.push(...list);
  return base;
}
const M_CAR = section(CAR_CHANNELS);
const M_WHEEL = section(WHEEL_CHANNELS);
const M_LAP = section(LAP_METRICS);
const M_LAP_WEAR = section([{ name: "racetel.lap.tyre_wear_delta", unit: "1", description: "Tyre wear increase over the lap" }]);
const M_CAR_EVENTS = section([{ name: "racetel.car.events", unit: "{event}", description: "Events of the car since rpc first saw the session" }]);
const M_SESSION_EVENTS = section([{ name: "racetel.session.events", unit: "{event}", description: "Session-wide events since rpc first saw the session" }]);
const M_SESSION = section(sessionChannels);
const M_TIME_TRIAL = section(timeTrialChannels);
const M_TYRE_SETS = section([TYRE_SETS_METRIC]);
const M_INGEST = section(INGEST_METRICS.map(([name, unit, description]) => ({ name, unit, description })));
const M_RPC = section(RPC_METRICS.map(([name, unit, description]) => ({ name, unit, description })));

/** Every metric name rpc exports, in catalogue order (docs/metrics.md lists the same). */
export const METRIC_NAMES: readonly string[] = CATALOGUE.map((m) => m.name);

type Emit = (metric: number, value: number, attrs: Attributes) => void;

/** Runs the MeterProvider and reports the store at each collection. */
export class MetricsPipeline {
  private provider: MeterProvider | undefined;
  private rebuildBaseline = 0;
  private rebuilding = false;
  private readonly rpcAttrs: Attributes;
  private readonly rejectAttrs = new Map<string, Attributes>();
  private readonly ingestAttrs = new Map<string, Attributes>();
  rebuilds = 0;

  get maxExportBatchSize(): number {
    return this.options.maxExportBatchSize;
  }

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
    const producer = this.options.reporting === "producer" ? [new StoreProducer(this)] : [];
    const reader = new PeriodicExportingMetricReader({
      exporter: this.exporter,
      exportIntervalMillis: this.options.exportIntervalMs,
      exportTimeoutMillis: this.options.exportIntervalMs,
      maxExportBatchSize: this.options.maxExportBatchSize,
      // Series per instrument: thousands of cars, four wheels each (the SDK's default is 2000).
      cardinalityLimits: { default: this.options.cardinalityLimit, observableGauge: this.options.cardinalityLimit },
      metricProducers: producer,
    });
    // Only service.name: every resource attribute becomes a tag on every stored point.
    const provider = new MeterProvider({ resource: resourceFromAttributes({ "service.name": "racetel-rpc" }), readers: [reader] });
    if (this.options.reporting === "observable") {
      const meter = provider.getMeter("racetel-rpc");
      const instruments = createInstruments(meter);
      meter.addBatchObservableCallback((result) => {
        if (this.exporterBusy()) return;
        this.walk((metric, value, attrs) => result.observe(instruments[metric]!, value, attrs));
        this.maybeRebuild();
      }, instruments);
    }
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

  /**
   * True while more than one earlier collection's OTLP requests are pending: the collection is skipped
   * (counted), so the export interval stretches to what the collector and this process can carry
   * instead of piling up requests and starving the Publish streams.
   */
  exporterBusy(): boolean {
    // One collection may still be in flight while the next is built (the collector answers meanwhile).
    if (this.exporter.pending <= COLLECTIONS_IN_FLIGHT * this.requestsPerCollection) return false;
    this.counters.collectionsSkipped++;
    return true;
  }

  /** OTLP requests the last collection needed (points / --export-batch, at least one). */
  requestsPerCollection = 1;

  /** One pass over the store: O(cars x channels), once per collection. Expires silent cars first. */
  walk(emit: Emit): void {
    this.counters.carsExpired += this.store.expire(this.now());
    let cars = 0;
    for (const session of this.store.sessions.values()) cars += this.walkSession(session, emit);
    this.finishWalk(emit, cars);
  }

  /**
   * The same pass, yielding to the event loop every `sliceMs` so Publish streams keep flowing while a
   * large collection is built. A car is never split across slices, and the points carry the collection
   * time, so each car's channels still share one timestamp.
   */
  async walkSliced(emit: Emit, sliceMs: number): Promise<void> {
    this.counters.carsExpired += this.store.expire(this.now());
    let cars = 0;
    let sliceStart = performance.now();
    for (const session of this.store.sessions.values()) {
      cars += this.walkSession(session, emit);
      if (performance.now() - sliceStart > sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    this.finishWalk(emit, cars);
  }

  private finishWalk(emit: Emit, cars: number): void {
    this.counters.carsActive = cars;
    this.counters.collections++;
    this.walkIngest(emit);
    this.walkSelf(emit);
  }

  /** Reports one session and its cars; returns the number of cars. */
  private walkSession(session: SessionState, emit: Emit): number {
    const sv = session.values;
    for (let i = 0; i < sv.length; i++) {
      const v = sv[i]!;
      if (v === v) emit(M_SESSION + i, v, session.attrs); // v === v: skip NaN (not received yet)
    }
    for (const e of session.events.values()) emit(M_SESSION_EVENTS, e.count, e.attrs);
    const tt = session.timeTrial;
    for (let i = 0; i < tt.length; i++) {
      const v = tt[i]!;
      if (v === v) emit(M_TIME_TRIAL + i, v, session.attrs);
    }
    for (const car of session.cars.values()) {
      const values = car.values;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (v === v) emit(M_CAR + i, v, car.attrs);
      }
      const wheels = car.wheels;
      for (let i = 0; i < WHEEL_CHANNELS.length; i++) {
        for (let w = 0; w < 4; w++) {
          const v = wheels[i * 4 + w]!;
          if (v === v) emit(M_WHEEL + i, v, car.wheelAttrs[w]!);
        }
      }
      for (const e of car.events.values()) emit(M_CAR_EVENTS, e.count, e.attrs);
      for (const e of car.tyreSets.values()) emit(M_TYRE_SETS, e.count, e.attrs);
      for (let l = car.laps.length - 1; l >= 0; l--) {
        const lap = car.laps[l]!;
        for (let i = 0; i < LAP_METRICS.length; i++) {
          const v = lap.values[i]!;
          if (v === v) emit(M_LAP + i, v, lap.attrs);
        }
        for (let w = 0; w < WHEELS.length; w++) {
          const v = lap.wearDelta[w]!;
          if (v === v) emit(M_LAP_WEAR, v, lap.wheelAttrs[w]!);
        }
        if (--lap.collectionsLeft <= 0) car.laps.splice(l, 1);
      }
    }
    return session.cars.size;
  }

  private walkIngest(emit: Emit): void {
    for (const rec of this.store.ingest.values()) {
      const attrs = { ingest_instance: rec.instance };
      const s = rec.stats;
      emit(M_INGEST, toNumber(s.packetsReceived), attrs);
      emit(M_INGEST + 1, toNumber(s.packetsDecoded), attrs);
      for (const [reason, n] of Object.entries(s.packetsDroppedByReason ?? {})) {
        const key = `${rec.instance}\u0000${reason}`;
        let a = this.ingestAttrs.get(key);
        if (a === undefined) {
          a = { ingest_instance: rec.instance, reason };
          // Bounded: reasons are a fixed vocabulary and instances expire.
          if (this.ingestAttrs.size > 10_000) this.ingestAttrs.clear();
          this.ingestAttrs.set(key, a);
        }
        emit(M_INGEST + 2, toNumber(n), a);
      }
      emit(M_INGEST + 3, Number(s.sessionsActive ?? 0), attrs);
      emit(M_INGEST + 4, toNumber(s.framesEmitted), attrs);
      // The batch header's total covers every drop; ingest_stats may lag by a second.
      emit(M_INGEST + 5, Math.max(toNumber(s.framesDroppedQueue), rec.framesDroppedTotal), attrs);
      emit(M_INGEST + 6, Number(s.lastPacketAgeS ?? -1), attrs);
    }
  }

  private walkSelf(emit: Emit): void {
    const c = this.counters;
    emit(M_RPC, c.framesReceived, this.rpcAttrs);
    for (const [reason, n] of c.rejected) {
      let a = this.rejectAttrs.get(reason);
      if (a === undefined) {
        a = { ...this.rpcAttrs, reason };
        this.rejectAttrs.set(reason, a);
      }
      emit(M_RPC + 1, n, a);
    }
    emit(M_RPC + 2, c.publishStreams, this.rpcAttrs);
    emit(M_RPC + 3, c.subscribers, this.rpcAttrs);
    emit(M_RPC + 4, c.subscriberFramesSkipped, this.rpcAttrs);
    emit(M_RPC + 5, c.exportFailures, this.rpcAttrs);
    emit(M_RPC + 6, c.carsActive, this.rpcAttrs);
  }
}

function createInstruments(meter: Meter): ObservableGauge[] {
  return CATALOGUE.map((m) => meter.createObservableGauge(m.name, { unit: m.unit, description: m.description }));
}

const DESCRIPTORS = CATALOGUE.map((m) => ({ name: m.name, unit: m.unit, description: m.description, valueType: ValueType.DOUBLE }));
const SCOPE = { name: "racetel-rpc" };
/** Earlier collections whose OTLP requests may still be pending when the next one is built. */
const COLLECTIONS_IN_FLIGHT = 1;
/** Longest stretch a collection holds the event loop before letting frames in. */
const WALK_SLICE_MS = 10;

/** Builds gauge points straight from the store walk; every point of a collection has one timestamp. */
class StoreProducer implements MetricProducer {
  constructor(private readonly pipeline: MetricsPipeline) {}

  async collect(): Promise<CollectionResult> {
    const time: HrTime = millisToHrTime(Date.now());
    if (this.pipeline.exporterBusy()) return { resourceMetrics: { resource: resourceFromAttributes({}), scopeMetrics: [] }, errors: [] };
    const points: DataPoint<number>[][] = CATALOGUE.map(() => []);
    await this.pipeline.walkSliced((metric, value, attributes) => {
      points[metric]!.push({ attributes, startTime: time, endTime: time, value });
    }, WALK_SLICE_MS);
    const metrics: GaugeMetricData[] = [];
    let total = 0;
    for (let i = 0; i < points.length; i++) {
      const dataPoints = points[i]!;
      total += dataPoints.length;
      if (dataPoints.length === 0) continue;
      metrics.push({ descriptor: DESCRIPTORS[i]!, aggregationTemporality: AggregationTemporality.DELTA, dataPointType: DataPointType.GAUGE, dataPoints });
    }
    this.pipeline.requestsPerCollection = Math.max(1, Math.ceil(total / this.pipeline.maxExportBatchSize));
    return { resourceMetrics: { resource: resourceFromAttributes({}), scopeMetrics: [{ scope: SCOPE, metrics }] }, errors: [] };
  }
}
