// The broadcasting client: registers with ACC (UDP, default port 9000), feeds every inbound datagram
// to AccBroadcastDecoder, asks for the entry list and track data when they are unknown, registers
// again when the game goes quiet (restarted or gone), and unregisters on stop.
import { createSocket } from "node:dgram";
import type { Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { isLoopback } from "@racetel/proto";
import type { DecodeContext } from "../source.js";
import { AccBroadcastDecoder } from "./decoder.js";
import { DEFAULT_BROADCAST_PORT, Inbound, entryListRequest, registerRequest, trackDataRequest, unregisterRequest } from "./protocol.js";

export interface AccBroadcastConfig {
  host: string;
  port: number;
  /** Shown in ACC's list of broadcasting clients. */
  displayName: string;
  /** broadcasting.json connectionPassword. */
  connectionPassword: string;
  /** broadcasting.json commandPassword ("" for a read-only connection). */
  commandPassword: string;
  /** How often ACC sends realtime updates, milliseconds. */
  updateIntervalMs: number;
  /** Register again after this long without a datagram from the game. */
  silenceTimeoutMs: number;
}

export function defaultAccBroadcastConfig(): AccBroadcastConfig {
  return {
    host: "127.0.0.1", port: DEFAULT_BROADCAST_PORT, displayName: "racetel", connectionPassword: "asd",
    commandPassword: "", updateIntervalMs: 250, silenceTimeoutMs: 5000,
  };
}

/** A message for the user when the config cannot work, else null. */
export function validateAccBroadcastConfig(c: AccBroadcastConfig): string | null {
  if (!c.host) return "--acc-broadcast needs HOST:PORT of the PC running ACC";
  if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535) return `ACC broadcasting port ${c.port}: must be 1..65535`;
  if (!Number.isInteger(c.updateIntervalMs) || c.updateIntervalMs < 10 || c.updateIntervalMs > 60_000) {
    return `ACC broadcasting update interval ${c.updateIntervalMs} ms: must be 10..60000`;
  }
  if (c.silenceTimeoutMs < c.updateIntervalMs * 2) return "ACC broadcasting silence timeout must be at least two update intervals";
  return null;
}

/** Parses "host:port" (port defaults to 9000) for --acc-broadcast. */
export function parseBroadcastTarget(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+))(?::(\d{1,5}))?$/.exec(text);
  const port = m?.[3] === undefined ? DEFAULT_BROADCAST_PORT : Number(m[3]);
  if (!m || port < 1 || port > 65535) throw new Error(`--acc-broadcast must be HOST[:PORT] (e.g. 192.168.1.20:9000), got "${text}"`);
  return { host: m[1] ?? m[2]!, port };
}

/** Sends requests at most this often while something is missing. */
const REQUEST_EVERY_MS = 1000;

export class AccBroadcastClient {
  readonly decoder: AccBroadcastDecoder;
  /** Registrations sent (the first and every reconnect). */
  registrations = 0;
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | undefined;
  private lastInboundMs = 0;
  private lastRegisterMs = 0;
  private lastEntryRequestMs = 0;
  private lastTrackRequestMs = 0;
  private connectionId: number | null = null;

  constructor(private readonly config: AccBroadcastConfig, private readonly ctx: DecodeContext) {
    const problem = validateAccBroadcastConfig(config);
    if (problem) throw new Error(problem);
    this.decoder = new AccBroadcastDecoder(ctx, `acc-broadcast:${config.host}`);
  }

  get connected(): boolean { return this.connectionId !== null; }

  async start(): Promise<void> {
    const socket = createSocket(isIPv6(this.config.host) ? "udp6" : "udp4");
    this.socket = socket;
    socket.on("message", (msg, rinfo) => this.onMessage(msg, `${rinfo.address}:${rinfo.port}`));
    socket.on("error", (err) => { this.ctx.advice.once(`acc-broadcast-socket:${err.message}`, `ACC broadcasting socket: ${err.message}`); });
    // Bound to loopback when the game is local, and connected to the game's address: the kernel then
    // delivers datagrams from that address and port only, so nobody else can feed this client.
    const local = isLoopback(this.config.host) ? this.config.host : undefined;
    await new Promise<void>((resolve) => socket.bind(0, local, resolve));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      try {
        socket.connect(this.config.port, this.config.host);
      } catch (err) {
        reject(err as Error);
      }
    }).catch((err: Error) => {
      throw new Error(`ACC broadcasting: cannot reach ${this.config.host}:${this.config.port}: ${err.message}`);
    });
    this.register(Date.now());
    this.timer = setInterval(() => this.tick(Date.now()), Math.min(1000, this.config.updateIntervalMs));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    if (this.connectionId !== null) await this.send(unregisterRequest(this.connectionId), socket);
    this.connectionId = null;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private send(bytes: Buffer, socket = this.socket): Promise<void> {
    return new Promise((resolve) => {
      if (!socket) { resolve(); return; }
      socket.send(bytes, () => resolve());
    });
  }

  private register(nowMs: number): void {
    this.registrations++;
    this.lastRegisterMs = nowMs;
    this.connectionId = null;
    void this.send(registerRequest({
      displayName: this.config.displayName, connectionPassword: this.config.connectionPassword,
      updateIntervalMs: this.config.updateIntervalMs, commandPassword: this.config.commandPassword,
    }));
  }

  private tick(nowMs: number): void {
    const quietSince = Math.max(this.lastInboundMs, this.lastRegisterMs);
    if (nowMs - quietSince >= this.config.silenceTimeoutMs) {
      // the game went away or restarted (a new game instance forgets its clients): register again
      this.decoder.needsTrackData = true;
      this.register(nowMs);
      return;
    }
    this.requestMissing(nowMs);
  }

  private requestMissing(nowMs: number): void {
    const id = this.connectionId;
    if (id === null) return;
    if (this.decoder.needsEntryList && nowMs - this.lastEntryRequestMs >= REQUEST_EVERY_MS) {
      this.lastEntryRequestMs = nowMs;
      void this.send(entryListRequest(id));
    }
    if (this.decoder.needsTrackData && nowMs - this.lastTrackRequestMs >= REQUEST_EVERY_MS) {
      this.lastTrackRequestMs = nowMs;
      void this.send(trackDataRequest(id));
    }
  }

  private onMessage(msg: Buffer, from: string): void {
    const nowMs = Date.now();
    if (!this.decoder.decode(msg, nowMs * 1e6, from)) return;
    this.lastInboundMs = nowMs;
    if (msg[0] === Inbound.REGISTRATION_RESULT && this.decoder.registration) {
      const reg = this.decoder.registration;
      if (!reg.success) {
        this.ctx.advice.once(`acc-broadcast-refused:${reg.errorMessage}`,
          `ACC refused the broadcasting registration: ${reg.errorMessage || "no reason given"} (check connectionPassword in broadcasting.json)`);
        return;
      }
      this.connectionId = reg.connectionId;
      this.decoder.needsEntryList = true;
      this.decoder.needsTrackData = true;
      this.lastEntryRequestMs = 0;
      this.lastTrackRequestMs = 0;
      this.requestMissing(nowMs);
      return;
    }
    if (this.decoder.needsEntryList || this.decoder.needsTrackData) this.requestMissing(nowMs);
  }
}
