// The live view's HTTP side: the page's static files and one WebSocket per browser. A tick (10 Hz by
// default) sends each watched session's changes once, as one JSON string shared by its browsers. A browser
// that reads too slowly is skipped (its socket buffer full) and gets a fresh snapshot when it catches
// up: it never slows rpc.
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer, type WebSocket } from "ws";
import { PROTOCOL_VERSION, type ClientMessage, type ServerMessage, type SetupHints } from "../protocol.js";
import { PublishedSession } from "./delta.js";
import type { LiveModel, LiveSession } from "./model.js";
import { tokenMatches } from "./token.js";
import { isLoopback } from "@racetel/proto";

/** Where the bundled page lives (built by `npm run build`): live-view/dist/web from src/ or dist/. */
export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "web");

export interface LiveViewOptions {
  host: string;
  port: number;
  /** Required as ?token= on the WebSocket when set (a non-loopback bind without a token is refused at start). */
  token: string;
  updatesPerSecond: number;
  /** Browsers at once; more are refused with close code 1013 (try again later). */
  maxClients: number;
  /** Bytes queued on a browser's socket before updates to it are skipped. */
  maxBufferedBytes: number;
  setup: SetupHints;
  webRoot?: string;
}

export function defaultLiveViewOptions(): LiveViewOptions {
  return {
    host: "127.0.0.1", port: 8090, token: "", updatesPerSecond: 10, maxClients: 32, maxBufferedBytes: 1 << 20,
    setup: { addresses: [], f1Port: null, accPort: null },
  };
}

export { isLoopback };

/** Counters the live view reports on rpc's /metrics. */
export class LiveViewCounters {
  clients = 0;
  clientsRefused = 0;
  updatesSent = 0;
  updatesSkipped = 0;
  snapshotsSent = 0;
  badMessages = 0;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml", ".map": "application/json", ".png": "image/png", ".ico": "image/x-icon",
};

class Client {
  session: string | null = null;
  car: number | null = null;
  /** Trace samples of the selected car already sent (TraceRing.total). */
  traceCursor = 0;
  /** Updates were skipped: the next send is a snapshot. */
  stale = false;
  /** Outline version last sent, and when. */
  outlineVersion = -1;
  outlineSentMs = 0;
  constructor(readonly ws: WebSocket) {}
}

export class LiveViewServer {
  readonly counters = new LiveViewCounters();
  private readonly clients = new Set<Client>();
  private readonly published = new Map<string, PublishedSession>();
  private server: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private listVersionSent = -1;
  private lastListMs = 0;
  port = 0;

  constructor(private readonly model: LiveModel, readonly options: LiveViewOptions, private readonly now: () => number = Date.now) {
    if (!isLoopback(options.host) && options.token === "") {
      throw new Error(`live view: binding ${options.host} (not loopback) needs a token, or a loopback address`);
    }
  }

  /** The address to print: http://host:port/ with the token in the fragment (never sent to servers). */
  url(host = this.options.host): string {
    const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
    const h = shown.includes(":") ? `[${shown}]` : shown;
    return `http://${h}:${this.port}/${this.options.token !== "" ? `#token=${this.options.token}` : ""}`;
  }

