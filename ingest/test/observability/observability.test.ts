import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, openSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { IngestCounters } from "../../src/observability/counters.js";
import { RateLimitedDropRecorder } from "../../src/observability/drop-recorder.js";
import { startObservabilityServer } from "../../src/observability/http-server.js";
import { snapshotIngestStats } from "../../src/observability/ingest-stats.js";
import { createLogger } from "../../src/observability/logger.js";
import { LogOnce } from "../../src/observability/once-logger.js";
import { renderPrometheus } from "../../src/observability/prometheus.js";

function logFile(): { fd: number; read(): Record<string, unknown>[] } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "racetel-log-")), "log.jsonl");
  const fd = openSync(file, "w");
  return { fd, read: () => readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test("drops are all counted but logged at most once per reason per interval, with a hex prefix", () => {
  const log = logFile();
  const counters = new IngestCounters();
  const drops = new RateLimitedDropRecorder(counters, createLogger("info", log.fd), 60_000);
  const packet = Buffer.from("e7071701150b671fde9dcea8fb359abc8f430e17", "hex");
  for (let i = 0; i < 1000; i++) drops.drop("wrong_size", packet);
  drops.drop("too_short", Buffer.from([1, 2]));
  closeSync(log.fd);
  assert.equal(counters.packetsDroppedByReason.get("wrong_size"), 1000);
  assert.equal(counters.packetsDroppedByReason.get("too_short"), 1);
  assert.equal(counters.packetsDropped(), 1001);
  const lines = log.read();
  assert.equal(lines.length, 2);
  assert.equal(lines[0].reason, "wrong_size");
  assert.equal(lines[0].hexPrefix, packet.toString("hex"));
  assert.equal(lines[1].hexPrefix, "0102");
});

test("advice is logged once per key", () => {
  const log = logFile();
  const once = new LogOnce(createLogger("info", log.fd));
  for (let i = 0; i < 5; i++) once.once("f1-format-2022", "set UDP Format to 2023/2024/2025 in the game's telemetry settings", { packetFormat: 2022 });
  once.once("other", "something else");
  closeSync(log.fd);
  const lines = log.read();
  assert.equal(lines.length, 2);
  assert.equal(lines[0].packetFormat, 2022);
});

test("/metrics renders Prometheus text and /healthz answers over real HTTP", async () => {
  const counters = new IngestCounters();
  counters.packetsReceived = 12;
  counters.packetsDecoded = 9;
  counters.framesEmitted = 180;
  counters.countDrop("source_not_allowed");
  counters.countDrop("wrong_size");
  counters.countDrop("wrong_size");
  counters.sessionsActive = () => 2;
  let ready = true;
  const { server, port } = await startObservabilityServer(counters, { ready: () => ready }, "127.0.0.1", 0);
  try {
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get("content-type") ?? "", /text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    assert.match(text, /^racetel_ingest_packets_received_total 12$/m);
    assert.match(text, /^racetel_ingest_packets_decoded_total 9$/m);
    assert.match(text, /^racetel_ingest_packets_dropped_total\{reason="wrong_size"\} 2$/m);
    assert.match(text, /^racetel_ingest_packets_dropped_total\{reason="source_not_allowed"\} 1$/m);
    assert.match(text, /^racetel_ingest_sessions_active 2$/m);
    assert.match(text, /^racetel_ingest_last_packet_age_seconds -1$/m);
    assert.match(text, /^# TYPE racetel_ingest_frames_emitted_total counter$/m);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, "ok");
    ready = false;
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 503);
    assert.equal((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test("IngestStats snapshot copies the counters", () => {
  const counters = new IngestCounters();
  counters.packetsReceived = 5;
  counters.countDrop("too_short");
  counters.lastPacketAtMs = 1000;
  const stats = snapshotIngestStats(counters, 3500);
  assert.equal(stats.packetsReceived, 5);
  assert.deepEqual(stats.packetsDroppedByReason, { too_short: 1 });
  assert.equal(stats.lastPacketAgeS, 2.5);
  counters.countDrop("too_short");
  assert.deepEqual(stats.packetsDroppedByReason, { too_short: 1 }, "a snapshot, not a live view");
  assert.match(renderPrometheus(counters, 3500), /last_packet_age_seconds 2\.5/);
});
