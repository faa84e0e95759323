// Sends ACC pages as UDP datagrams in the racetel forwarding framing (framing.ts): physics and
// graphics on every tick, static once a second.
import { createSocket } from "node:dgram";
import type { Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { HEADER_BYTES, writeHeader } from "./framing.js";
import { LAYOUTS } from "./pages.js";
import type { PageKind } from "./pages.js";
import type { PageReader } from "./page-files.js";

export interface ForwardTarget { host: string; port: number }

export interface ForwarderStats {
  sent: number;
  sendErrors: number;
  /** Ticks where a page could not be read (game not running, file shorter than the struct). */
  missing: number;
  lastPhysicsPacketId: number;
}

export class AccForwarder {
  readonly stats: ForwarderStats = { sent: 0, sendErrors: 0, missing: 0, lastPhysicsPacketId: 0 };
  private readonly socket: Socket;
  private readonly datagrams: Record<PageKind, Buffer>;
  private sequence = 0;
  private nextStaticMs = 0;
  private inFlight = 0;
  private readonly busy: Record<PageKind, boolean> = { physics: false, graphics: false, static: false };

  constructor(private readonly reader: PageReader, private readonly target: ForwardTarget) {
    this.socket = createSocket(isIPv6(target.host) ? "udp6" : "udp4");
    this.socket.on("error", () => { this.stats.sendErrors++; });
    this.datagrams = {
      physics: Buffer.alloc(HEADER_BYTES + LAYOUTS.physics.size),
      graphics: Buffer.alloc(HEADER_BYTES + LAYOUTS.graphics.size),
      static: Buffer.alloc(HEADER_BYTES + LAYOUTS.static.size),
    };
  }

  /** One tick: reads and sends the pages due. */
  tick(nowMs: number): void {
    if (nowMs >= this.nextStaticMs && this.sendPage("static")) this.nextStaticMs = nowMs + 1000;
    this.sendPage("graphics");
    this.sendPage("physics");
  }

  private sendPage(kind: PageKind): boolean {
    const bytes = this.reader.read(kind);
    const size = LAYOUTS[kind].size;
    if (!bytes || bytes.length < size) { this.stats.missing++; return false; }
    const datagram = this.datagrams[kind];
    // a datagram buffer is reused only after its previous send completed (dgram does not copy)
    if (this.busy[kind]) return false;
    writeHeader(datagram, kind, size, this.sequence++);
    datagram.set(bytes.subarray(0, size), HEADER_BYTES);
    if (kind === "physics") this.stats.lastPhysicsPacketId = datagram.readInt32LE(HEADER_BYTES);
    this.inFlight++;
    this.busy[kind] = true;
    this.socket.send(datagram, this.target.port, this.target.host, (err) => {
      this.inFlight--;
      this.busy[kind] = false;
      if (err) this.stats.sendErrors++; else this.stats.sent++;
    });
    return true;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => { this.socket.close(() => resolve()); };
      if (this.inFlight === 0) { done(); return; }
      const wait = setInterval(() => { if (this.inFlight === 0) { clearInterval(wait); done(); } }, 5);
    });
  }
}
