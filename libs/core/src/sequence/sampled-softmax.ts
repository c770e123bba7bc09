import type { Floats } from './floats';
import { dot } from './lstm-cell';

/**
 * Sampled softmax loss with the logQ correction (Jean et al. 2015; Bengio & Senecal 2008):
 * the full softmax over all movies is approximated by a softmax over the target plus K
 * movies drawn from a proposal q (here popularity^alpha). Each logit is corrected by
 * -log(K q_m) so that the sampled loss's gradient is a consistent estimate of the full one;
 * without it, popular movies would be pushed down simply for being sampled often.
 * A sampled movie that equals the target ("accidental hit") is masked out.
 *
 *   logit_m = h . outEmb[m] + outBias[m] - logQ[m]
 *   loss    = -logit_y + log sum_{m in {y} u S} exp(logit_m)
 */
export class SampledSoftmax {
  /** Output embedding size (the LSTM hidden size). */
  readonly hidden: number;
  /** Number of sampled negatives per step. */
  readonly numSampled: number;
  private readonly logits: Float64Array;

  constructor(hidden: number, numSampled: number) {
    this.hidden = hidden;
    this.numSampled = numSampled;
    this.logits = new Float64Array(numSampled + 1);
  }

  /**
   * Loss of one step and, when `grad` is given, its gradient: dh is ADDED to
   * dh[dho..dho+H), output-row gradients are added to grad[outEmbOffset + m*H ..] and
   * grad[outBiasOffset + m]. Returns the loss (natural log units).
   *
   * @param params - flat parameter buffer (see layout.ts)
   * @param outEmb - offset of the output embedding block in params/grad
   * @param outBias - offset of the output bias block in params/grad
   * @param logQ - log(K q_m) per movie (see PopularitySampler.logExpectedCount)
   * @param negatives - the K sampled movie indices (shared by the steps of a window)
   */
  lossAndGrad(
    params: Floats, outEmb: number, outBias: number, logQ: Floats,
    h: Floats, ho: number, target: number, negatives: Int32Array,
    grad: Floats | null, dh: Floats, dho: number,
  ): number {
    const hd = this.hidden;
    const k = this.numSampled;
    const logits = this.logits;
    let max = -Infinity;
    for (let s = 0; s <= k; s++) {
      const m = s === 0 ? target : negatives[s - 1];
      if (s > 0 && m === target) {
        logits[s] = -Infinity;
        continue;
      }
      const z = params[outBias + m] - logQ[m] + dot(params, outEmb + m * hd, h, ho, hd);
      logits[s] = z;
      if (z > max) max = z;
    }
    // logits[] is reused for exp(logit - max): each exponential is computed once.
    const targetLogit = logits[0];
    let sum = 0;
    for (let s = 0; s <= k; s++) {
      const e = Math.exp(logits[s] - max);
      logits[s] = e;
      sum += e;
    }
    const loss = max + Math.log(sum) - targetLogit;
    if (grad === null) return loss;
    const inv = 1 / sum;
    for (let s = 0; s <= k; s++) {
      // Masked (and underflowed) negatives have p = 0; the target always gets p - 1.
      if (s > 0 && logits[s] === 0) continue;
      const m = s === 0 ? target : negatives[s - 1];
      const p = logits[s] * inv - (s === 0 ? 1 : 0);
      grad[outBias + m] += p;
      const row = outEmb + m * hd;
      for (let j = 0; j < hd; j++) {
        dh[dho + j] += p * params[row + j];
        grad[row + j] += p * h[ho + j];
      }
    }
    return loss;
  }
}
