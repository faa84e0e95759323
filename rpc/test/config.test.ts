// Flags and environment map onto the config in one place; bad values give one clear message each.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { ConfigError, configFromArgs } from "@racetel/rpc";

describe("rpc config", () => {
  it("has the documented defaults", () => {
    const c = configFromArgs([], {})!;
    assert.equal(c.grpc.port, 50051);
    assert.equal(c.http.port, 9465);
    assert.equal(c.otlpEndpoint, "http://127.0.0.1:4317");
    assert.equal(c.exportIntervalMs, 250);
  });

  it("reads the environment, and flags win over it", () => {
    const env = { RACETEL_RPC_PORT: "6000", RACETEL_RPC_HTTP_PORT: "6001", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4317", OTEL_METRIC_EXPORT_INTERVAL: "500", RACETEL_CAR_TIMEOUT: "5s" };
    const c = configFromArgs([], env)!;
    assert.deepEqual([c.grpc.port, c.http.port, c.otlpEndpoint, c.exportIntervalMs, c.carTimeoutMs], [6000, 6001, "http://collector:4317", 500, 5000]);
    const f = configFromArgs(["--port", "7000", "--export-interval", "1s", "--car-timeout", "1500ms"], env)!;
    assert.deepEqual([f.grpc.port, f.exportIntervalMs, f.carTimeoutMs], [7000, 1000, 1500]);
  });

  it("rejects bad values with messages naming the flag and the variable", () => {
    assert.throws(() => configFromArgs(["--port", "70000"], {}), (e: Error) => e instanceof ConfigError && /--port \/ RACETEL_RPC_PORT/.test(e.message));
    assert.throws(() => configFromArgs([], { OTEL_METRIC_EXPORT_INTERVAL: "fast" }), /OTEL_METRIC_EXPORT_INTERVAL \(milliseconds\) must be a whole number/);
    assert.throws(() => configFromArgs(["--otlp-endpoint", "collector"], {}), /must look like http:\/\/host:4317/);
    assert.throws(() => configFromArgs(["--tls-cert", "a.pem"], {}), /--tls-cert and --tls-key go together/);
    assert.throws(() => configFromArgs(["--car-timeout", "20s", "--session-timeout", "5s"], {}), /--session-timeout/);
    assert.throws(() => configFromArgs(["--bogus"], {}), ConfigError);
  });

  it("--transport kafka: brokers, topic, group, partitions and session timeout from flags or environment, checked", () => {
    const c = configFromArgs(["--transport", "kafka", "--kafka-brokers", "k1:9092, k2:9092", "--kafka-session-timeout", "8s"], { RACETEL_KAFKA_GROUP: "league-rpc", RACETEL_KAFKA_PARTITIONS: "24" })!;
    assert.equal(c.transport, "kafka");
    assert.deepEqual(c.kafka, { brokers: ["k1:9092", "k2:9092"], topic: "racetel.frames", group: "league-rpc", partitions: 24, sessionTimeoutMs: 8000 });
    assert.equal(configFromArgs([], {})!.transport, "grpc", "direct gRPC stays the default");
    assert.throws(() => configFromArgs(["--transport", "kafka"], {}), /--kafka-brokers \/ RACETEL_KAFKA_BROKERS needs at least one host:port/);
    assert.throws(() => configFromArgs(["--transport", "kafka", "--kafka-brokers", "k1", "--kafka-topic", "a b", "--kafka-session-timeout", "1s"], {}),
      (err: unknown) => err instanceof ConfigError && /Kafka broker "k1" must be host:port/.test(err.message) && /--kafka-topic "a b"/.test(err.message) && /--kafka-session-timeout must be 6s\.\.300s/.test(err.message));
    assert.throws(() => configFromArgs(["--transport", "carrier-pigeon"], {}), /--transport must be grpc or kafka/);
  });

  it("insights: on by default with the documented thresholds, set by flags, bad values refused by name", () => {
    const d = configFromArgs([], {})!.insights;
    assert.deepEqual(d, { enabled: true, tyreWearLimit: 0.7, fuelMarginLaps: 0, tyreWindowSeconds: 20, damageStep: 0.1, anomalyThreshold: 5, anomalyBinM: 50 });
    const c = configFromArgs(["--insight-tyre-wear-limit", "0.6", "--insight-fuel-margin-laps", "0.5", "--insight-anomaly-threshold", "4", "--insight-anomaly-bin", "25"], {})!.insights;
    assert.deepEqual([c.tyreWearLimit, c.fuelMarginLaps, c.anomalyThreshold, c.anomalyBinM], [0.6, 0.5, 4, 25]);
    assert.equal(configFromArgs([], { RACETEL_INSIGHTS: "off" })!.insights.enabled, false);
    assert.throws(() => configFromArgs(["--insights", "maybe"], {}), /--insights must be on or off/);
    assert.throws(() => configFromArgs(["--insight-tyre-wear-limit", "70"], {}), /--insight-tyre-wear-limit must be above 0 and at most 1/);
    assert.throws(() => configFromArgs(["--insight-anomaly-threshold", "NaN"], {}), /--insight-anomaly-threshold must be a number/);
    assert.throws(() => configFromArgs(["--insight-anomaly-bin", "1"], {}), /--insight-anomaly-bin must be 10 to 500 m/);
    assert.throws(() => configFromArgs(["--insight-damage-step", "0"], {}), /--insight-damage-step/);
  });

  it("racetel-rpc exits with 2 and one clear line on bad flags", () => {
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const r = spawnSync(process.execPath, ["--conditions=racetel-src", "--import", "tsx", main, "--export-interval", "soon"], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /racetel rpc: --export-interval must be a duration such as 250ms/);
  });
});
