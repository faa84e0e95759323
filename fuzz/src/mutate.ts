// Byte mutations of real inputs, the ones that find parser bugs (AFL's havoc stage, in spirit): bit flips,
// interesting integers and floats (NaN, Inf, 1e30, -1) written at random offsets, control characters,
// truncation, extension, repeated and spliced chunks. Written here because what matters is the oracle
// (ranges and labels only racetel knows), not coverage guidance; a loop over real captures is enough.
import { Prng } from "@racetel/ingest/simulate/prng";

const INTERESTING_U8 = [0, 1, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x07, 0x1b];
const INTERESTING_U32 = [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffe, 1000, 65535, 65536];
const INTERESTING_F32 = [Number.NaN, Infinity, -Infinity, 1e30, -1e30, -1, 3.4e38, 1e-45, -0];

export class Mutator {
  readonly prng: Prng;
  private scratch = Buffer.alloc(64 * 1024);

  constructor(seed: number) {
    this.prng = new Prng(seed);
  }

  /** A mutated copy of `seed` (with `other` for splices); at most `maxBytes` long. */
  mutate(seed: Buffer, other: Buffer, maxBytes: number): Buffer {
    const p = this.prng;
    let len = Math.min(seed.length, maxBytes);
    if (this.scratch.length < maxBytes + 8) this.scratch = Buffer.alloc(maxBytes + 8);
    const out = this.scratch;
    seed.copy(out, 0, 0, len);
    const rounds = 1 + Math.floor(-Math.log2(1 - p.next() * 0.999)); // 1 mostly, a few sometimes
    for (let r = 0; r < rounds; r++) {
      const at = len === 0 ? 0 : p.int(0, len - 1);
      switch (p.int(0, 9)) {
        case 0: // flip a bit
          if (len > 0) out[at] = out[at]! ^ (1 << p.int(0, 7));
          break;
        case 1: // an interesting byte
          if (len > 0) out[at] = INTERESTING_U8[p.int(0, INTERESTING_U8.length - 1)]!;
          break;
        case 2: // an interesting u32
          if (at + 4 <= len) out.writeUInt32LE(INTERESTING_U32[p.int(0, INTERESTING_U32.length - 1)]!, at);
          break;
        case 3: // an interesting float, aligned as the games' structs are
          if ((at & ~3) + 4 <= len) out.writeFloatLE(INTERESTING_F32[p.int(0, INTERESTING_F32.length - 1)]!, at & ~3);
          break;
        case 4: // a random byte run
          for (let i = at, n = Math.min(len, at + p.int(1, 16)); i < n; i++) out[i] = p.int(0, 255);
          break;
        case 5: // truncate
          len = at;
          break;
        case 6: { // extend with random bytes
          const add = Math.min(maxBytes - len, p.int(1, 64));
          for (let i = 0; i < add; i++) out[len + i] = p.int(0, 255);
          len += add;
          break;
        }
        case 7: { // splice a chunk of another input
          if (other.length === 0 || len === 0) break;
          const from = p.int(0, other.length - 1);
          const n = Math.min(p.int(1, 256), other.length - from, len - at);
          other.copy(out, at, from, from + n);
          break;
        }
        case 8: { // a control character in what may be a string
          if (len > 0) out[at] = p.int(0, 0x1f);
          break;
        }
        default: { // repeat a chunk over its neighbour
          const n = Math.min(p.int(1, 32), len - at);
          const to = p.int(0, Math.max(0, len - n));
          out.copy(out, to, at, at + n);
          break;
        }
      }
    }
    return Buffer.from(out.subarray(0, len)); // a copy: decoders may keep a view of the last packet
  }
}
