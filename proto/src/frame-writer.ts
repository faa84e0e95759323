// An allocation-light protobuf writer for the hot path of ingest.
//
// protobufjs' Writer builds a linked list of operations (one object per field) and copies them into a
// fresh buffer on finish(). FrameWriter instead writes every value straight into one reusable, growable
// Buffer. It implements the subset of the protobufjs Writer interface that generated static `encode()`
// functions call, so the generated code is reused unchanged:
//
//   const w = new FrameWriter(64 * 1024);
//   w.message(1, racetel.v1.Frame, frame);   // PublishRequest.frames, one call per frame
//   const batch = w.take();                  // one Buffer copied out; the writer is empty again
//
// Sub-messages (fork/ldelim) reserve one byte for their length; when the body turns out to be 128 bytes
// or longer, ldelim shifts it with copyWithin to make room for the longer varint.
import type { Writer } from "protobufjs";

/** A 64-bit integer as callers hand it over: JS number, bigint, decimal string or a Long-like object. */
export type Int64Like = number | bigint | string | { low: number; high: number };

/** Anything with a generated static `encode(message, writer)`, e.g. `racetel.v1.Frame`. */
export interface Encodable<T> {
  encode(message: T, writer?: Writer): Writer;
}

const TWO_32 = 4294967296;

// Scratch views for float/double bytes: no allocation per value. Fast path assumes a little-endian host
// (every platform Node ships for); big-endian falls back to Buffer's own LE writers.
const f32 = new Float32Array(1);
const f32Bytes = new Uint8Array(f32.buffer);
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Below this many UTF-16 units a string needs at most 3 * 42 = 126 UTF-8 bytes, so its length prefix is one
// byte and a plain JS loop beats a call into C++ (same trade-off protobufjs makes).
const SHORT_STRING_UNITS = 43;

