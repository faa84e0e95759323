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
