import type { Random } from '../random';

/**
 * Draws movie indices with probability proportional to count^alpha in O(1) per draw
 * (Walker's alias method, Vose's construction). alpha = 0.75 follows word2vec's unigram
 * table: flatter than raw popularity, so the long tail still gets sampled.
 */
export class PopularitySampler {
  /** Probability of each movie under the proposal (sums to 1). */
  readonly q: Float64Array;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  /**
   * @param counts - ratings per movie (dense index)
   * @param alpha - exponent applied to counts; default 0.75. Movies with 0 ratings get
   *   weight 1 so that every movie can be drawn.
   */
  constructor(counts: ArrayLike<number>, alpha = 0.75) {
    const n = counts.length;
    const q = new Float64Array(n);
    let total = 0;
    for (let m = 0; m < n; m++) {
      q[m] = Math.pow(Math.max(counts[m], 1), alpha);
      total += q[m];
    }
    for (let m = 0; m < n; m++) q[m] /= total;
    this.q = q;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let m = 0; m < n; m++) {
      scaled[m] = q[m] * n;
      if (scaled[m] < 1) small[ns++] = m;
      else large[nl++] = m;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns];
      const l = large[--nl];
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    // Leftovers are 1 up to rounding.
    while (nl > 0) this.prob[large[--nl]] = 1;
    while (ns > 0) this.prob[small[--ns]] = 1;
  }

  /** One draw. */
  sample(random: Random): number {
    const n = this.prob.length;
    const m = random.int(n);
    return random.next() < this.prob[m] ? m : this.alias[m];
  }

  /** Fills `out` with independent draws (with replacement). */
  fill(random: Random, out: Int32Array): void {
    for (let s = 0; s < out.length; s++) out[s] = this.sample(random);
  }

  /** log(K q_m) per movie: the logQ correction of a sampled softmax with K draws. */
  logExpectedCount(numSampled: number): Float32Array {
    const out = new Float32Array(this.q.length);
    for (let m = 0; m < out.length; m++) out[m] = Math.log(numSampled * this.q[m]);
    return out;
  }
}
