// The ingest service end to end on loopback: real UDP, real HTTP, the real capture, real processes.
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { mkdtempSync, openSync, closeSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { racetel } from "@racetel/proto";
import { defaultConfig } from "../../src/config/ingest-config.js";
import { createLogger } from "../../src/observability/logger.js";
import type { BatchSink } from "../../src/pipeline/batch-sink.js";
import { IngestService } from "../../src/service/ingest-service.js";
import { defaultSourceDecoders } from "../../src/service/source-decoders.js";
import { splitF1Dump } from "../../src/sources/f1/index.js";
import { F1_23_DUMP, collect, runCli, sharedPath, spawnCli, waitForLog, waitUntil } from "../support.js";

interface JsonFrame {
  labels: { carIndex?: number; sessionId: string; driver: string; format: string };
  telemetry?: { speedMps?: number; gear?: number };
  lap?: { lapDistanceM?: number };
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text);
  assert.ok(m, `metric ${name} missing from:\n${text}`);
  return Number(m[1]);
}

async function send(socket: Socket, bytes: Buffer, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => socket.send(bytes, port, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
}

test("racetel ingest --output stdout: the real race replayed over UDP gives frames for all 20 cars, /metrics matches", async () => {
  const dump = sharedPath(...F1_23_DUMP);
  const datagrams = splitF1Dump(readFileSync(dump)).length;
  const ingest = spawnCli(["ingest", "--output", "stdout", "--f1-host", "127.0.0.1", "--f1-port", "0", "--acc-port", "0", "--http-port", "0"], { RACETEL_ALLOW_CIDRS: "" });
  const finished = collect(ingest, 120_000);
  try {
    const listening = (await waitForLog(ingest, "ingest listening")) as { ports: { f1: number; http: number; acc: number } };
    const { f1, http } = listening.ports;
    assert.equal((await fetch(`http://127.0.0.1:${http}/healthz`)).status, 200);

    const replay = await runCli(["replay", dump, "--to", `127.0.0.1:${f1}`, "--speed", "4"]);
    assert.equal(replay.code, 0, replay.stderr);
    const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
    // A loaded machine may still be working through the socket buffer: wait for it, never sleep blindly.
    await waitUntil(`${datagrams} datagrams received`, async () => metric(await scrape(), "racetel_ingest_packets_received_total") >= datagrams);

    // Garbage is counted, never fatal.
    const garbage = createSocket("udp4");
    await send(garbage, Buffer.from([1, 2, 3]), f1);
    await send(garbage, Buffer.alloc(1349, 0xff), f1);
    const wrongSize = Buffer.from(splitF1Dump(readFileSync(dump))[0]!.subarray(0, 600));
    await send(garbage, wrongSize, f1);
    garbage.close();
    await waitUntil("the 3 garbage datagrams", async () => metric(await scrape(), "racetel_ingest_packets_received_total") >= datagrams + 3);

    const text = await scrape();
    assert.equal(metric(text, "racetel_ingest_packets_received_total"), datagrams + 3);
    assert.equal(metric(text, "racetel_ingest_packets_decoded_total"), datagrams);
    assert.equal(metric(text, 'racetel_ingest_packets_dropped_total{reason="too_short"}'), 1);
    assert.equal(metric(text, 'racetel_ingest_packets_dropped_total{reason="unsupported_format"}'), 1);
    assert.equal(metric(text, 'racetel_ingest_packets_dropped_total{reason="wrong_size"}'), 1);
    assert.equal(metric(text, "racetel_ingest_sessions_active"), 1);
    const age = metric(text, "racetel_ingest_last_packet_age_seconds");
    assert.ok(age >= 0 && age < 30, `last packet age ${age}`);
    const framesEmitted = metric(text, "racetel_ingest_frames_emitted_total");
    assert.ok(framesEmitted > 17_000, `${framesEmitted} frames`);
    assert.equal((await fetch(`http://127.0.0.1:${http}/healthz`)).status, 200);

    ingest.kill("SIGTERM");
    const result = await finished;
    assert.equal(result.code, 0, result.stderr);
    const frames = result.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as JsonFrame);
    assert.equal(frames.length, framesEmitted, "every emitted frame printed once, the last batch flushed at shutdown");
    const carsWithTelemetry = new Set(frames.filter((f) => f.telemetry).map((f) => f.labels.carIndex));
    assert.equal(carsWithTelemetry.size, 20);
    const drivers = new Set(frames.filter((f) => f.labels.driver !== "").map((f) => f.labels.driver));
    assert.ok(drivers.size >= 20, `drivers named: ${[...drivers].join(", ")}`);
    assert.ok(frames.every((f) => f.labels.sessionId === frames[0]!.labels.sessionId && f.labels.format === "2023"));
    assert.ok(frames.some((f) => (f.telemetry?.speedMps ?? 0) > 50), "cars at racing speed");
    assert.match(result.stderr, /"msg":"ingest stopped"/);
    // Never a log line per packet: a handful of lines for ~1800 datagrams.
    assert.ok(result.stderr.trim().split("\n").length < 20, `stderr has ${result.stderr.split("\n").length} lines`);
  } finally {
    ingest.kill("SIGKILL");
  }
});

