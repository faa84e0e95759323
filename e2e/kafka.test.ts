// ingest and rpc over Apache Kafka, on the real chain: a Kafka 4.1.1 broker (KRaft, from Maven Central
// jars), ingest producing to it (--output kafka), rpc instances consuming as one group, racetel's collector
// and InfluxDB 1.8.3. Three simulated races run at once; mid-race one rpc instance is killed with SIGKILL
// (its sessions move to the other), then a third instance joins (a rebalance). Hostile messages are put on
// the topic beside the races. Then every trace sample of every race is in InfluxDB exactly once (InfluxDB
// keeps one row per series and time: replays after the crash store the same rows), the hostile messages
// were dropped and counted, and the partitions kept going.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Producer } from "@platformatic/kafka";
import { racetel as proto } from "@racetel/proto";
import { startCollector, type Collector } from "./harness/collector.js";
import { startInfluxDb, type InfluxDb } from "./harness/influxdb.js";
import { startKafka, type KafkaBroker } from "./harness/kafka.js";
import { freeTcpPort, freeUdpPort } from "./harness/ports.js";
import { repoRoot, startProcess, waitUntil, type RunningProcess } from "./harness/process.js";
import { decodeSimulatedRace, simulateArgs, type DecodedRace, type SimulatedRace } from "./harness/simulated.js";
import { racetel } from "./harness/stack.js";

const nodeArgs = ["--conditions=racetel-src", "--import", "tsx"];
const rpcMain = path.join(repoRoot, "rpc/src/main.ts");
const TOPIC = "racetel.frames";
/** Three races of 8 cars, 2 laps of Monza at 6x real time (~35 s each), started together. */
const races: SimulatedRace[] = [31, 32, 33].map((seed) => ({ format: 2024, cars: 8, laps: 2, track: "monza", rate: 10, seed, speed: 6 }));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Rpc { name: string; process: RunningProcess; httpPort: number }

async function metricsText(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}
function counter(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
}

