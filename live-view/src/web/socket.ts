// The page's one connection to racetel: a WebSocket that reconnects by itself (250 ms, doubling to 5 s,
// reset once open) and reports open/lost to the store. Messages go straight to the store.
import type { ClientMessage, ServerMessage } from "../protocol.js";

export interface SocketHandlers {
  message(msg: ServerMessage): void;
  open(): void;
  lost(): void;
}

export class LiveSocket {
  private ws: WebSocket | undefined;
  private backoffMs = 250;
  private pending: ClientMessage | undefined;

  constructor(private readonly url: string, private readonly handlers: SocketHandlers) {}

  connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.backoffMs = 250;
      this.handlers.open();
      if (this.pending !== undefined) ws.send(JSON.stringify(this.pending));
    };
    ws.onmessage = (event) => {
      if (typeof event.data === "string") this.handlers.message(JSON.parse(event.data) as ServerMessage);
    };
    ws.onclose = () => {
      this.ws = undefined;
      this.handlers.lost();
      setTimeout(() => this.connect(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, 5_000);
    };
  }

  /** Sends now, and again after every reconnect (the server forgets a closed connection's choice). */
  watch(msg: ClientMessage): void {
    this.pending = msg;
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }
}

/** ws[s]://host/ws, with the token from the page's #token= fragment when there is one. */
export function socketUrl(location: Location): string {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws${token !== null ? `?token=${encodeURIComponent(token)}` : ""}`;
}
