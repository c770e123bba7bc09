import { describe, expect, it } from 'vitest';
import { Random } from '../random';
import { lstmLayout, type LstmShape } from './layout';
import { PopularitySampler } from './sampler';
import { LstmTrainer } from './trainer';

describe('LstmTrainer.update (mean gradient, lazy L2, global-norm clipping, Adam)', () => {
  it('takes the hand-computed first step on a tiny model and leaves untouched rows alone', () => {
    // One-float embeddings and hidden state: inEmb [0,3), w [3,11), b [11,15), outEmb [15,18), outBias [18,21).
    const shape: LstmShape = { numMovies: 3, embeddingDim: 1, hidden: 1 };
    const L = lstmLayout(shape);
    expect(L.size).toBe(21);
    const params = new Float64Array(L.size);
    params.set([2, 0, 1], L.inEmb);
    params.set([0, 2, 3], L.outEmb);
    params.set([0.5, 0.5, 0.5], L.outBias);
    const adamM = new Float64Array(L.size);
    const adamV = new Float64Array(L.size);
    // Movie 2 is ~1e-7 likely to be drawn, so the one negative is 0 or 1 and movie 2 stays untouched.
    const sampler = new PopularitySampler([1e9, 1e9, 0]);
    const trainer = new LstmTrainer(shape, { params, adamM, adamV }, sampler, new Random(1), {
      window: 2, batchWindows: 2, negatives: 1, learningRate: 0.1, clipNorm: 2.5, l2: 0.5,
    }, Float64Array);
    // One window of 2 steps (inputs 0, 1; targets 1, 0): marks rows 0 and 1, no update yet.
    trainer.trainSequence(Int32Array.from([0, 1, 0]), 0, 3);
    expect(trainer.negatives[0]).not.toBe(2);
    expect(params[L.w]).toBe(0);

    // Replace the accumulated (summed over 2 steps) gradient by round numbers.
    const { grad } = trainer;
    grad.fill(0);
    grad[L.w] = 4;
    grad[L.inEmb] = 2;
    grad[L.outBias + 1] = -8;
    trainer.update();

    // By hand. Mean over 2 steps, then + l2 * param on touched embedding rows only:
    //   w[0]: 4/2 = 2       inEmb[0]: 2/2 + 0.5*2 = 2     outEmb[1]: 0 + 0.5*2 = 1
    //   outBias[1]: -8/2 = -4 (biases and dense weights are not decayed); every other entry 0.
    // Global norm sqrt(4 + 4 + 1 + 16) = 5 > clipNorm 2.5, so every gradient is halved:
    //   g = 1, 1, 0.5, -2.
    // Adam step 1 (Kingma & Ba 2015, Algorithm 1, with their section-2 step-size form):
    //   m = 0.1 g, v = 0.001 g^2, rate = 0.1 * sqrt(1 - 0.999) / (1 - 0.9) = 0.0316228,
    //   delta = rate * m / (sqrt(v) + 1e-8) = 0.1 * sign(g) up to 3e-7 relative (the epsilon).
    const TOL = 1e-6;
    const expected: [offset: number, g: number, param: number][] = [
      [L.w, 1, 0 - 0.1],
      [L.inEmb, 1, 2 - 0.1],
      [L.outEmb + 1, 0.5, 2 - 0.1],
      [L.outBias + 1, -2, 0.5 + 0.1],
    ];
    for (const [k, g, p] of expected) {
      expect(adamM[k]).toBeCloseTo(0.1 * g, 12);
      expect(adamV[k]).toBeCloseTo(0.001 * g * g, 12);
      expect(Math.abs(params[k] - p)).toBeLessThan(TOL);
    }
    // Zero gradient, zero param: unchanged. Movie 2 (input row, output row, bias) was never
    // touched: lazy L2 must not decay it (eager decay would move inEmb[2] from 1 to 0.9).
    expect(params[L.inEmb + 1]).toBe(0);
    expect(params[L.outEmb]).toBe(0);
    expect(params[L.inEmb + 2]).toBe(1);
    expect(params[L.outEmb + 2]).toBe(3);
    expect(params[L.outBias + 2]).toBe(0.5);
    expect(adamM[L.inEmb + 2]).toBe(0);
    // The gradient is cleared for the next mini-batch.
    expect(grad.every((g) => g === 0)).toBe(true);
  });
});
