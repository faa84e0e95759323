// Runs N simulated consoles at once: over real UDP (one socket, so one source port, per console) or into a
// .rtcap capture. Wall-clock pacing at --speed; at "max" it sends as fast as the kernel takes datagrams.
import { createSocket, type Socket } from "node:dgram";
import { writeFile } from "node:fs/promises";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { RtcapWriter } from "../capture/rtcap-writer.js";
import { RecordKind } from "../capture/rtcap-format.js";
import type { SimulateConfig } from "./options.js";
import type { RaceModel } from "./model.js";
import type { ScenarioTruth } from "./scenarios.js";
import { simulateSession, simulatedSessionUid, type SimulatedDatagram } from "./session.js";

/** The ground truth of one console's race, as --truth writes it. */
export interface SessionTruth {
  /** The session id racetel gives it (the sessionUID in decimal). */
  sessionId: string;
  fuelPerLapKg: number;
  truth: ScenarioTruth[];
}

export interface RunProgress {
  sent: number;
  bytes: number;
  /** Session time reached by the slowest console, seconds. */
  sessionTimeS: number;
  sessionsDone: number;
}

export interface RunResult extends RunProgress {
  /** Source ports used (one per console), empty when writing a capture. */
  sourcePorts: number[];
  wallMs: number;
}

interface Console {
  it: Iterator<SimulatedDatagram, void, undefined>;
  next: SimulatedDatagram | undefined;
  socket: Socket | undefined;
  /** Source port (0 when writing a capture). */
  port: number;
  sender: string;
}

/** Datagrams handed to the kernel before waiting for its callbacks (bounds memory at --speed max). */
const MAX_IN_FLIGHT = 64;
/** Datagrams sent at --speed max between two turns of the event loop (a power of two). */
const MAX_SPEED_BURST = 16;
/** Capture timestamps start here (ns since the Unix epoch): a fixed base keeps captures reproducible. */
const CAPTURE_EPOCH_NS = 1.7e18;

/** Sends (or records) every console's session to the end. `onProgress` is called often; keep it cheap. */
export async function runSimulation(config: SimulateConfig, onProgress?: (p: RunProgress) => void, signal?: AbortSignal): Promise<RunResult> {
  const started = performance.now();
  const writer = config.out !== undefined ? new RtcapWriter(config.out) : undefined;
  if (writer) await writer.ready();
  const consoles: Console[] = [];
  // Resolve a host name once, not per datagram (dgram would look it up on every send).
  const target = { port: config.to.port, address: config.to.host, family: isIP(config.to.host) };
  if (!writer && target.family === 0) {
    const resolved = await lookup(config.to.host);
    target.address = resolved.address;
    target.family = resolved.family;
  }
  const family = target.family === 6 ? "udp6" : "udp4";
  const models: (RaceModel | undefined)[] = [];
  for (let i = 0; i < config.sessions; i++) {
    const it = simulateSession({ format: config.format, cars: config.cars, laps: config.laps, track: config.track, rate: config.rate, seed: config.seed, sessionIndex: i, scenarios: config.scenarios },
      (model) => { models[i] = model; });
    let socket: Socket | undefined;
    let sender = `simulator:${i}`;
    let port = 0;
    if (!writer) {
      socket = createSocket(family);
      await new Promise<void>((resolve, reject) => { socket!.once("error", reject); socket!.bind(0, () => { socket!.off("error", reject); resolve(); }); });
      port = socket.address().port;
      sender = `${socket.address().address}:${port}`;
    }
    consoles.push({ it, next: undefined, socket, port, sender });
  }
  const progress: RunProgress = { sent: 0, bytes: 0, sessionTimeS: 0, sessionsDone: 0 };
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let sendError: Error | undefined;
  const onSent = (err: Error | null): void => {
    inFlight--;
    if (err && !sendError) sendError = err;
    if (drained && inFlight <= MAX_IN_FLIGHT / 2) { const d = drained; drained = undefined; d(); }
  };
  // Datagrams are copied into a pool slot: the generator reuses its buffers, the kernel may send later.
  const pool: Buffer[] = Array.from({ length: MAX_IN_FLIGHT * 2 }, () => Buffer.alloc(2048));
  let poolNext = 0;
  const wallStart = performance.now();
  const advance = (c: Console): void => {
    const r = c.it.next();
    c.next = r.done ? undefined : r.value;
    if (r.done) progress.sessionsDone++;
  };
  for (const c of consoles) advance(c);
  try {
    while (!signal?.aborted) {
      // Earliest datagram across consoles (ties: lower console index) keeps the merged stream in time order.
      let pick: Console | undefined;
      for (const c of consoles) if (c.next && (!pick || c.next.timeMs < pick.next!.timeMs)) pick = c;
      if (!pick) break;
      const d = pick.next!;
      // A capture file keeps the session's own times: writing it waits for nothing.
      if (config.speed !== Infinity && !writer) {
        const waitMs = wallStart + d.timeMs / config.speed - performance.now();
        if (waitMs > 2) await sleep(waitMs);
      }
      if (sendError) throw sendError;
      if (writer) {
        writer.write(RecordKind.F1UdpDatagram, CAPTURE_EPOCH_NS + Math.round(d.timeMs * 1e6), pick.sender, d.data);
        if ((progress.sent & 1023) === 1023) await sleep(0); // let the file stream drain
      } else {
        const slot = pool[poolNext] as Buffer;
        poolNext = (poolNext + 1) % pool.length;
        d.data.copy(slot);
        inFlight++;
        pick.socket!.send(slot, 0, d.data.length, target.port, target.address, onSent);
        if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => { drained = resolve; });
      }
      progress.sent++;
      progress.bytes += d.data.length;
      advance(pick);
      if ((progress.sent & 255) === 0) {
        let slowest = Infinity;
        for (const c of consoles) if (c.next) slowest = Math.min(slowest, c.next.timeMs / 1000);
        progress.sessionTimeS = slowest === Infinity ? progress.sessionTimeS : slowest;
        onProgress?.(progress);
      }
      // At max speed, give the event loop a turn every few datagrams: a receiver in this process (a test,
      // an embedding) then reads them before the socket buffer overflows (libuv reads up to 32 per turn).
      if (config.speed === Infinity && !writer && (progress.sent & (MAX_SPEED_BURST - 1)) === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    while (inFlight > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if (sendError) throw sendError;
  } finally {
    for (const c of consoles) { c.it.return?.(); c.socket?.close(); }
    if (writer) await writer.close();
  }
  onProgress?.(progress);
  if (config.truth !== undefined) {
    const truth: SessionTruth[] = models.map((m, i) => ({ sessionId: simulatedSessionUid(config.seed, i).toString(), fuelPerLapKg: m?.fuelPerLap ?? 0, truth: m?.truth ?? [] }));
    await writeFile(config.truth, JSON.stringify({ scenarios: config.scenarios, sessions: truth }, null, 2) + "\n");
  }
  return { ...progress, sourcePorts: consoles.map((c) => c.port).filter((p) => p > 0), wallMs: performance.now() - started };
}
