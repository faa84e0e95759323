// The service's FrameSink: encodes every frame the decoders emit straight into the current batch,
// and seals the batch by size or age into a BatchSink.
import type { Frame, FrameSink } from "../sources/source.js";
import type { IngestCounters } from "../observability/counters.js";
import type { BatchSink } from "./batch-sink.js";
import { createBatchEncoder, type BatchEncoder } from "./batch-encoder.js";

export interface FrameBatcherOptions {
  /** Seal when the batch reaches this many bytes. */
  maxBytes: number;
  /** Seal when the oldest frame in the batch is this old. */
  maxAgeMs: number;
  /** Called (rarely) when a frame cannot be encoded; the frame is skipped. */
  onEncodeError?: (err: unknown) => void;
}

export class FrameBatcher implements FrameSink {
  private readonly encoder: BatchEncoder;
  private ageTimer: NodeJS.Timeout | undefined;
  private readonly sealOnAge = (): void => {
    this.ageTimer = undefined;
    this.flush();
  };

  constructor(
    private readonly output: BatchSink,
    private readonly counters: IngestCounters,
    private readonly options: FrameBatcherOptions,
  ) {
    this.encoder = createBatchEncoder(options.maxBytes + 16 * 1024);
  }

  emit(frame: Frame): void {
    try {
      this.encoder.appendFrame(frame);
    } catch (err) {
      this.counters.countDrop("frame_encode_error");
      this.options.onEncodeError?.(err);
      return;
    }
    this.counters.framesEmitted++;
    if (this.encoder.length >= this.options.maxBytes) {
      this.flush();
    } else if (this.ageTimer === undefined) {
      // One timer per batch, not per frame; unref'd so a pending batch never keeps a CLI alive.
      this.ageTimer = setTimeout(this.sealOnAge, this.options.maxAgeMs);
      this.ageTimer.unref();
    }
  }

  /** Seals the current batch now (no-op when empty). */
  flush(): void {
    if (this.ageTimer !== undefined) {
      clearTimeout(this.ageTimer);
      this.ageTimer = undefined;
    }
    const frames = this.encoder.count;
    if (frames === 0) return;
    const bytes = this.encoder.take();
    this.counters.batchesSealed++;
    this.output.sendBatch(bytes, frames);
  }
}
