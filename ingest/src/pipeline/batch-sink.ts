// Where sealed batches go: the gRPC stream client (H5's ingest/src/stream/), stdout, or a test.

/**
 * Receives one sealed batch: the bytes of a racetel.v1.PublishRequest with only field 1 (frames)
 * set. A sender may append further PublishRequest fields (instance, sequence, stats) by
 * concatenating their encoding: protobuf messages merge when concatenated. Called synchronously;
 * `bytes` belongs to the sink from then on.
 */
export interface BatchSink {
  sendBatch(bytes: Buffer, frames: number): void;
}