class CountingSink implements BatchSink {
  frames = 0;
  sendBatch(bytes: Buffer, frames: number): void {
    assert.equal(racetel.v1.PublishRequest.decode(bytes).frames.length, frames);
    this.frames += frames;
  }
}

async function socketOn(address: string): Promise<Socket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  return socket;
}

test("in-process service: senders outside the allowed CIDRs are counted as source_not_allowed; allowed ones decode", async () => {
  const config = defaultConfig();
  config.f1 = { host: "127.0.0.1", port: 0 };
  config.acc = { host: "127.0.0.1", port: 0 };
  config.http = { host: "127.0.0.1", port: 0 };
  config.allowCidrs = ["127.0.0.2/32", "fd00::/8"];
  const logFile = path.join(mkdtempSync(path.join(tmpdir(), "racetel-svc-")), "log.jsonl");
  const fd = openSync(logFile, "w");
  const sink = new CountingSink();
  const service = new IngestService({ config, logger: createLogger("info", fd), output: sink, decoders: defaultSourceDecoders() });
  const ports = await service.start();
  const datagrams = splitF1Dump(readFileSync(sharedPath(...F1_23_DUMP))).slice(0, 60);
  const outsider = await socketOn("127.0.0.1");
  const allowed = await socketOn("127.0.0.2");
  try {
    for (const d of datagrams.slice(0, 10)) await send(outsider, d, ports.f1);
    for (const d of datagrams) await send(allowed, d, ports.f1);
    // ACC garbage goes to the ACC decoder and is counted by its reason, not fatal.
    assert.ok(ports.acc !== undefined);
    await send(allowed, Buffer.from("not an ACC page"), ports.acc);
    const c = service.counters;
    await waitUntil("71 datagrams received", () => c.packetsReceived >= 71);
    assert.equal(c.packetsReceived, 71);
    assert.equal(c.packetsDroppedByReason.get("source_not_allowed"), 10);
    assert.equal(c.packetsDecoded, 60);
    assert.equal(c.packetsDropped(), 11);
    assert.ok(c.framesEmitted > 500);
  } finally {
    outsider.close();
    allowed.close();
    await service.stop();
    closeSync(fd);
  }
  assert.equal(sink.frames, service.counters.framesEmitted, "stop() flushes the last batch");
  const logs = readFileSync(logFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { msg: string; reason?: string; hexPrefix?: string });
  const rejected = logs.find((l) => l.reason === "source_not_allowed");
  assert.ok(rejected?.hexPrefix?.startsWith("e707"), "the drop log carries a hex prefix of the datagram");
  assert.equal(logs.filter((l) => l.reason === "source_not_allowed").length, 1, "rate-limited: one line for ten drops");
});

test("a busy port fails start-up with a clear message", async () => {
  const blocker = await socketOn("127.0.0.1");
  const config = defaultConfig();
  config.f1 = { host: "127.0.0.1", port: blocker.address().port };
  config.http = { host: "127.0.0.1", port: 0 };
  const service = new IngestService({ config, logger: createLogger("silent"), output: new CountingSink(), decoders: defaultSourceDecoders() });
  try {
    await assert.rejects(service.start(), /cannot listen on UDP 127\.0\.0\.1:\d+ for f1: .*in use/);
  } finally {
    blocker.close();
  }
});
