// The OpenTelemetry side of rpc: at every export interval, one collection takes from the store what is
// ready in event time (trace samples, state snapshots, laps, events up to each session's watermark) plus
// rpc's and ingest's own counters, and sends it as OTLP gauge points stamped with their own times. Only
// once the collector accepted all of a collection does the store let go of it; a collection that fails is
// taken again, with what came since, at the next interval. One collection is in flight at a time.
//
// The SDK's MeterProvider is not used: its instruments report one value per series per collection at
// the collection's time, and here a series has many points, each at the time the game produced it.
import type { Attributes, HrTime } from "@opentelemetry/api";
import { ValueType } from "@opentelemetry/api";
import { ExportResultCode, millisToHrTime } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AggregationTemporality, DataPointType } from "@opentelemetry/sdk-metrics";
import type { DataPoint, GaugeMetricData, MetricData, PushMetricExporter, ResourceMetrics } from "@opentelemetry/sdk-metrics";
import type { RpcCounters } from "../counters.js";
import type { RateLimitedLog } from "../log.js";
import { toNumber } from "../int64.js";
import { CATALOGUE, M_CAR, M_INGEST, M_RPC } from "./catalogue.js";
import { MAX_PENDING_GROUPS, type PointGroup, type SessionState, type TelemetryStore } from "./store.js";
import { MAX_TRACE_SAMPLES } from "./trace.js";

export interface ExportOptions {
  exportIntervalMs: number;
  /** Instance name for the racetel.rpc.* self-metrics. */
  instance: string;
  /** Data points per OTLP request (keeps each request under the collector's 4 MiB receive limit). */
  maxExportBatchSize: number;
  /** Data points one collection takes at most: after an outage the backlog goes out over several. */
  maxPointsPerCollection: number;
}

const GRPC_RESOURCE_EXHAUSTED = 8;
/** Event time one collection takes of a session at most (ns). */
const MAX_SPAN_NS = 10e9;
/** Gauges have no start time; 0 keeps the InfluxDB exporters from adding a start_time_unix_nano field to every row. */
const NO_START: HrTime = [0, 0];
const RESOURCE = resourceFromAttributes({ "service.name": "racetel-rpc" });
const SCOPE = { name: "racetel-rpc" };
const DESCRIPTORS = CATALOGUE.map((m) => ({ name: m.name, unit: m.unit, description: m.description, valueType: ValueType.DOUBLE }));

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

/**
 * Wraps the real exporter: counts outcomes, logs failures at a bounded rate, sends a request the
 * collector refuses as too large again in halves, and rebuilds the exporter after persistent failures.
 */
export class CountingExporter {
  private inner: PushMetricExporter;
  private consecutiveFailures = 0;
  private everSucceeded = false;
  private toldNoCollector = false;
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

  /** Sends one request; resolves true when the collector accepted every point of it. */
  async export(metrics: ResourceMetrics): Promise<boolean> {
    const points = countPoints(metrics);
    this.counters.pointsHandedOver += points;
    // Serialising a request takes ~25 ms at 8192 points: one per event-loop turn lets Publish streams in between.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) => this.inner.export(metrics, resolve));
    if (result.code === ExportResultCode.SUCCESS) {
      this.counters.exportsSucceeded++;
      this.counters.pointsExported += points;
      this.consecutiveFailures = 0;
      if (!this.everSucceeded && this.toldNoCollector) this.log.info("export-ok", {}, "metrics export reaches the OpenTelemetry collector now");
      this.everSucceeded = true;
      return true;
    }
    const halves = (result.error as { code?: number } | undefined)?.code === GRPC_RESOURCE_EXHAUSTED ? splitInHalves(metrics) : undefined;
    if (halves !== undefined) {
      // Too large for the collector (its max_recv_msg_size): never dropped whole, sent again in halves.
      this.counters.exportsSplit++;
      this.counters.pointsHandedOver -= points;
      this.log.warn("export-split", { points }, "the collector refused an OTLP request as too large; sending it again in two halves");
      const [a, b] = await Promise.all([this.export(halves[0]), this.export(halves[1])]);
      return a && b;
    }
    this.counters.exportFailures++;
    this.consecutiveFailures++;
    if (!this.everSucceeded) {
      // No collector yet (the plain `npm start` path): say so once, not at every interval.
      if (!this.toldNoCollector) this.log.always("export-none", { err: result.error?.message }, "no OpenTelemetry collector answers: metrics are not stored yet (the live view works without one); racetel keeps them and keeps trying quietly");
      this.toldNoCollector = true;
    } else {
      this.log.warn("export", { err: result.error?.message, consecutiveFailures: this.consecutiveFailures }, "OTLP export failed; rpc keeps the samples and sends them again at the next interval");
    }
    this.maybeRecreate();
    return false;
  }

