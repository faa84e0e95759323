// rpc turns frames received over real gRPC (loopback, through ingest's stream client) into correctly
// labelled OpenTelemetry points stamped with the frames' own time, read back through the SDK's
// in-memory exporter: trace channels at every instant, state channels at event-time boundaries (all at
// a heartbeat, then only what changed), laps and events once at the time they happened.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { MetricData } from "@opentelemetry/sdk-metrics";
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import { racetel } from "@racetel/proto";
import { TEAMS, T0_NS, collectOnce, driverName, encodeBatch, labels, metric, pointValue, raceTick, silentLogger, speedOf, startTestRpc, tickTime, waitFor } from "./helpers.js";
import type { TestRpc } from "./helpers.js";

const SESSION = "13490268915186440000";
const CARS = 20;
const TICKS = 30;

const ns = (p: { endTime: [number, number] }): number => p.endTime[0] * 1e9 + p.endTime[1];

/** Every point as "name|attrs|time=value", sorted: what InfluxDB would hold. */
function rows(metrics: MetricData[]): string[] {
  const out: string[] = [];
  for (const m of metrics) {
    if (m.descriptor.name.startsWith("racetel.rpc.") || m.descriptor.name.startsWith("racetel.ingest.")) continue;
    for (const p of m.dataPoints) out.push(`${m.descriptor.name}|${JSON.stringify(Object.entries(p.attributes).sort())}|${p.endTime[0]}.${String(p.endTime[1]).padStart(9, "0")}=${String(p.value)}`);
  }
  return out.sort();
}

