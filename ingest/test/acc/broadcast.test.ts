import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import type { RemoteInfo } from "node:dgram";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { racetel } from "@racetel/proto";
import { AccBroadcastClient, defaultAccBroadcastConfig, parseBroadcastTarget } from "../../src/sources/acc-broadcast/client.js";
import { AccBroadcastDecoder, parseLapTime } from "../../src/sources/acc-broadcast/decoder.js";
import {
  Reader, gearOf, readBroadcastingEvent, readEntryList, readEntryListCar, readRealtimeCarUpdate, readRealtimeUpdate,
  readRegistrationResult, readTrackData,
} from "../../src/sources/acc-broadcast/protocol.js";
import { Recorder, sharedDir } from "./helpers.js";

const v1 = racetel.v1;

function captures(): Map<string, Buffer> {
  const dir = path.join(sharedDir(), "captures/acc-broadcasting");
  const out = new Map<string, Buffer>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".hex")).sort()) {
    out.set(f.slice(0, 2), Buffer.from(readFileSync(path.join(dir, f), "utf8").trim(), "hex"));
  }
  assert.equal(out.size, 7, `expected 7 captures in ${dir}`);
  return out;
}

test("the real broadcasting datagrams decode to the values the capture README states", () => {
  const c = captures();
  const r = new Reader();
  const reg = readRegistrationResult(r.reset(c.get("01")!, 1));
  assert.deepEqual([reg.connectionId, reg.success, reg.errorMessage], [5, true, ""]);
  assert.equal(r.remaining, 2, "01 carries two trailing bytes, ignored");

  const rt = readRealtimeUpdate(r.reset(c.get("02")!, 1));
  assert.equal(rt.sessionType, 10); // race
  assert.equal(rt.sessionEndTimeMs, 1_500_000);
  assert.deepEqual([rt.activeCameraSet, rt.activeCamera, rt.currentHudPage], ["set1", "Set1_Cam1", "Basic HUD"]);
  assert.deepEqual([rt.ambientTempC, rt.trackTempC], [30, 39]);
  assert.equal(r.remaining, 0);

  const car = readRealtimeCarUpdate(r.reset(c.get("03")!, 1));
  assert.equal(c.get("03")!.length, 89);
  assert.equal(car.carIndex, 0);
  assert.equal(car.gearByte, 1);
  assert.equal(gearOf(car.gearByte), -1);
  assert.ok(Math.abs(car.worldPosX - 132.756) < 1e-3 && Math.abs(car.worldPosY - 325.323) < 1e-3);
  assert.equal(car.carLocation, 2); // pit lane
  assert.equal(car.currentLap.lapTimeMs, 14646);
  assert.equal(r.remaining, 0);

  assert.equal(readEntryList(r.reset(c.get("04")!, 1)).carIndexes.length, 25);
  const track = readTrackData(r.reset(c.get("05")!, 1));
  assert.deepEqual([track.trackName, track.trackMeters], ["Red Bull Ring", 4318]);
  const entry = readEntryListCar(r.reset(c.get("06")!, 1));
  assert.equal(entry.teamName, "Black Falcon");
  assert.deepEqual(entry.drivers.map((d) => [d.firstName, d.lastName, d.shortName]), [["Luca", "Stolz", "STO"]]);
  const ev = readBroadcastingEvent(r.reset(c.get("07")!, 1));
  assert.deepEqual([ev.type, ev.message, ev.timeMs, ev.carIndex], [5, "01:33.695", 904977, 0]);
  assert.equal(parseLapTime(ev.message), 93695);
});

function decodeAll(order: string[]) {
  const c = captures();
  const rec = new Recorder();
  const decoder = new AccBroadcastDecoder(rec, "acc-broadcast:test");
  for (const id of order) assert.ok(decoder.decode(c.get(id)!, 1e18, "127.0.0.1:9000"), `decode ${id}`);
  return { rec, decoder };
}

