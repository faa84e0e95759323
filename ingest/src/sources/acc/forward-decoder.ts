// Decoder for forwarded ACC pages (UDP, default port 9996): one AccPageFeed per forwarder address.
import type { DecodeContext, PacketDecoder } from "../source.js";
import { HEADER_BYTES, readHeader } from "./framing.js";
import type { HeaderResult } from "./framing.js";
import { AccPageFeed } from "./page-feed.js";

/** Sessions count as active while pages arrived within this time. */
const ACTIVE_FOR_MS = 10_000;
/** More forwarders than this from distinct addresses is a misconfiguration; the extra ones are dropped. */
const MAX_ORIGINS = 64;

export class AccForwardDecoder implements PacketDecoder {
  private readonly feeds = new Map<string, AccPageFeed>();
  private readonly header: HeaderResult = { kind: null, reason: "", sequence: 0, pageLength: 0 };
  private lastReceiveMs = 0;
  // A forwarder sends from one address: skip the host parsing and map lookup for the same sender.
  private lastAddress = "";
  private lastFeed: AccPageFeed | null = null;

  constructor(private readonly ctx: DecodeContext) {}

  decode(packet: Buffer, receiveTimeUnixNano: number, sourceAddress: string): boolean {
    const h = readHeader(packet, this.header);
    if (!h.kind) { this.ctx.drops.drop(h.reason, packet); return false; }
    let feed = sourceAddress === this.lastAddress ? this.lastFeed : null;
    if (!feed) {
      const host = hostOf(sourceAddress);
      feed = this.feeds.get(host) ?? null;
      if (!feed) {
        if (this.feeds.size >= MAX_ORIGINS) { this.ctx.drops.drop("too_many_sources", packet); return false; }
        feed = new AccPageFeed(this.ctx, `acc-shm:${host}`);
        this.feeds.set(host, feed);
      }
      this.lastAddress = sourceAddress;
      this.lastFeed = feed;
    }
    this.lastReceiveMs = receiveTimeUnixNano / 1e6;
    return feed.feed(h.kind, packet.subarray(HEADER_BYTES, HEADER_BYTES + h.pageLength), receiveTimeUnixNano);
  }

  activeSessions(): number {
    let n = 0;
    for (const feed of this.feeds.values()) {
      if (feed.normaliser.currentSessionId && this.lastReceiveMs - feed.normaliser.lastDataMs < ACTIVE_FOR_MS) n++;
    }
    return n;
  }
}

/** "192.168.1.20:51234" -> "192.168.1.20" ("[::1]:5" -> "::1"); the port changes with every forwarder run. */
function hostOf(address: string): string {
  const colon = address.lastIndexOf(":");
  if (colon < 0) return address;
  const host = address.slice(0, colon);
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