  private maybeRecreate(): void {
    if (this.recreateAfterMs === undefined || this.now() - this.createdAt < this.recreateAfterMs) return;
    const old = this.inner;
    this.inner = this.create();
    this.createdAt = this.now();
    this.counters.exporterRebuilds++;
    void old.shutdown().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.inner.forceFlush().catch(() => undefined);
    await this.inner.shutdown();
  }
}

/** What one collection took from a session; let go of when the collection reached the collector. */
interface Take {
  session: SessionState;
  cars: { trace: { drop(n: number): void }; n: number }[];
  groups: number;
  watermark: number;
}

/** Called after a collection reached the collector (acks to ingest, Kafka offsets). */
export type ExportedListener = () => void;

/** Builds and exports collections at the export interval. */
export class MetricsPipeline {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly rpcAttrs: Attributes;
  private readonly rejectAttrs = new Map<string, Attributes>();
  private readonly ingestAttrs = new Map<string, Attributes>();
  private readonly listeners: ExportedListener[] = [];
  /** Collections in a row that did not reach the collector; while > 0 a small probe goes first, with backoff. */
  private failedInARow = 0;
  private nextTryMs = 0;

  constructor(
    private readonly store: TelemetryStore,
    private readonly exporter: CountingExporter,
    private readonly counters: RpcCounters,
    private readonly options: ExportOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.rpcAttrs = { rpc_instance: options.instance };
  }

