// racetel ACC page forwarding, framing version 1 (docs/acc.md): one page per UDP datagram.
//   0  4  magic "RTAC"
//   4  1  framing version (1)
//   5  1  page type: 1 physics, 2 graphics, 3 static
//   6  2  page length in bytes, u16 LE (the bytes after the header)
//   8  4  sequence, u32 LE, +1 per datagram sent by one forwarder (wraps)
//  12  .  page bytes (the struct prefix of the shared-memory page)
import type { PageKind } from "./pages.js";

export const FRAME_MAGIC = 0x43415452; // "RTAC" read as u32 LE
export const FRAMING_VERSION = 1;
export const HEADER_BYTES = 12;
export const DEFAULT_ACC_PORT = 9996;

const KINDS: readonly (PageKind | undefined)[] = [undefined, "physics", "graphics", "static"];
const TYPES: Record<PageKind, number> = { physics: 1, graphics: 2, static: 3 };

/** Writes the header for a page into out[0..12). */
export function writeHeader(out: Buffer, kind: PageKind, pageLength: number, sequence: number): void {
  out.writeUInt32LE(FRAME_MAGIC, 0);
  out[4] = FRAMING_VERSION;
  out[5] = TYPES[kind];
  out.writeUInt16LE(pageLength, 6);
  out.writeUInt32LE(sequence >>> 0, 8);
}

/** The result of reading a header: the page kind, or the drop reason. Reused between calls. */
export interface HeaderResult { kind: PageKind | null; reason: string; sequence: number; pageLength: number }

export function readHeader(datagram: Uint8Array, out: HeaderResult): HeaderResult {
  out.kind = null;
  if (datagram.length < HEADER_BYTES) { out.reason = "too_short"; return out; }
  const view = Buffer.isBuffer(datagram) ? datagram : Buffer.from(datagram.buffer, datagram.byteOffset, datagram.length);
  if (view.readUInt32LE(0) !== FRAME_MAGIC) { out.reason = "bad_magic"; return out; }
  if (view[4] !== FRAMING_VERSION) { out.reason = "unsupported_version"; return out; }
  const kind = KINDS[view[5]!];
  if (!kind) { out.reason = "bad_page_type"; return out; }
  out.pageLength = view.readUInt16LE(6);
  out.sequence = view.readUInt32LE(8);
  if (datagram.length - HEADER_BYTES < out.pageLength) { out.reason = "too_short"; return out; }
  out.kind = kind;
  out.reason = "";
  return out;
}
