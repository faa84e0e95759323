// Which decoder serves which listener. The F1 decoder is built by the F1 source (ingest/src/sources/f1);
// the ACC forwarded-page decoder plugs in at `accForwardedPageDecoder` once the ACC source has one.
import type { DecodeContext, PacketDecoder } from "../sources/source.js";

export type DecoderFactory = (context: DecodeContext) => PacketDecoder;

export interface SourceDecoders {
  /** Decodes F1 23/24/25 UDP datagrams (port 20777). */
  f1: DecoderFactory;
  /** Decodes ACC shared-memory pages forwarded over UDP (port 9996); the ACC listener is bound only when set. */
  accForwardedPage?: DecoderFactory;
  /** Decodes inbound ACC broadcasting-protocol datagrams (used by `racetel decode` for .rtcap kind 3). */
  accBroadcasting?: DecoderFactory;
}

/** The decoders shipped with racetel. */
export async function defaultSourceDecoders(): Promise<SourceDecoders> {
  throw new Error("not yet: the F1 decoder (ingest/src/sources/f1) has not landed");
}
