// The live F1 live-timing client against a local server that speaks the feed's SignalR protocol (negotiate,
// connect, subscribe) and plays the real 2023 Monaco FP2 recording (../shared/captures, fp2.txt: what the
// feed sent, frame by frame). The live service is not reachable from CI: this server stands in for it. The
// client must yield exactly the frames that decoding the recording directly yields, and survive a dropped
// connection (it negotiates and subscribes again).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { WebSocketServer } from "ws";
import { F1LiveTimingDecoder } from "@racetel/ingest/sources/f1-livetiming/decoder";
import { LiveTimingClient, decodingHandler, forEachSignalrMessage, handleSignalrFrame } from "@racetel/ingest/sources/f1-livetiming/signalr";
import { ArchiveWriter } from "@racetel/ingest/sources/f1-livetiming/archive-writer";
import { archiveMessage, readArchive } from "@racetel/ingest/sources/f1-livetiming/archive";
import type { Frame } from "@racetel/ingest/sources/source";
import { sharedDir } from "../f1/helpers.js";

const recording = readFileSync(path.join(sharedDir(), "captures", "f1-livetiming", "2023-monaco-fp2-signalr", "fp2.txt"), "utf8")
  .split("\n").slice(3).filter((l) => l.startsWith("{"));
const NOW = Date.parse("2023-05-26T15:31:42Z");
const quiet = { info: () => {}, warn: () => {} };

function collector(): { frames: Frame[]; decoder: F1LiveTimingDecoder } {
  const frames: Frame[] = [];
  const decoder = new F1LiveTimingDecoder({ sink: { emit: (f) => frames.push(structuredClone(f)) }, drops: { drop: () => {} }, advice: { once: () => {} } }, { source: "f1-livetiming:test" });
  return { frames, decoder };
}

