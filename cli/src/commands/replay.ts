// `racetel replay`: send a capture's datagrams over real UDP, keeping their timing; or, with --rpc, decode
// it here and publish the frames to rpc with the capture's own times (replay-rpc.ts).
import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { inspectCapture, readCapture } from "@racetel/ingest/capture/capture-reader";
import { CaptureFormatError, RecordKind } from "@racetel/ingest/capture/rtcap-format";
import { UsageError } from "@racetel/ingest/config/usage-error";
import { ProgressLine } from "@racetel/ingest/observability/progress-line";
import { createLogger } from "@racetel/ingest/observability/logger";
import { hostname } from "node:os";
import { replayArchiveToRpc, replayToRpc } from "./replay-rpc.js";
import { isLiveTimingArchive } from "@racetel/ingest/sources/f1-livetiming/archive";
import type { Command } from "../main.js";

interface Target {
  host: string;
  port: number;
}

function parseTarget(text: string, flag: string): Target {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
  if (!match || Number(match[3]) > 65535 || Number(match[3]) === 0) throw new UsageError(`${flag} must be host:port (e.g. 127.0.0.1:20777 or [::1]:20777), got "${text}"`);
  return { host: match[1] ?? match[2], port: Number(match[3]) };
}

function parseSpeed(text: string): number {
  if (text === "max") return Infinity;
  const speed = Number(text.replace(/x$/, ""));
  if (!(speed > 0) || !Number.isFinite(speed)) throw new UsageError(`--speed must be a positive number (1, 4, 0.5) or "max", got "${text}"`);
  return speed;
}

function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
}

/** What a replay to rpc needs from the command line, and how it reports progress. */
interface RpcPublishing {
  target: string;
  token?: string;
  time: "now" | "original";
  speed: number;
  instance: string;
  logger: ReturnType<typeof createLogger>;
  isStopped(): boolean;
  /** `n` units done, `fraction` of the input. */
  progress(n: number, fraction: number): void;
}

/**
 * Runs a replay to rpc with what both kinds share: Ctrl-C stops it cleanly, a progress bar shows `unit`s per
 * second, and the summary line `run` returns is printed. Exits 1 when rpc had to drop frames.
 */