describe("frames to metrics over gRPC, in event time", () => {
  let rpc: TestRpc;
  let client: RpcStreamClient;
  let metrics: MetricData[];

  before(async () => {
    rpc = await startTestRpc();
    client = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-test", logger: silentLogger, stats: () => ({ packetsReceived: 123, packetsDecoded: 120, packetsDroppedByReason: { too_short: 3 }, sessionsActive: 1 }) });
    for (let tick = 0; tick < TICKS; tick++) client.sendBatch(encodeBatch(raceTick(SESSION, tick, CARS)), 1 + CARS * 4);
    const at = tickTime(TICKS - 1);
    const events: racetel.v1.IFrame[] = [
      { labels: labels(SESSION, 3), receiveTimeUnixNano: at, event: { type: racetel.v1.SessionEventType.SESSION_EVENT_TYPE_FASTEST_LAP, code: "FTLP", lapTimeMs: 88_123 } },
      { labels: labels(SESSION, 3), receiveTimeUnixNano: at, event: { type: racetel.v1.SessionEventType.SESSION_EVENT_TYPE_PENALTY, code: "PENA" } },
      { labels: labels(SESSION, 3), receiveTimeUnixNano: at + 1e6, event: { type: racetel.v1.SessionEventType.SESSION_EVENT_TYPE_PENALTY, code: "PENA" } },
      { labels: labels(SESSION, undefined), receiveTimeUnixNano: at, event: { type: racetel.v1.SessionEventType.SESSION_EVENT_TYPE_SAFETY_CAR, code: "SCAR" } },
      { labels: labels(SESSION, 5), receiveTimeUnixNano: at, finishedLap: { lapNumber: 3, lapTimeMs: 90_500, sector1TimeMs: 30_000, sector2TimeMs: 30_250, sector3TimeMs: 30_250, valid: true, topSpeedMps: 90.5, fuelUsed: 1.6, tyreWearDelta: { frontLeft: 0.01, frontRight: 0.012, rearLeft: 0.008, rearRight: 0.009 }, position: 6 } },
    ];
    client.sendBatch(encodeBatch(events), events.length);
    const expected = TICKS * (1 + CARS * 4) + events.length;
    await waitFor("every frame at rpc", () => rpc.service.counters.framesAccepted >= expected);
    metrics = await collectOnce(rpc);
  });

  after(async () => {
    client.close();
    await rpc.stop();
  });

  it("stores every trace sample of every car at the time of its frame", () => {
    const speed = metric(metrics, "racetel.car.speed");
    assert.equal(speed.descriptor.unit, "m/s");
    assert.equal(speed.dataPoints.length, CARS * TICKS, "one speed point per car per tick");
    for (let car = 0; car < CARS; car++) {
      const points = speed.dataPoints.filter((p) => p.attributes.car_index === String(car)).sort((a, b) => ns(a) - ns(b));
      assert.deepEqual(points[0]!.attributes, { session_id: SESSION, car_index: String(car), driver: driverName(car), team: TEAMS[car % TEAMS.length], game: "f1", track: "Silverstone", source: "f1:127.0.0.1" });
      points.forEach((p, tick) => {
        assert.ok(Math.abs(ns(p) - tickTime(tick)) < 512, `car ${car} tick ${tick}: stamped with its frame's time`);
        assert.ok(Math.abs((p.value as number) - speedOf(car, tick)) < 1e-3);
      });
      assert.equal(pointValue(metrics, "racetel.car.lap.distance", { car_index: String(car) }), 1000 + car + TICKS - 1);
      assert.equal(pointValue(metrics, "racetel.car.world_position.x", { car_index: String(car) }), car * 10);
      assert.equal(pointValue(metrics, "racetel.car.drs", { car_index: String(car) }), car % 2 === 0 ? 1 : 0);
    }
  });

  it("gives the channels of one instant one timestamp: one line per car and instant", () => {
    const byInstant = new Map<string, Set<string>>();
    for (const name of ["racetel.car.speed", "racetel.car.lap.distance", "racetel.car.world_position.x", "racetel.car.gear"]) {
      for (const p of metric(metrics, name).dataPoints) {
        const key = `${String(p.attributes.car_index)}@${ns(p)}`;
        byInstant.set(key, (byInstant.get(key) ?? new Set()).add(name));
      }
    }
    assert.equal(byInstant.size, CARS * TICKS);
    for (const [key, names] of byInstant) assert.equal(names.size, 4, `${key}: speed, lap distance, position and gear together`);
  });

  it("stores state channels at a state boundary of event time, never at trace rate", () => {
    const pressure = metric(metrics, "racetel.car.tyre.pressure").dataPoints.filter((p) => p.attributes.car_index === "7" && p.attributes.wheel === "rear_right");
    assert.equal(pressure.length, 1, "0.5 s of frames, no heartbeat passed: the whole state once, when the session is flushed");
    assert.equal(pressure[0]!.value, 151);
    assert.equal(ns(pressure[0]!) % 250e6, 0, "on the 250 ms grid");
    assert.equal(pointValue(metrics, "racetel.car.race_position", { car_index: "7" }), 8);
    assert.ok(Math.abs(pointValue(metrics, "racetel.car.fuel.mass", { car_index: "10" })! - 19) < 1e-4);
    assert.equal(metrics.find((m) => m.descriptor.name === "racetel.car.fuel.volume"), undefined, "F1 sends no fuel volume: no series");
    assert.equal(pointValue(metrics, "racetel.session.track_length", { session_id: SESSION }), 5891);
    assert.deepEqual(Object.keys(metric(metrics, "racetel.session.track_length").dataPoints[0]!.attributes).sort(), ["game", "session_id", "source", "track"]);
  });

  it("stores a finished lap once, at the time it was reported", async () => {
    assert.equal(pointValue(metrics, "racetel.lap.time", { car_index: "5", lap: "3" }), 90.5);
    assert.equal(pointValue(metrics, "racetel.lap.top_speed", { car_index: "5", lap: "3" }), 90.5);
    assert.ok(Math.abs(pointValue(metrics, "racetel.lap.tyre_wear_delta", { car_index: "5", lap: "3", wheel: "front_right" })! - 0.012) < 1e-6);
    assert.ok(Math.abs(ns(metric(metrics, "racetel.lap.time").dataPoints[0]!) - tickTime(TICKS - 1)) < 512);
    const again = await collectOnce(rpc);
    assert.equal(again.find((m) => m.descriptor.name === "racetel.lap.time"), undefined, "stored once, not again");
  });

  it("stores each event as a point at its time", () => {
    const events = metric(metrics, "racetel.car.event").dataPoints.filter((p) => p.attributes.car_index === "3");
    assert.deepEqual(events.map((p) => `${String(p.attributes.event)}=${String(p.value)}`).sort(), ["fastest_lap=1", "penalty=1", "penalty=1"]);
    assert.equal(pointValue(metrics, "racetel.session.event", { session_id: SESSION, event: "safety_car" }), 1);
  });

  it("re-exports ingest's stats labelled by ingest instance, at collection time", async () => {
    await waitFor("ingest stats", () => rpc.service.store.ingest.size > 0);
    const m = await collectOnce(rpc);
    assert.equal(pointValue(m, "racetel.ingest.packets_received", { ingest_instance: "ingest-test" }), 123);
    assert.equal(pointValue(m, "racetel.ingest.packets_dropped", { ingest_instance: "ingest-test", reason: "too_short" }), 3);
    assert.ok(pointValue(m, "racetel.rpc.frames_received", { rpc_instance: "rpc-test" })! >= TICKS * (1 + CARS * 4));
    const text = await (await fetch(`http://127.0.0.1:${rpc.service.httpPort}/metrics`)).text();
    assert.match(text, /racetel_rpc_ingest_packets_received\{ingest_instance="ingest-test"\} 123/);
  });

  it("uses a resource with service.name only", async () => {
    rpc.exporter.reset();
    await rpc.service.pipeline.flush();
    const rm = rpc.exporter.getMetrics()[0]!;
    assert.deepEqual(Object.keys(rm.resource.attributes), ["service.name"]);
  });

  it("counts a frame older than what was stored as late, and stores nothing of it", async () => {
    const before = rpc.service.store.framesLate;
    client.sendBatch(encodeBatch(raceTick(SESSION, 3, 2)), 9);
    await waitFor("late frames counted", () => rpc.service.store.framesLate >= before + 9);
    const m = await collectOnce(rpc);
    assert.equal(m.find((x) => x.descriptor.name === "racetel.car.speed"), undefined);
    const text = await (await fetch(`http://127.0.0.1:${rpc.service.httpPort}/metrics`)).text();
    assert.match(text, /racetel_rpc_frames_late_total \d+/);
  });
});