describe("F1 live timing over SignalR, against a local server playing the real Monaco FP2 recording", () => {
  let server: Server;
  let url = "";
  const negotiations: string[] = [];
  const subscriptions: unknown[] = [];
  let connections = 0;

  before(async () => {
    const wss = new WebSocketServer({ noServer: true });
    server = createServer((req, res) => {
      const u = new URL(req.url ?? "/", "http://x");
      if (u.pathname !== "/signalr/negotiate") { res.writeHead(404).end(); return; }
      negotiations.push(`${u.searchParams.get("clientProtocol")} ${u.searchParams.get("connectionData")}`);
      res.writeHead(200, { "content-type": "application/json", "set-cookie": "GCLB=abc; path=/" }).end(JSON.stringify({ Url: "/signalr", ConnectionToken: "token+/=", ConnectionId: "1", KeepAliveTimeout: 20, ProtocolVersion: "1.5" }));
    });
    server.on("upgrade", (req, socket, head) => {
      const u = new URL(req.url ?? "/", "http://x");
      if (u.pathname !== "/signalr/connect" || u.searchParams.get("connectionToken") !== "token+/=" || u.searchParams.get("transport") !== "webSockets" || req.headers.cookie !== "GCLB=abc") {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        connections++;
        const first = connections === 1;
        ws.on("message", (data) => {
          subscriptions.push(JSON.parse(data.toString()));
          // The first connection drops right after the subscribe: the client must come back.
          if (first) { ws.terminate(); return; }
          for (const line of recording) ws.send(line);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/signalr`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("negotiates, connects, subscribes, reconnects after a drop, and yields the frames of the recording", async () => {
    const direct = collector();
    let expectedMessages = 0;
    for (const line of recording) expectedMessages += handleSignalrFrame(direct.decoder, line, NOW);
    direct.decoder.flush();
    const live = collector();
    const client = new LiveTimingClient(decodingHandler(live.decoder), { url, logger: quiet, backoffInitialMs: 50, now: () => NOW });
    client.start();
    const deadline = Date.now() + 30_000;
    while (client.messages < expectedMessages && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await client.stop();
    assert.equal(client.connects, 2, "connected, dropped, connected again");
    assert.equal(negotiations.length, 2);
    assert.equal(negotiations[0], `1.5 ${JSON.stringify([{ name: "Streaming" }])}`);
    const sub = subscriptions[1] as { H: string; M: string; A: string[][] };
    assert.equal(sub.H, "Streaming");
    assert.equal(sub.M, "Subscribe");
    for (const topic of ["CarData.z", "Position.z", "TimingData", "DriverList", "SessionInfo", "RaceControlMessages"]) assert.ok(sub.A[0]!.includes(topic), topic);
    assert.equal(client.messages, expectedMessages);
    assert.ok(direct.frames.length > 10_000, `${direct.frames.length} frames in the recording`);
    assert.deepEqual(live.frames, direct.frames);
    // What the recording holds, read by racetel: 20 drivers of the 2023 Monaco GP FP2, car data and positions.
    assert.equal(new Set(live.frames.filter((f) => f.participant).map((f) => f.labels!.carIndex)).size, 20);
    assert.ok(live.frames.every((f) => f.labels!.sessionId === "f1lt-9088" && f.labels!.track === "Monte Carlo"), "session 9088 at Monte Carlo");
    // fp2.txt line 29 (../shared/README.md): car 44 at 2023-05-26T15:31:41.9539767Z, 7506 rpm, 82 km/h, gear 2, throttle 29 %, DRS 8 (closed).
    const t = Date.parse("2023-05-26T15:31:41.953Z") * 1e6 + 976_700;
    const s = live.frames.find((f) => f.labels!.carIndex === 44 && f.telemetry && Math.abs(Number(f.receiveTimeUnixNano) - t) < 1000)!.telemetry!;
    assert.equal(s.engineRpm, 7506);
    assert.ok(Math.abs(s.speedMps! - 82 / 3.6) < 1e-9);
    assert.equal(s.gear, 2);
    assert.equal(s.throttle, 0.29);
    assert.equal(s.drsOpen, false);
  });

  it("racetel record --f1-livetiming: the feed written as an archive folder decodes to the same samples", async () => {
    const direct = collector();
    let expected = 0;
    for (const line of recording) expected += handleSignalrFrame(direct.decoder, line, NOW);
    direct.decoder.flush();
    const dir = mkdtempSync(path.join(tmpdir(), "racetel-lt-record-"));
    try {
      const writer = new ArchiveWriter(dir);
      let written = 0;
      const client = new LiveTimingClient({ frame: (text, nowMs) => forEachSignalrMessage(text, nowMs, (topic, payload, utcMs) => { writer.write(topic, payload, utcMs); written++; }) },
        { url, logger: quiet, backoffInitialMs: 50, now: () => NOW });
      client.start();
      const deadline = Date.now() + 30_000;
      while (client.messages < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await client.stop();
      await writer.close();
      assert.equal(written, expected, "every message of the feed written");
      const replayed = collector();
      const archive = readArchive(dir);
      for (const line of archive.lines) replayed.decoder.handle(archiveMessage(archive, line));
      replayed.decoder.flush();
      // In time order; frames of one instant may come in another order (topics of one offset are read in a fixed order).
      const samples = (frames: Frame[]): string[] => frames.filter((f) => f.telemetry || f.motion).map((f) => JSON.stringify(f)).sort();
      assert.ok(samples(direct.frames).length > 10_000);
      const a = samples(replayed.frames);
      const b = samples(direct.frames);
      const setA = new Set(a);
      const setB = new Set(b);
      const onlyA = a.filter((x) => !setB.has(x));
      const onlyB = b.filter((x) => !setA.has(x));
      assert.deepEqual({ n: [a.length, b.length], onlyReplayed: onlyA.slice(0, 2), onlyDirect: onlyB.slice(0, 2) }, { n: [b.length, b.length], onlyReplayed: [], onlyDirect: [] }, "every car-data and position sample, at its own time");
      assert.equal(replayed.frames.filter((f) => f.participant).length, direct.frames.filter((f) => f.participant).length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
