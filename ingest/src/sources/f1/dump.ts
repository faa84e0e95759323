// Splits an unframed dump (F1 datagrams concatenated with no framing, e.g. shared/captures/f1-23/*.dump)
// into datagrams using each header's packetFormat and packetId and the size table.
import { F1_HEADER_SIZE, F1_PACKET_SIZES, type F1Format } from "./sizes.js";

/**
 * Returns views (no copies) of each datagram. Throws when a header is unreadable or of an unknown
 * format/id, or a datagram runs past the end, naming the byte offset (a dump is input to a tool, not
 * to the hot path).
 */
export function splitF1Dump(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (buf.length - offset < F1_HEADER_SIZE) {
      throw new Error(`F1 dump: ${buf.length - offset} trailing bytes at offset ${offset} are shorter than a header`);
    }
    const format = buf.readUInt16LE(offset);
    const sizes = F1_PACKET_SIZES[format as F1Format] as readonly number[] | undefined;
    if (sizes === undefined) throw new Error(`F1 dump: unsupported packetFormat ${format} at offset ${offset}`);
    const id = buf[offset + 6]!;
    const size = sizes[id];
    if (size === undefined) throw new Error(`F1 dump: unknown packetId ${id} at offset ${offset}`);
    if (offset + size > buf.length) throw new Error(`F1 dump: packet at offset ${offset} runs past the end`);
    out.push(buf.subarray(offset, offset + size));
    offset += size;
  }
  return out;
}
