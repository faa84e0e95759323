// A bounded FIFO of encoded batches. Telemetry is live: when full, the OLDEST batch goes (and its
// frames are counted), so memory never grows while rpc is slow or away.

export interface QueuedBatch {
  bytes: Buffer;
  frames: number;
}

export class BatchQueue {
  private readonly items: (QueuedBatch | undefined)[];
  private head = 0;
  private count = 0;
  private bytesQueued = 0;

  constructor(
    readonly maxBatches: number,
    readonly maxBytes: number,
    /** Called with the frames of each batch dropped to make room. */
    private readonly onDrop: (frames: number) => void,
  ) {
    this.items = new Array<QueuedBatch | undefined>(maxBatches);
  }

  get length(): number {
    return this.count;
  }

  get bytes(): number {
    return this.bytesQueued;
  }

  push(batch: QueuedBatch): void {
    while (this.count > 0 && (this.count >= this.maxBatches || this.bytesQueued + batch.bytes.length > this.maxBytes)) {
      const dropped = this.shift()!;
      this.onDrop(dropped.frames);
    }
    this.items[(this.head + this.count) % this.maxBatches] = batch;
    this.count++;
    this.bytesQueued += batch.bytes.length;
  }

  shift(): QueuedBatch | undefined {
    if (this.count === 0) return undefined;
    const batch = this.items[this.head]!;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.maxBatches;
    this.count--;
    this.bytesQueued -= batch.bytes.length;
    return batch;
  }
}
