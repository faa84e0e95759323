// A whole simulated 3-lap F1 24 race, as a console would send it: `racetel simulate` (its own process,
// paced) -> real UDP -> `racetel ingest` (its own process) -> real gRPC -> rpc, metrics read back through
// the SDK's in-memory exporter. What rpc exports must match what racetel's decoder reads from the same
// race (generated again in this process: the simulator is deterministic for a seed): every finished lap
// of every car, a pit stop per car, the final order, the retirement and the penalties.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import type { MetricData } from "@opentelemetry/sdk-metrics";
import { racetel } from "@racetel/proto";
import { simulateSession } from "@racetel/ingest/simulate/session";
import { F1Decoder } from "@racetel/ingest/sources/f1/index";
import type { Frame } from "@racetel/ingest/sources/source";
import { collectOnce, metric, pointValue, startTestRpc, waitFor } from "./helpers.js";
import type { TestRpc } from "./helpers.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(repoRoot, "cli/src/main.ts");

/** The race: small send rate and 10x real time keep it lossless on a busy 2-core machine (~30 s). */
const race = { format: 2024, cars: 20, laps: 3, track: "monza", rate: 10, seed: 8, speed: 10 } as const;
const INGEST = "ingest-simulated-race";
const { RESULT_STATUS_FINISHED: FINISHED, RESULT_STATUS_RETIRED: RETIRED } = racetel.v1.ResultStatus;

interface CarTruth {
  lap?: racetel.v1.ILapState;
  laps: Map<number, racetel.v1.IFinishedLap>;
  /** Laps the decoder saw finish live (crossing the line), which carry the pit flag. */
  liveLaps: Map<number, racetel.v1.IFinishedLap>;
  result?: racetel.v1.IFinalResult;
  events: Map<string, number>;
}

/** Everything racetel's decoder reads from the race, per car. */
function decodeRace(): { cars: Map<number, CarTruth>; datagrams: number; sessionId: string } {
  const cars = new Map<number, CarTruth>();
  let sessionId = "";
  const drops: string[] = [];
  const eventName = (t: number | null | undefined): string => (racetel.v1.SessionEventType[t ?? 0] ?? "").replace("SESSION_EVENT_TYPE_", "").toLowerCase();
  const decoder = new F1Decoder({
    sink: {
      emit(f: Frame) {
        sessionId = f.labels?.sessionId ?? sessionId;
        const index = f.labels?.carIndex;
        if (index === null || index === undefined) return;
        let car = cars.get(index);
        if (car === undefined) cars.set(index, (car = { laps: new Map(), liveLaps: new Map(), events: new Map() }));
        if (f.lap) car.lap = structuredClone(f.lap);
        if (f.finishedLap) car.laps.set(f.finishedLap.lapNumber ?? 0, structuredClone(f.finishedLap));
        if (f.finishedLap?.origin === racetel.v1.FinishedLapOrigin.FINISHED_LAP_ORIGIN_LIVE) car.liveLaps.set(f.finishedLap.lapNumber ?? 0, structuredClone(f.finishedLap));
        if (f.finalResult) car.result = structuredClone(f.finalResult);
        if (f.event) car.events.set(eventName(f.event.type), (car.events.get(eventName(f.event.type)) ?? 0) + 1);
      },
    },
    drops: { drop: (reason) => drops.push(reason) },
    advice: { once: () => {} },
  });
  let datagrams = 0;
  for (const d of simulateSession(race)) {
    decoder.decode(d.data, 1.7e18 + d.timeMs * 1e6, "127.0.0.1:40000");
    datagrams++;
  }
  assert.deepEqual(drops, [], "racetel's decoder drops nothing of the simulated race");
  return { cars, datagrams, sessionId };
}

