// Sequential reads of a file in large chunks, so captures of any size stream through bounded memory.
import type { FileHandle } from "node:fs/promises";

const CHUNK_BYTES = 1024 * 1024;

export class FileBytes {
  private buf = Buffer.alloc(0);
  private pos = 0;
  private bufStart = 0;
  private eof = false;

  constructor(private readonly file: FileHandle) {}

  /** File offset of the next unread byte. */
  get offset(): number {
    return this.bufStart + this.pos;
  }

  /** Bytes buffered and not yet taken. */
  get available(): number {
    return this.buf.length - this.pos;
  }

  /** Buffers at least `n` bytes; false when the file ends first. */
  async ensure(n: number): Promise<boolean> {
    while (this.available < n && !this.eof) {
      const chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, n));
      const { bytesRead } = await this.file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) {
        this.eof = true;
        break;
      }
      // A fresh buffer each time: slices handed out earlier stay valid.
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk.subarray(0, bytesRead)]);
      this.bufStart += this.pos;
      this.pos = 0;
    }
    return this.available >= n;
  }

  /** The next `n` buffered bytes (call ensure first). */
  take(n: number): Buffer {
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Looks at buffered bytes without consuming them. */
  peek(n: number): Buffer {
    return this.buf.subarray(this.pos, this.pos + n);
  }
}
