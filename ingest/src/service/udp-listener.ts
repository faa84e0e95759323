// One UDP socket feeding one decoder: the hot loop of ingest. Per datagram it bumps counters, checks
// the sender against the allowed CIDRs and calls decode(); no logging, no JSON, no per-packet objects
// of our own (node's Buffer and rinfo are unavoidable).
import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import type { SourceFilter } from "../config/cidr.js";
import type { IngestCounters } from "../observability/counters.js";
import type { Logger } from "../observability/logger.js";
import { socketReceiveDrops } from "../observability/kernel-drops.js";
import type { DropRecorder, PacketDecoder } from "../sources/source.js";

export interface UdpListenerOptions {
  /** Names the listener in logs ("f1", "acc-pages"). */
  name: string;
  host: string;
  port: number;
  recvBufferBytes: number;
  filter: SourceFilter;
  decoder: PacketDecoder;
  counters: IngestCounters;
  drops: DropRecorder;
  logger: Logger;
}

export interface UdpListener {
  socket: Socket;
  port: number;
  /** Datagrams the kernel dropped on this socket (receive buffer full); undefined where Linux's table is missing. */
  kernelDrops(): number | undefined;
  close(): Promise<void>;
}

/** How often frames a decoder holds back (the player's Motion waiting for its MotionEx) are checked. */
const FLUSH_EVERY_MS = 250;
/** A held frame older than this is sent as it is: its completing packet is not coming. */
const HOLD_AT_MOST_MS = 200;

/** Binds the socket and starts decoding; rejects with a clear message when the port is taken. */
export async function startUdpListener(options: UdpListenerOptions): Promise<UdpListener> {
  const { counters, decoder, drops, filter, logger } = options;
  const socket = createSocket({ type: isIPv6(options.host) ? "udp6" : "udp4", reuseAddr: false });
  // The sender label is rebuilt only when the sender changes: one console sends thousands in a row.
  let lastAddress = "";
  let lastPort = -1;
  let lastSource = "";
  let decoderFailures = 0;

  socket.on("message", (msg, rinfo) => {
    counters.packetsReceived++;
    counters.bytesReceived += msg.length;
    const nowMs = performance.now();
    counters.lastPacketAtMs = nowMs;
    if (!filter.allows(rinfo.address)) {
      drops.drop("source_not_allowed", msg);
      return;
    }
    if (rinfo.port !== lastPort || rinfo.address !== lastAddress) {
      lastAddress = rinfo.address;
      lastPort = rinfo.port;
      lastSource = isIPv6(rinfo.address) ? `[${rinfo.address}]:${rinfo.port}` : `${rinfo.address}:${rinfo.port}`;
    }
    try {
      if (decoder.decode(msg, (performance.timeOrigin + nowMs) * 1e6, lastSource)) counters.packetsDecoded++;
    } catch (err) {
      // Decoders promise never to throw; if one does, the socket must survive it.
      drops.drop("decoder_error", msg);
      if (decoderFailures++ % 1000 === 0) logger.error({ err, listener: options.name, failures: decoderFailures }, "decoder threw (bug): packet dropped");
    }
  });
  socket.on("error", (err) => logger.error({ err, listener: options.name }, "UDP socket error"));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const hint = err.code === "EADDRINUSE" ? ` (port ${options.port} is in use: is another racetel ingest running? pick another with the port flag)` : "";
      reject(new Error(`cannot listen on UDP ${options.host}:${options.port} for ${options.name}: ${err.message}${hint}`));
    };
    socket.once("error", onError);
    socket.bind(options.port, options.host, () => {
      socket.off("error", onError);
      resolve();
    });
  });

  // A 60 Hz console sends bursts of ~10 datagrams per frame; a larger kernel buffer rides them out
  // while the event loop is busy. Linux caps the request at net.core.rmem_max.
  try {
    socket.setRecvBufferSize(options.recvBufferBytes);
  } catch (err) {
    logger.warn({ err, listener: options.name }, "could not raise the UDP receive buffer");
  }
  const granted = socket.getRecvBufferSize();
  if (granted < options.recvBufferBytes) {
    logger.info({ listener: options.name, askedBytes: options.recvBufferBytes, grantedBytes: granted }, "UDP receive buffer is smaller than asked (raise net.core.rmem_max for heavy bursts)");
  }

  const port = socket.address().port;
  const flush = decoder.flush;
  const flusher = flush === undefined ? undefined : setInterval(() => {
    try {
      flush.call(decoder, (performance.timeOrigin + performance.now() - HOLD_AT_MOST_MS) * 1e6);
    } catch (err) {
      logger.error({ err, listener: options.name }, "decoder flush threw (bug)");
    }
  }, FLUSH_EVERY_MS);
  flusher?.unref();
  const ipv6 = isIPv6(options.host);
  return {
    socket,
    port,
    kernelDrops: () => socketReceiveDrops(port, ipv6),
    close: () => new Promise<void>((resolve) => {
      if (flusher !== undefined) clearInterval(flusher);
      flush?.call(decoder);
      socket.close(() => resolve());
    }),
  };
}
