// The whole back end with real processes: Debian's influxd, the ocb-built collector with
// deploy/collector/config.yaml, rpc and ingest from source; the real F1 23 race capture replayed over UDP,
// then a simulated 3-lap F1 24 race (`racetel simulate`, paced) into the same stack.
// Junk datagrams and unlabelled frames are sent too, so the drop and reject panels have data.
// Then InfluxDB must hold every car channel for all 20 cars with their tags, values equal to what
// racetel's decoder reads from the capture, and every query of every Grafana dashboard must return data
// for the real capture or for the simulated race (except the panels listed in noDataInEither, each with
// the reason); the panels the short capture cannot fill (full laps, pit laps, final classification) are
// checked against the simulated race's own values.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import * as grpc from "@grpc/grpc-js";
import { ingestServiceDefinition, racetel } from "@racetel/proto";
import { decodeCapture, raceCapturePath, type DecodedCapture } from "./harness/capture.js";
import { hasData, interpolate, loadDashboards, resolveVariables, type DashboardJson } from "./harness/dashboards.js";
import type { InfluxSeries } from "./harness/influxdb.js";
import { decodeSimulatedRace, simulateArgs, simulatedRace, type DecodedRace } from "./harness/simulated.js";
import { filledByTheInsightRaces } from "./harness/insight-panels.js";
import { racetel as racetelCli, startStack, type Stack } from "./harness/stack.js";

/**
 * Panels neither the real capture nor the simulated race can fill, by "<dashboard uid>/<panel title>/<refId>",
 * with the reason. The test also fails when a listed query DOES return data, so the list only ever shrinks.
 */
const noDataInEither: Record<string, string> = {
  "racetel-live-car/Tyre core temperature/A": "F1 games send tyre surface and inner temperatures only; core comes from ACC",
  "racetel-live-car/Fuel/B": "fuel volume in litres is ACC's; F1 games measure fuel in kg (Fuel/A)",
  ...filledByTheInsightRaces,
};

/** Panels the 17 s real capture cannot fill (no car completes a lap live, pits or finishes): the simulated race must. */
const onlyTheSimulatedRaceFills = [
  "racetel-race-analysis/Pit stops/A",
  "racetel-race-analysis/Final classification/A",
  // A live delta needs a reference lap measured whole by rpc: no car finishes a lap in the capture.
  "racetel-live-car/Live delta (negative = ahead)/A",
  "racetel-live-car/Live delta (negative = ahead)/B",
  // The game's pit window for its player: 0 (none) throughout the captured race.
  "racetel-live-car/Pit window (laps)/C",
  "racetel-live-car/Pit window (laps)/D",
];
/**
 * Dashboards whose pickers offer only laps rpc measured whole (lap marks): the capture has none, so their
 * lap variables are empty for it and only the simulated race can fill their panels.
 */
const needsAWholeLap = ["racetel-lap-comparison"];

