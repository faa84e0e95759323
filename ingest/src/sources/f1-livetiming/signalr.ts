// The live F1 live-timing feed: the classic ASP.NET SignalR protocol (1.5) of livetiming.formula1.com,
// hub "Streaming": negotiate over HTTP, connect a WebSocket, subscribe to the topics, then frames of
// {"M":[{"H":"Streaming","M":"feed","A":[topic, payload, utc]}]}; the subscribe answer {"R":{topic: state},
// "I":"1"} holds every topic's full state. Keep-alives are "{}". On a close or a silence the client
// negotiates again with backoff. Written here because the maintained SignalR client for JavaScript
// (@microsoft/signalr) speaks only the newer ASP.NET Core protocol, which this feed does not.
import WebSocket from "ws";
import type { F1LiveTimingDecoder } from "./decoder.js";
import { parseUtc } from "./feed.js";

export const DEFAULT_LIVE_TIMING_URL = "https://livetiming.formula1.com/signalr";
export const LIVE_TIMING_TOPICS = [
  "Heartbeat", "CarData.z", "Position.z", "ExtrapolatedClock", "TopThree", "TimingStats", "TimingAppData", "WeatherData",
  "TrackStatus", "DriverList", "RaceControlMessages", "SessionInfo", "SessionData", "LapCount", "TimingData", "SessionStatus",
];
const HUB = JSON.stringify([{ name: "Streaming" }]);
/** Largest frame accepted from the feed (the subscribe answer is ~55 KB; a busy frame a few KB). */
const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export interface SignalrLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SignalrOptions {
  /** Base URL of the SignalR endpoint (…/signalr). */
  url: string;
  logger: SignalrLogger;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Reconnect when nothing (not even a keep-alive) came for this long. */
  silenceMs?: number;
  /** The clock the subscribe answer's state is stamped with (tests fix it). */
  now?: () => number;
}

/**
 * Calls `each` for every message of one SignalR frame (the text of one WebSocket message): the subscribe
 * answer's topics (stamped `nowMs`, SessionInfo and DriverList first) and the feed messages
 * (stamped with their own UTC). Returns the messages; throws on a frame that is not JSON.
 */
export function forEachSignalrMessage(text: string, nowMs: number, each: (topic: string, payload: unknown, utcMs: number) => void): number {
  if (text.length > MAX_FRAME_BYTES) throw new Error(`frame of ${text.length} characters`);
  const frame = JSON.parse(text) as { R?: Record<string, unknown>; M?: { H?: string; M?: string; A?: unknown[] }[] };
  let n = 0;
  if (frame.R !== null && typeof frame.R === "object") {
    // Session and drivers first: the samples after them are then placed and named.
    const first = (t: string): number => (t === "SessionInfo" ? 0 : t === "DriverList" ? 1 : 2);
    const order = Object.keys(frame.R).sort((a, b) => first(a) - first(b));
    for (const topic of order) { each(topic, frame.R[topic], nowMs); n++; }
  }
  for (const m of Array.isArray(frame.M) ? frame.M : []) {
    if (m?.M !== "feed" || !Array.isArray(m.A) || typeof m.A[0] !== "string") continue;
    const t = parseUtc(m.A[2]);
    each(m.A[0], m.A[1], t === t ? t : nowMs);
    n++;
  }
  return n;
}

/** What the client does with each frame: decode it (ingest), or write it down (racetel record). */
export interface SignalrFrameHandler {
  /** Returns the messages the frame carried. */
  frame(text: string, nowMs: number): number;
  /** The connection is closing: pass on what is held. */
  flush?(): void;
}

/** Decodes frames into racetel.v1 frames. */
export function decodingHandler(decoder: F1LiveTimingDecoder): SignalrFrameHandler {
  return { frame: (text, nowMs) => handleSignalrFrame(decoder, text, nowMs), flush: () => decoder.flush() };
}

/** Applies one SignalR frame to the decoder (the live client, and decoding a recording of the feed). */
export function handleSignalrFrame(decoder: F1LiveTimingDecoder, text: string, nowMs: number): number {
  try {
    return forEachSignalrMessage(text, nowMs, (topic, payload, utcMs) => { decoder.handleText(topic, payload, utcMs); });
  } catch (err) {
    decoder.rejected(err, "signalr");
    return 0;
  }
}

export class LiveTimingClient {
  private socket: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private silence: NodeJS.Timeout | undefined;
  private backoff: number;
  private stopped = false;
  connects = 0;
  messages = 0;

  constructor(private readonly handler: SignalrFrameHandler, private readonly o: SignalrOptions) {
    this.backoff = o.backoffInitialMs ?? 1000;
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const base = this.o.url.replace(/\/+$/, "");
    try {
      const negotiate = await fetch(`${base}/negotiate?connectionData=${encodeURIComponent(HUB)}&clientProtocol=1.5`, { signal: AbortSignal.timeout(10_000) });
      if (!negotiate.ok) throw new Error(`negotiate answered HTTP ${negotiate.status}`);
      const { ConnectionToken: token } = (await negotiate.json()) as { ConnectionToken?: string };
      if (typeof token !== "string" || token === "") throw new Error("negotiate gave no ConnectionToken");
      const cookie = negotiate.headers.get("set-cookie") ?? undefined;
      const ws = base.replace(/^http/, "ws");
      const socket = new WebSocket(`${ws}/connect?clientProtocol=1.5&transport=webSockets&connectionToken=${encodeURIComponent(token)}&connectionData=${encodeURIComponent(HUB)}`,
        { headers: cookie !== undefined ? { cookie: cookie.split(";")[0]! } : {}, maxPayload: MAX_FRAME_BYTES });
      this.socket = socket;
      socket.on("open", () => {
        this.connects++;
        this.backoff = this.o.backoffInitialMs ?? 1000;
        socket.send(JSON.stringify({ H: "Streaming", M: "Subscribe", A: [LIVE_TIMING_TOPICS], I: 1 }));
        this.o.logger.info({ url: this.o.url }, "F1 live timing: connected, subscribed");
        this.armSilence();
      });
      socket.on("message", (data: WebSocket.RawData) => {
        this.armSilence();
        this.messages += this.handler.frame(data.toString(), (this.o.now ?? Date.now)());
      });
      socket.on("error", (err: Error) => this.o.logger.warn({ err: err.message }, "F1 live timing: connection error"));
      socket.on("close", () => this.retry("connection closed"));
    } catch (err) {
      this.retry((err as Error).message);
    }
  }

  private armSilence(): void {
    if (this.silence !== undefined) clearTimeout(this.silence);
    this.silence = setTimeout(() => this.socket?.terminate(), this.o.silenceMs ?? 60_000);
    this.silence.unref();
  }

  private retry(why: string): void {
    if (this.stopped || this.timer !== undefined) return;
    this.socket?.removeAllListeners();
    this.socket?.terminate();
    this.socket = undefined;
    const wait = this.backoff;
    this.backoff = Math.min(this.o.backoffMaxMs ?? 30_000, this.backoff * 2);
    this.o.logger.warn({ why, retryInMs: wait }, "F1 live timing: reconnecting");
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, wait);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.handler.flush?.();
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.silence !== undefined) clearTimeout(this.silence);
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) {
      socket.removeAllListeners();
      await new Promise<void>((resolve) => { socket.once("close", () => resolve()); socket.close(); setTimeout(resolve, 1000).unref(); });
    }
  }
}
