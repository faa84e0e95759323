// The live view's server side: frames of the real F1 23 capture into LiveModel, deltas, the learnt
// outline, trace rings, and the WebSocket server's rules (token, origin, client cap, slow browsers).
import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { WebSocket } from "ws";
import { racetel } from "@racetel/proto";
import { F1Decoder } from "@racetel/ingest/sources/f1/index";
import { raceDump, recordingContext, T0_NS } from "../../ingest/test/f1/helpers.js";
import { PublishedSession } from "../src/server/delta.js";
import { LiveModel } from "../src/server/model.js";
import { LiveViewServer, defaultLiveViewOptions } from "../src/server/server.js";
import { OUTLINE_BINS, TrackOutline } from "../src/server/track-outline.js";
import { TRACE_CAPACITY, TraceRing } from "../src/server/trace-ring.js";
import type { ServerMessage } from "../src/protocol.js";

function captureFrames(): racetel.v1.Frame[] {
  const rec = recordingContext();
  const decoder = new F1Decoder(rec.ctx);
  let t = T0_NS;
  for (const d of raceDump()) decoder.decode(d, (t += 5e6), "10.0.0.9:1");
  return rec.frames;
}

test("the real F1 23 race: 20 named cars with positions, laps, best laps from lap history, tyres and telemetry", () => {
  const model = new LiveModel();
  const frames = captureFrames();
  for (const f of frames) model.apply(f, 1_000);
  assert.equal(model.sessions.size, 1);
  const s = [...model.sessions.values()][0]!;
  assert.equal(s.info.game, "f1");
  assert.equal(s.info.format, "2023");
  assert.equal(s.info.sessionType, "race");
  assert.equal(s.cars.size, 20);
  const views = [...s.cars.values()].map((c) => c.view);
  assert.deepEqual(views.map((v) => v.position).sort((a, b) => a! - b!), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.ok(views.some((v) => v.driver === "PÉREZ"));
  for (const v of views) {
    assert.notEqual(v.driver, "", `car ${v.index} has a name`);
    assert.equal(v.lap, 4, "every car is on lap 4 in this capture");
    assert.ok(v.bestLapMs !== null && v.bestLapMs > 60_000 && v.bestLapMs < 120_000, `car ${v.index} best lap ${v.bestLapMs}`);
    assert.ok(v.speedKmh !== null && v.speedKmh > 0);
    assert.ok(v.tyreSurfaceC !== null && v.tyreSurfaceC.every((c) => c > 0));
    assert.notEqual(v.compound, "");
    assert.ok(v.x !== null && v.z !== null);
  }
  // Best lap = the best finished lap, never the last lap the game reports as best before history arrives.
  for (const c of s.cars.values()) {
    const laps = frames.filter((f) => f.labels?.carIndex === c.view.index && f.finishedLap?.valid).map((f) => f.finishedLap!.lapTimeMs!);
    if (laps.length > 0) assert.equal(c.view.bestLapMs, Math.min(...laps));
  }
  assert.equal(model.list(1_000)[0]!.track, s.info.track);
});

test("deltas carry only what changed; a new car is sent whole", () => {
  const model = new LiveModel();
  const frames = captureFrames();
  for (const f of frames.slice(0, 2000)) model.apply(f, 1_000);
  const s = [...model.sessions.values()][0]!;
  const pub = new PublishedSession();
  const first = pub.take(s);
  assert.equal(first.count, s.cars.size);
  assert.equal(pub.take(s).count, 0, "nothing changed, nothing sent");
  const car = [...s.cars.values()][3]!;
  car.view.speedKmh = 123.4;
  const third = pub.take(s);
  assert.deepEqual(Object.keys(third.cars), [String(car.view.index)]);
  assert.deepEqual(third.cars[car.view.index], { speedKmh: 123.4 });
  car.view.tyreWear = [1, 2, 3, 4];
  assert.deepEqual(pub.take(s).cars[car.view.index], { tyreWear: [1, 2, 3, 4] });
  car.view.tyreWear[2] = 9;
  assert.deepEqual(pub.take(s).cars[car.view.index], { tyreWear: [1, 2, 9, 4] }, "a change inside an array is seen");
});

test("the outline keeps one mean position per lap bin, in lap order", () => {
  const outline = new TrackOutline();
  for (let lap = 0; lap < 3; lap++) {
    for (let i = 0; i < 2000; i++) {
      const f = i / 2000;
      outline.add(f, 1000 * Math.cos(2 * Math.PI * f) + (lap - 1), 500 * Math.sin(2 * Math.PI * f));
    }
  }
  assert.equal(outline.coverage(), 1);
  const p = outline.points();
  assert.equal(p.length, 2 * OUTLINE_BINS);
  for (let i = 0; i < OUTLINE_BINS; i++) {
    const angle = Math.atan2(p[2 * i + 1]! / 500, p[2 * i]! / 1000);
    const f = (angle < 0 ? angle + 2 * Math.PI : angle) / (2 * Math.PI);
    assert.ok(Math.abs(f - (i + 0.5) / OUTLINE_BINS) < 1.5 / OUTLINE_BINS, `bin ${i} sits at lap fraction ${f}`);
  }
  outline.add(Number.NaN, 1, 1);
  outline.add(1.5, 1, 1);
  outline.add(0.5, Number.POSITIVE_INFINITY, 1);
  assert.equal(outline.points().length, 2 * OUTLINE_BINS, "bad samples are ignored");
});

test("a trace ring hands out samples since a cursor, and only the last capacity of them", () => {
  const ring = new TraceRing();
  for (let i = 0; i < 10; i++) ring.push(i, i * 10, 0.5, 0);
  assert.deepEqual(ring.since(8), [8, 80, 0.5, 0, 9, 90, 0.5, 0]);
  for (let i = 10; i < TRACE_CAPACITY + 100; i++) ring.push(i, 1, 0, 1);
  const all = ring.since(0);
  assert.equal(all.length, TRACE_CAPACITY * 4);
  assert.equal(all[0], 100, "the oldest samples were overwritten");
});

async function startServer(options: Partial<ReturnType<typeof defaultLiveViewOptions>> = {}) {
  const model = new LiveModel();
  const server = new LiveViewServer(model, { ...defaultLiveViewOptions(), port: 0, updatesPerSecond: 20, ...options });
  await server.start();
  return { model, server };
}

function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: ServerMessage[] }> {
  const ws = new WebSocket(url, { headers });
  const messages: ServerMessage[] = [];
  ws.on("message", (d) => messages.push(JSON.parse(d.toString()) as ServerMessage));
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, messages }));
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

