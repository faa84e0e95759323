import assert from "node:assert/strict";
import { test } from "node:test";
import { createSourceFilter, parseCidr } from "../../src/config/cidr.js";
import { ConfigError, defaultConfig, resolveIngestConfig, validate } from "../../src/config/ingest-config.js";

test("defaults match docs/architecture.md and are valid", () => {
  const config = defaultConfig();
  assert.equal(config.f1.port, 20777);
  assert.equal(config.acc.port, 9996);
  assert.equal(config.http.port, 9464);
  assert.deepEqual(config.rpcTargets, ["127.0.0.1:50051"]);
  assert.deepEqual(validate(config), []);
});

test("environment variables map onto the config and flags win over them", () => {
  const env = { RACETEL_F1_PORT: "30000", RACETEL_F1_HOST: "127.0.0.1", RACETEL_ALLOW_CIDRS: "10.0.0.0/8, fd00::/8", RACETEL_INGEST_HTTP_PORT: "9999", RACETEL_LOG_LEVEL: "debug", RACETEL_RPC_TARGETS: "a:1,dns:///rpc.racetel:50051" };
  const fromEnv = resolveIngestConfig({}, env);
  assert.equal(fromEnv.f1.port, 30000);
  assert.equal(fromEnv.f1.host, "127.0.0.1");
  assert.deepEqual(fromEnv.allowCidrs, ["10.0.0.0/8", "fd00::/8"]);
  assert.equal(fromEnv.http.port, 9999);
  assert.equal(fromEnv.logLevel, "debug");
  assert.deepEqual(fromEnv.rpcTargets, ["a:1", "dns:///rpc.racetel:50051"]);
  const flagsWin = resolveIngestConfig({ "f1-port": "31000", "http-port": "0" }, env);
  assert.equal(flagsWin.f1.port, 31000);
  assert.equal(flagsWin.http.port, 0);
});

test("bad config lists every problem in words a user understands", () => {
  assert.throws(
    () => resolveIngestConfig({ "f1-port": "70000", "allow-cidrs": "10.0.0.0/40,not-an-ip", "log-level": "loud", output: "kafka", "http-port": "http" }, {}),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /F1 UDP port .* must be a port number 0\.\.65535, got 70000/);
      assert.match(err.message, /"10\.0\.0\.0\/40": prefix length must be 0\.\.32/);
      assert.match(err.message, /"not-an-ip" is not an IPv4 or IPv6 address/);
      assert.match(err.message, /log level .* must be one of/);
      assert.match(err.message, /--kafka-brokers \/ RACETEL_KAFKA_BROKERS needs at least one host:port when --output kafka/);
      assert.match(err.message, /HTTP port must be a whole number, got "http"/);
      return true;
    },
  );
});

test("CIDRs: IPv4 and IPv6 ranges, single hosts, IPv4-mapped senders", () => {
  assert.deepEqual(parseCidr("192.168.1.20"), { network: "192.168.1.20", prefix: 32, family: "ipv4" });
  assert.deepEqual(parseCidr("fd00::/8"), { network: "fd00::", prefix: 8, family: "ipv6" });
  assert.throws(() => parseCidr("fd00::/129"), /prefix length must be 0\.\.128/);
  const filter = createSourceFilter(["192.168.1.0/24", "fd00::/8", "127.0.0.1"]);
  assert.equal(filter.allows("192.168.1.77"), true);
  assert.equal(filter.allows("192.168.2.77"), false);
  assert.equal(filter.allows("fd12:3456::1"), true);
  assert.equal(filter.allows("fe80::1"), false);
  assert.equal(filter.allows("127.0.0.1"), true);
  assert.equal(filter.allows("127.0.0.2"), false);
  assert.equal(filter.allows("::ffff:192.168.1.5"), true);
  // The memo must not change answers.
  assert.equal(filter.allows("192.168.2.77"), false);
  assert.equal(createSourceFilter([]).allows("8.8.8.8"), true);
});
