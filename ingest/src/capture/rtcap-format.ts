// The .rtcap capture format, version 1 (docs/rtcap.md): a 12-byte file header, then records of
// raw datagrams with their receive time, kind and sender. Little-endian throughout.

/** 0x89 "RTCAP" CR LF: the high byte and line ending catch text-mode and 7-bit mangling (as PNG does). */
export const RTCAP_MAGIC = Buffer.from([0x89, 0x52, 0x54, 0x43, 0x41, 0x50, 0x0d, 0x0a]);
export const RTCAP_VERSION = 1;
/** magic (8) + u16 version + u16 flags (reserved, 0). */
export const RTCAP_FILE_HEADER_SIZE = 12;
/** u32 record length (bytes after this field) + u64 receive time ns + u8 kind + u8 reserved + u8 sender length. */
export const RTCAP_RECORD_FIXED_SIZE = 15;
/** Upper bound on one record, so a corrupt length is reported instead of read as a 4 GiB allocation. */
export const RTCAP_MAX_RECORD_SIZE = 16 * 1024 * 1024;

/** What a record's payload is; the byte value is part of the file format (0 and unlisted values reserved). */
export const RecordKind = {
  F1UdpDatagram: 1,
  AccForwardedPageDatagram: 2,
  AccBroadcastingInboundDatagram: 3,
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

export const RECORD_KIND_NAMES: Readonly<Record<number, string>> = {
  1: "f1-udp",
  2: "acc-forwarded-page",
  3: "acc-broadcasting-inbound",
};

export function isRecordKind(value: number): value is RecordKind {
  return value === 1 || value === 2 || value === 3;
}

/** One captured datagram. `payload` stays valid after the reader moves on. */
export interface CaptureRecord {
  /** Receive time, ns since the Unix epoch (a double: ~256 ns resolution today). */
  receiveTimeUnixNano: number;
  kind: RecordKind;
  /** "address:port" of the sender, or a page origin; may be empty. */
  sender: string;
  payload: Buffer;
  /** Byte offset of the record in its file (for progress and error messages). */
  fileOffset: number;
}

/** Thrown for a malformed or truncated capture; the message names the byte offset. */
export class CaptureFormatError extends Error {
  override name = "CaptureFormatError";
}

const TWO_32 = 4294967296;

/** Writes a double ns timestamp as u64 LE without BigInt. */
export function writeU64(buf: Buffer, value: number, offset: number): void {
  const hi = Math.floor(value / TWO_32);
  buf.writeUInt32LE(value - hi * TWO_32, offset);
  buf.writeUInt32LE(hi, offset + 4);
}

export function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset + 4) * TWO_32 + buf.readUInt32LE(offset);
}
