// The fault drill, on the real chain (ingest, rpc, racetel's collector, InfluxDB 1.8.3 as processes):
// a clean simulated race runs while hostile input arrives beside it (a spoofed F1 Participants packet with
// control characters in a name, NaN telemetry, garbage datagrams, a Publish with a 3 MB session id, a
// 100,000-character label, NaN and 1e30) and while the back end fails: the collector stopped for 30 s,
// InfluxDB restarted, rpc killed with SIGKILL and started again. Then: no process crashed, every trace
// sample of the clean race is in InfluxDB exactly once, the hostile input was cleaned or dropped and
// counted, and the failures are visible where Pipeline health reads them.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { ingestServiceDefinition, racetel } from "@racetel/proto";
import { splitF1Dump } from "@racetel/ingest/sources/f1/index";
import path from "node:path";
import { raceCapturePath, sharedDir } from "./harness/capture.js";
import { decodeSimulatedRace, simulateArgs, type DecodedRace, type SimulatedRace } from "./harness/simulated.js";
import { racetel as racetelCli, startStack, type Stack } from "./harness/stack.js";

/** ~80 s of wall time: 3 laps of Monza at 4x real time, long enough for every fault to happen mid-race. */
const race: SimulatedRace = { format: 2024, cars: 20, laps: 3, track: "monza", rate: 10, seed: 11, speed: 4 };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function metricsText(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

function counter(text: string, name: string, labels = ""): number {
  const re = new RegExp(`^${name.replace(/[.]/g, "\\.")}${labels.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, "m");
  return Number(re.exec(text)?.[1] ?? 0);
}

/** A Publish straight to rpc, as a hostile client would send it. */
function publishHostile(target: string): Promise<racetel.v1.PublishResponse | grpc.ServiceError> {
  const base = { source: "f1:10.66.66.66", game: racetel.v1.Game.GAME_F1, format: "2024", track: "Monza" };
  const frames: racetel.v1.IFrame[] = [
    { labels: { ...base, sessionId: "x".repeat(3_000_000), carIndex: 0 }, telemetry: { speedMps: 50 } },
    { labels: { ...base, sessionId: "hostile-1", carIndex: 1, driver: "D".repeat(100_000) + "\u0007" }, telemetry: { speedMps: Number.NaN, throttle: 0.5 } },
    { labels: { ...base, sessionId: "hostile-1", carIndex: 2 }, lap: { position: 3, lapDistanceM: 1e30 } },
  ];
  const bytes = racetel.v1.PublishRequest.encode({ frames }).finish();
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    const call = client.makeClientStreamRequest<Buffer, racetel.v1.PublishResponse>(ingestServiceDefinition.publish.path, (b) => b,
      (b) => racetel.v1.PublishResponse.decode(b), (err, res) => { client.close(); resolve(err ?? res!); });
    call.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    call.end();
  });
}

describe("fault drill on the real chain", () => {
  let stack: Stack;
  let truth: DecodedRace;
  let rpcBeforeKill = "";
  let ingestMetrics = "";
  let published: racetel.v1.PublishResponse | grpc.ServiceError;

  before(async () => {
    truth = decodeSimulatedRace(race);
    stack = await startStack();
    const simulator = racetelCli("simulate", simulateArgs(`127.0.0.1:${stack.f1Port}`, race));

    // Hostile UDP beside the clean race, once a second: a spoofed Participants packet (car 0's name
    // "NL\nX"), the real race's telemetry with NaN floats, and garbage.
    const udp = createSocket("udp4");
    const participants = Buffer.from(readFileSync(path.join(sharedDir(), "captures", "f1-23", "packets", "2023-04.bin")));
    participants.write("NL\nX\0", 37, "latin1");
    const telemetry = Buffer.from(splitF1Dump(readFileSync(raceCapturePath())).find((d) => d[6] === 6)!);
    for (let car = 0; car < 22; car++) telemetry.writeFloatLE(Number.NaN, 29 + car * 60 + 2); // throttle
    let hostileRunning = true;
    const hostile = (async () => {
      while (hostileRunning) {
        for (const d of [participants, telemetry, Buffer.from("\u0000\u0001 not telemetry")]) udp.send(d, stack.f1Port, "127.0.0.1");
        await sleep(1000);
      }
    })();

    await sleep(8000);
    published = await publishHostile(stack.rpcTarget);
    // The collector away for 30 s: rpc keeps the samples and counts the failed exports.
    await stack.collector.stop();
    await sleep(30_000);
    await stack.startCollectorAgain();
    await sleep(5000);
    // InfluxDB restarted: the collector retries its writes.
    await stack.influx.restart();
    await sleep(5000);
    // rpc crashes with what it held in memory; ingest sends what was not acknowledged to the new one.
    rpcBeforeKill = await metricsText(stack.rpcHttpPort);
    stack.killRpc();
    await sleep(3000);
    await stack.startRpcAgain();

    const code = await simulator.exited;
    hostileRunning = false;
    await hostile;
    udp.close();
    if (code !== 0) throw new Error(`racetel simulate exited ${code}:\n${simulator.output()}`);
    ingestMetrics = await metricsText(stack.ingestHttpPort);
  });

  after(async () => {
    await stack?.stop();
  });

  it("no process crashed: ingest, the collector and InfluxDB ran through, rpc came back", () => {
    for (const p of [stack.ingest, stack.collector.process, stack.influx.process, stack.rpc]) {
      assert.equal(p.child.exitCode, null, `${p.name} exited:\n${p.output()}`);
    }
  });

  it("every trace sample of the clean race is in InfluxDB, exactly once per car and instant", async () => {
    const expected = new Map<number, number>();
    for (const [key, n] of truth.telemetrySamples) {
      const car = Number(key.split("/")[0]);
      expected.set(car, (expected.get(car) ?? 0) + n);
    }
    const deadline = Date.now() + 120_000;
    let stored = new Map<number, number>();
    for (;;) {
      const r = await stack.influx.query(`SELECT count("racetel.car.speed") FROM "prometheus" WHERE "session_id" = '${truth.sessionId}' GROUP BY "car_index"`);
      stored = new Map((r[0]?.series ?? []).map((s) => [Number(s.tags?.car_index), Number(s.values[0]?.[1] ?? 0)]));
      if ([...expected].every(([car, n]) => (stored.get(car) ?? 0) >= n)) break;
      if (Date.now() > deadline) break;
      await sleep(1000);
    }
    const report = [...expected].map(([car, n]) => `${car}:${stored.get(car)}/${n}`).join(" ");
    for (const [car, n] of expected) assert.equal(stored.get(car), n, `car ${car}: ${stored.get(car)} of ${n} speed samples stored (${report})`);
  });

  it("no tag value anywhere has a control character or more than 128 characters", async () => {
    for (const key of ["driver", "team", "track", "session_id", "source"]) {
      const t = await stack.influx.query(`SHOW TAG VALUES FROM "prometheus" WITH KEY = "${key}"`);
      for (const v of t[0]?.series?.[0]?.values ?? []) {
        // eslint-disable-next-line no-control-regex -- looking for control characters
        assert.ok(!/[\u0000-\u001f\u007f]/.test(String(v[1])), `${key} tag with a control character: ${JSON.stringify(v[1])}`);
        assert.ok(String(v[1]).length <= 128, `${key} tag of ${String(v[1]).length} characters`);
      }
    }
  });

  it("hostile input was cleaned or dropped and counted, on ingest's and rpc's /metrics", () => {
    assert.ok(counter(ingestMetrics, "racetel_ingest_labels_cleaned_total", '{label="driver"}') > 0, "ingest cleaned the spoofed name NL\\nX (counted)");
    assert.ok(counter(ingestMetrics, "racetel_ingest_frames_dropped_out_of_range_total", '{field="telemetry.throttle"}') > 0, "ingest dropped NaN throttle frames by field");
    assert.ok(counter(ingestMetrics, "racetel_ingest_packets_dropped_total", '{reason="wrong_size"}') + counter(ingestMetrics, "racetel_ingest_packets_dropped_total", '{reason="too_short"}') + counter(ingestMetrics, "racetel_ingest_packets_dropped_total", '{reason="unsupported_format"}') > 0, "garbage counted");
    assert.ok(!(published instanceof Error), `the hostile Publish was answered: ${String(published)}`);
    assert.ok(counter(rpcBeforeKill, "racetel_rpc_frames_rejected_total", '{reason="bad_session_id"}') >= 1, "a 3 MB session id is rejected");
    assert.ok(counter(rpcBeforeKill, "racetel_rpc_labels_cleaned_total", '{label="driver"}') >= 1, "the 100,000-character driver label was cut and cleaned");
    assert.ok(counter(rpcBeforeKill, "racetel_rpc_values_dropped_total", '{field="telemetry.speedMps"}') >= 1, "NaN speed dropped alone");
    assert.ok(counter(rpcBeforeKill, "racetel_rpc_values_dropped_total", '{field="lap.lapDistanceM"}') >= 1, "a lap distance of 1e30 m dropped alone");
  });

  it("the outage is counted where Pipeline health reads it, and nothing was lost on the way", async () => {
    assert.ok(counter(rpcBeforeKill, "racetel_rpc_export_failures_total") > 0, "rpc counted the exports the stopped collector refused");
    assert.equal(counter(rpcBeforeKill, "racetel_rpc_samples_dropped_total"), 0, "the backlog held the 30 s");
    const r = await stack.influx.query(`SELECT max("racetel.rpc.export_failures") FROM "prometheus"`);
    assert.ok(Number(r[0]?.series?.[0]?.values[0]?.[1] ?? 0) > 0, "Pipeline health's OTLP export failures panel shows them");
    assert.equal(counter(ingestMetrics, "racetel_ingest_frames_dropped_queue_total"), 0, "ingest's queue never overflowed");
    assert.equal(counter(ingestMetrics, "racetel_ingest_frames_unprotected_total"), 0, "ingest kept everything rpc had not acknowledged");
  });
});
