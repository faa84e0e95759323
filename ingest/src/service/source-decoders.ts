// Which decoder serves which listener (and which .rtcap record kind in `racetel decode`).
import { AccForwardDecoder } from "../sources/acc/forward-decoder.js";
import { AccBroadcastDecoder } from "../sources/acc-broadcast/decoder.js";
import { F1Decoder } from "../sources/f1/index.js";
import type { DecodeContext, PacketDecoder } from "../sources/source.js";

export type DecoderFactory = (context: DecodeContext) => PacketDecoder;

export interface SourceDecoders {
  /** Decodes F1 23/24/25 UDP datagrams (port 20777). */
  f1: DecoderFactory;
  /** Decodes ACC shared-memory pages forwarded over UDP (port 9996); the ACC listener is bound only when set. */
  accForwardedPage?: DecoderFactory;
  /** Decodes inbound ACC broadcasting-protocol datagrams (.rtcap kind 3 in `racetel decode`). */
  accBroadcasting?: DecoderFactory;
}

/** The decoders shipped with racetel. */
export function defaultSourceDecoders(): SourceDecoders {
  return {
    // Room for a LAN event's worth of consoles before least-recently-used sessions are evicted.
    f1: (context) => new F1Decoder(context, { maxSessions: 64 }),
    accForwardedPage: (context) => new AccForwardDecoder(context),
    accBroadcasting: (context) => new AccBroadcastDecoder(context),
  };
}

/** One decoder per capture record kind, made on first use (`racetel decode`, `racetel replay --rpc`). */
export function recordDecoders(factories: SourceDecoders, context: DecodeContext): { decoderFor(kind: number): PacketDecoder | undefined; all(): PacketDecoder[] } {
  const decoders = new Map<number, PacketDecoder>();
  return {
    decoderFor(kind: number): PacketDecoder | undefined {
      let decoder = decoders.get(kind);
      if (decoder) return decoder;
      // Record kinds: docs/rtcap.md (1 F1 datagram, 2 forwarded ACC page, 3 ACC broadcasting datagram).
      const factory = kind === 1 ? factories.f1 : kind === 2 ? factories.accForwardedPage : kind === 3 ? factories.accBroadcasting : undefined;
      if (!factory) return undefined;
      decoder = factory(context);
      decoders.set(kind, decoder);
      return decoder;
    },
    all: () => [...decoders.values()],
  };
}