  async start(): Promise<number> {
    const root = this.options.webRoot ?? WEB_ROOT;
    const server = http.createServer((req, res) => void this.serveFile(root, req, res));
    const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
    server.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname !== "/ws" || !this.allowed(req, url)) {
        socket.end("HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n");
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    this.wss = wss;
    this.port = (server.address() as AddressInfo).port;
    this.timer = setInterval(() => this.tick(), Math.round(1000 / this.options.updatesPerSecond));
    this.timer.unref();
    return this.port;
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    this.wss?.close();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Same-origin pages only (a page on another site must not read the telemetry), and the token when set. */
  private allowed(req: http.IncomingMessage, url: URL): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== "null") {
      try {
        if (new URL(origin).host !== req.headers.host) return false;
      } catch {
        return false;
      }
    }
    return this.options.token === "" || tokenMatches(url.searchParams.get("token") ?? "", this.options.token);
  }

  private async serveFile(root: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    const rel = normalize(path === "/" ? "/index.html" : path).replace(/^[/\\]+/, "");
    if (rel.startsWith("..") || rel.includes("\0")) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(root, rel));
      res.writeHead(200, {
        "content-type": CONTENT_TYPES[extname(rel)] ?? "application/octet-stream",
        "cache-control": rel === "index.html" ? "no-cache" : "max-age=300",
        "x-content-type-options": "nosniff",
        // Cross-origin isolation: nothing here loads from elsewhere, and it gives performance.now() its
        // fine resolution (the page's timings in tests and the bench).
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-embedder-policy": "require-corp",
        "content-security-policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      if (rel === "index.html") {
        res.writeHead(503, { "content-type": "text/plain; charset=utf-8" }).end(`The live view's page is not built: run \`npm run build\` (looked in ${root}).\n`);
      } else {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      }
    }
  }

  private connect(ws: WebSocket): void {
    if (this.clients.size >= this.options.maxClients) {
      this.counters.clientsRefused++;
      ws.close(1013, "too many live view clients");
      return;
    }
    const client = new Client(ws);
    this.clients.add(client);
    this.counters.clients = this.clients.size;
    this.send(client, JSON.stringify({ t: "hello", version: PROTOCOL_VERSION, setup: this.options.setup, updatesPerSecond: this.options.updatesPerSecond } satisfies ServerMessage));
    this.send(client, this.listMessage());
    ws.on("message", (data, isBinary) => this.receive(client, data.toString(), isBinary));
    const gone = (): void => {
      if (!this.clients.delete(client)) return;
      this.counters.clients = this.clients.size;
      this.unwatch(client);
    };
    ws.on("close", gone);
    ws.on("error", gone);
  }

  private receive(client: Client, text: string, isBinary: boolean): void {
    let msg: ClientMessage;
    try {
      msg = JSON.parse(text) as ClientMessage;
    } catch {
      msg = undefined as unknown as ClientMessage;
    }
    const session = msg?.session;
    const car = msg?.car;
    if (isBinary || msg?.t !== "watch" || (session !== null && typeof session !== "string") || (car !== null && !Number.isInteger(car))) {
      this.counters.badMessages++;
      client.ws.close(1008, "unexpected message");
      return;
    }
    if (session !== client.session) {
      this.unwatch(client);
      client.session = session;
      if (session !== null) this.model.sessions.get(session)?.watch();
      client.outlineVersion = -1;
      client.stale = true;
    }
    // Another car: only its trace starts over; the session's state is already on the page.
    client.car = car;
    client.traceCursor = 0;
  }

  private unwatch(client: Client): void {
    if (client.session !== null) this.model.sessions.get(client.session)?.unwatch();
    client.session = null;
  }

  private send(client: Client, text: string): boolean {
    if (client.ws.readyState !== client.ws.OPEN) return false;
    if (client.ws.bufferedAmount > this.options.maxBufferedBytes) return false;
    client.ws.send(text);
    return true;
  }

  private listMessage(): string {
    return JSON.stringify({ t: "sessions", list: this.model.list(this.now()) } satisfies ServerMessage);
  }

  private snapshotMessage(s: LiveSession): string {
    const cars = [...s.cars.values()].map((c) => c.view);
    return JSON.stringify({ t: "snapshot", session: s.id, info: s.info, cars, events: s.events } satisfies ServerMessage);
  }

  /** One tick: expire, resend the list when it changed (at most once a second, or at once for a new session), send deltas. */
  tick(): void {
    const nowMs = this.now();
    const removed = this.model.expire(nowMs);
    if (this.model.listVersion !== this.listVersionSent || nowMs - this.lastListMs > 5_000) {
      const firstSession = this.listVersionSent === -1 || nowMs - this.lastListMs > 1_000;
      if (firstSession || this.model.listVersion !== this.listVersionSent) {
        this.listVersionSent = this.model.listVersion;
        this.lastListMs = nowMs;
        const text = this.listMessage();
        for (const c of this.clients) this.send(c, text);
      }
    }
    // One delta per watched session, shared by its browsers.
    const watched = new Map<string, Client[]>();
    for (const c of this.clients) {
      if (c.session === null) continue;
      let list = watched.get(c.session);
      if (list === undefined) watched.set(c.session, (list = []));
      list.push(c);
    }
    for (const id of this.published.keys()) if (!watched.has(id)) this.published.delete(id);
    for (const [id, clients] of watched) {
      const session = this.model.sessions.get(id);
      if (session === undefined) continue;
      let pub = this.published.get(id);
      if (pub === undefined) this.published.set(id, (pub = new PublishedSession()));
      const delta = pub.take(session);
      const events = session.newEvents.splice(0);
      const gone = removed.get(id) ?? [];
      let update: string | undefined;
      if (delta.count > 0 || delta.info !== undefined || events.length > 0 || gone.length > 0) {
        const msg: ServerMessage = { t: "update", session: id, cars: delta.cars, removed: gone, events };
        if (delta.info !== undefined) msg.info = delta.info;
        update = JSON.stringify(msg);
      }
      let snapshot: string | undefined;
      for (const c of clients) {
        if (c.stale) {
          snapshot ??= this.snapshotMessage(session);
          if (this.send(c, snapshot)) {
            c.stale = false;
            this.counters.snapshotsSent++;
          }
        } else if (update !== undefined) {
          if (this.send(c, update)) this.counters.updatesSent++;
          else {
            this.counters.updatesSkipped++;
            c.stale = true;
          }
        }
        if (c.stale) continue;
        this.sendOutline(c, session);
        this.sendTrace(c, session);
      }
    }
  }

  private sendOutline(c: Client, s: LiveSession): void {
    if (c.outlineVersion === s.outline.version) return;
    // A learning outline changes often; twice a second is plenty for a map.
    const nowMs = this.now();
    if (c.outlineVersion !== -1 && nowMs - c.outlineSentMs < 500) return;
    if (this.send(c, JSON.stringify({ t: "outline", session: s.id, points: s.outline.points() } satisfies ServerMessage))) {
      c.outlineVersion = s.outline.version;
      c.outlineSentMs = nowMs;
    }
  }

  private sendTrace(c: Client, s: LiveSession): void {
    if (c.car === null) return;
    const trace = s.cars.get(c.car)?.trace;
    if (trace === undefined || trace.total === c.traceCursor) return;
    // The ring was rebuilt (the session was unwatched meanwhile): start over.
    if (trace.total < c.traceCursor) c.traceCursor = 0;
    const reset = c.traceCursor === 0;
    const msg: ServerMessage = { t: "trace", session: s.id, car: c.car, reset, samples: trace.since(c.traceCursor) };
    if (this.send(c, JSON.stringify(msg))) c.traceCursor = trace.total;
  }
}
