// The real F1 23 race capture (20 cars), decoded by ingest's F1 decoder, batched by ingest's frame
// batcher and streamed by ingest's gRPC client into rpc: the metrics read back carry the right values
// and labels for every car, every telemetry sample of every car at its own time, and the finished laps
// from the game's lap history.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { IngestCounters } from "@racetel/ingest/observability/counters";
import { FrameBatcher } from "@racetel/ingest/pipeline/frame-batcher";
import { F1Decoder, splitF1Dump } from "@racetel/ingest/sources/f1/index";
import type { Frame, FrameSink } from "@racetel/ingest/sources/source";
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import { collectOnce, metric, pointValue, silentLogger, startTestRpc, waitFor } from "./helpers.js";
import type { TestRpc } from "./helpers.js";
import type { MetricData } from "@opentelemetry/sdk-metrics";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function sharedFile(...parts: string[]): string {
  const dir = process.env.RACETEL_SHARED_DIR ?? path.resolve(repoRoot, "../shared");
  const file = path.join(dir, ...parts);
  if (!existsSync(file)) throw new Error(`test needs ${file}: the shared captures folder is missing (expected ../shared beside the checkout, or set RACETEL_SHARED_DIR)`);
  return file;
}

const noDrops = { drop: () => {} };
const noAdvice = { once: () => {} };

interface Expected {
  speed: number;
  /** Every telemetry speed of the car, in order. */
  speeds: number[];
  rpm: number;
  labels: Record<string, string>;
  laps: Map<number, number>;
}

/** What the capture says, per car: the last telemetry values and labels, and finished laps. */
function expectedFromCapture(packets: Buffer[]): { cars: Map<number, Expected>; sessionId: string } {
  const cars = new Map<number, Expected>();
  let sessionId = "";
  const sink: FrameSink = {
    emit(f: Frame) {
      const l = f.labels!;
      sessionId = l.sessionId!;
      if (l.carIndex === null || l.carIndex === undefined) return;
      let e = cars.get(l.carIndex);
      if (e === undefined) {
        e = { speed: Number.NaN, speeds: [], rpm: Number.NaN, labels: {}, laps: new Map() };
        cars.set(l.carIndex, e);
      }
      if (f.telemetry) {
        e.speed = f.telemetry.speedMps ?? 0;
        e.speeds.push(e.speed);
        e.rpm = f.telemetry.engineRpm ?? 0;
        e.labels = { session_id: l.sessionId!, car_index: String(l.carIndex), driver: l.driver ?? "", team: l.team ?? "", game: "f1", track: l.track ?? "", source: l.source ?? "" };
      }
      if (f.finishedLap) e.laps.set(f.finishedLap.lapNumber ?? 0, (f.finishedLap.lapTimeMs ?? 0) / 1000);
    },
  };
  const decoder = new F1Decoder({ sink, drops: noDrops, advice: noAdvice });
  const t0 = Date.now() * 1e6;
  packets.forEach((p, i) => decoder.decode(p, t0 + i * 1e6, "127.0.0.1:20777"));
  return { cars, sessionId };
}

describe("real F1 23 race into rpc", () => {
  let rpc: TestRpc;
  let client: RpcStreamClient;
  let expected: ReturnType<typeof expectedFromCapture>;
  let metrics: MetricData[];

  before(async () => {
    const packets = splitF1Dump(readFileSync(sharedFile("captures", "f1-23", "race-20cars-v1.21.dump")));
    expected = expectedFromCapture(packets);
    rpc = await startTestRpc();
    client = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-capture", logger: silentLogger });
    await waitFor("stream open", () => client.allConnected());
    const counters = new IngestCounters();
    const batcher = new FrameBatcher(client, counters, { maxBytes: 64 * 1024, maxAgeMs: 20 });
    const decoder = new F1Decoder({ sink: batcher, drops: noDrops, advice: noAdvice });
    const t0 = Date.now() * 1e6;
    packets.forEach((p, i) => decoder.decode(p, t0 + i * 1e6, "127.0.0.1:20777"));
    batcher.flush();
    assert.ok(counters.framesEmitted > 10_000, `decoder emitted ${counters.framesEmitted} frames`);
    await waitFor("every frame at rpc", () => rpc.service.counters.framesReceived >= counters.framesEmitted, 20_000);
    assert.equal(client.framesDropped, 0);
    metrics = await collectOnce(rpc);
  });

  after(async () => {
    client.close();
    await rpc.stop();
  });

  it("accepts every frame of the real capture", () => {
    assert.equal(rpc.service.counters.rejectedTotal(), 0, `rejected: ${JSON.stringify([...rpc.service.counters.rejected])}`);
  });

  it("reports speed, rpm and labels of all 20 cars as the capture's last telemetry says", () => {
    const speed = metric(metrics, "racetel.car.speed");
    const carsWithTelemetry = [...expected.cars].filter(([, e]) => !Number.isNaN(e.speed));
    assert.equal(carsWithTelemetry.length, 20, "the capture has 20 cars");
    for (const [car, e] of carsWithTelemetry) {
      const mine = speed.dataPoints.filter((p) => p.attributes.car_index === String(car));
      const point = mine.reduce((a, b) => (b.endTime[0] * 1e9 + b.endTime[1] >= a.endTime[0] * 1e9 + a.endTime[1] ? b : a));
      assert.ok(point, `car ${car} reported`);
      assert.deepEqual(point.attributes, e.labels, `car ${car} labels`);
      assert.ok(e.labels.driver !== "" && e.labels.team !== "" && e.labels.track !== "", `car ${car} has driver, team and track: ${JSON.stringify(e.labels)}`);
      assert.ok(Math.abs((point.value as number) - e.speed) < 1e-4, `car ${car} speed ${point.value} vs ${e.speed}`);
      assert.equal(pointValue(metrics, "racetel.car.engine.rpm", { car_index: String(car) }), e.rpm);
    }
  });

  it("stores every telemetry sample of every car, in order, each at its own time", () => {
    const speed = metric(metrics, "racetel.car.speed");
    let samples = 0;
    for (const [car, e] of expected.cars) {
      const mine = speed.dataPoints.filter((p) => p.attributes.car_index === String(car))
        .sort((a, b) => a.endTime[0] - b.endTime[0] || a.endTime[1] - b.endTime[1]);
      assert.equal(mine.length, e.speeds.length, `car ${car}: one point per telemetry frame`);
      mine.forEach((p, i) => assert.ok(Math.abs((p.value as number) - e.speeds[i]!) < 1e-4, `car ${car} sample ${i}`));
      assert.equal(new Set(mine.map((p) => `${p.endTime[0]}.${p.endTime[1]}`)).size, mine.length, "distinct times");
      samples += mine.length;
    }
    assert.ok(samples > 3000, `samples: ${samples}`);
  });

  it("reports the finished laps from the game's lap history with a lap attribute", () => {
    let laps = 0;
    for (const [car, e] of expected.cars) {
      for (const [lap, seconds] of e.laps) {
        laps++;
        const v = pointValue(metrics, "racetel.lap.time", { car_index: String(car), lap: String(lap) });
        assert.ok(v !== undefined && Math.abs(v - seconds) < 1e-6, `car ${car} lap ${lap}: ${v} vs ${seconds}`);
      }
    }
    assert.ok(laps >= 20, `finished laps in the capture: ${laps}`);
  });
});
