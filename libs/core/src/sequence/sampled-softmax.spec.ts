/**
 * The VALUE of the sampled-softmax loss and the expectation of its gradient. The
 * finite-difference checks in gradient-check.spec.ts only prove that the gradient matches
 * the loss the code computes; these tests prove that the code computes the right loss:
 * a wrong sign on the logQ correction or a missing accidental-hit mask fails here.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../random';
import { dot } from './lstm-cell';
import { SampledSoftmax } from './sampled-softmax';
import { PopularitySampler } from './sampler';

describe('SampledSoftmax loss value', () => {
  it('equals -logit_y + log sum exp(logits) over the target and the negatives, with the accidental hit removed', () => {
    // Two hidden units, six movies; only movies 1 (the target) and 5 matter.
    const hd = 2;
    const movies = 6;
    const outEmb = 0;
    const outBias = movies * hd;
    const params = new Float64Array(movies * hd + movies);
    params.set([0.2, 0.4], outEmb + 1 * hd);
    params.set([0.6, -0.2], outEmb + 5 * hd);
    params[outBias + 1] = 0.1;
    params[outBias + 5] = 0.3;
    const logQ = new Float64Array(movies);
    logQ[1] = -0.5;
    logQ[5] = 0.3;
    const h = Float64Array.from([1, 0.5]);
    const target = 1;
    // Negatives {1, 5, 5}: the draw of 1 is an accidental hit and must be dropped; the two
    // draws of 5 both count (sampling is with replacement, and logQ already assumes K draws).
    const negatives = Int32Array.from([1, 5, 5]);
    const softmax = new SampledSoftmax(hd, negatives.length);
    const loss = softmax.lossAndGrad(params, outEmb, outBias, logQ, h, 0, target, negatives, null, new Float64Array(hd), 0);
    // By hand, from logit_m = h . outEmb[m] + outBias[m] - logQ[m]:
    //   logit_1 = (1*0.2 + 0.5*0.4) + 0.1 - (-0.5) = 0.4 + 0.1 + 0.5 = 1.0
    //   logit_5 = (1*0.6 + 0.5*(-0.2)) + 0.3 - 0.3 = 0.5 + 0.0   = 0.5
    //   loss = -1.0 + log(e^1.0 + 2 e^0.5) = log(1 + 2 e^-0.5) = log(2.2130613) = 0.79437677
    // (With +logQ it would be 1.9471; without the mask, log(2 + 2 e^-0.5) = 1.1672.)
    expect(loss).toBeCloseTo(0.7943767694176431, 12);
    expect(loss).toBeCloseTo(Math.log(1 + 2 * Math.exp(-0.5)), 12);
  });
});

describe('SampledSoftmax gradient expectation', () => {
  /**
   * With the logQ correction, the sampled gradient is a consistent estimate of the full
   * softmax gradient (Bengio & Senecal 2008; Jean et al. 2015, section 3). It is not
   * unbiased at finite K: the ratio estimate of the partition function carries an O(1/K)
   * bias, and masking accidental hits drops the target from the sampled normaliser, an
   * O(p_y) bias. Measured over 8 seeds with 30 movies, K = 50 and 20,000 draws, the relative
   * error is 0.008-0.03 when p_y < 0.05, and 0.19-0.25 with the sign of logQ flipped (0.09-0.11
   * with no correction at all), so 0.05 separates a correct estimator from a wrong one.
   */
  const TOLERANCE = 0.05;

  it('averages, over many draws of negatives, to the full-softmax gradient (logits and hidden state)', () => {
    const movies = 30;
    const hd = 4;
    const k = 50;
    const draws = 20_000;
    const init = new Random(1);
    const outEmb = 0;
    const outBias = movies * hd;
    const params = new Float64Array(movies * hd + movies);
    for (let i = 0; i < params.length; i++) params[i] = 0.5 * init.gaussian();
    const h = new Float64Array(hd);
    for (let j = 0; j < hd; j++) h[j] = init.gaussian();
    // Zipf-like popularity, so that the proposal is far from uniform and logQ matters.
    const sampler = new PopularitySampler(Array.from({ length: movies }, (_, m) => Math.round(1000 / (m + 1))));
    const logQ = sampler.logExpectedCount(k);
    const target = 12;

    // Full softmax: dL/dlogit_m = p_m - [m = y], and dL/dh = sum_m (p_m - [m = y]) outEmb[m].
    const logits = new Float64Array(movies);
    for (let m = 0; m < movies; m++) logits[m] = params[outBias + m] + dot(params, outEmb + m * hd, h, 0, hd);
    const max = Math.max(...logits);
    const total = logits.reduce((s, z) => s + Math.exp(z - max), 0);
    const full = new Float64Array(movies + hd);
    for (let m = 0; m < movies; m++) {
      const g = Math.exp(logits[m] - max) / total - (m === target ? 1 : 0);
      full[m] = g;
      for (let j = 0; j < hd; j++) full[movies + j] += g * params[outEmb + m * hd + j];
    }
    const pTarget = full[target] + 1;
    expect(pTarget).toBeLessThan(0.05);

    // The output-bias gradient of movie m is exactly dL/dlogit_m, so summing grad over the
    // draws gives the sampled estimate of every logit's gradient at once.
    const softmax = new SampledSoftmax(hd, k);
    const negatives = new Int32Array(k);
    const grad = new Float64Array(params.length);
    const dh = new Float64Array(hd);
    const sampling = new Random(2);
    for (let d = 0; d < draws; d++) {
      sampler.fill(sampling, negatives);
      softmax.lossAndGrad(params, outEmb, outBias, logQ, h, 0, target, negatives, grad, dh, 0);
    }
    let err = 0;
    let norm = 0;
    for (let i = 0; i < movies + hd; i++) {
      const estimate = i < movies ? grad[outBias + i] / draws : dh[i - movies] / draws;
      err += (estimate - full[i]) ** 2;
      norm += full[i] ** 2;
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(TOLERANCE);
  });
});
