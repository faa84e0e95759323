// Seeded pseudo-random numbers for the race model: the same seed gives the same race, byte for byte.
// mulberry32: tiny, fast, good enough statistics for noise in lap times (not for cryptography).

/** A deterministic random source: next() in [0, 1). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Approximately normal (Irwin-Hall with 4 terms), mean 0, standard deviation `sd`. */
  gauss(sd: number): number {
    const sum = this.next() + this.next() + this.next() + this.next();
    return (sum - 2) * Math.sqrt(3) * sd;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** A derived, independent stream (so adding draws in one part of the model does not shift another). */
  fork(salt: number): Prng {
    return new Prng(Math.imul((this.state ^ salt) >>> 0, 0x9e3779b1) ^ salt);
  }
}
