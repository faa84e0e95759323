// UDP receive benchmark: how many simulated 60 Hz consoles one ingest process takes with zero loss.
//
// The ingest service (real F1Decoder, frame batcher with FrameWriter, batches counted and discarded)
// runs in this process on 127.0.0.1; a child process plays N consoles, each from its own UDP socket,
// replaying the real F1 23 race capture with a distinct sessionUID patched in. The capture was sent
// at ~10 Hz, so its timeline is compressed 6x to 60 Hz (every packet type scales, which is a little
// more than a real console sends). Consoles are phase-shifted across one frame period. N grows until
// datagrams are lost (received < sent) or the sender cannot keep the schedule.
// Prints figures only; asserts nothing about speed. Machines are shared: figures are noisy.
import { fork } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dumpPath = path.join(process.env.RACETEL_SHARED_DIR ?? path.resolve(repoRoot, "../shared"), "captures/f1-23/race-20cars-v1.21.dump");
const SPEEDUP = 6; // capture ~10 Hz -> 60 Hz
const STEP_SECONDS = Number(process.env.RACETEL_BENCH_STEP_S ?? 3);
const CONSOLE_STEPS = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128];

interface StepRequest { port: number; consoles: number; seconds: number }
interface StepResult { sent: number; scheduled: number; sendErrors: number; maxLagMs: number; seconds: number }

// ---------------------------------------------------------------- sender (child process)
async function runSender(): Promise<void> {
  const { splitF1Dump } = await import("../src/sources/f1/index.js");
  const datagrams = splitF1Dump(readFileSync(dumpPath));
  const t0 = datagrams[0]!.readFloatLE(15);
  const offsetsMs = datagrams.map((d) => ((d.readFloatLE(15) - t0) * 1000) / SPEEDUP);
  const loopMs = offsetsMs[offsetsMs.length - 1]! + 1000 / 60;

  process.on("message", async (msg: StepRequest) => {
    const consoles: { socket: Socket; packets: Buffer[]; phaseMs: number }[] = [];
    for (let i = 0; i < msg.consoles; i++) {
      const socket = createSocket("udp4");
      await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
      const packets = datagrams.map((d) => {
        const copy = Buffer.from(d);
        copy.writeBigUInt64LE(0x5241434554454c00n + BigInt(i), 7); // distinct sessionUID per console
        return copy;
      });
      consoles.push({ socket, packets, phaseMs: ((i % 16) * (1000 / 60)) / 16 + Math.floor(i / 16) * 0.37 });
    }
    let sent = 0;
    let sendErrors = 0;
    let maxLagMs = 0;
    const next = new Array<number>(msg.consoles).fill(0);
    const start = performance.now();
    const endMs = msg.seconds * 1000;
    const onSent = (err: Error | null): void => { if (err) sendErrors++; };
    while (true) {
      const now = performance.now() - start;
      if (now >= endMs) break;
      for (let c = 0; c < consoles.length; c++) {
        const con = consoles[c]!;
        while (true) {
          const k = next[c]!;
          const loop = Math.floor(k / con.packets.length);
          const due = con.phaseMs + loop * loopMs + offsetsMs[k % con.packets.length]!;
          if (due > now || due >= endMs) break;
          maxLagMs = Math.max(maxLagMs, now - due);
          con.socket.send(con.packets[k % con.packets.length]!, msg.port, "127.0.0.1", onSent);
          sent++;
          next[c] = k + 1;
        }
      }
      await sleep(1);
    }
    await sleep(100);
    for (const con of consoles) con.socket.close();
    // What the schedule asked for in the window, to tell a slow sender from a slow receiver.
    let scheduled = 0;
    for (const con of consoles) {
      for (let k = 0; ; k++) {
        const due = con.phaseMs + Math.floor(k / con.packets.length) * loopMs + offsetsMs[k % con.packets.length]!;
        if (due >= endMs) break;
        scheduled++;
      }
    }
    const result: StepResult = { sent, scheduled, sendErrors, maxLagMs, seconds: (performance.now() - start) / 1000 };
    process.send!(result);
  });
  process.send!("ready");
}

