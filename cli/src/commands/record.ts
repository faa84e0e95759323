// `racetel record`: capture raw datagrams with receive times into a .rtcap file.
import { createSocket, type Socket } from "node:dgram";
import { parseArgs } from "node:util";
import { RecordKind } from "@racetel/ingest/capture/rtcap-format";
import { RtcapWriter } from "@racetel/ingest/capture/rtcap-writer";
import { UsageError } from "@racetel/ingest/config/usage-error";
import { ProgressLine, formatBytes } from "@racetel/ingest/observability/progress-line";
import { ArchiveWriter } from "@racetel/ingest/sources/f1-livetiming/archive-writer";
import { DEFAULT_LIVE_TIMING_URL, LiveTimingClient, forEachSignalrMessage } from "@racetel/ingest/sources/f1-livetiming/signalr";
import type { Command } from "../main.js";

function port(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(`${flag} must be a port number 0..65535, got "${text}"`);
  return Number(text);
}

async function listen(host: string, portNumber: number, what: string, onMessage: (msg: Buffer, sender: string) => void): Promise<Socket> {
  const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
  socket.on("message", (msg, rinfo) => onMessage(msg, `${rinfo.address}:${rinfo.port}`));
  await new Promise<void>((resolve, reject) => {
    socket.once("error", (err) => reject(new UsageError(`cannot listen on UDP ${host}:${portNumber} for ${what}: ${err.message}`)));
    socket.bind(portNumber, host, () => resolve());
  });
  try {
    socket.setRecvBufferSize(4 * 1024 * 1024);
  } catch {
    // best effort: the default buffer still works at normal rates
  }
  return socket;
}

/** Until Ctrl-C, SIGTERM or `durationMs`. */
function untilStopped(durationMs: number | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    if (durationMs !== undefined) setTimeout(stop, durationMs).unref();
  });
}

/** `racetel record --f1-livetiming URL --out DIR`: the live feed into an archive folder. */
async function recordLiveTiming(url: string, dir: string, durationMs: number | undefined): Promise<number> {
  const feed = url.trim() === "on" ? DEFAULT_LIVE_TIMING_URL : url.trim();
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(feed)) throw new UsageError(`--f1-livetiming must be an http(s) URL of the feed's SignalR endpoint, or "on"; got "${url}"`);
  let writer: ArchiveWriter;
  try {
    writer = new ArchiveWriter(dir);
  } catch (err) {
    throw new UsageError(`cannot write into ${dir}: ${(err as Error).message}`);
  }
  let bad = 0;
  const client = new LiveTimingClient({
    frame: (text, nowMs) => {
      try {
        return forEachSignalrMessage(text, nowMs, (topic, payload, utcMs) => writer.write(topic, payload, utcMs));
      } catch {
        bad++;
        return 0;
      }
    },
  }, { url: feed, logger: { info: (o, m) => process.stderr.write(`${m}\n`), warn: (o, m) => process.stderr.write(`${m} ${JSON.stringify(o)}\n`) } });
  client.start();
  process.stderr.write(`recording the F1 live-timing feed ${feed} into ${dir} (Ctrl-C to stop)\n`);
  const progress = new ProgressLine();
  const started = performance.now();
  const status = (): string => `recorded ${writer.messages} live-timing messages in ${((performance.now() - started) / 1000).toFixed(1)} s${bad + writer.skipped > 0 ? `, ${bad + writer.skipped} unreadable (skipped)` : ""}`;
  const ticker = setInterval(() => progress.update(status), 250);
  await untilStopped(durationMs);
  clearInterval(ticker);
  await client.stop();
  await writer.close();
  progress.done(status);
  return 0;
}

export const command: Command = {
  name: "record",
  summary: "capture raw telemetry datagrams with receive times into a .rtcap file",
  usage: `Usage: racetel record --out FILE.rtcap [--port 20777] [--acc-port 9996] [--host 0.0.0.0]
       racetel record --f1-livetiming URL|on --out DIR

Records every UDP datagram that arrives (F1 on --port, forwarded ACC pages on --acc-port when given)
with its receive time and sender, in the .rtcap format (docs/rtcap.md). A progress line on stderr shows
packets, bytes and rate. Ctrl-C stops and flushes the file.

--f1-livetiming: records Formula 1's live-timing feed (SignalR; "on" = https://livetiming.formula1.com/signalr)
into DIR in the format of F1's own archive: one <Topic>.jsonStream per topic (docs/f1-livetiming.md), which
racetel replay DIR and racetel decode DIR read.

Flags:
  --out FILE       file to write (required; overwritten)
  --port N         F1 UDP port (default 20777)
  --acc-port N     also record forwarded ACC pages on this UDP port
  --host ADDR      listen address (default 0.0.0.0)
  --duration S     stop after S seconds (default: until Ctrl-C)
  --f1-livetiming URL|on  record the F1 live-timing feed into --out DIR instead of UDP`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { out: { type: "string" }, port: { type: "string" }, "acc-port": { type: "string" }, host: { type: "string" }, duration: { type: "string" }, "f1-livetiming": { type: "string" } },
      strict: true,
      allowPositionals: false,
    });
    if (values.out === undefined) throw new UsageError("--out FILE is required");
    const host = values.host ?? "0.0.0.0";
    const f1Port = port(values.port ?? "20777", "--port");
    const accPort = values["acc-port"] === undefined ? undefined : port(values["acc-port"], "--acc-port");
    let durationMs: number | undefined;
    if (values.duration !== undefined) {
      durationMs = Number(values.duration) * 1000;
      if (!(durationMs > 0)) throw new UsageError(`--duration must be a positive number of seconds, got "${values.duration}"`);
    }

    if (values["f1-livetiming"] !== undefined) return recordLiveTiming(values["f1-livetiming"], values.out, durationMs);
    const writer = new RtcapWriter(values.out);
    try {
      await writer.ready();
    } catch (err) {
      throw new UsageError(`cannot write ${values.out}: ${(err as Error).message}`);
    }
    let packets = 0;
    let payloadBytes = 0;
    let writeError: Error | undefined;
    const record = (kind: RecordKind) => (msg: Buffer, sender: string) => {
      if (writeError) return;
      try {
        writer.write(kind, (performance.timeOrigin + performance.now()) * 1e6, sender, msg);
        packets++;
        payloadBytes += msg.length;
      } catch (err) {
        writeError = err as Error;
      }
    };
    const sockets = [await listen(host, f1Port, "F1", record(RecordKind.F1UdpDatagram))];
    if (accPort !== undefined) sockets.push(await listen(host, accPort, "ACC pages", record(RecordKind.AccForwardedPageDatagram)));
    const ports = sockets.map((s) => s.address().port);
    process.stderr.write(`recording UDP ${host}:${ports.join(", ")} into ${values.out} (Ctrl-C to stop)\n`);

    const started = performance.now();
    const progress = new ProgressLine();
    const status = (): string => {
      const seconds = (performance.now() - started) / 1000;
      return `recorded ${packets} packets, ${formatBytes(payloadBytes)} in ${seconds.toFixed(1)} s (${seconds > 0 ? (packets / seconds).toFixed(0) : 0} packets/s)`;
    };
    const ticker = setInterval(() => progress.update(status), 250);
    await untilStopped(durationMs);
    clearInterval(ticker);
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await writer.close();
    progress.done(status);
    if (writeError) {
      process.stderr.write(`racetel record: writing ${values.out} failed: ${writeError.message}\n`);
      return 1;
    }
    return 0;
  },
};