/** Car channels every one of the 20 cars must have in InfluxDB after the replay. */
const carFields = [
  "racetel.car.speed", "racetel.car.throttle", "racetel.car.brake", "racetel.car.clutch", "racetel.car.steering", "racetel.car.gear",
  "racetel.car.engine.rpm", "racetel.car.engine.temperature", "racetel.car.drs", "racetel.car.rev_lights",
  "racetel.car.world_position.x", "racetel.car.world_position.y", "racetel.car.world_position.z",
  "racetel.car.g_force.lateral", "racetel.car.g_force.longitudinal", "racetel.car.g_force.vertical",
  "racetel.car.orientation.yaw", "racetel.car.orientation.pitch", "racetel.car.orientation.roll",
  "racetel.car.lap.number", "racetel.car.lap.distance", "racetel.car.lap.current_time", "racetel.car.lap.last_time", "racetel.car.lap.best_time",
  "racetel.car.lap.sector", "racetel.car.distance", "racetel.car.race_position", "racetel.car.grid_position",
  "racetel.car.gap.ahead", "racetel.car.gap.leader", "racetel.car.pit.status", "racetel.car.pit.stops", "racetel.car.penalties.time",
  "racetel.car.penalties.warnings", "racetel.car.driver_status", "racetel.car.result_status",
  "racetel.car.fuel.mass", "racetel.car.fuel.capacity", "racetel.car.fuel.remaining_laps",
  "racetel.car.ers.store", "racetel.car.ers.deploy_mode", "racetel.car.ers.harvested_lap", "racetel.car.ers.deployed_lap",
  "racetel.car.tyre.compound", "racetel.car.tyre.age", "racetel.car.brake_bias", "racetel.car.flag",
  "racetel.car.tyre.surface_temperature", "racetel.car.tyre.inner_temperature", "racetel.car.tyre.pressure", "racetel.car.brake_temperature",
  "racetel.car.tyre.wear", "racetel.car.damage.front_left_wing", "racetel.car.damage.gearbox",
  "racetel.lap.time", "racetel.lap.sector1_time", "racetel.lap.sector2_time", "racetel.lap.sector3_time", "racetel.lap.valid",
];
const junkDatagrams = 3;
const unlabelledFrames = 2;

/** Publishes frames without labels straight to rpc over gRPC, as a broken ingest would: rpc must reject them. */
function publishUnlabelled(target: string, count: number): Promise<racetel.v1.PublishResponse> {
  const frames = Array.from({ length: count }, () => ({ telemetry: { speedMps: 10 } }));
  const bytes = racetel.v1.PublishRequest.encode({ frames }).finish();
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const call = client.makeClientStreamRequest<Buffer, racetel.v1.PublishResponse>(ingestServiceDefinition.publish.path,
      (b) => b, (b) => racetel.v1.PublishResponse.decode(b), (err, res) => {
        client.close();
        if (err !== null || res === undefined) reject(err ?? new Error("no PublishResponse"));
        else resolve(res);
      });
    call.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    call.end();
  });
}

function seriesByCar(series: InfluxSeries[] | undefined): Map<number, unknown[]> {
  const out = new Map<number, unknown[]>();
  for (const s of series ?? []) out.set(Number(s.tags?.car_index), s.values[0] ?? []);
  return out;
}

function close(actual: unknown, expected: number): boolean {
  return typeof actual === "number" && Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
}

async function sendJunk(port: number, count: number): Promise<void> {
  const socket = createSocket("udp4");
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => socket.send(Buffer.from("not an F1 packet"), port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
  }
  socket.close();
}

