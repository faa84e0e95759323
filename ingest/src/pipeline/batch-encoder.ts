// Encodes frames one at a time into the bytes of a PublishRequest (field 1, repeated Frame).
// The service uses the allocation-light FrameWriter of @racetel/proto; the batcher depends only on
// this small interface.
import { FrameWriter, encodeFrame, racetel } from "@racetel/proto";
import type { Frame } from "../sources/source.js";

/** PublishRequest.frames is field 1. */
export const PUBLISH_REQUEST_FRAMES_FIELD = 1;

export interface BatchEncoder {
  /** Encodes the frame at once (the caller may reuse the object afterwards). Throws on a frame that cannot be encoded, leaving earlier frames intact. */
  appendFrame(frame: Frame): void;
  /** Bytes in the current batch. */
  readonly length: number;
  /** Frames in the current batch. */
  readonly count: number;
  /** Returns the batch bytes and starts an empty batch. */
  take(): Buffer;
}

/**
 * BatchEncoder on the generated encode() with protobufjs' own Writer (one small object per field):
 * the reference the FrameWriter path is tested against.
 */
export class GeneratedCodeBatchEncoder implements BatchEncoder {
  private buf: Buffer;
  private pos = 0;
  private frames = 0;

  constructor(initialBytes: number) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  appendFrame(frame: Frame): void {
    // Encoded whole before anything is written, so a throwing encode leaves the batch intact.
    const body = racetel.v1.Frame.encode(frame).finish();
    this.reserve(body.byteLength + 6);
    this.buf[this.pos++] = (PUBLISH_REQUEST_FRAMES_FIELD << 3) | 2;
    let n = body.byteLength;
    while (n > 0x7f) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
    this.buf.set(body, this.pos);
    this.pos += body.byteLength;
    this.frames++;
  }

  get length(): number {
    return this.pos;
  }

  get count(): number {
    return this.frames;
  }

  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    this.frames = 0;
    return out;
  }

  private reserve(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

/**
 * BatchEncoder on FrameWriter driven by the protobufjs generated encode(): every value goes straight into one
 * reusable buffer, but through one writer method call per field. Kept as a second reference.
 */
export class FrameWriterBatchEncoder implements BatchEncoder {
  private readonly writer: FrameWriter;

  constructor(initialBytes: number) {
    this.writer = new FrameWriter(initialBytes);
  }

  appendFrame(frame: Frame): void {
    // FrameWriter.message rolls back its partial bytes if encode throws.
    this.writer.message(PUBLISH_REQUEST_FRAMES_FIELD, racetel.v1.Frame, frame);
  }

  get length(): number {
    return this.writer.length;
  }

  get count(): number {
    return this.writer.count;
  }

  take(): Buffer {
    return this.writer.take();
  }
}

/**
 * BatchEncoder on FrameWriter with the specialised encoders generated from the spec (proto/gen/racetel-encoders.js):
 * inlined tags, zero fields skipped, labels bytes memoised per labels object. Several times faster than the above.
 */
export class GeneratedEncoderBatchEncoder implements BatchEncoder {
  private readonly writer: FrameWriter;

  constructor(initialBytes: number) {
    this.writer = new FrameWriter(initialBytes);
  }

  appendFrame(frame: Frame): void {
    // encodeField rolls back its partial bytes if the encoder throws.
    this.writer.encodeField(PUBLISH_REQUEST_FRAMES_FIELD, encodeFrame, frame);
  }

  get length(): number {
    return this.writer.length;
  }

  get count(): number {
    return this.writer.count;
  }

  take(): Buffer {
    return this.writer.take();
  }
}

/** The encoder the service uses. */
export function createBatchEncoder(initialBytes: number): BatchEncoder {
  return new GeneratedEncoderBatchEncoder(initialBytes);
}