async function publishToRpc(values: { time?: string; "rpc-token"?: string }, rpc: string, speed: number, unit: string,
  run: (p: RpcPublishing) => Promise<{ summary: string; dropped: number }>, onError: (err: unknown) => number | undefined = () => undefined): Promise<number> {
  const target = parseTarget(rpc, "--rpc");
  let stopped = false;
  const stop = (): void => { stopped = true; };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const progress = new ProgressLine();
  let position = 0;
  let n = 0;
  const started = performance.now();
  const status = (): string => `${bar(position)} ${n} ${unit} decoded and published, ${(n / Math.max(0.001, (performance.now() - started) / 1000)).toFixed(0)} ${unit}/s`;
  try {
    const token = values["rpc-token"] ?? (process.env["RACETEL_RPC_TOKEN"] || undefined);
    const r = await run({
      target: `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`, time: (values.time ?? "now") as "now" | "original", speed,
      instance: `replay-${hostname()}`, logger: createLogger("warn"), isStopped: () => stopped,
      progress: (done, fraction) => { n = done; position = fraction; progress.update(status); },
      ...(token !== undefined ? { token } : {}),
    });
    position = 1;
    progress.done(status);
    process.stderr.write(`racetel replay: ${r.summary} published to rpc ${rpc}${r.dropped > 0 ? `, ${r.dropped} frames dropped (rpc too slow)` : ""}\n`);
    return r.dropped > 0 ? 1 : 0;
  } catch (err) {
    progress.done(status);
    const code = onError(err);
    if (code !== undefined) return code;
    throw new UsageError((err as Error).message);
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

/** `racetel replay DIR`: an F1 live-timing archive, decoded here and published to rpc. */
async function replayArchive(dir: string, values: { rpc?: string; time?: string; speed?: string; to?: string; loop?: boolean; "rpc-token"?: string }): Promise<number> {
  if (values.to !== undefined || values.loop === true) throw new UsageError("an F1 live-timing archive goes to rpc (--rpc), not over UDP; --to and --loop do not apply");
  if (values.time !== undefined && values.time !== "now" && values.time !== "original") throw new UsageError(`--time must be "now" or "original", got "${values.time}"`);
  return publishToRpc(values, values.rpc ?? "127.0.0.1:50051", parseSpeed(values.speed ?? "1"), "live-timing messages", async (p) => {
    const r = await replayArchiveToRpc(dir, { ...p, onProgress: (done, total) => p.progress(done, total > 0 ? done / total : 1) });
    return { summary: `${r.records} live-timing messages (${r.messagesDropped} unreadable, counted), ${r.frames} frames`, dropped: r.dropped };
  });
}

export const command: Command = {
  name: "replay",
  summary: "send a capture (.rtcap, F1 clip or unframed F1 dump) over UDP with its original timing",
  usage: `Usage: racetel replay FILE [--to 127.0.0.1:20777] [--acc-to 127.0.0.1:9996] [--speed 1|4|max] [--loop]
       racetel replay FILE --rpc 127.0.0.1:50051 [--time now|original] [--speed 1|4|max]
       racetel replay DIR [--rpc 127.0.0.1:50051] [--time now|original] [--speed 1|4|max]

Sends every datagram of FILE over real UDP: F1 datagrams to --to, forwarded ACC pages to --acc-to,
ACC broadcasting datagrams to --broadcast-to (skipped when not given). Reads .rtcap files, F1 24 clips
(u32 count, {f32 seconds, u32 length, bytes}) and unframed F1 dumps (timing from the packets' sessionTime).
A progress bar on stderr shows position and packets/s.

DIR: a recorded Formula 1 session from F1's live-timing feed (one <Topic>.jsonStream per topic, as
livetiming.formula1.com's archive serves it, e.g. ../shared/captures/f1-livetiming/2025-mexico-q). It is
decoded here and published to rpc (--rpc, default 127.0.0.1:50051: the rpc of racetel up), every sample at
its own time: shifted to now (default: at --speed 1 the session starts now, faster it ends now) or at its
original UTC times (--time original).

Flags:
  --to HOST:PORT            F1 target (default 127.0.0.1:20777)
  --acc-to HOST:PORT        ACC forwarded-page target (default: the --to host, port 9996)
  --broadcast-to HOST:PORT  target for ACC broadcasting datagrams
  --speed N|max             1 = real time (default), 4 = four times faster, max = as fast as possible
  --loop                    start again at the end (until Ctrl-C)
  --rpc HOST:PORT           decode here and publish to rpc instead of sending UDP: frames keep the capture's
                            times, so the same capture stores the same rows at any --speed
  --time now|original       with --rpc: shift the capture to start now (default, Grafana's time picker finds
                            it), or keep its original times (a replay after the fact stores what it stored live)
  --rpc-token TOKEN         rpc's access token (RACETEL_RPC_TOKEN)`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { to: { type: "string" }, "acc-to": { type: "string" }, "broadcast-to": { type: "string" }, speed: { type: "string" }, loop: { type: "boolean" },
        rpc: { type: "string" }, time: { type: "string" }, "rpc-token": { type: "string" } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "FILE to replay is required" : `one FILE expected, got ${positionals.length}`);
    const file = positionals[0];
    if (isLiveTimingArchive(file)) return replayArchive(file, values);
    const f1Target = parseTarget(values.to ?? "127.0.0.1:20777", "--to");
    const accTarget = values["acc-to"] !== undefined ? parseTarget(values["acc-to"], "--acc-to") : { host: f1Target.host, port: 9996 };
    const broadcastTarget = values["broadcast-to"] !== undefined ? parseTarget(values["broadcast-to"], "--broadcast-to") : undefined;
    const speed = parseSpeed(values.speed ?? "1");
    if (values.time !== undefined && values.rpc === undefined) throw new UsageError("--time goes with --rpc (over UDP, ingest stamps its own receive time)");
    if (values.time !== undefined && values.time !== "now" && values.time !== "original") throw new UsageError(`--time must be "now" or "original", got "${values.time}"`);
    if (values.rpc !== undefined && (values.to !== undefined || values.loop === true)) throw new UsageError("--rpc replaces --to/--acc-to and cannot --loop (a session replayed twice at the same times is the same rows)");

    let info: Awaited<ReturnType<typeof inspectCapture>>;
    try {
      info = await inspectCapture(file);
    } catch (err) {
      if (err instanceof CaptureFormatError || (err as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`${file}: ${(err as Error).message}`);
      throw err;
    }

    if (values.rpc !== undefined) {
      parseTarget(values.rpc, "--rpc");
      if (values.time === "original" && info.format !== "rtcap") throw new UsageError(`${file} is an ${info.format === "f1-clip" ? "F1 clip" : "unframed F1 dump"}: it carries the game's session clock, not the time it was received, so it has no original time; use --time now (or record with racetel record)`);
      let n = 0;
      return publishToRpc(values, values.rpc, speed, "packets", async (p) => {
        const r = await replayToRpc(file, { ...p, onRecord: (offset) => p.progress(++n, info.size > 0 ? offset / info.size : 1) });
        return { summary: `${r.records} packets, ${r.frames} frames`, dropped: r.dropped };
      }, (err) => {
        if (!(err instanceof CaptureFormatError)) return undefined;
        process.stderr.write(`racetel replay: ${file}: ${err.message}\n`);
        return 1;
      });
    }

    const sockets = new Map<string, Socket>();
    const socketFor = (target: Target): Socket => {
      const type = isIPv6(target.host) ? "udp6" : "udp4";
      let socket = sockets.get(type);
      if (!socket) {
        socket = createSocket(type);
        sockets.set(type, socket);
      }
      return socket;
    };
    const send = (socket: Socket, payload: Buffer, target: Target): Promise<void> =>
      new Promise((resolve, reject) => socket.send(payload, target.port, target.host, (err) => (err ? reject(err) : resolve())));

    let stopped = false;
    const stop = (): void => {
      stopped = true;
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);

    const progress = new ProgressLine();
    let sent = 0;
    let skipped = 0;
    let position = 0;
    let pass = 1;
    const started = performance.now();
    const status = (): string => {
      const seconds = (performance.now() - started) / 1000;
      return `${bar(position)} ${sent} packets sent${skipped ? `, ${skipped} skipped` : ""}, ${(seconds > 0 ? sent / seconds : 0).toFixed(0)} packets/s${values.loop ? `, pass ${pass}` : ""}`;
    };

    // Wall-clock schedule: record time t plays at playStart + (t - firstRecordTime) / speed.
    let playStartMs = performance.now();
    let sinceLastYield = 0;
    try {
      do {
        let firstNs = Number.NaN;
        for await (const record of readCapture(file)) {
          if (stopped) break;
          if (Number.isNaN(firstNs)) firstNs = record.receiveTimeUnixNano;
          if (speed !== Infinity) {
            const dueMs = playStartMs + (record.receiveTimeUnixNano - firstNs) / 1e6 / speed;
            const waitMs = dueMs - performance.now();
            if (waitMs > 1) await sleep(waitMs);
          }
          const target = record.kind === RecordKind.F1UdpDatagram ? f1Target : record.kind === RecordKind.AccForwardedPageDatagram ? accTarget : broadcastTarget;
          position = info.size > 0 ? record.fileOffset / info.size : 1;
          if (target === undefined) {
            skipped++;
          } else if (speed === Infinity && ++sinceLastYield < 32) {
            // At max speed, wait for the kernel every 32 datagrams so the send queue stays bounded.
            socketFor(target).send(record.payload, target.port, target.host);
            sent++;
          } else {
            sinceLastYield = 0;
            await send(socketFor(target), record.payload, target);
            sent++;
          }
          progress.update(status);
        }
        position = 1;
        pass++;
        playStartMs = performance.now();
      } while (values.loop && !stopped);
    } catch (err) {
      if (err instanceof CaptureFormatError) {
        progress.done(status);
        process.stderr.write(`racetel replay: ${file}: ${err.message}\n`);
        return 1;
      }
      throw err;
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      // Let queued datagrams leave before the sockets close.
      await sleep(20);
      for (const socket of sockets.values()) socket.close();
    }
    if (values.loop) pass--;
    progress.done(status);
    return 0;
  },
};
