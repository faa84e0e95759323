// F1 23/24/25 UDP telemetry source: decoder, dump splitter and the size table.
export { F1Decoder, F1_DROP_REASONS, type F1DecoderOptions, type F1DropReason } from "./decoder.js";
export { splitF1Dump } from "./dump.js";
export { F1_FORMATS, F1_PACKET_NAMES, F1_PACKET_SIZES, F1PacketId, type F1Format } from "./sizes.js";
