// Collector -> InfluxDB with real processes: the config passes the real binary's `validate`, and metrics
// exported over OTLP/gRPC by the OpenTelemetry SDK land in Debian's influxd. Also the reason for the
// metrics_schema choice: with telegraf-prometheus-v2 a car's speed and lap distance of one collection are
// ONE row (a lap trace is a single InfluxQL SELECT); with telegraf-prometheus-v1 they are two measurements.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-grpc";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { startInfluxDb, type InfluxDb } from "./harness/influxdb.js";
import { spawnSync } from "node:child_process";
import { collectorBinary, collectorConfig, startCollector, validateCollectorConfig, type Collector } from "./harness/collector.js";
import { waitForRows } from "./harness/query.js";

const cars = [
  { car_index: "0", speed: 81.5, distance: 120.25 },
  { car_index: "7", speed: 64.0, distance: 3010.5 },
];

/** Exports one collection of two gauges for each car through OTLP/gRPC and shuts the SDK down. */
async function exportOnce(otlpEndpoint: string, sessionId: string): Promise<void> {
  const exporter = new OTLPMetricExporter({ url: otlpEndpoint });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ "service.name": "racetel-e2e" }), readers: [reader] });
  const meter = provider.getMeter("racetel-e2e");
  const speed = meter.createObservableGauge("racetel.car.speed", { unit: "m/s" });
  const distance = meter.createObservableGauge("racetel.car.lap.distance", { unit: "m" });
  meter.addBatchObservableCallback((result) => {
    for (const car of cars) {
      const attributes = { session_id: sessionId, car_index: car.car_index };
      result.observe(speed, car.speed, attributes);
      result.observe(distance, car.distance, attributes);
    }
  }, [speed, distance]);
  await provider.shutdown(); // collects and exports exactly once
}

describe("collector build", () => {
  it("build.sh reuses the binary cached under the manifest's hash", () => {
    const first = collectorBinary();
    assert.match(first, /otelcol-[0-9a-f]{64}\/otelcol-racetel$/);
    const started = Date.now();
    const again = spawnSync("bash", ["deploy/collector/build.sh"], { encoding: "utf8" });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout.trim(), first);
    assert.equal(again.stderr, "", "a cached build prints nothing on stderr");
    assert.ok(Date.now() - started < 5000, "a cached build returns at once");
  });
  it("has exactly the components of the manifest", () => {
    const out = spawnSync(collectorBinary(), ["components"], { encoding: "utf8" }).stdout;
    for (const section of ["receivers", "processors", "exporters", "extensions"]) assert.match(out, new RegExp(`^${section}:`, "m"));
    const names = [...out.matchAll(/^\s+- name: (\S+)/gm)].map((m) => m[1]).sort();
    assert.deepEqual(names, ["batch", "debug", "health_check", "influxdb", "otlp", "racetel_influxdb"]);
    const schemes = [...out.matchAll(/^\s+- scheme: (\S+)/gm)].map((m) => m[1]).sort();
    assert.deepEqual(schemes, ["env", "file", "yaml"], "config providers: no remote (http/https) configs");
  });
});

describe("collector config", () => {
  it("passes the real binary's validate", () => {
    const { status, output } = validateCollectorConfig(collectorConfig);
    assert.equal(status, 0, output);
  });
  it("accepts the debug exporter added to the pipeline by --set (documented for troubleshooting)", () => {
    const { status, output } = validateCollectorConfig(collectorConfig, ["service::pipelines::metrics::exporters=[racetel_influxdb,debug]"]);
    assert.equal(status, 0, output);
  });
  it("rejects a racetel_influxdb exporter without a database, naming the setting", () => {
    const { status, output } = validateCollectorConfig(collectorConfig, ["exporters::racetel_influxdb::database="]);
    assert.notEqual(status, 0);
    assert.match(output, /database is required/);
  });
});