describe("racetel back end end to end: F1 23 race capture -> ingest -> rpc -> collector -> InfluxDB", () => {
  let stack: Stack;
  let truth: DecodedCapture;
  let race: DecodedRace;
  const sessionWhere = (): string => `"session_id" = '${truth.sessionId}'`;
  const raceWhere = (): string => `"session_id" = '${race.sessionId}'`;

  before(async () => {
    const capture = raceCapturePath();
    truth = decodeCapture(capture);
    race = decodeSimulatedRace();
    stack = await startStack();
    await sendJunk(stack.f1Port, junkDatagrams);
    await publishUnlabelled(stack.rpcTarget, unlabelledFrames);
    await stack.replay(capture, ["--speed", "1"]);
    const simulator = racetelCli("simulate", simulateArgs(`127.0.0.1:${stack.f1Port}`));
    const code = await simulator.exited;
    if (code !== 0) throw new Error(`racetel simulate exited ${code}:\n${simulator.output()}`);
    // ingest reports its counters about once a second: wait until every datagram is counted as decoded,
    // then a little more for the cars' final state to be collected and written.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await stack.influx.query(`SELECT last("racetel.ingest.packets_decoded") FROM "prometheus"`);
      const decoded = r[0]?.series?.[0]?.values[0]?.[1];
      if (typeof decoded === "number" && decoded >= truth.datagrams + race.datagrams) break;
      if (Date.now() > deadline) throw new Error(`ingest decoded ${String(decoded)} of ${truth.datagrams} + ${race.datagrams} datagrams in InfluxDB\n${stack.logs()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Then the sessions' last state: stored once they have been quiet for a second (docs/metrics.md).
    const quietDeadline = Date.now() + 15_000;
    for (;;) {
      const r = await stack.influx.query(`SELECT count("racetel.result.position") FROM "prometheus" WHERE "session_id" = '${race.sessionId}'`);
      const stored = Number(r[0]?.series?.[0]?.values[0]?.[1] ?? 0);
      if (stored >= simulatedRace.cars) break;
      if (Date.now() > quietDeadline) throw new Error(`the simulated race's final classification did not reach InfluxDB: ${stored} of ${simulatedRace.cars} cars (session ${race.sessionId})\n${stack.logs()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1500));
  });
  after(async () => {
    await stack?.stop();
  });

  it("has every car channel for all 20 cars, tagged with session, car and driver", async () => {
    assert.equal(truth.latest.size, 20);
    const r = await stack.influx.query(`SELECT count(*) FROM "prometheus" WHERE ${sessionWhere()} AND "car_index" != '' GROUP BY "car_index"`);
    const byCar = r[0]?.series ?? [];
    assert.equal(byCar.length, 20, `cars in InfluxDB: ${byCar.map((s) => s.tags?.car_index).join(",")}`);
    for (const s of byCar) {
      for (const field of carFields) {
        const i = s.columns.indexOf(`count_${field}`);
        assert.ok(i > 0 && Number(s.values[0]?.[i]) > 0, `car ${s.tags?.car_index}: no ${field}`);
      }
    }
    const drivers = await stack.influx.query(`SHOW TAG VALUES FROM "prometheus" WITH KEY = "driver" WHERE ${sessionWhere()}`);
    const stored = new Set((drivers[0]?.series?.[0]?.values ?? []).map((v) => v[1]));
    for (const [car, driver] of truth.drivers) assert.ok(stored.has(driver), `driver ${driver} of car ${car} not stored`);
    const tags = await stack.influx.query(`SHOW TAG VALUES FROM "prometheus" WITH KEY IN ("game", "track") WHERE ${sessionWhere()}`);
    const pairs = (tags[0]?.series?.[0]?.values ?? []).map((v) => `${v[0]}=${v[1]}`);
    assert.ok(pairs.includes("game=f1"), pairs.join(","));
    assert.ok(pairs.includes("track=Imola"), pairs.join(","));
  });

  it("stores each car's latest values equal to the decoded capture (speed, throttle, gear, rpm, lap distance, position, fuel, ERS, x, tyre and brake temperatures)", async () => {
    const checked: string[] = [];
    const keys = [...(truth.latest.get(0)?.keys() ?? [])];
    assert.ok(keys.length >= 10);
    for (const key of keys) {
      const [field, wheel] = key.split("|");
      const where = wheel === undefined ? "" : ` AND "wheel" = '${wheel}'`;
      const r = await stack.influx.query(`SELECT last("${field}") FROM "prometheus" WHERE ${sessionWhere()}${where} GROUP BY "car_index"`);
      const stored = seriesByCar(r[0]?.series);
      for (const [car, values] of truth.latest) {
        const expected = values.get(key);
        assert.ok(expected !== undefined, `car ${car}: decoder gave no ${key}`);
        const actual = stored.get(car)?.[1];
        assert.ok(close(actual, expected), `car ${car} ${key}: InfluxDB ${String(actual)}, capture ${expected}`);
      }
      checked.push(key);
    }
    assert.equal(checked.length, keys.length);
  });

  it("stores the finished laps 1-3 of every car with the lap times of the SessionHistory packets", async () => {
    const r = await stack.influx.query(`SELECT last("racetel.lap.time") FROM "prometheus" WHERE ${sessionWhere()} AND "lap" != '' GROUP BY "car_index", "lap"`);
    const stored = new Map<string, unknown>();
    for (const s of r[0]?.series ?? []) stored.set(`${s.tags?.car_index}/${s.tags?.lap}`, s.values[0]?.[1]);
    let laps = 0;
    for (const [car, times] of truth.lapTimes) {
      for (const [lap, seconds] of times) {
        assert.ok(close(stored.get(`${car}/${lap}`), seconds), `car ${car} lap ${lap}: InfluxDB ${String(stored.get(`${car}/${lap}`))}, capture ${seconds}`);
        laps++;
      }
    }
    assert.equal(laps, 60);
  });

  it("counts the junk datagrams as ingest drops by reason", async () => {
    const r = await stack.influx.query(`SELECT last("racetel.ingest.packets_dropped") FROM "prometheus" GROUP BY "reason"`);
    const total = (r[0]?.series ?? []).reduce((n, s) => n + Number(s.values[0]?.[1] ?? 0), 0);
    assert.equal(total, junkDatagrams, JSON.stringify(r[0]?.series));
  });

  it("counts the frames without labels as rpc rejects by reason", async () => {
    const r = await stack.influx.query(`SELECT last("racetel.rpc.frames_rejected") FROM "prometheus" GROUP BY "reason"`);
    const byReason = Object.fromEntries((r[0]?.series ?? []).map((s) => [s.tags?.reason, s.values[0]?.[1]]));
    assert.deepEqual(byReason, { missing_labels: unlabelledFrames });
  });

  it("answers every query of every dashboard panel (variables filled in) with data for the capture or the simulated race, except the listed panels", async () => {
    const problems: string[] = [];
    const filledBy = new Map<string, Set<string>>();
    let queries = 0;
    const runs = [
      { name: "capture", session: truth.sessionId, lap: undefined },
      // Lap 2 of the simulated race is a whole lap for every car (lap 1 starts on the grid).
      { name: "simulated race", session: race.sessionId, lap: "2" },
    ];
    for (const run of runs) {
      for (const { file, json } of loadDashboards()) {
        const { values, empty } = await resolveVariables(stack.influx, json, {
          session: (options) => options.find((o) => o === run.session),
          session_b: (options) => options.find((o) => o === run.session),
          car_b: (options, chosen) => options.find((o) => o !== chosen.car),
          lap: (options) => options.find((o) => o === run.lap),
          lap_b: (options) => options.find((o) => o === run.lap),
        });
        if (run.name === "capture" && needsAWholeLap.includes(json.uid)) {
          if (empty.length === 0) problems.push(`${file} (capture): lap pickers offer laps; remove it from needsAWholeLap`);
          for (const panel of json.panels) for (const target of panel.targets ?? []) if (!filledBy.has(`${json.uid}/${panel.title}/${target.refId}`)) filledBy.set(`${json.uid}/${panel.title}/${target.refId}`, new Set());
          continue;
        }
        for (const name of empty) problems.push(`${file} (${run.name}): variable $${name} has no values`);
        if (json.templating.list.some((v) => v.name === "session") && values.session !== run.session) problems.push(`${file}: session ${run.session} (${run.name}) not offered`);
        for (const panel of json.panels) {
          for (const target of panel.targets ?? []) {
            const key = `${json.uid}/${panel.title}/${target.refId}`;
            const filled = filledBy.get(key) ?? new Set<string>();
            filledBy.set(key, filled);
            const query = interpolate(target.query, values);
            const result = (await stack.influx.query(query))[0];
            queries++;
            if (result?.error !== undefined) problems.push(`${key} (${run.name}): InfluxQL error ${result.error}\n    ${query}`);
            else if (hasData(result)) filled.add(run.name);
          }
        }
      }
    }
    for (const [key, filled] of filledBy) {
      if (key in noDataInEither) {
        if (filled.size > 0) problems.push(`${key}: now returns data (${[...filled].join(", ")}); remove it from noDataInEither`);
      } else if (filled.size === 0) {
        problems.push(`${key}: no data for the capture nor for the simulated race`);
      }
    }
    for (const key of [...Object.keys(noDataInEither), ...onlyTheSimulatedRaceFills]) {
      if (!filledBy.has(key)) problems.push(`${key}: listed but no such panel query`);
    }
    for (const key of onlyTheSimulatedRaceFills) {
      if (!filledBy.get(key)?.has("simulated race")) problems.push(`${key}: the simulated race does not fill it`);
    }
    const notByCapture = [...filledBy].filter(([key, f]) => !f.has("capture") && !(key in noDataInEither)).map(([key]) => key).sort();
    assert.ok(queries > 100, `only ${queries} queries`);
    assert.deepEqual(problems, []);
    // Written down so a change in what each source proves shows up here.
    const lapDashboards = [...filledBy.keys()].filter((key) => needsAWholeLap.some((uid) => key.startsWith(`${uid}/`)));
    assert.deepEqual(notByCapture, [...onlyTheSimulatedRaceFills, ...lapDashboards].sort(), "panels only the simulated race fills");
  });

  it("simulated race: the lap comparison traces a whole lap (speed against lap distance, lap 2)", async () => {
    assert.ok(race.trackLengthM > 3000, `track length ${race.trackLengthM}`);
    for (const car of ["0", "1"]) {
      const r = await stack.influx.query(`SELECT "racetel.car.lap.distance", "racetel.car.speed" FROM "prometheus" WHERE ${raceWhere()} AND "car_index" = '${car}' AND "racetel.car.lap.number" = 2`);
      const rows = (r[0]?.series?.[0]?.values ?? []).filter((v) => typeof v[1] === "number" && typeof v[2] === "number");
      const distances = rows.map((v) => v[1] as number);
      assert.ok(rows.length >= 20, `car ${car}: ${rows.length} points on lap 2`);
      assert.ok(Math.min(...distances) < 0.1 * race.trackLengthM && Math.max(...distances) > 0.9 * race.trackLengthM,
        `car ${car}: lap 2 covers ${Math.min(...distances)}..${Math.max(...distances)} m of ${race.trackLengthM}`);
      assert.ok(rows.every((v) => (v[2] as number) >= 0 && (v[2] as number) < 100), `car ${car}: speeds in m/s`);
    }
  });

  it("simulated race: a full lap of every car stores at least 95% of the trace samples the game sent (lap 2)", async () => {
    const r = await stack.influx.query(`SELECT count("racetel.car.speed") FROM "prometheus" WHERE ${raceWhere()} AND "racetel.car.lap.number" = 2 GROUP BY "car_index"`);
    const stored = new Map((r[0]?.series ?? []).map((x) => [Number(x.tags?.car_index), Number(x.values[0]?.[1] ?? 0)]));
    let sent = 0;
    let kept = 0;
    for (let car = 0; car < simulatedRace.cars; car++) {
      const s = race.telemetrySamples.get(`${car}/2`) ?? 0;
      const k = stored.get(car) ?? 0;
      assert.ok(s > 100, `car ${car} sent ${s} samples on lap 2`);
      assert.ok(k >= 0.95 * s, `car ${car}: ${k} of ${s} samples of lap 2 stored (${((100 * k) / s).toFixed(1)}%)`);
      sent += s;
      kept += k;
    }
    process.stderr.write(`lap trace coverage (lap 2, every car): ${((100 * kept) / sent).toFixed(1)}% of ${sent} game samples stored\n`);
  });

  it("simulated race: stored as game=f1_simulated, never as a real race (game=f1)", async () => {
    const tags = await stack.influx.query(`SHOW TAG VALUES FROM "prometheus" WITH KEY = "game" WHERE "session_id" = '${race.sessionId}'`);
    assert.deepEqual(tags[0]?.series?.[0]?.values.map((v) => v[1]), ["f1_simulated"]);
  });

  it("simulated race: the final classification, pit laps and position-by-lap panels show the race's own results", async () => {
    const panels = new Map(loadDashboards().find((d) => d.json.uid === "racetel-race-analysis")!.json.panels.map((p) => [p.title, p]));
    const allCars = `(${[...race.drivers.keys()].join("|")})`;
    const run = async (title: string) => (await stack.influx.query(interpolate(panels.get(title)!.targets![0]!.query, { session: race.sessionId, car: allCars })))[0];
    const classification = await run("Final classification");
    const positions = new Map((classification?.series ?? []).map((s) => [s.tags?.driver, s.values[0]?.[s.columns.indexOf("Pos")]]));
    const expected = new Map([...race.finalPositions].map(([car, pos]) => [race.drivers.get(car), pos]));
    assert.equal(expected.size, 20, "20 distinct drivers");
    assert.deepEqual(positions, expected);

    // Lap positions come from live timing (the game's lap history has none): real positions, not 0.
    const byLap = await run("Position by lap");
    const lapPositions = (byLap?.series ?? []).flatMap((s) => s.values.map((v) => v[s.columns.indexOf("position")]));
    assert.ok(lapPositions.length >= 20 * 2, `lap positions: ${lapPositions.length}`);
    assert.ok(lapPositions.every((p) => typeof p === "number" && p >= 1 && p <= 20), `lap positions: ${lapPositions.join(",")}`);
  });

  it("the session picker opens on the newest session, named in words; the driver picker lists drivers by name", async () => {
    const json = loadDashboards().find((d) => d.json.uid === "racetel-live-car")!.json;
    const { options, values } = await resolveVariables(stack.influx, json);
    const sessions = options.session!;
    assert.equal(sessions[0]!.value, race.sessionId, `newest first: ${JSON.stringify(sessions)}`);
    assert.match(sessions[0]!.text, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · Monza · Race · F1 24 \(simulated\)$/);
    const capture = sessions.find((o) => o.value === truth.sessionId);
    assert.ok(capture !== undefined && / · Race · F1 23$/.test(capture.text) && sessions.indexOf(capture) > 0, `the capture's session: ${JSON.stringify(capture)}`);
    assert.equal(values.session, race.sessionId);
    const cars = options.car!;
    assert.equal(cars.length, race.drivers.size);
    for (const o of cars) assert.equal(o.text, race.drivers.get(Number(o.value)), `car ${o.value}`);
    assert.deepEqual(cars.map((o) => o.text), [...cars.map((o) => o.text)].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)), "by name");
  });

  it("lap comparison: the delta-time trace of a lap against itself is zero everywhere, against a slower lap it ends at the lap-time difference", async () => {
    const json = loadDashboards().find((d) => d.json.uid === "racetel-lap-comparison")!.json;
    const panel = json.panels.find((p) => p.title.startsWith("Delta time"))!;
    // Grafana: joinByField(distance, inner) of the two queries, then A - B.
    const delta = async (carA: number, lapA: number, carB: number, lapB: number): Promise<[number, number][]> => {
      const rows = async (refId: string, car: number, lap: number): Promise<Map<number, number>> => {
        const r = (await stack.influx.query(interpolate(panel.targets!.find((t) => t.refId === refId)!.query, { session: race.sessionId, session_b: race.sessionId, car: String(car), lap: String(lap), car_b: String(car), lap_b: String(lap) })))[0];
        const s = r?.series?.[0];
        return new Map((s?.values ?? []).map((v) => [v[s!.columns.indexOf("distance")] as number, v[s!.columns.indexOf(refId)] as number]));
      };
      const a = await rows("A", carA, lapA);
      const b = await rows("B", carB, lapB);
      return [...a].filter(([d]) => b.has(d)).map(([d, t]): [number, number] => [d, t - b.get(d)!]).sort((x, y) => x[0] - y[0]);
    };
    const cars = [...race.drivers.keys()].filter((car) => race.lapTimes.has(`${car}/2`));
    assert.ok(cars.length >= 19, `cars with a live lap 2: ${cars.length}`);
    const self = await delta(cars[0]!, 2, cars[0]!, 2);
    assert.ok(self.length >= 0.95 * (race.trackLengthM / 10), `${self.length} joined marks of ${race.trackLengthM} m`);
    assert.ok(self.every(([, d]) => d === 0), "a lap against itself: zero everywhere");
    const byTime = cars.map((car) => ({ car, t: race.lapTimes.get(`${car}/2`)! })).sort((x, y) => x.t - y.t);
    const fast = byTime[0]!;
    const slow = byTime[byTime.length - 1]!;
    const trace = await delta(slow.car, 2, fast.car, 2);
    const [endM, endDelta] = trace[trace.length - 1]!;
    assert.ok(Math.abs(endM - race.trackLengthM) < 1, `the trace ends at the line: ${endM} m`);
    assert.ok(Math.abs(endDelta - (slow.t - fast.t)) <= 0.01, `ends at ${endDelta} s, lap times differ by ${slow.t - fast.t} s`);
    // The pickers' defaults: Lap A = the car's last measured lap, Lap B = driver B's fastest valid lap.
    const { options } = await resolveVariables(stack.influx, json, { session: (o) => o.find((x) => x === race.sessionId), session_b: (o) => o.find((x) => x === race.sessionId), car: () => String(slow.car), car_b: () => String(slow.car) });
    assert.equal(options.lap![0]!.value, "2", `lap A options: ${JSON.stringify(options.lap)}`);
    assert.match(options.lap_b![0]!.text, /^\d\d:\d\d\.\d{3} · lap 2$/);
  });

  it("race analysis: exactly one pit stop per car, on the lap it came in; annotations for every penalty and retirement", async () => {
    const json = loadDashboards().find((d) => d.json.uid === "racetel-race-analysis")!.json as DashboardJson & { annotations: { list: { name: string; query: string }[] } };
    const allCars = `(${[...race.drivers.keys()].join("|")})`;
    const query = async (q: string) => (await stack.influx.query(interpolate(q, { session: race.sessionId, car: allCars })))[0];
    const stops = await query(json.panels.find((p) => p.title === "Pit stops")!.targets![0]!.query);
    const stored = (stops?.series ?? []).map((s) => `${s.tags?.driver}/${s.tags?.lap}`).sort();
    const truthStops = [...race.pitEntries].flatMap(([car, laps]) => laps.map((lap) => `${race.drivers.get(car)}/${lap}`)).sort();
    assert.ok(truthStops.length >= 19, `stops in the race: ${truthStops.length}`);
    assert.deepEqual(stored, truthStops);
    assert.equal(new Set(stored.map((x) => x.split("/")[0])).size, stored.length, "one stop per car");

    const carEvents = await query(json.annotations.list.find((a) => a.name === "Car events")!.query);
    const rows = (carEvents?.series?.[0]?.values ?? []).map((v) => ({ event: v[2], driver: v[3] }));
    const count = (event: string, driver: string | undefined): number => rows.filter((r) => r.event === event && r.driver === driver).length;
    assert.ok(race.penalties.length >= 1 && race.retirements.length >= 1, `penalties ${race.penalties.length}, retirements ${race.retirements.length}`);
    for (const car of new Set(race.penalties)) {
      assert.equal(count("penalty", race.drivers.get(car)), race.penalties.filter((c) => c === car).length, `penalties of ${race.drivers.get(car)}`);
    }
    for (const car of race.retirements) assert.equal(count("retirement", race.drivers.get(car)), 1, `retirement of ${race.drivers.get(car)}`);
  });
});
