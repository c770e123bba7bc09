/**
 * Seeded pseudo-random numbers, so that generated data, randomized SVD and training are
 * reproducible: the same seed gives the same numbers on every machine.
 *
 * xoshiro128** (Blackman and Vigna): 32-bit state words, fast in JS integer arithmetic,
 * period 2^128 - 1. Seeds are expanded with splitmix32 so that nearby seeds diverge.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareGaussian: number | null = null;

  /** @param seed - any integer; default 42 */
  constructor(seed = 42) {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }

  /**
   * Restarts this generator on the stream named by four 32-bit words, e.g. (seed, sweep, side,
   * row) for the MF sampler's per-row streams, which must not depend on which thread draws the
   * row. Each state word is a bijective mix of one input word and the previous state word, so
   * distinct tuples give distinct states (up to the forced low bit of the last word), unlike
   * hashing the tuple into one 32-bit seed (about 170 colliding pairs among a million streams).
   */
  reseed(a: number, b: number, c: number, d: number): void {
    this.s0 = mix32(a >>> 0);
    this.s1 = mix32((b ^ this.s0) >>> 0);
    this.s2 = mix32((c ^ this.s1) >>> 0);
    this.s3 = (mix32((d ^ this.s2) >>> 0) | 1) >>> 0;
    this.spareGaussian = null;
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal sample (Marsaglia polar method; the second value is kept for the next call). */
  gaussian(): number {
    if (this.spareGaussian !== null) {
      const v = this.spareGaussian;
      this.spareGaussian = null;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareGaussian = v * m;
    return u * m;
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

/** The splitmix32 / murmur3 finalizer: a bijection of 32-bit words with full avalanche. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
