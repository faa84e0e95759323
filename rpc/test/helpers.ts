// Shared test helpers: an rpc on free loopback ports with the SDK's in-memory exporter, synthetic
// frames built from the generated racetel.v1 types, and metric look-ups.
import * as grpc from "@grpc/grpc-js";
import type { Attributes } from "@opentelemetry/api";
import { AggregationTemporality, InMemoryMetricExporter } from "@opentelemetry/sdk-metrics";
import type { GaugeMetricData, MetricData, ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { racetel } from "@racetel/proto";
import { createLogger, defaultConfig, RpcService } from "@racetel/rpc";
import type { RpcConfig } from "@racetel/rpc";

export const TEAMS = ["Mercedes", "Ferrari", "Red Bull Racing", "Williams", "Aston Martin", "Alpine", "Alpha Tauri", "Haas", "McLaren", "Alfa Romeo"];

export function driverName(car: number): string {
  return `DRIVER ${car}`;
}

export function labels(sessionId: string, car: number | undefined): racetel.v1.IFrameLabels {
  const l: racetel.v1.IFrameLabels = { source: "f1:127.0.0.1", game: racetel.v1.Game.GAME_F1, format: "2023", sessionId, track: "Silverstone" };
  if (car !== undefined) {
    l.carIndex = car;
    l.driver = driverName(car);
    l.team = TEAMS[car % TEAMS.length]!;
  }
  return l;
}

/** Speed of a car at a tick, distinct per car so a mix-up between cars shows. */
export function speedOf(car: number, tick: number): number {
  return 50 + car + tick * 0.01;
}

/** Event time of the first tick: a whole second a little before the tests started (ns, as a double). */
export const T0_NS = (Math.floor(Date.now() / 1000) - 60) * 1e9;
/** 60 Hz, as F1 sends at its highest rate. */
export const TICK_NS = 1e9 / 60;

/** Event time of a tick. */
export function tickTime(tick: number): number {
  return T0_NS + Math.round(tick * TICK_NS);
}

/** One game tick of a 20-car race: telemetry, motion, lap and status for every car, and the session, all stamped `t`. */
export function raceTick(sessionId: string, tick: number, cars = 20, t = tickTime(tick)): racetel.v1.IFrame[] {
  const frames: racetel.v1.IFrame[] = [];
  frames.push({ labels: labels(sessionId, undefined), receiveTimeUnixNano: t, session: { track: "Silverstone", trackLengthM: 5891, totalLaps: 5, weather: racetel.v1.Weather.WEATHER_CLEAR, airTemperatureCelsius: 21, trackTemperatureCelsius: 30, sessionTimeLeftS: 3600 - tick } });
  for (let car = 0; car < cars; car++) {
    const l = labels(sessionId, car);
    frames.push({
      labels: l, receiveTimeUnixNano: t, sessionTimeS: tick / 60, gameFrame: tick,
      telemetry: {
        speedMps: speedOf(car, tick), throttle: 0.9, brake: 0, steering: -0.1, gear: 7, engineRpm: 11000 + car, drsOpen: car % 2 === 0,
        tyreSurfaceTemperatureCelsius: { frontLeft: 90 + car, frontRight: 91, rearLeft: 92, rearRight: 93 },
        tyreInnerTemperatureCelsius: { frontLeft: 100, frontRight: 101, rearLeft: 102, rearRight: 103 },
        tyrePressureKpa: { frontLeft: 160, frontRight: 161, rearLeft: 150, rearRight: 151 },
        brakeTemperatureCelsius: { frontLeft: 500, frontRight: 501, rearLeft: 400, rearRight: 401 },
      },
    });
    frames.push({ labels: l, receiveTimeUnixNano: t, motion: { positionM: { x: car * 10, y: 1, z: -car * 10 }, gForceLateral: 1.5, gForceLongitudinal: -0.2, gForceVertical: 0.1 } });
    frames.push({ labels: l, receiveTimeUnixNano: t, lap: { lapNumber: 4, lapDistanceM: 1000 + car + tick, currentLapTimeMs: 30_000 + tick, position: car + 1, gapToCarAheadMs: car === 0 ? 0 : 800, pitStatus: racetel.v1.PitStatus.PIT_STATUS_ON_TRACK } });
    frames.push({ labels: l, receiveTimeUnixNano: t, status: { fuelMassKg: 20 - car * 0.1, ersStoreJ: 4e6, tyreCompound: racetel.v1.TyreCompound.TYRE_COMPOUND_MEDIUM, tyreAgeLaps: 3 } });
  }
  return frames;
}

/** Encodes frames as a PublishRequest with only field 1 set, as ingest's batcher does. */
export function encodeBatch(frames: racetel.v1.IFrame[]): Buffer {
  const bytes = racetel.v1.PublishRequest.encode({ frames }).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export interface TestRpc {
  service: RpcService;
  exporter: InMemoryMetricExporter;
  target: string;
  stop(): Promise<void>;
}

/** Starts rpc on free loopback ports, exporting into an InMemoryMetricExporter. */
export async function startTestRpc(overrides: Partial<RpcConfig> = {}, port = 0): Promise<TestRpc> {
  const config: RpcConfig = { ...defaultConfig(), grpc: { host: "127.0.0.1", port }, http: { host: "127.0.0.1", port: 0 }, exportIntervalMs: 60_000, logLevel: "silent", instance: "rpc-test", ...overrides };
  const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
  const service = new RpcService(config, createLogger(config.logLevel), { exporter });
  await service.start();
  return { service, exporter, target: `127.0.0.1:${service.grpcPort}`, stop: () => service.stop() };
}

/** Collects now and returns the metrics of that one collection. */
export async function collectOnce(rpc: TestRpc): Promise<MetricData[]> {
  rpc.exporter.reset();
  await rpc.service.pipeline.flush();
  const all: ResourceMetrics[] = rpc.exporter.getMetrics();
  return all.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
}

/**
 * Every point of `name` in a collection. A large collection goes out as several requests, each with its
 * own entry for the metric: their points are merged (taking only the first entry would miss the rest).
 */
export function metric(metrics: MetricData[], name: string): GaugeMetricData {
  const all = metrics.filter((x) => x.descriptor.name === name) as GaugeMetricData[];
  if (all.length === 0) throw new Error(`metric ${name} not exported; got ${metrics.map((x) => x.descriptor.name).join(", ")}`);
  return all.length === 1 ? all[0]! : { ...all[0]!, dataPoints: all.flatMap((m) => m.dataPoints) };
}

/** The value of `name` for the latest point (by time) whose attributes include `match`. */
export function pointValue(metrics: MetricData[], name: string, match: Attributes): number | undefined {
  let best: { t: number; v: number } | undefined;
  for (const m of metrics.filter((x) => x.descriptor.name === name)) {
    for (const dp of m.dataPoints) {
      if (!Object.entries(match).every(([k, v]) => dp.attributes[k] === v)) continue;
      const t = dp.endTime[0] * 1e9 + dp.endTime[1];
      if (best === undefined || t >= best.t) best = { t, v: dp.value as number };
    }
  }
  if (best === undefined && !metrics.some((x) => x.descriptor.name === name)) metric(metrics, name); // throws, naming what was exported
  return best?.v;
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const silentLogger = { info: () => {}, warn: () => {} };

/** A minimal real OTLP/gRPC metrics receiver (the collector's role): records each request's bytes. */
/** Length-delimited fields `field` of a protobuf message (a minimal wire-format reader for tests). */
function* subMessages(buf: Buffer, field: number): Generator<Buffer> {
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = varint();
      if (key >>> 3 === field) yield buf.subarray(i, i + len);
      i += len;
    } else throw new Error(`wire type ${wire} not expected in OTLP`);
  }
}

/** Data points (gauge and sum) in one OTLP ExportMetricsServiceRequest. */
export function countOtlpDataPoints(request: Buffer): number {
  let n = 0;
  for (const rm of subMessages(request, 1)) {
    for (const sm of subMessages(rm, 2)) {
      for (const m of subMessages(sm, 2)) {
        for (const kind of [5, 7]) for (const g of subMessages(m, kind)) for (const _ of subMessages(g, 1)) n++;
      }
    }
  }
  return n;
}

export async function startOtlpReceiver(port = 0, options: { neverAnswer?: boolean; maxReceiveBytes?: number } = {}): Promise<{ port: number; requests: Buffer[]; stop(): Promise<void> }> {
  const requests: Buffer[] = [];
  // Like the collector's max_recv_msg_size_mib: a larger request is refused RESOURCE_EXHAUSTED by grpc itself.
  const server = new grpc.Server({ "grpc.max_receive_message_length": options.maxReceiveBytes ?? 64 * 1024 * 1024 });
  const raw = (b: Buffer): Buffer => b;
  server.addService({
    export: { path: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
  } as unknown as grpc.ServiceDefinition, {
    export: ((call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      requests.push(call.request);
      if (options.neverAnswer === true) return; // a hung collector
      cb(null, Buffer.alloc(0)); // an empty ExportMetricsServiceResponse: full success
    }) as grpc.UntypedHandleCall,
  });
  const bound = await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { port: bound, requests, stop: () => new Promise<void>((resolve) => { server.forceShutdown(); resolve(); }) };
}
