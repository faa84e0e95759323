// The ACC source's public surface: decoder factories for the ingest service (forwarded pages on UDP
// 9996, broadcasting datagrams), the page-file reader (--acc-shm-dir) and the broadcasting client
// (--acc-broadcast).
import type { DecodeContext, PacketDecoder } from "../source.js";
import { AccBroadcastDecoder } from "../acc-broadcast/decoder.js";
import { AccForwardDecoder } from "./forward-decoder.js";

export { AccForwardDecoder } from "./forward-decoder.js";
export { AccShmReader, defaultAccShmReaderConfig, validateAccShmReaderConfig } from "./shm-reader.js";
export type { AccShmReaderConfig } from "./shm-reader.js";
export { AccBroadcastDecoder } from "../acc-broadcast/decoder.js";
export {
  AccBroadcastClient, defaultAccBroadcastConfig, parseBroadcastTarget, validateAccBroadcastConfig,
} from "../acc-broadcast/client.js";
export type { AccBroadcastConfig } from "../acc-broadcast/client.js";
export { DEFAULT_ACC_PORT } from "./framing.js";

/** Factory for SourceDecoders.accForwardedPage: forwarded ACC pages (racetel framing v1). */
export function accForwardedPageDecoder(context: DecodeContext): PacketDecoder {
  return new AccForwardDecoder(context);
}

/** Factory for SourceDecoders.accBroadcasting: inbound ACC broadcasting datagrams (protocol v4). */
export function accBroadcastingDecoder(context: DecodeContext): PacketDecoder {
  return new AccBroadcastDecoder(context);
}
