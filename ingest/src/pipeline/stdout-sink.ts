// `--output stdout`: each batch decoded back with the generated code and printed as proto3 JSON,
// one frame per line. For people and scripts, not for speed.
import type { Writable } from "node:stream";
import { racetel } from "@racetel/proto";
import type { BatchSink } from "./batch-sink.js";

export class JsonLinesBatchSink implements BatchSink {
  constructor(private readonly out: Writable = process.stdout) {}

  sendBatch(bytes: Buffer): void {
    const request = racetel.v1.PublishRequest.decode(bytes);
    let text = "";
    for (const frame of request.frames) text += JSON.stringify((frame as racetel.v1.Frame).toJSON()) + "\n";
    this.out.write(text);
  }
}