async function until(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("the server: hello and sessions on connect, a snapshot on watch, then deltas with the selected car's trace", async () => {
  const { model, server } = await startServer();
  try {
    const frames = captureFrames();
    const { ws, messages } = await connect(`ws://127.0.0.1:${server.port}/ws`);
    await until("hello and sessions", () => messages.length >= 2);
    assert.equal(messages[0]!.t, "hello");
    assert.deepEqual(messages[1], { t: "sessions", list: [] });
    for (const f of frames.slice(0, 3000)) model.apply(f, Date.now());
    await until("the session list", () => messages.some((m) => m.t === "sessions" && m.list.length === 1));
    const id = [...model.sessions.keys()][0]!;
    ws.send(JSON.stringify({ t: "watch", session: id, car: 0 }));
    await until("a snapshot", () => messages.some((m) => m.t === "snapshot"));
    const snap = messages.find((m) => m.t === "snapshot") as Extract<ServerMessage, { t: "snapshot" }>;
    assert.equal(snap.cars.length, 20);
    for (const f of frames.slice(3000)) model.apply(f, Date.now());
    await until("updates and a trace", () => messages.some((m) => m.t === "update") && messages.some((m) => m.t === "trace" && m.samples.length > 0));
    const trace = messages.find((m) => m.t === "trace") as Extract<ServerMessage, { t: "trace" }>;
    assert.equal(trace.car, 0);
    assert.equal(trace.samples.length % 4, 0);
    ws.close();
  } finally {
    await server.stop();
  }
});

test("the server refuses other sites' pages, a wrong token, bad messages and clients beyond the cap", async () => {
  const token = "abcdefghijklmnopqrstuv";
  const { server } = await startServer({ token, maxClients: 2 });
  try {
    const base = `ws://127.0.0.1:${server.port}/ws`;
    await assert.rejects(connect(base), /HTTP 403/, "no token");
    await assert.rejects(connect(`${base}?token=wrong`), /HTTP 403/);
    await assert.rejects(connect(`${base}?token=${token}`, { origin: "http://evil.example" }), /HTTP 403/);
    const a = await connect(`${base}?token=${token}`, { origin: `http://127.0.0.1:${server.port}` });
    const b = await connect(`${base}?token=${token}`);
    const c = await connect(`${base}?token=${token}`);
    const [code] = (await once(c.ws, "close")) as [number];
    assert.equal(code, 1013, "the third client is told to come back later");
    assert.equal(server.counters.clientsRefused, 1);
    b.ws.send("not json");
    const [badCode] = (await once(b.ws, "close")) as [number];
    assert.equal(badCode, 1008);
    assert.equal(server.counters.badMessages, 1);
    a.ws.close();
    assert.throws(() => new LiveViewServer(new LiveModel(), { ...defaultLiveViewOptions(), host: "0.0.0.0" }), /needs a token/);
    const page = await fetch(`http://127.0.0.1:${server.port}/../../etc/passwd`);
    assert.equal(page.status === 404 || page.status === 200, true);
    assert.doesNotMatch(await page.text(), /root:/);
  } finally {
    await server.stop();
  }
});

test("a browser that stops reading is skipped, not buffered without end, and gets a snapshot when it reads again", async () => {
  const { model, server } = await startServer({ maxBufferedBytes: 64 * 1024 });
  try {
    const frames = captureFrames();
    for (const f of frames.slice(0, 3000)) model.apply(f, Date.now());
    const id = [...model.sessions.keys()][0]!;
    const { ws, messages } = await connect(`ws://127.0.0.1:${server.port}/ws`);
    ws.send(JSON.stringify({ t: "watch", session: id, car: 1 }));
    await until("a snapshot", () => messages.some((m) => m.t === "snapshot"));
    // Stop reading: the kernel buffers fill, then the server's queue for this socket.
    (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const t0 = Date.now();
    let i = 3000;
    while (server.counters.updatesSkipped === 0 && Date.now() - t0 < 20_000) {
      for (const f of frames.slice(i, i + 200)) model.apply({ ...f, receiveTimeUnixNano: Date.now() * 1e6 } as racetel.v1.Frame, Date.now());
      i = i + 200 >= frames.length ? 3000 : i + 200;
      // Change every car in a big way so each tick sends ~200 KB and the socket's buffers fill quickly.
      for (const s of model.sessions.values()) for (const c of s.cars.values()) c.view.team = `${Math.random()}`.repeat(500);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(server.counters.updatesSkipped > 0, "updates to the stalled browser were skipped");
    const snapshotsBefore = server.counters.snapshotsSent;
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await until("a fresh snapshot after catching up", () => server.counters.snapshotsSent > snapshotsBefore, 10_000);
    ws.close();
  } finally {
    await server.stop();
  }
});

test("a real Formula 1 session (F1 live timing, the 2025 Mexico City GP qualifying archive): named cars in the final order, real times, the yellow flag", async () => {
  const { readArchive, archiveMessage } = await import("@racetel/ingest/sources/f1-livetiming/archive");
  const { F1LiveTimingDecoder } = await import("@racetel/ingest/sources/f1-livetiming/decoder");
  const { sharedDir } = await import("../../ingest/test/f1/helpers.js");
  const path = await import("node:path");
  const model = new LiveModel();
  const archive = readArchive(path.join(sharedDir(), "captures", "f1-livetiming", "2025-mexico-q"));
  const decoder = new F1LiveTimingDecoder({ sink: { emit: (f) => model.apply(racetel.v1.Frame.create(f as racetel.v1.IFrame), Number(f.receiveTimeUnixNano) / 1e6) }, drops: { drop: () => {} }, advice: { once: () => {} } }, { source: "f1-livetiming:test" });
  // The first 9 minutes: the yellow flag (00:05:17) among the events, before 50 newer ones push it out.
  let i = 0;
  for (; i < archive.lines.length && archive.lines[i]!.offsetMs < 9 * 60_000; i++) decoder.handle(archiveMessage(archive, archive.lines[i]!));
  decoder.flush();
  const early = model.sessions.get("f1lt-9873")!;
  assert.ok(early.events.some((e) => e.type === "flag" && /yellow/i.test(e.text)), `the yellow flag in the events: ${early.events.map((e) => e.text).join(" / ")}`);
  for (; i < archive.lines.length; i++) decoder.handle(archiveMessage(archive, archive.lines[i]!));
  decoder.flush();
  const s = model.sessions.get("f1lt-9873")!;
  assert.equal(s.info.game, "f1_live_timing");
  assert.equal(s.info.track, "Mexico City");
  assert.equal(s.info.sessionType, "qualifying");
  assert.equal(s.cars.size, 20);
  const byPosition = [...s.cars.values()].map((c) => c.view).sort((a, b) => a.position! - b.position!);
  assert.deepEqual(byPosition.slice(0, 3).map((v) => v.driver), ["Lando NORRIS", "Charles LECLERC", "Lewis HAMILTON"]);
  assert.equal(byPosition[0]!.bestLapMs, 75_586);
  assert.ok(byPosition.every((v) => v.speedKmh !== null && v.x !== null), "speed and a position on the map for every car");
  assert.ok(s.events.some((e) => e.type === "chequered_flag"), "the chequered flag");
});

test("insights rpc hands over: rounded into the car's view, NaN as null, the pit window as a pair, raised ones in the events", () => {
  const model = new LiveModel();
  const labels = { sessionId: "s-ins", carIndex: 2, driver: "Driver Two", game: racetel.v1.Game.GAME_F1 };
  model.apply(racetel.v1.Frame.create({ labels, receiveTimeUnixNano: T0_NS, lap: { lapNumber: 3, position: 4 } }), 1_000);
  const reading = { fuelPerLap: 1.91234, fuelSpareLaps: -1.2345, pitOpen: 12, pitClose: 15, lapsToLimit: [16.04, 16.04, 18.87, 18.87], temperatureState: [1, 0, 0, -1], anomalies: 1 };
  model.noteInsights("s-ins", 2, reading);
  const v = model.sessions.get("s-ins")!.cars.get(2)!.view;
  assert.deepEqual([v.fuelPerLap, v.fuelSpareLaps, v.pitWindow, v.tyreLapsToLimit, v.tyreWindow, v.anomalies], [1.912, -1.2, [12, 15], [16, 16, 18.9, 18.9], [1, 0, 0, -1], 1]);
  model.noteInsights("s-ins", 2, { ...reading, fuelPerLap: Number.NaN, pitOpen: Number.NaN, lapsToLimit: [Number.NaN, 0, 0, 0] });
  assert.deepEqual([v.fuelPerLap, v.pitWindow, v.tyreLapsToLimit], [null, null, null]);
  // Unknown session or car: nothing happens.
  model.noteInsights("nope", 2, reading);
  model.insightEvent("s-ins", 2, "damage", "front_left_wing", 0.45, 2_000);
  model.insightEvent("s-ins", 2, "tyre_hot", "front_left", 128, 2_100);
  const events = model.sessions.get("s-ins")!.events;
  assert.deepEqual(events.slice(0, 2).map((e) => [e.type, e.driver, e.text]), [
    ["insight_tyre_hot", "Driver Two", "front left tyre above its window (128 °C)"],
    ["insight_damage", "Driver Two", "damage: front left wing 45%"],
  ]);
});