function checkFrames(rec: Recorder): void {
  const session = rec.of("session").at(-1)!;
  assert.equal(session.session?.track, "Red Bull Ring");
  assert.equal(session.session?.trackLengthM, 4318);
  assert.equal(session.session?.sessionType, v1.SessionType.SESSION_TYPE_RACE);
  assert.equal(session.session?.sessionTimeLeftS, 1500);
  assert.equal(session.labels?.format, "acc-broadcast-4");
  assert.ok(Math.abs((session.session?.timeOfDayS ?? 0) - 54000) < 0.1, "time of day 15:00");
  assert.equal(rec.of("accSessionExtras").at(-1)!.accSessionExtras?.phase, "pre_formation");
  const p = rec.of("participant")[0]!;
  assert.equal(p.labels?.carIndex, 0);
  assert.equal(p.participant?.driverName, "Luca Stolz");
  assert.equal(p.participant?.driverShortName, "STO");
  assert.equal(p.participant?.teamName, "Black Falcon");
  assert.equal(p.participant?.carModel, "Mercedes-AMG GT3");
  assert.equal(p.participant?.raceNumber, 4);
  assert.equal(p.participant?.nationality, "Germany");
  assert.equal(p.participant?.carClass, "pro");
  assert.equal(p.participant?.driverCategory, "silver");
  const lap = rec.of("lap")[0]!;
  assert.equal(lap.labels?.driver, "Luca Stolz");
  assert.equal(lap.labels?.track, "Red Bull Ring");
  assert.equal(lap.lap?.position, 1);
  assert.equal(lap.lap?.classPosition, 1);
  assert.equal(lap.lap?.lapNumber, 1);
  assert.equal(lap.lap?.currentLapTimeMs, 14646);
  assert.equal(lap.lap?.lastLapTimeMs, 0);
  assert.equal(lap.lap?.pitStatus, v1.PitStatus.PIT_STATUS_PIT_LANE);
  const motion = rec.of("motion")[0]!.motion!;
  // The broadcast's map coordinates (x 132.756, y 325.323) on racetel's ground plane: x and z, y (up) 0.
  assert.ok(Math.abs(motion.positionM!.x! - 132.756) < 1e-3, `x ${motion.positionM!.x}`);
  assert.ok(Math.abs(motion.positionM!.z! - 325.323) < 1e-3, `z ${motion.positionM!.z}`);
  assert.equal(motion.positionM!.y ?? 0, 0);
  const ev = rec.of("event")[0]!;
  assert.equal(ev.event?.type, v1.SessionEventType.SESSION_EVENT_TYPE_LAP_COMPLETED);
  assert.equal(ev.event?.code, "LAPCOMPLETED");
  assert.equal(ev.event?.lapTimeMs, 93695);
  assert.equal(ev.event?.message, "01:33.695");
  assert.equal(ev.sessionTimeS, 904.977);
  assert.equal(ev.labels?.carIndex, 0);
  const ids = new Set(rec.frames.map((f) => f.labels?.sessionId));
  assert.equal(ids.size, 1);
  assert.match([...ids][0]!, /^\d+$/);
}

test("the real datagrams, decoded in protocol order, give session, participant, lap, motion and event frames", () => {
  const { rec, decoder } = decodeAll(["01", "05", "04", "06", "02", "03", "07"]);
  assert.equal(decoder.registration?.connectionId, 5);
  assert.equal(decoder.needsTrackData, false);
  assert.equal(decoder.needsEntryList, false);
  assert.equal(rec.dropped.size, 0);
  checkFrames(rec);
});

test("a car update for a car the entry list does not describe asks for the entry list", () => {
  const { decoder } = decodeAll(["01", "05", "03"]);
  assert.equal(decoder.needsEntryList, true);
});

test("participants that arrived before the first realtime update are sent with the session id", () => {
  const { rec } = decodeAll(["01", "04", "06", "05", "02", "03", "07"]);
  checkFrames(rec);
  assert.equal(rec.of("participant").length, 1);
});

test("truncated or garbage broadcasting datagrams are counted drops, never exceptions", () => {
  const c = captures();
  const rec = new Recorder();
  const decoder = new AccBroadcastDecoder(rec);
  for (const [id, bytes] of c) {
    const cut = id === "01" ? 5 : bytes.length - 1;
    assert.equal(decoder.decode(bytes.subarray(0, cut), 0, "x"), false, `truncated ${id}`);
  }
  assert.equal(rec.dropped.get("too_short"), 7);
  const badUtf8 = Buffer.from(c.get("07")!);
  badUtf8[4] = 0xff; // inside "01:33.695"
  assert.equal(decoder.decode(badUtf8, 0, "x"), false);
  assert.equal(decoder.decode(Buffer.from([0x63, 1, 2]), 0, "x"), false);
  assert.equal(decoder.decode(Buffer.alloc(0), 0, "x"), false);
  assert.equal(rec.dropped.get("garbage_string"), 1);
  assert.equal(rec.dropped.get("unknown_message_type"), 1);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 7 }), (bytes, type) => {
    const packet = Buffer.from([type, ...bytes]);
    assert.equal(typeof decoder.decode(packet, 0, "x"), "boolean");
  }), { numRuns: 1000 });
});