function freePort(kind: "tcp" | "udp"): Promise<number> {
  return new Promise((resolve, reject) => {
    if (kind === "udp") {
      const s = createSocket("udp4");
      s.once("error", reject);
      s.bind(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
    } else {
      const s = createServer();
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => { const a = s.address(); s.close(() => resolve(typeof a === "object" && a ? a.port : 0)); });
    }
  });
}

/** `racetel <args>` from source as a child process; output kept for failure messages. */
function racetelProcess(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--conditions=racetel-src", "--import", "tsx", cli, ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (b: Buffer): void => { out = (out + b.toString()).slice(-20_000); };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe("a simulated 3-lap race: racetel simulate -> UDP -> racetel ingest -> gRPC -> rpc", () => {
  let rpc: TestRpc;
  let ingest: ReturnType<typeof racetelProcess> | undefined;
  let truth: ReturnType<typeof decodeRace>;
  let metrics: MetricData[];
  const car = (index: number): Record<string, string> => ({ session_id: truth.sessionId, car_index: String(index) });

  before(async () => {
    truth = decodeRace();
    assert.equal(truth.cars.size, race.cars);
    // Nothing is exported during the race (export interval 10 min; a slow CI run takes over the default
    // minute): one collection at the end holds it all.
    rpc = await startTestRpc({ exportIntervalMs: 600_000 });
    const f1Port = await freePort("udp");
    const httpPort = await freePort("tcp");
    ingest = racetelProcess(["ingest", "--f1-host", "127.0.0.1", "--f1-port", String(f1Port), "--acc-port", String(await freePort("udp")),
      "--http-port", String(httpPort), "--rpc-targets", rpc.target, "--instance", INGEST, "--log-level", "warn", "--recv-buffer", String(8 * 1024 * 1024)]);
    await waitFor("ingest /healthz", async () => {
      try { return (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).ok; } catch { return false; }
    }, 30_000).catch((e: unknown) => { throw new Error(`${String(e)}\n${ingest?.output()}`); });
    await waitFor("ingest's Publish stream to rpc", () => rpc.service.counters.publishStreams > 0, 30_000);

    const simulator = racetelProcess(["simulate", "--format", String(race.format), "--cars", String(race.cars), "--laps", String(race.laps),
      "--track", race.track, "--rate", String(race.rate), "--seed", String(race.seed), "--speed", String(race.speed), "--to", `127.0.0.1:${f1Port}`]);
    const code = await simulator.exited;
    assert.equal(code, 0, `racetel simulate exited ${code}:\n${simulator.output()}`);

    // ingest reports its counters about once a second: wait until it has decoded every datagram of the race.
    let decoded: number | undefined;
    await waitFor("ingest to decode every datagram", () => {
      decoded = Number(rpc.service.store.ingest.get(INGEST)?.stats.packetsDecoded ?? 0);
      return decoded >= truth.datagrams;
    }, 20_000).catch((e: unknown) => { throw new Error(`${String(e)}: ingest decoded ${decoded} of ${truth.datagrams}\n${ingest?.output()}`); });
    // Every frame ingest emitted has reached rpc once its reported count is reached.
    await waitFor("every frame at rpc", () => rpc.service.counters.framesReceived >= Number(rpc.service.store.ingest.get(INGEST)?.stats.framesEmitted ?? Infinity), 20_000);
    metrics = await collectOnce(rpc);
  });

  after(async () => {
    ingest?.child.kill("SIGTERM");
    await ingest?.exited;
    await rpc?.stop();
  });

  it("loses nothing: ingest decoded every datagram, dropped none, and rpc accepted every frame", () => {
    assert.equal(pointValue(metrics, "racetel.ingest.packets_received", { ingest_instance: INGEST }), truth.datagrams);
    assert.equal(pointValue(metrics, "racetel.ingest.packets_decoded", { ingest_instance: INGEST }), truth.datagrams);
    assert.equal(pointValue(metrics, "racetel.ingest.frames_dropped", { ingest_instance: INGEST }), 0);
    const dropped = metrics.find((m) => m.descriptor.name === "racetel.ingest.packets_dropped")?.dataPoints ?? [];
    assert.deepEqual(dropped.filter((p) => (p.value as number) > 0).map((p) => p.attributes), []);
    assert.equal(rpc.service.counters.rejectedTotal(), 0, `rejected: ${JSON.stringify([...rpc.service.counters.rejected])}`);
  });

  it("exports a finished-lap record for every car and every completed lap, with the decoder's times", () => {
    let laps = 0;
    for (const [index, t] of truth.cars) {
      const completed = t.result?.lapsCompleted ?? 0;
      assert.ok(completed >= 1, `car ${index} completed ${completed} laps`);
      for (let lap = 1; lap <= completed; lap++) {
        const expected = t.laps.get(lap);
        assert.ok(expected, `decoder: car ${index} lap ${lap} finished`);
        const where = { ...car(index), lap: String(lap) };
        const time = pointValue(metrics, "racetel.lap.time", where);
        assert.ok(time !== undefined && Math.abs(time - (expected.lapTimeMs ?? 0) / 1000) < 1e-6, `car ${index} lap ${lap}: rpc ${time}, decoder ${(expected.lapTimeMs ?? 0) / 1000}`);
        assert.ok(time > 60 && time < 150, `car ${index} lap ${lap}: a Monza lap takes 60-150 s, got ${time}`);
        for (const s of [1, 2, 3] as const) {
          assert.equal(pointValue(metrics, `racetel.lap.sector${s}_time`, where), (expected[`sector${s}TimeMs`] ?? 0) / 1000, `car ${index} lap ${lap} sector ${s}`);
        }
        laps++;
      }
    }
    const finishers = [...truth.cars.values()].filter((t) => t.result?.resultStatus === FINISHED);
    assert.equal(finishers.length, race.cars - 1);
    assert.ok(laps >= (race.cars - 1) * (race.laps - 1) + 1, `finished laps exported: ${laps}`);
  });

  it("exports one pit stop per car (pit stops gauge, its in/out laps flagged as pit laps, a compound change)", () => {
    for (const [index, t] of truth.cars) {
      if (t.result?.resultStatus !== FINISHED) continue;
      assert.equal(t.result.pitStops, 1, `decoder: car ${index} pitted once`);
      assert.equal(pointValue(metrics, "racetel.car.pit.stops", car(index)), 1, `car ${index}: pit stops`);
      const livePitLaps = [...t.liveLaps.values()].filter((l) => l.pitLap === true).map((l) => l.lapNumber);
      // One stop: the in-lap and the out-lap (the pit lane crosses the line at Monza), or one of them.
      assert.ok(livePitLaps.length >= 1 && livePitLaps.length <= 2 && (livePitLaps[1] ?? livePitLaps[0]!) - livePitLaps[0]! <= 1,
        `decoder: car ${index} pit laps ${livePitLaps.join(",")}`);
      // The game's lap history follows each live lap and has no pit flag: rpc must keep the live one.
      const pitLaps = [...t.laps.keys()].filter((lap) => pointValue(metrics, "racetel.lap.pit", { ...car(index), lap: String(lap) }) === 1);
      assert.deepEqual(pitLaps, livePitLaps, `car ${index}: pit laps`);
      const compounds = new Set([...t.laps.keys()].map((lap) => pointValue(metrics, "racetel.lap.tyre.compound", { ...car(index), lap: String(lap) })));
      assert.ok(compounds.size >= 2, `car ${index}: compounds by lap ${[...compounds].join(",")}`);
    }
  });

  it("exports the final classification order: positions from the last LapData equal the FinalClassification", () => {
    const positions: number[] = [];
    for (const [index, t] of truth.cars) {
      const position = pointValue(metrics, "racetel.car.race_position", car(index));
      assert.equal(position, t.lap?.position, `car ${index}: rpc position vs last LapData`);
      assert.equal(position, t.result?.position, `car ${index}: rpc position vs FinalClassification`);
      assert.equal(pointValue(metrics, "racetel.car.result_status", car(index)), t.result?.resultStatus, `car ${index}: result status`);
      positions.push(position!);
      // The FinalClassification itself, as rpc exports it.
      const r = t.result!;
      assert.equal(pointValue(metrics, "racetel.result.position", car(index)), r.position, `car ${index}: result position`);
      assert.equal(pointValue(metrics, "racetel.result.status", car(index)), r.resultStatus, `car ${index}: result status`);
      assert.equal(pointValue(metrics, "racetel.result.laps_completed", car(index)), r.lapsCompleted, `car ${index}: laps completed`);
      assert.equal(pointValue(metrics, "racetel.result.points", car(index)), r.points ?? 0, `car ${index}: points`);
      assert.equal(pointValue(metrics, "racetel.result.pit_stops", car(index)), r.pitStops ?? 0, `car ${index}: pit stops`);
      assert.ok(Math.abs(pointValue(metrics, "racetel.result.total_time", car(index))! - (r.totalRaceTimeS ?? 0)) < 1e-9, `car ${index}: race time`);
      assert.equal(pointValue(metrics, "racetel.result.penalties_time", car(index)), r.penaltiesS ?? 0, `car ${index}: penalties`);
    }
    const winner = [...truth.cars].find(([, t]) => t.result?.position === 1)![0];
    assert.equal(pointValue(metrics, "racetel.result.points", car(winner)), 25, "the winner scores 25");
    assert.deepEqual(positions.sort((a, b) => a - b), Array.from({ length: race.cars }, (_, i) => i + 1));
  });

  it("exports the retirement (DNF) and the penalties", () => {
    const retired = [...truth.cars].filter(([, t]) => t.result?.resultStatus === RETIRED).map(([i]) => i);
    assert.equal(retired.length, 1, "one car retires");
    const dnf = retired[0]!;
    assert.equal(pointValue(metrics, "racetel.car.result_status", car(dnf)), RETIRED);
    assert.equal(pointValue(metrics, "racetel.car.event", { ...car(dnf), event: "retirement" }), 1);
    assert.equal(pointValue(metrics, "racetel.car.race_position", car(dnf)), race.cars, "the retired car is classified last");
    assert.equal(pointValue(metrics, "racetel.result.status", car(dnf)), RETIRED);

    const events = metric(metrics, "racetel.car.event").dataPoints;
    const retirements = events.filter((p) => p.attributes.event === "retirement");
    assert.deepEqual(retirements.map((p) => p.attributes.car_index), [String(dnf)]);
    let penalties = 0;
    for (const [index, t] of truth.cars) {
      const expected = t.events.get("penalty") ?? 0;
      penalties += expected;
      const stored = events.filter((p) => p.attributes.car_index === String(index) && p.attributes.event === "penalty").length;
      assert.equal(stored, expected, `car ${index}: one point per penalty event`);
      assert.equal(pointValue(metrics, "racetel.car.penalties.time", car(index)), t.lap?.penaltiesS ?? 0, `car ${index}: time penalties`);
      assert.equal(pointValue(metrics, "racetel.car.penalties.warnings", car(index)), t.lap?.warnings ?? 0, `car ${index}: warnings`);
    }
    // A 5 s time penalty, a warning and an invalidated lap (three PENA events on two cars).
    assert.equal(penalties, 3);
    const penalised = [...truth.cars].filter(([, t]) => (t.lap?.penaltiesS ?? 0) === 5).map(([i]) => i);
    assert.equal(penalised.length, 1);
    assert.equal(pointValue(metrics, "racetel.car.penalties.time", car(penalised[0]!)), 5);
    assert.equal(pointValue(metrics, "racetel.result.penalties_time", car(penalised[0]!)), 5);
    assert.equal(pointValue(metrics, "racetel.result.penalties_count", car(penalised[0]!)), 1);
  });
});