describe("collector -> InfluxDB", () => {
  let influx: InfluxDb;
  let v2: Collector;
  let v1: Collector;
  let contrib: Collector;
  before(async () => {
    influx = await startInfluxDb("racetel");
    await influx.query(`CREATE DATABASE "schema_v1"`, "");
    await influx.query(`CREATE DATABASE "contrib"`, "");
    v2 = await startCollector({ influxUrl: influx.url, database: "racetel" });
    v1 = await startCollector({
      influxUrl: influx.url,
      database: "schema_v1",
      set: ["service::pipelines::metrics::exporters=[influxdb]", "exporters::influxdb::metrics_schema=telegraf-prometheus-v1"],
    });
    contrib = await startCollector({ influxUrl: influx.url, database: "contrib", set: ["service::pipelines::metrics::exporters=[influxdb]"] });
  });
  after(async () => {
    await contrib?.stop();
    await v1?.stop();
    await v2?.stop();
    await influx?.stop();
  });

  it("telegraf-prometheus-v2 (our config): speed and lap distance of one collection are one row per car", async () => {
    await exportOnce(v2.otlpEndpoint, "e2e-v2");
    const query = `SELECT "racetel.car.speed", "racetel.car.lap.distance" FROM "prometheus" WHERE "session_id" = 'e2e-v2' GROUP BY "car_index"`;
    const series = await waitForRows(influx, query, cars.length, v2.process);
    for (const car of cars) {
      const s = series.find((x) => x.tags?.car_index === car.car_index);
      assert.ok(s, `no series for car ${car.car_index}`);
      assert.deepEqual(s.columns, ["time", "racetel.car.speed", "racetel.car.lap.distance"]);
      assert.equal(s.values.length, 1, JSON.stringify(s.values));
      assert.deepEqual(s.values[0]?.slice(1), [car.speed, car.distance]);
    }
    const tags = await influx.query(`SHOW TAG KEYS FROM "prometheus"`);
    const keys = (tags[0]?.series?.[0]?.values ?? []).map((v) => v[0]);
    for (const key of ["session_id", "car_index"]) assert.ok(keys.includes(key), `tag ${key} missing: ${keys.join(",")}`);
    for (const key of ["service.name", "otel.library.name"]) assert.ok(!keys.includes(key), `tag ${key} is dropped by racetel_influxdb: ${keys.join(",")}`);
  });

  it("racetel_influxdb stores the same rows and values as the contrib exporter, in one line per row instead of one per point", async () => {
    await exportOnce(v2.otlpEndpoint, "same");
    await exportOnce(contrib.otlpEndpoint, "same");
    const query = `SELECT "racetel.car.speed", "racetel.car.lap.distance" FROM "prometheus" WHERE "session_id" = 'same' GROUP BY "car_index"`;
    const ours = await waitForRows(influx, query, cars.length, v2.process);
    const theirs = await waitForRows(influx, query, cars.length, contrib.process, "contrib");
    const strip = (series: typeof ours) => series.map((x) => ({ car: x.tags?.car_index, values: x.values.map((v) => v.slice(1)) })).sort((a, b) => String(a.car).localeCompare(String(b.car)));
    assert.deepEqual(strip(ours), strip(theirs));
  });

  it("telegraf-prometheus-v1 (rejected): each metric is its own measurement, so no row holds both", async () => {
    await exportOnce(v1.otlpEndpoint, "e2e-v1");
    const series = await waitForRows(influx, `SELECT * FROM "racetel.car.speed", "racetel.car.lap.distance" WHERE "session_id" = 'e2e-v1'`, 2, v1.process, "schema_v1");
    assert.deepEqual(series.map((s) => s.name).sort(), ["racetel.car.lap.distance", "racetel.car.speed"]);
    for (const s of series) {
      assert.ok(s.columns.includes("gauge"), `v1 stores the value in field "gauge": ${s.columns.join(",")}`);
      assert.ok(!s.columns.includes("racetel.car.speed") && !s.columns.includes("racetel.car.lap.distance"));
    }
  });
});