/** Number of bytes the varint encoding of an unsigned 32-bit value takes. */
function varint32Size(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/** Writes protobuf wire format into one reusable Buffer; see the module comment. */
export class FrameWriter {
  // buf, dv, pos and cap are public for the generated encoders (gen/racetel-encoders.js), which write
  // straight into the buffer; everything else goes through the methods.
  /** The buffer; replaced when it grows. */
  buf: Buffer;
  /** A DataView over exactly buf (for float/double/fixed writes); replaced with buf. */
  dv: DataView;
  /** buf.length, kept as a plain field: the capacity check runs on every write. */
  cap: number;
  /** Write offset in buf. */
  pos = 0;
  /** Start offsets of open sub-messages (the reserved length byte). */
  private readonly forks: number[] = [];
  private depth = 0;
  private messages = 0;
  // Low and high 32 bits of the last 64-bit value split by splitInt64 (fields, not a tuple: no allocation).
  private lo = 0;
  private hi = 0;

  /** @param initialCapacity bytes to allocate up front; the buffer doubles when full. */
  constructor(initialCapacity = 64 * 1024) {
    if (!Number.isInteger(initialCapacity) || initialCapacity < 16) {
      throw new RangeError(`FrameWriter: initialCapacity must be an integer >= 16, got ${initialCapacity}`);
    }
    this.buf = Buffer.allocUnsafe(initialCapacity);
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, initialCapacity);
    this.cap = initialCapacity;
  }

  /** Bytes written so far (including any open sub-message). */
  get length(): number {
    return this.pos;
  }

  /** protobufjs Writer's name for the byte length. */
  get len(): number {
    return this.pos;
  }

  /** Messages completed with endField()/message() since the last take()/clear(). */
  get count(): number {
    return this.messages;
  }

  /** Bytes the buffer holds before it has to grow. */
  get capacity(): number {
    return this.cap;
  }

  /** This writer typed as a protobufjs Writer, for generated `encode(message, writer)` calls. */
  asWriter(): Writer {
    return this as unknown as Writer;
  }

  /** Opens a length-delimited field `fieldNumber` (wire type 2); close it with endField(). */
  beginField(fieldNumber: number): this {
    return this.uint32(((fieldNumber << 3) | 2) >>> 0).fork();
  }

  /** Closes the field opened by beginField() and counts one message. */
  endField(): this {
    this.ldelim();
    this.messages++;
    return this;
  }

  /**
   * Encodes `message` with `type.encode` as length-delimited field `fieldNumber`. If encoding throws, the
   * partial bytes are dropped, so one bad message never corrupts the rest of the batch.
   */
  message<T>(fieldNumber: number, type: Encodable<T>, message: T): this {
    const start = this.pos;
    const depth = this.depth;
    try {
      this.beginField(fieldNumber);
      type.encode(message, this as unknown as Writer);
      return this.endField();
    } catch (err) {
      this.pos = start;
      this.depth = depth;
      throw err;
    }
  }

  /**
   * Writes `message` with a generated encoder (gen/racetel-encoders.js, e.g. encodeFrame) as length-delimited
   * field `fieldNumber` and counts one message. Like message(), rolls back the partial bytes if it throws.
   * Two bytes are reserved for the length (a batch's frames are mostly 128..16383 bytes); the body moves
   * only when its length needs one or three-plus bytes.
   */
  encodeField<T>(fieldNumber: number, encode: (w: this, message: T) => void, message: T): this {
    const start = this.pos;
    const depth = this.depth;
    const tag = ((fieldNumber << 3) | 2) >>> 0;
    // One capacity check for the tag (at most 5 bytes) and the two reserved length bytes.
    this.ensure(7);
    this.pos = tag < 0x80 ? ((this.buf[start] = tag), start + 1) : this.writeVarint32At(start, tag);
    const lengthAt = this.pos;
    this.pos += 2;
    try {
      encode(this, message);
    } catch (err) {
      this.pos = start;
      this.depth = depth;
      throw err;
    }
    const bodyStart = lengthAt + 2;
    const bodyLength = this.pos - bodyStart;
    if (bodyLength >= 0x80 && bodyLength < 0x4000) {
      this.buf[lengthAt] = (bodyLength & 0x7f) | 0x80;
      this.buf[lengthAt + 1] = bodyLength >>> 7;
    } else if (bodyLength < 0x80) {
      this.buf.copyWithin(lengthAt + 1, bodyStart, this.pos);
      this.buf[lengthAt] = bodyLength;
      this.pos--;
    } else {
      const extra = varint32Size(bodyLength) - 2;
      this.ensure(extra);
      this.buf.copyWithin(bodyStart + extra, bodyStart, this.pos);
      this.pos += extra;
      this.writeVarint32At(lengthAt, bodyLength);
    }
    this.messages++;
    return this;
  }

  /** Makes room for `bytes` more bytes after pos (for the generated encoders; may replace buf and dv). */
  ensureRoom(bytes: number): void {
    this.ensure(bytes);
  }

  /**
   * Ends a sub-message whose one reserved length byte is at `at` and whose body runs from at + 1 to pos:
   * writes the length, shifting the body when the length needs more than one byte (generated encoders).
   */
  endLength(at: number): void {
    const bodyStart = at + 1;
    const bodyLength = this.pos - bodyStart;
    if (bodyLength < 0x80) {
      this.buf[at] = bodyLength;
      return;
    }
    const extra = varint32Size(bodyLength) - 1;
    this.ensure(extra);
    this.buf.copyWithin(bodyStart + extra, bodyStart, this.pos);
    this.pos += extra;
    this.writeVarint32At(at, bodyLength);
  }

  /** Copies out everything written and empties the writer (keeps its buffer for reuse). */
  take(): Buffer {
    const out = this.finish();
    this.clear();
    return out;
  }

  /** Empties the writer, dropping open sub-messages and the message count. */
  clear(): this {
    this.pos = 0;
    this.depth = 0;
    this.messages = 0;
    return this;
  }

  /**
   * The bytes written so far, without copying. Valid only until the next write or clear(): hand it to
   * something that copies it at once (e.g. a socket write that completes synchronously into its own buffer).
   */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  // ---- the protobufjs Writer subset --------------------------------------------------------------

  /** Copies out the bytes written so far (like protobufjs, does not reset). */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** Inside a fork: drops the forked bytes (protobufjs semantics). Otherwise: empties the writer. */
  reset(): this {
    if (this.depth > 0) {
      this.pos = this.forks[--this.depth]!;
    } else {
      this.clear();
    }
    return this;
  }

  /** Starts a sub-message: reserves one byte for its length. */
  fork(): this {
    this.ensure(1);
    this.forks[this.depth++] = this.pos;
    this.pos++;
    return this;
  }

  /** Ends the sub-message begun by fork(): writes its length, shifting the body if the length needs > 1 byte. */
  ldelim(): this {
    if (this.depth === 0) throw new Error("FrameWriter.ldelim() without a matching fork()");
    this.endLength(this.forks[--this.depth]!);
    return this;
  }

  uint32(value: number): this {
    this.ensure(5);
    value >>>= 0;
    // Tags and small values are one byte: skip the loop.
    if (value < 0x80) this.buf[this.pos++] = value;
    else this.pos = this.writeVarint32At(this.pos, value);
    return this;
  }

  int32(value: number): this {
    // Negative int32 is sign-extended to 64 bits on the wire: always 10 bytes.
    if (value < 0) return this.writeVarint64(value >>> 0, 0xffffffff);
    return this.uint32(value);
  }

  sint32(value: number): this {
    return this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  uint64(value: Int64Like): this {
    this.splitInt64(value);
    return this.writeVarint64(this.lo, this.hi);
  }

  int64(value: Int64Like): this {
    return this.uint64(value);
  }

  sint64(value: Int64Like): this {
    this.splitInt64(value);
    const mask = this.hi >> 31;
    const hi = (((this.hi << 1) | (this.lo >>> 31)) ^ mask) >>> 0;
    const lo = ((this.lo << 1) ^ mask) >>> 0;
    return this.writeVarint64(lo, hi);
  }

  fixed32(value: number): this {
    this.ensure(4);
    this.writeFixed32At(this.pos, value >>> 0);
    this.pos += 4;
    return this;
  }

  sfixed32(value: number): this {
    return this.fixed32(value);
  }

  fixed64(value: Int64Like): this {
    this.splitInt64(value);
    this.ensure(8);
    this.writeFixed32At(this.pos, this.lo);
    this.writeFixed32At(this.pos + 4, this.hi);
    this.pos += 8;
    return this;
  }

  sfixed64(value: Int64Like): this {
    return this.fixed64(value);
  }

  float(value: number): this {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    if (LITTLE_ENDIAN) {
      f32[0] = value;
      b[p] = f32Bytes[0]!;
      b[p + 1] = f32Bytes[1]!;
      b[p + 2] = f32Bytes[2]!;
      b[p + 3] = f32Bytes[3]!;
    } else {
      b.writeFloatLE(value, p);
    }
    this.pos = p + 4;
    return this;
  }

  double(value: number): this {
    this.ensure(8);
    const b = this.buf;
    const p = this.pos;
    if (LITTLE_ENDIAN) {
      f64[0] = value;
      for (let i = 0; i < 8; i++) b[p + i] = f64Bytes[i]!;
    } else {
      b.writeDoubleLE(value, p);
    }
    this.pos = p + 8;
    return this;
  }

  bool(value: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
    return this;
  }

  /** Length-delimited bytes; a string is taken as base64, as protobufjs does. */
  bytes(value: Uint8Array | string): this {
    const data = typeof value === "string" ? Buffer.from(value, "base64") : value;
    this.uint32(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  string(value: string): this {
    const units = value.length;
    if (units < SHORT_STRING_UNITS) {
      // Worst case 3 bytes per UTF-16 unit, under 128 in total: the length prefix is one byte.
      this.ensure(1 + 3 * units);
      const lengthAt = this.pos;
      const end = this.writeUtf8Short(value, lengthAt + 1);
      this.buf[lengthAt] = end - lengthAt - 1;
      this.pos = end;
      return this;
    }
    const byteLength = Buffer.byteLength(value, "utf8");
    this.uint32(byteLength);
    this.ensure(byteLength);
    this.pos += this.buf.write(value, this.pos, byteLength, "utf8");
    return this;
  }

  // ---- internals -----------------------------------------------------------------------------------

  /** Makes room for `bytes` more bytes after pos, doubling the buffer as needed. */
  private ensure(bytes: number): void {
    // Kept tiny so V8 inlines it; growing is the rare case.
    if (this.pos + bytes > this.cap) this.grow(this.pos + bytes);
  }

  private grow(needed: number): void {
    let capacity = this.cap * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
    this.dv = new DataView(grown.buffer, grown.byteOffset, capacity);
    this.cap = capacity;
  }

  /** Writes an unsigned 32-bit varint at `at` (room already ensured); returns the offset after it. */
  private writeVarint32At(at: number, value: number): number {
    const b = this.buf;
    while (value > 0x7f) {
      b[at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    b[at++] = value;
    return at;
  }

  private writeVarint64(lo: number, hi: number): this {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (hi !== 0) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 0x7f) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    b[p++] = lo;
    this.pos = p;
    return this;
  }

  private writeFixed32At(at: number, value: number): void {
    const b = this.buf;
    b[at] = value & 0xff;
    b[at + 1] = (value >>> 8) & 0xff;
    b[at + 2] = (value >>> 16) & 0xff;
    b[at + 3] = value >>> 24;
  }

  /** Splits a 64-bit value into this.lo / this.hi (two's complement for negatives). */
  private splitInt64(value: Int64Like): void {
    if (typeof value === "number") {
      // Same arithmetic as protobufjs' LongBits.fromNumber, so both writers agree on every double.
      let v = value;
      const negative = v < 0;
      if (negative) v = -v;
      let lo = v >>> 0;
      let hi = ((v - lo) / TWO_32) >>> 0;
      if (negative) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
        if (++lo > 0xffffffff) {
          lo = 0;
          if (++hi > 0xffffffff) hi = 0;
        }
      }
      this.lo = lo;
      this.hi = hi;
      return;
    }
    if (typeof value === "bigint" || typeof value === "string") {
      const big = BigInt.asUintN(64, typeof value === "bigint" ? value : BigInt(value));
      this.lo = Number(big & 0xffffffffn);
      this.hi = Number(big >> 32n);
      return;
    }
    this.lo = value.low >>> 0;
    this.hi = value.high >>> 0;
  }

  /**
   * UTF-8 encodes a string of fewer than 43 UTF-16 units at `at` (room for 3 bytes per unit ensured) and returns
   * the offset after it; lone surrogates become U+FFFD like Buffer does. Public for the generated encoders.
   */
  writeUtf8Short(value: string, at: number): number {
    const b = this.buf;
    const n = value.length;
    for (let i = 0; i < n; i++) {
      let c = value.charCodeAt(i);
      if (c < 0x80) {
        b[at++] = c;
      } else if (c < 0x800) {
        b[at++] = 0xc0 | (c >> 6);
        b[at++] = 0x80 | (c & 0x3f);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const next = i + 1 < n ? value.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
            i++;
            b[at++] = 0xf0 | (c >> 18);
            b[at++] = 0x80 | ((c >> 12) & 0x3f);
            b[at++] = 0x80 | ((c >> 6) & 0x3f);
            b[at++] = 0x80 | (c & 0x3f);
            continue;
          }
          c = 0xfffd;
        }
        b[at++] = 0xe0 | (c >> 12);
        b[at++] = 0x80 | ((c >> 6) & 0x3f);
        b[at++] = 0x80 | (c & 0x3f);
      }
    }
    return at;
  }
}