  onExported(listener: ExportedListener): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.inFlight !== undefined) {
        this.counters.collectionsSkipped++;
        return;
      }
      if (this.now() < this.nextTryMs) return; // the collector failed: back off (the backlog waits compactly)
      void this.collectOnce(false);
    }, this.options.exportIntervalMs);
  }

  /** Exports everything now, open samples and the state at the next boundary included (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight;
    await this.collectOnce(true);
  }

  /** Stops at once: nothing more is collected or exported (a crash, for tests). */
  abort(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.aborted = true;
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch(() => undefined);
    await this.exporter.close().catch(() => undefined);
  }

  /** Samples waiting for the collector. */
  backlog(): number {
    let n = 0;
    for (const s of this.store.sessions.values()) {
      n += s.pending.length;
      for (const car of s.cars.values()) n += car.trace.count;
    }
    return n;
  }

  /** The fullest car trace ring or session backlog, as a share of its limit. */
  fullest(): number {
    let f = 0;
    for (const s of this.store.sessions.values()) {
      f = Math.max(f, s.pending.length / MAX_PENDING_GROUPS);
      for (const car of s.cars.values()) f = Math.max(f, car.trace.count / MAX_TRACE_SAMPLES);
    }
    return f;
  }

  private aborted = false;

  private collectOnce(drain: boolean): Promise<void> {
    if (this.aborted) return Promise.resolve();
    const run = this.collectAndExport(drain).finally(() => { this.inFlight = undefined; });
    this.inFlight = run;
    return run;
  }

  private async collectAndExport(drain: boolean): Promise<void> {
    const nowMs = this.now();
    this.counters.carsExpired += this.store.expire(nowMs);
    const points: DataPoint<number>[][] = CATALOGUE.map(() => []);
    const takes: Take[] = [];
    let total = 0;
    // After a failure, rpc's own counters alone probe the collector before the backlog is built again.
    const probe = this.failedInARow > 0 && !drain;
    const maxPoints = probe ? 0 : this.options.maxPointsPerCollection;
    const sessions = probe ? [] : [...this.store.retired, ...this.store.sessions.values()];
    for (const s of sessions) {
      if (total >= maxPoints && total > 0) break;
      const retired = !this.store.sessions.has(s.id);
      if (drain && !retired) this.store.finish(s);
      else if (!retired) this.store.storeQuietState(s, nowMs);
      let watermark = drain || retired ? Infinity : this.store.watermark(s, nowMs);
      // A backlog (a capture replayed at full speed, the collector back after an outage) goes out
      // MAX_SPAN_NS of event time per collection, so one collection stays a bounded size.
      const from = s.exportedNs > -Infinity ? s.exportedNs : s.firstEventNs;
      const limited = !drain && from === from && watermark > from + MAX_SPAN_NS;
      if (limited) watermark = from + MAX_SPAN_NS;
      total += this.take(s, watermark, points, takes, limited);
    }
    this.counters.collections++;
    this.counters.carsActive = this.store.carsLive;
    const wall = millisToHrTime(nowMs);
    this.walkIngest(points, wall);
    this.walkSelf(points, wall);
    const requests = this.requests(points);
    if (this.aborted) return;
    const results = await Promise.all(requests.map((r) => this.exporter.export(r)));
    if (this.aborted) return;
    if (!results.every((ok) => ok)) {
      this.failedInARow++;
      this.nextTryMs = this.now() + Math.min(5_000, this.options.exportIntervalMs * 2 ** Math.min(this.failedInARow, 6));
      return;
    }
    this.failedInARow = 0;
    this.nextTryMs = 0;
    const beat = this.store.heartbeatNs;
    for (const take of takes) {
      const s = take.session;
      for (const c of take.cars) c.trace.drop(c.n);
      s.pending.splice(0, take.groups);
      if (take.watermark > s.exportedNs) s.exportedNs = take.watermark === Infinity ? s.maxEventNs : take.watermark;
      s.safeBeforeNs = Math.floor(s.exportedNs / beat) * beat - beat;
    }
    // A retired session is gone once all it owed went out.
    for (let i = this.store.retired.length - 1; i >= 0; i--) {
      const s = this.store.retired[i]!;
      if (s.pending.length === 0 && [...s.cars.values()].every((c) => c.trace.count === 0)) {
        s.closed = true;
        this.store.retired.splice(i, 1);
      }
    }
    for (const l of this.listeners) l();
  }

  /** Adds a session's ready samples to `points`; returns how many points. */
  private take(s: SessionState, watermark: number, points: DataPoint<number>[][], takes: Take[], limited = false): number {
    let n = 0;
    const slots = this.store.traceSlots;
    const take: Take = { session: s, cars: [], groups: 0, watermark };
    for (const car of s.cars.values()) {
      const trace = car.trace;
      const ready = trace.ready(watermark);
      for (let i = 0; i < ready; i++) {
        const t = hrTime(trace.timeAt(i));
        const attributes = (trace.labelsAt(i) ?? car.attrs) as Attributes;
        for (let c = 0; c < slots.length; c++) {
          const v = trace.valueAt(i, c);
          if (v !== v) continue;
          points[M_CAR + slots[c]!]!.push({ attributes, startTime: NO_START, endTime: t, value: v });
          n++;
        }
      }
      if (ready > 0) take.cars.push({ trace, n: ready });
    }
    let g = 0;
    const pending = s.pending;
    // State stored early for a quiet session lies just after its last frame: it may go out as well.
    const groupsUpTo = limited ? watermark : Math.max(watermark, this.store.quietStateNs(s));
    while (g < pending.length && pending[g]!.t <= groupsUpTo) {
      n += addGroup(pending[g]!, points);
      g++;
    }
    take.groups = g;
    takes.push(take);
    return n;
  }

  /** Splits a collection into OTLP requests of at most maxExportBatchSize points. */
  private requests(points: DataPoint<number>[][]): ResourceMetrics[] {
    const out: ResourceMetrics[] = [];
    const max = this.options.maxExportBatchSize;
    let metrics: GaugeMetricData[] = [];
    let inRequest = 0;
    const flush = (): void => {
      if (metrics.length > 0) out.push({ resource: RESOURCE, scopeMetrics: [{ scope: SCOPE, metrics }] });
      metrics = [];
      inRequest = 0;
    };
    for (let i = 0; i < points.length; i++) {
      let list = points[i]!;
      while (list.length > 0) {
        const room = max - inRequest;
        const part = list.length <= room ? list : list.slice(0, room);
        list = list.length <= room ? [] : list.slice(room);
        metrics.push({ descriptor: DESCRIPTORS[i]!, aggregationTemporality: AggregationTemporality.DELTA, dataPointType: DataPointType.GAUGE, dataPoints: part });
        inRequest += part.length;
        if (inRequest >= max) flush();
      }
    }
    flush();
    return out;
  }

  private walkIngest(points: DataPoint<number>[][], t: HrTime): void {
    const emit = (metric: number, value: number, attributes: Attributes): void => { points[metric]!.push({ attributes, startTime: NO_START, endTime: t, value }); };
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

  private walkSelf(points: DataPoint<number>[][], t: HrTime): void {
    const c = this.counters;
    const emit = (metric: number, value: number, attributes: Attributes): void => { points[metric]!.push({ attributes, startTime: NO_START, endTime: t, value }); };
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
    emit(M_RPC + 7, this.store.framesLate, this.rpcAttrs);
    emit(M_RPC + 8, this.samplesDropped(), this.rpcAttrs);
    emit(M_RPC + 9, this.backlog(), this.rpcAttrs);
  }

  /** Samples and groups dropped because a backlog was full. */
  samplesDropped(): number {
    let n = 0;
    for (const s of this.store.sessions.values()) {
      n += s.groupsDropped;
      for (const car of s.cars.values()) n += car.trace.dropped;
    }
    return n + this.store.droppedWithRetired;
  }
}

/** ns since the epoch (a double) as [seconds, nanoseconds], the same for the same double every time. */
function hrTime(ns: number): HrTime {
  let s = Math.floor(ns / 1e9);
  let n = Math.round(ns - s * 1e9);
  if (n < 0) { s -= 1; n += 1e9; } else if (n >= 1e9) { s += 1; n -= 1e9; }
  return [s, n];
}

function addGroup(g: PointGroup, points: DataPoint<number>[][]): number {
  const t = hrTime(g.t);
  for (let i = 0; i < g.metrics.length; i++) points[g.metrics[i]!]!.push({ attributes: g.attrs, startTime: NO_START, endTime: t, value: g.values[i]! });
  return g.metrics.length;
}
