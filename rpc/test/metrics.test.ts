// rpc turns frames received over real gRPC (loopback, through ingest's stream client) into correctly
// labelled OpenTelemetry metrics, read back through the SDK's in-memory exporter.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import { racetel } from "@racetel/proto";
import { TEAMS, collectOnce, driverName, encodeBatch, labels, metric, pointValue, raceTick, silentLogger, speedOf, startTestRpc, waitFor } from "./helpers.js";
import type { TestRpc } from "./helpers.js";

const SESSION = "13490268915186440000";
const CARS = 20;
const TICKS = 30;

for (const reporting of ["producer", "observable"] as const) describe(`frames to metrics over gRPC (--reporting ${reporting})`, () => {
  let rpc: TestRpc;
  let client: RpcStreamClient;

  before(async () => {
    rpc = await startTestRpc({ reporting });
    client = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-test", logger: silentLogger, stats: () => ({ packetsReceived: 123, packetsDecoded: 120, packetsDroppedByReason: { too_short: 3 }, sessionsActive: 1 }) });
    for (let tick = 0; tick < TICKS; tick++) client.sendBatch(encodeBatch(raceTick(SESSION, tick, CARS)), 1 + CARS * 4);
    const events: racetel.v1.IFrame[] = [
      { labels: labels(SESSION, 3), event: { type: racetel.v1.SessionEventType.SESSION_EVENT_TYPE_FASTEST_LAP, code: "FTLP", lapTimeMs: 88_123 } },
      { labels: labels(SESSION, 3), event: { type: racetel.v1.SessionEventType.SESSION_EVENT_TYPE_PENALTY, code: "PENA" } },
      { labels: labels(SESSION, 3), event: { type: racetel.v1.SessionEventType.SESSION_EVENT_TYPE_PENALTY, code: "PENA" } },
      { labels: labels(SESSION, undefined), event: { type: racetel.v1.SessionEventType.SESSION_EVENT_TYPE_SAFETY_CAR, code: "SCAR" } },
      { labels: labels(SESSION, 5), finishedLap: { lapNumber: 3, lapTimeMs: 90_500, sector1TimeMs: 30_000, sector2TimeMs: 30_250, sector3TimeMs: 30_250, valid: true, topSpeedMps: 90.5, fuelUsed: 1.6, tyreWearDelta: { frontLeft: 0.01, frontRight: 0.012, rearLeft: 0.008, rearRight: 0.009 }, position: 6 } },
    ];
    client.sendBatch(encodeBatch(events), events.length);
    const expected = TICKS * (1 + CARS * 4) + events.length;
    await waitFor("every frame at rpc", () => rpc.service.counters.framesAccepted >= expected);
  });

  after(async () => {
    client.close();
    await rpc.stop();
  });

  it("reports the latest values of every channel for all 20 cars with the frame labels", async () => {
    const metrics = await collectOnce(rpc);
    const speed = metric(metrics, "racetel.car.speed");
    assert.equal(speed.descriptor.unit, "m/s");
    assert.equal(speed.dataPoints.length, CARS);
    for (let car = 0; car < CARS; car++) {
      const point = speed.dataPoints.find((p) => p.attributes.car_index === String(car));
      assert.ok(point, `car ${car} has a speed point`);
      assert.deepEqual(point.attributes, { session_id: SESSION, car_index: String(car), driver: driverName(car), team: TEAMS[car % TEAMS.length], game: "f1", track: "Silverstone", source: "f1:127.0.0.1" });
      assert.ok(Math.abs((point.value as number) - speedOf(car, TICKS - 1)) < 1e-3, `car ${car} speed is the latest frame's`);
      assert.equal(pointValue(metrics, "racetel.car.engine.rpm", { car_index: String(car) }), 11000 + car);
      assert.equal(pointValue(metrics, "racetel.car.race_position", { car_index: String(car) }), car + 1);
      assert.equal(pointValue(metrics, "racetel.car.world_position.x", { car_index: String(car) }), car * 10);
      assert.equal(pointValue(metrics, "racetel.car.drs", { car_index: String(car) }), car % 2 === 0 ? 1 : 0);
      assert.equal(pointValue(metrics, "racetel.car.tyre.surface_temperature", { car_index: String(car), wheel: "front_left" }), 90 + car);
      assert.equal(pointValue(metrics, "racetel.car.tyre.pressure", { car_index: String(car), wheel: "rear_right" }), 151);
    }
    assert.equal(pointValue(metrics, "racetel.car.lap.current_time", { car_index: "0" }), (30_000 + TICKS - 1) / 1000);
    assert.ok(Math.abs(pointValue(metrics, "racetel.car.fuel.mass", { car_index: "10" })! - 19) < 1e-4);
    assert.equal(metrics.find((m) => m.descriptor.name === "racetel.car.fuel.volume"), undefined, "F1 sends no fuel volume: no series");
    assert.equal(pointValue(metrics, "racetel.session.track_length", { session_id: SESSION }), 5891);
    assert.deepEqual(Object.keys(metric(metrics, "racetel.session.track_length").dataPoints[0]!.attributes).sort(), ["game", "session_id", "source", "track"]);
  });

  it("gives every channel of one car in one collection the same timestamp", async () => {
    const metrics = await collectOnce(rpc);
    for (let car = 0; car < CARS; car++) {
      const times = new Set<string>();
      let points = 0;
      for (const m of metrics) {
        for (const p of m.dataPoints) {
          if (p.attributes.car_index !== String(car)) continue;
          times.add(`${p.endTime[0]}.${p.endTime[1]}`);
          points++;
        }
      }
      assert.ok(points > 40, `car ${car}: ${points} points`);
      assert.equal(times.size, 1, `car ${car}: one timestamp for ${points} points, got ${[...times].join(", ")}`);
    }
  });

  it("reports finished laps with a lap attribute for a few collections, then stops", async () => {
    const first = await collectOnce(rpc);
    assert.equal(pointValue(first, "racetel.lap.time", { car_index: "5", lap: "3" }), 90.5);
    assert.equal(pointValue(first, "racetel.lap.valid", { car_index: "5", lap: "3" }), 1);
    assert.equal(pointValue(first, "racetel.lap.top_speed", { car_index: "5", lap: "3" }), 90.5);
    assert.ok(Math.abs(pointValue(first, "racetel.lap.tyre_wear_delta", { car_index: "5", lap: "3", wheel: "front_right" })! - 0.012) < 1e-6);
    for (let i = 0; i < 10; i++) await collectOnce(rpc);
    const later = await collectOnce(rpc);
    assert.equal(later.find((m) => m.descriptor.name === "racetel.lap.time"), undefined, "lap record no longer reported after --lap-hold collections");
    assert.ok(pointValue(later, "racetel.car.speed", { car_index: "5" }) !== undefined, "the car itself still reports");
  });

  it("counts events per car and per session", async () => {
    const metrics = await collectOnce(rpc);
    assert.equal(pointValue(metrics, "racetel.car.events", { car_index: "3", event: "penalty" }), 2);
    assert.equal(pointValue(metrics, "racetel.car.events", { car_index: "3", event: "fastest_lap" }), 1);
    assert.equal(pointValue(metrics, "racetel.session.events", { session_id: SESSION, event: "safety_car" }), 1);
  });

  it("re-exports ingest's stats labelled by ingest instance", async () => {
    await waitFor("ingest stats", () => rpc.service.store.ingest.size > 0);
    const metrics = await collectOnce(rpc);
    assert.equal(pointValue(metrics, "racetel.ingest.packets_received", { ingest_instance: "ingest-test" }), 123);
    assert.equal(pointValue(metrics, "racetel.ingest.packets_dropped", { ingest_instance: "ingest-test", reason: "too_short" }), 3);
    assert.ok(pointValue(metrics, "racetel.rpc.frames_received", { rpc_instance: "rpc-test" })! >= TICKS * (1 + CARS * 4));
    const text = await (await fetch(`http://127.0.0.1:${rpc.service.httpPort}/metrics`)).text();
    assert.match(text, /racetel_rpc_ingest_packets_received\{ingest_instance="ingest-test"\} 123/);
    assert.match(text, /racetel_rpc_ingest_packets_dropped\{ingest_instance="ingest-test"\} 3/);
  });

  it("uses a resource with service.name only", async () => {
    rpc.exporter.reset();
    await rpc.service.pipeline.flush();
    const rm = rpc.exporter.getMetrics()[0]!;
    assert.deepEqual(Object.keys(rm.resource.attributes), ["service.name"]);
    assert.equal(rm.resource.attributes["service.name"], "racetel-rpc");
  });
});