// ---------------------------------------------------------------- receiver (this process)
async function runBench(): Promise<void> {
  const { defaultConfig } = await import("../src/config/ingest-config.js");
  const { createLogger } = await import("../src/observability/logger.js");
  const { IngestService } = await import("../src/service/ingest-service.js");
  const { defaultSourceDecoders } = await import("../src/service/source-decoders.js");
  readFileSync(dumpPath); // fail early and clearly when ../shared is missing

  const config = defaultConfig();
  config.f1 = { host: "127.0.0.1", port: 0 };
  config.http = { host: "127.0.0.1", port: 0 };
  let frames = 0;
  const service = new IngestService({ config, logger: createLogger("error"), output: { sendBatch: (_b, n) => void (frames += n) }, decoders: { f1: defaultSourceDecoders().f1 } });
  const ports = await service.start();
  const granted = ports.f1RecvBufferBytes;

  const sender = fork(fileURLToPath(import.meta.url), ["--sender"], { execArgv: process.execArgv, stdio: "inherit" });
  await new Promise<void>((r) => sender.once("message", () => r()));
  const step = (request: StepRequest): Promise<StepResult> => new Promise((resolve) => {
    sender.once("message", (m) => resolve(m as StepResult));
    sender.send(request);
  });

  console.log(`UDP receive: real F1 23 race capture at 60 Hz per console (6x time-compressed), ${STEP_SECONDS} s per step, loopback 127.0.0.1`);
  console.log(`kernel receive buffer granted: ${granted} bytes (asked ${config.recvBufferBytes}); node ${process.version}; 2 shared cores, figures noisy`);
  console.log("consoles  sent      received  lost   packets/s  frames/s   sender: sent/scheduled, max lag");
  let best: { consoles: number; rate: number; frameRate: number } | undefined;
  for (const consoles of CONSOLE_STEPS) {
    const before = service.counters.packetsReceived;
    const framesBefore = frames;
    const result = await step({ port: ports.f1, consoles, seconds: STEP_SECONDS });
    await sleep(500); // let the socket drain
    const received = service.counters.packetsReceived - before;
    const lost = result.sent - received;
    const rate = received / result.seconds;
    const frameRate = (frames - framesBefore) / result.seconds;
    // One late wake-up on a busy machine is noise; a sender that cannot send what was scheduled is not.
    const lagging = result.sent < result.scheduled * 0.98;
    console.log(`${String(consoles).padStart(8)}  ${String(result.sent).padEnd(8)}  ${String(received).padEnd(8)}  ${String(lost).padEnd(5)}  ${rate.toFixed(0).padStart(9)}  ${frameRate.toFixed(0).padStart(9)}  ${((100 * result.sent) / result.scheduled).toFixed(1)}%, ${result.maxLagMs.toFixed(1)} ms${lagging ? " (sender behind schedule)" : ""}`);
    if (lost > 0 || result.sendErrors > 0) break;
    best = { consoles, rate, frameRate };
    if (lagging) {
      console.log("sender could not keep the 60 Hz schedule: stopping (the limit measured is the sender's, not ingest's)");
      break;
    }
  }
  sender.kill();
  await service.stop();
  if (best) console.log(`largest N with zero loss: ${best.consoles} consoles at 60 Hz = ${best.rate.toFixed(0)} packets/s delivered (${best.frameRate.toFixed(0)} frames/s decoded and encoded)`);
  else console.log("loss already with 1 console");
  const drops = [...service.counters.packetsDroppedByReason].map(([r, n]) => `${r}=${n}`).join(" ") || "none";
  console.log(`decoder drops over the whole run: ${drops}`);
}

if (process.argv.includes("--sender")) await runSender();
else await runBench();