describe("ingest -> Kafka -> a group of rpc instances, one killed mid-race, one added", () => {
  let influx: InfluxDb;
  let collector: Collector;
  let kafka: KafkaBroker;
  let ingest: RunningProcess;
  const rpcs: Rpc[] = [];
  let truths: DecodedRace[] = [];
  let killed: Rpc | undefined;
  const metricsBefore = new Map<string, string>();

  async function startRpc(name: string): Promise<Rpc> {
    const httpPort = await freeTcpPort();
    const grpcPort = await freeTcpPort();
    const p = startProcess(name, process.execPath, [...nodeArgs, rpcMain, "--port", String(grpcPort), "--http-port", String(httpPort),
      "--otlp-endpoint", collector.otlpEndpoint, "--log-level", "warn", "--instance", name,
      "--transport", "kafka", "--kafka-brokers", kafka.bootstrap, "--kafka-topic", TOPIC, "--kafka-partitions", "12", "--kafka-session-timeout", "6s"]);
    await waitUntil(p, "/healthz ok", async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).ok);
    const rpc = { name, process: p, httpPort };
    rpcs.push(rpc);
    return rpc;
  }

  before(async () => {
    truths = races.map((r) => decodeSimulatedRace(r));
    influx = await startInfluxDb("racetel");
    collector = await startCollector({ influxUrl: influx.url, database: influx.database });
    kafka = await startKafka();
    await startRpc("rpc-a");
    await startRpc("rpc-b");
    const f1Port = await freeUdpPort();
    const ingestHttp = await freeTcpPort();
    ingest = racetel("ingest", ["ingest", "--f1-host", "127.0.0.1", "--f1-port", String(f1Port), "--acc-port", String(await freeUdpPort()),
      "--http-port", String(ingestHttp), "--output", "kafka", "--kafka-brokers", kafka.bootstrap, "--kafka-topic", TOPIC, "--log-level", "warn", "--instance", "ingest-kafka"]);
    await waitUntil(ingest, "/healthz ok", async () => (await fetch(`http://127.0.0.1:${ingestHttp}/healthz`)).ok);

    const simulators = races.map((r) => racetel("simulate", simulateArgs(`127.0.0.1:${f1Port}`, r)));
    // Hostile messages on the topic beside the races: garbage, an oversized message, frames with no session.
    const producer = new Producer({ clientId: "hostile", bootstrapBrokers: [kafka.bootstrap] });
    const noSession = Buffer.from(proto.v1.PublishRequest.encode({ frames: [{ telemetry: { speedMps: 10 } }] }).finish());
    await producer.send({ messages: [
      { topic: TOPIC, key: Buffer.from("garbage"), value: Buffer.from([0xff, 0xff, 0xff, 0x0f, 1, 2, 3]) },
      { topic: TOPIC, key: Buffer.from("huge"), value: Buffer.alloc(900_000, 0x0a) },
      { topic: TOPIC, key: Buffer.from("other-client"), value: noSession },
    ] });
    await producer.close();

    await sleep(12_000);
    // Kill the instance that owns sessions now (both usually do).
    for (const r of rpcs) metricsBefore.set(r.name, await metricsText(r.httpPort));
    killed = rpcs.find((r) => counter(metricsBefore.get(r.name)!, "racetel_rpc_sessions_active") > 0) ?? rpcs[0]!;
    killed.process.child.kill("SIGKILL");
    await sleep(10_000);
    await startRpc("rpc-c");
    const codes = await Promise.all(simulators.map((s) => s.exited));
    codes.forEach((code, i) => { if (code !== 0) throw new Error(`simulate ${i} exited ${code}:\n${simulators[i]!.output()}`); });
  });

  after(async () => {
    for (const r of rpcs) await r.process.stop();
    await ingest?.stop();
    await kafka?.stop();
    await collector?.stop();
    await influx?.stop();
  });

  it("every trace sample of every race is in InfluxDB exactly once, across the crash and the rebalance", async () => {
    const deadline = Date.now() + 120_000;
    let report = "";
    for (;;) {
      let done = true;
      const lines: string[] = [];
      for (const truth of truths) {
        const r = await influx.query(`SELECT count("racetel.car.speed") FROM "prometheus" WHERE "session_id" = '${truth.sessionId}' GROUP BY "car_index"`);
        const stored = new Map((r[0]?.series ?? []).map((s) => [Number(s.tags?.car_index), Number(s.values[0]?.[1] ?? 0)]));
        for (const [car, n] of aggregate(truth)) {
          if (stored.get(car) !== n) done = false;
          lines.push(`${truth.sessionId.slice(-4)}/${car}: ${stored.get(car) ?? 0}/${n}`);
        }
      }
      report = lines.join(" ");
      if (done || Date.now() > deadline) break;
      await sleep(1000);
    }
    for (const truth of truths) {
      const r = await influx.query(`SELECT count("racetel.car.speed") FROM "prometheus" WHERE "session_id" = '${truth.sessionId}' GROUP BY "car_index"`);
      const stored = new Map((r[0]?.series ?? []).map((s) => [Number(s.tags?.car_index), Number(s.values[0]?.[1] ?? 0)]));
      for (const [key, n] of aggregate(truth)) assert.equal(stored.get(key), n, `session ${truth.sessionId} car ${key}: ${stored.get(key)} of ${n} samples (${report})`);
    }
  });

  it("the killed instance's partitions moved: the others rebalanced, committed offsets and own every partition", async () => {
    assert.ok(killed !== undefined && killed.process.child.signalCode === "SIGKILL");
    const alive = rpcs.filter((r) => r !== killed);
    let owned = 0;
    for (const r of alive) {
      const text = await metricsText(r.httpPort);
      assert.ok(counter(text, "racetel_rpc_kafka_commits_total") > 0 || counter(text, "racetel_rpc_kafka_partitions") === 0, `${r.name} committed`);
      owned += counter(text, "racetel_rpc_kafka_partitions");
      if (r.name !== "rpc-c") assert.ok(counter(text, "racetel_rpc_kafka_rebalances_total") >= 1, `${r.name} saw a rebalance`);
    }
    assert.equal(owned, 12, "the surviving instances own the 12 partitions between them");
  });

  it("hostile messages on the topic were dropped and counted, and never stopped a partition", async () => {
    let dropped = 0;
    let rejected = 0;
    for (const r of rpcs.filter((x) => x !== killed)) {
      const text = await metricsText(r.httpPort);
      dropped += counter(text, "racetel_rpc_kafka_messages_dropped_total");
      rejected += Number(/^racetel_rpc_frames_rejected_total\{reason="missing_labels"\} (\S+)$/m.exec(text)?.[1] ?? 0);
    }
    for (const [name, text] of metricsBefore) {
      if (name !== killed?.name) continue;
      dropped += counter(text, "racetel_rpc_kafka_messages_dropped_total");
      rejected += Number(/^racetel_rpc_frames_rejected_total\{reason="missing_labels"\} (\S+)$/m.exec(text)?.[1] ?? 0);
    }
    assert.ok(dropped >= 1, `garbage dropped and counted (${dropped})`);
    assert.ok(rejected >= 1, `frames without a session rejected (${rejected})`);
    for (const r of rpcs.filter((x) => x !== killed)) assert.equal(r.process.child.exitCode, null, `${r.name} runs`);
  });
});

function aggregate(truth: DecodedRace): Map<number, number> {
  const out = new Map<number, number>();
  for (const [key, n] of truth.telemetrySamples) {
    const car = Number(key.split("/")[0]);
    out.set(car, (out.get(car) ?? 0) + n);
  }
  return out;
}