describe("state channels: whole at every heartbeat, only what changed in between", () => {
  it("stores the state at the first heartbeat boundary, then changes only, then everything again at the next heartbeat", async () => {
    const rpc = await startTestRpc({ heartbeatMs: 1000 });
    const base = Math.ceil(T0_NS / 1e9) * 1e9 + 100e6; // 100 ms after a whole second
    try {
      const frames: racetel.v1.IFrame[] = [];
      for (let ms = 0; ms <= 2600; ms += 50) {
        const t = base + ms * 1e6;
        const fuel = ms < 1500 ? 20 : 19; // changes once, between the heartbeats at +0.9 s and +1.9 s
        frames.push({ labels: labels("hb", 0), receiveTimeUnixNano: t, status: { fuelMassKg: fuel, tyreAgeLaps: 3 } });
        frames.push({ labels: labels("hb", 0), receiveTimeUnixNano: t, telemetry: { speedMps: 50 } });
      }
      const feed = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-hb", logger: silentLogger });
      feed.sendBatch(encodeBatch(frames), frames.length);
      await waitFor("frames in", () => rpc.service.counters.framesAccepted >= frames.length);
      feed.close();
      const m = await collectOnce(rpc);
      const at = (name: string): number[] => metric(m, name).dataPoints.filter((p) => p.attributes.car_index === "0").map((p) => Math.round((ns(p) - base) / 1e6)).sort((a, b) => a - b);
      // Boundaries every 250 ms at +150, +400, +650, +900 (a whole second: heartbeat), ... ; flush at the end.
      assert.deepEqual(at("racetel.car.tyre.age"), [900, 1900, 2650], "unchanged: only at heartbeats (and the final flush)");
      assert.deepEqual(at("racetel.car.fuel.mass"), [900, 1650, 1900, 2650], "and when it changed");
      assert.equal(at("racetel.car.speed").length, frames.length / 2, "the trace channel at every frame");
    } finally {
      await rpc.stop();
    }
  });
});

describe("the same frames give the same rows, however fast they arrive", () => {
  it("one burst and the same frames spread over time store identical points", async () => {
    const frames = Array.from({ length: 90 }, (_, tick) => raceTick("det", tick, 4)).flat();
    const runs: string[][] = [];
    for (const paced of [false, true]) {
      const rpc = await startTestRpc({ exportIntervalMs: 100 });
      const feed = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-det", logger: silentLogger });
      const exported: MetricData[] = [];
      try {
        const per = 17; // one tick
        for (let i = 0; i < frames.length; i += per) {
          feed.sendBatch(encodeBatch(frames.slice(i, i + per)), per);
          if (paced && i % (per * 10) === 0) {
            await new Promise((r) => setTimeout(r, 120));
            for (const rm of rpc.exporter.getMetrics()) exported.push(...rm.scopeMetrics.flatMap((s) => s.metrics));
            rpc.exporter.reset();
          }
        }
        await waitFor("all frames", () => rpc.service.counters.framesAccepted >= frames.length);
        await rpc.service.pipeline.flush();
        for (const rm of rpc.exporter.getMetrics()) exported.push(...rm.scopeMetrics.flatMap((s) => s.metrics));
        runs.push(rows(exported));
      } finally {
        feed.close();
        await rpc.stop();
      }
    }
    assert.ok(runs[0]!.length > 90 * 4 * 10, `points: ${runs[0]!.length}`);
    const only0 = runs[0]!.filter((r) => !runs[1]!.includes(r));
    const only1 = runs[1]!.filter((r) => !runs[0]!.includes(r));
    assert.deepEqual({ only0: only0.slice(0, 5), only1: only1.slice(0, 5), n0: only0.length, n1: only1.length }, { only0: [], only1: [], n0: 0, n1: 0 });
    assert.deepEqual(runs[1], runs[0]);
  });
});
