// Appends records to a .rtcap file through a buffered write stream.
import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { RTCAP_FILE_HEADER_SIZE, RTCAP_MAGIC, RTCAP_RECORD_FIXED_SIZE, RTCAP_VERSION, writeU64, type RecordKind } from "./rtcap-format.js";

const MAX_SENDER_BYTES = 255;

export class RtcapWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;
  records = 0;
  bytes = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path, { highWaterMark: 256 * 1024 });
    this.stream.on("error", (err) => {
      this.failure = err;
    });
    const header = Buffer.alloc(RTCAP_FILE_HEADER_SIZE);
    RTCAP_MAGIC.copy(header, 0);
    header.writeUInt16LE(RTCAP_VERSION, 8);
    header.writeUInt16LE(0, 10);
    this.stream.write(header);
    this.bytes = header.length;
  }

  /** Waits until the file is open (so a bad path fails before recording starts). */
  async ready(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.pending) await Promise.race([once(this.stream, "ready"), once(this.stream, "error").then(([err]) => Promise.reject(err as Error))]);
  }

  /** Appends one record. Throws the stream's error if writing has failed. */
  write(kind: RecordKind, receiveTimeUnixNano: number, sender: string, payload: Uint8Array): void {
    if (this.failure) throw this.failure;
    let senderBytes = Buffer.from(sender, "utf8");
    if (senderBytes.length > MAX_SENDER_BYTES) senderBytes = senderBytes.subarray(0, MAX_SENDER_BYTES);
    const head = Buffer.allocUnsafe(RTCAP_RECORD_FIXED_SIZE + senderBytes.length);
    head.writeUInt32LE(RTCAP_RECORD_FIXED_SIZE - 4 + senderBytes.length + payload.byteLength, 0);
    writeU64(head, receiveTimeUnixNano, 4);
    head[12] = kind;
    head[13] = 0;
    head[14] = senderBytes.length;
    senderBytes.copy(head, RTCAP_RECORD_FIXED_SIZE);
    // Copy the payload: the caller's buffer may be reused after we return.
    this.stream.write(Buffer.concat([head, payload]));
    this.records++;
    this.bytes += head.length + payload.byteLength;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    if (this.stream.closed) return;
    await new Promise<void>((resolve, reject) => {
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (this.failure) throw this.failure;
  }
}