interface Peer { port: number; received: Buffer[]; send(bytes: Buffer, to: RemoteInfo): void; close(): void; next(): Promise<[Buffer, RemoteInfo]> }

/** A UDP peer on loopback standing in for the game. */
async function startPeer(): Promise<Peer> {
  const socket = createSocket("udp4");
  const received: Buffer[] = [];
  const waiting: ((m: [Buffer, RemoteInfo]) => void)[] = [];
  const queue: [Buffer, RemoteInfo][] = [];
  socket.on("message", (msg, rinfo) => {
    received.push(msg);
    const w = waiting.shift();
    if (w) w([msg, rinfo]); else queue.push([msg, rinfo]);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    port: socket.address().port, received,
    send: (bytes, to) => socket.send(bytes, to.port, to.address),
    close: () => socket.close(),
    next: () => new Promise((resolve, reject) => {
      const q = queue.shift();
      if (q) { resolve(q); return; }
      const timer = setTimeout(() => reject(new Error("peer: no datagram within 5 s")), 5000);
      waiting.push((m) => { clearTimeout(timer); resolve(m); });
    }),
  };
}

function str(text: string): Buffer {
  const b = Buffer.from(text, "utf8");
  return Buffer.concat([Buffer.from([b.length & 0xff, b.length >> 8]), b]);
}

test("the real client registers with a peer on loopback, requests what it lacks, turns the replies into frames, unregisters", { timeout: 30_000 }, async () => {
  const peer = await startPeer();
  const rec = new Recorder();
  const client = new AccBroadcastClient({ ...defaultAccBroadcastConfig(), host: "127.0.0.1", port: peer.port,
    displayName: "racetel-test", connectionPassword: "secret", commandPassword: "cmd", updateIntervalMs: 100 }, rec);
  const c = captures();
  try {
    await client.start();
    const [reg, from] = await peer.next();
    const expected = Buffer.concat([Buffer.from([1, 4]), str("racetel-test"), str("secret"), Buffer.from([100, 0, 0, 0]), str("cmd")]);
    assert.deepEqual(reg, expected, "REGISTER_COMMAND_APPLICATION bytes");
    peer.send(c.get("01")!, from); // connection id 5
    const requests = [(await peer.next())[0], (await peer.next())[0]].map((b) => b.toString("hex")).sort();
    assert.deepEqual(requests, ["0a05000000", "0b05000000"], "REQUEST_ENTRY_LIST and REQUEST_TRACK_DATA for connection 5");
    assert.equal(client.connected, true);
    for (const id of ["05", "04", "06", "02", "03", "07"]) peer.send(c.get(id)!, from);
    const deadline = Date.now() + 5000;
    while (rec.of("event").length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    checkFrames(rec);
    await client.stop();
    const [unreg] = await peer.next();
    assert.equal(unreg.toString("hex"), "0905000000", "UNREGISTER_COMMAND_APPLICATION for connection 5");
  } finally {
    await client.stop();
    peer.close();
  }
});

test("the client registers again when the game goes quiet", { timeout: 30_000 }, async () => {
  const peer = await startPeer();
  const rec = new Recorder();
  const client = new AccBroadcastClient({ ...defaultAccBroadcastConfig(), host: "127.0.0.1", port: peer.port,
    updateIntervalMs: 50, silenceTimeoutMs: 300 }, rec);
  try {
    await client.start();
    const [first, from] = await peer.next();
    assert.equal(first[0], 1);
    peer.send(captures().get("01")!, from);
    await peer.next(); await peer.next(); // the two requests
    const [again] = await peer.next(); // nothing more from the "game": a new registration
    assert.equal(again[0], 1);
    assert.equal(client.registrations, 2);
    assert.equal(client.connected, false);
  } finally {
    await client.stop();
    peer.close();
  }
});

test("config: bad broadcasting settings are clear errors at start-up", () => {
  assert.deepEqual(parseBroadcastTarget("192.168.1.20"), { host: "192.168.1.20", port: 9000 });
  assert.deepEqual(parseBroadcastTarget("[::1]:9001"), { host: "::1", port: 9001 });
  assert.throws(() => parseBroadcastTarget("a:b:c"), /--acc-broadcast must be HOST\[:PORT\]/);
  const rec = new Recorder();
  assert.throws(() => new AccBroadcastClient({ ...defaultAccBroadcastConfig(), updateIntervalMs: 0 }, rec), /update interval 0 ms/);
});

test("the session id is derived once: TRACK_DATA arriving after the first realtime update does not split the session", () => {
  // Realtime update first (no track known yet), then track data, then a car.
  const { rec } = decodeAll(["01", "04", "06", "02", "05", "03", "07"]);
  const ids = new Set(rec.frames.map((f) => f.labels?.sessionId));
  assert.equal(ids.size, 1, `one session id, got ${[...ids].join(", ")}`);
  assert.equal(rec.of("lap")[0]!.labels?.track, "Red Bull Ring", "the track label follows once known");
});

test("gap to the leader and interval for every car in a race, from timing lines on the spline", () => {
  const c = captures();
  const rec = new Recorder();
  const decoder = new AccBroadcastDecoder(rec, "acc-broadcast:test");
  for (const id of ["01", "05", "04", "06", "02"]) assert.ok(decoder.decode(c.get(id)!, 1e18, "127.0.0.1:9000"));
  const template = c.get("03")!;
  const update = (car: number, position: number, laps: number, spline: number): Buffer => {
    const d = Buffer.from(template);
    d.writeUInt16LE(car, 1);
    d.writeUInt16LE(position, 22);
    d.writeFloatLE(spline, 28);
    d.writeUInt16LE(laps, 32);
    d[19] = 1; // on track
    return d;
  };
  // Three cars on a 90 s lap, car 1 2.0 s behind car 0, car 2 0.5 s behind car 1; updates every 100 ms.
  const lapS = 90;
  const behind = [0, 2, 2.5];
  for (let ms = 0; ms <= 30_000; ms += 100) {
    for (const car of [0, 1, 2]) {
      const progress = Math.max(0, ms / 1000 - behind[car]!) / lapS + 3; // on lap 4 (3 laps done)
      decoder.decode(update(car, car + 1, Math.floor(progress), progress % 1), 1e18 + ms * 1e6, "127.0.0.1:9000");
    }
  }
  const last = (car: number) => rec.of("lap").filter((f) => f.labels?.carIndex === car).at(-1)!.lap!;
  assert.equal(last(0).gapToLeaderMs ?? 0, 0, "the leader has no gap");
  assert.ok(Math.abs(last(1).gapToLeaderMs! - 2000) <= 100, `car 1: ${last(1).gapToLeaderMs} ms behind the leader`);
  assert.ok(Math.abs(last(1).gapToCarAheadMs! - 2000) <= 100);
  assert.ok(Math.abs(last(2).gapToLeaderMs! - 2500) <= 100, `car 2: ${last(2).gapToLeaderMs} ms behind the leader`);
  assert.ok(Math.abs(last(2).gapToCarAheadMs! - 500) <= 100, `car 2: ${last(2).gapToCarAheadMs} ms behind car 1`);
});

test("the client takes datagrams from the game's address only: a spoofed sender on another port is never decoded", { timeout: 30_000 }, async () => {
  const peer = await startPeer();
  const stranger = await startPeer();
  const rec = new Recorder();
  const client = new AccBroadcastClient({ ...defaultAccBroadcastConfig(), host: "127.0.0.1", port: peer.port, updateIntervalMs: 100 }, rec);
  try {
    await client.start();
    const [, from] = await peer.next();
    stranger.send(captures().get("01")!, from); // a registration result from someone else
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(client.connected, false, "the stranger's reply was not taken");
    peer.send(captures().get("01")!, from);
    const deadline = Date.now() + 5000;
    while (!client.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(client.connected, true, "the game's own reply is");
  } finally {
    await client.stop();
    peer.close();
    stranger.close();
  }
});
