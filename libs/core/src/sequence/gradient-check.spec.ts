/**
 * Finite-difference checks of every hand-written gradient, on Float64Array so that central
 * differences are accurate: with h = 1e-6 the truncation error is O(h^2) ~ 1e-12 and the
 * rounding error ~ 1e-16 / 1e-6 = 1e-10, so analytic and numeric gradients should agree to
 * ~1e-7 relative (we require 1e-5, the usual threshold of cs231n's gradient-check notes).
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../random';
import { lstmLayout, type LstmShape } from './layout';
import { LstmCell } from './lstm-cell';
import { initLstmWeights } from './model';
import { SampledSoftmax } from './sampled-softmax';
import { PopularitySampler } from './sampler';
import { LstmTrainer } from './trainer';

const STEP = 1e-6;
const TOLERANCE = 1e-5;

function randomArray(n: number, random: Random, scale = 0.5): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * random.gaussian();
  return a;
}

/** Central difference of f with respect to a[i]. */
function numeric(f: () => number, a: Float64Array, i: number): number {
  const keep = a[i];
  a[i] = keep + STEP;
  const up = f();
  a[i] = keep - STEP;
  const down = f();
  a[i] = keep;
  return (up - down) / (2 * STEP);
}

/** Relative error |analytic - numeric| / (|analytic| + |numeric|), floored at 1e-3 so that exact zeros compare absolutely. */
function expectGradient(f: () => number, a: Float64Array, analytic: ArrayLike<number>, indices?: Iterable<number>): void {
  let worst = 0;
  let checked = 0;
  for (const i of indices ?? a.keys()) {
    const n = numeric(f, a, i);
    const err = Math.abs(analytic[i] - n) / Math.max(1e-3, Math.abs(analytic[i]) + Math.abs(n));
    worst = Math.max(worst, err);
    checked++;
  }
  expect(checked).toBeGreaterThan(0);
  expect(worst).toBeLessThan(TOLERANCE);
}

describe('LstmCell gradients', () => {
  const d = 3;
  const h = 4;
  const random = new Random(1);
  const w = randomArray(4 * h * (d + h), random);
  const b = randomArray(4 * h, random);
  const x = randomArray(d, random);
  const hPrev = randomArray(h, random);
  const cPrev = randomArray(h, random);
  // Loss = a . h_t + e . c_t, so dL/dh_t = a and dL/dc_t (direct part) = e.
  const a = randomArray(h, random);
  const e = randomArray(h, random);
  const cell = new LstmCell(d, h, Float64Array);
  const gates = new Float64Array(4 * h);
  const c = new Float64Array(h);
  const tanhC = new Float64Array(h);
  const hOut = new Float64Array(h);
  const loss = () => {
    cell.forward(w, 0, b, 0, x, 0, hPrev, 0, cPrev, 0, gates, 0, c, 0, tanhC, 0, hOut, 0);
    let s = 0;
    for (let j = 0; j < h; j++) s += a[j] * hOut[j] + e[j] * c[j];
    return s;
  };
  loss();
  const dc = Float64Array.from(e);
  const dzT = new Float64Array(4 * h);
  const dx = new Float64Array(d);
  const dhPrev = new Float64Array(h);
  cell.transposeWeights(w, 0);
  cell.backward(cPrev, 0, gates, 0, tanhC, 0, a, 0, dc, 0, dzT, 0, 1, dx, 0, dhPrev, 0);
  const dw = new Float64Array(w.length);
  const db = new Float64Array(b.length);
  const xh = Float64Array.from([...x, ...hPrev]);
  cell.accumulateWeightGrad(dzT, xh, 1, 1, dw, 0, db, 0);

  it('matches finite differences for the gate weights and biases', () => {
    expectGradient(loss, w, dw);
    expectGradient(loss, b, db);
  });
  it('matches finite differences for the input, previous hidden state and previous cell state', () => {
    expectGradient(loss, x, dx);
    expectGradient(loss, hPrev, dhPrev);
    expectGradient(loss, cPrev, dc);
  });
});

describe('SampledSoftmax gradients', () => {
  // Consistency only: the loss VALUE (mask, logQ sign) is checked in sampled-softmax.spec.ts.
  it('matches finite differences for h, output embeddings and biases (with an accidental hit and a repeated negative)', () => {
    const random = new Random(2);
    const hd = 5;
    const movies = 7;
    const outEmb = 0;
    const outBias = movies * hd;
    const params = randomArray(movies * hd + movies, random);
    const logQ = Float32Array.from(randomArray(movies, random));
    const hVec = randomArray(hd, random);
    const target = 3;
    const negatives = Int32Array.from([1, 3, 5, 5]);
    const softmax = new SampledSoftmax(hd, negatives.length);
    const scratch = new Float64Array(hd);
    const f = () => softmax.lossAndGrad(params, outEmb, outBias, logQ, hVec, 0, target, negatives, null, scratch, 0);
    const grad = new Float64Array(params.length);
    const dh = new Float64Array(hd);
    softmax.lossAndGrad(params, outEmb, outBias, logQ, hVec, 0, target, negatives, grad, dh, 0);
    expectGradient(f, params, grad);
    expectGradient(f, hVec, dh);
  });
});

const SHAPE: LstmShape = { numMovies: 6, embeddingDim: 3, hidden: 4 };

/**
 * A Float64 trainer over SHAPE with weights drawn from `weightSeed` and no update (step size
 * 0, no clipping, no L2), so that its `grad` holds the raw summed gradient.
 */
function checkedTrainer(weightSeed: number, samplingSeed: number, window: number, batchWindows: number, shape: LstmShape = SHAPE) {
  const L = lstmLayout(shape);
  const random = new Random(weightSeed);
  const params = initLstmWeights(SHAPE, random, new Float64Array(L.size)) as Float64Array;
  // Larger than the training init so every gate is away from its linear regime.
  for (let k = 0; k < L.size; k++) params[k] += 0.3 * random.gaussian();
  const buffers = { params, adamM: new Float64Array(L.size), adamV: new Float64Array(L.size) };
  const sampler = new PopularitySampler([5, 1, 3, 2, 8, 1]);
  const trainer = new LstmTrainer(shape, buffers, sampler, new Random(samplingSeed), {
    window, batchWindows, negatives: 3, learningRate: 0, clipNorm: 1e9, l2: 0,
  }, Float64Array);
  return { L, params, sampler, trainer };
}

describe('LstmTrainer window (embedding + LSTM + sampled loss, BPTT)', () => {
  it('matches finite differences for every parameter over a 5-step window', () => {
    const shape = SHAPE;
    const { L, params, trainer } = checkedTrainer(3, 4, 5, 1);
    trainer.negatives.set([0, 4, 2]);
    const items = Int32Array.from([2, 0, 5, 2, 1, 4]);
    const f = () => {
      trainer.resetState();
      return trainer.window(items, 0, 5, false);
    };
    trainer.resetState();
    trainer.window(items, 0, 5, true);
    const analytic = Float64Array.from(trainer.grad);
    // Every block: movie 3 appears nowhere, so its rows must have exactly zero gradient.
    expectGradient(f, params, analytic);
    for (let j = 0; j < shape.embeddingDim; j++) expect(analytic[L.inEmb + 3 * shape.embeddingDim + j]).toBe(0);
  });
});

describe('LstmTrainer window reading ratings (movie + rating embedding input, lstm-v2)', () => {
  // 4 rating levels: inputs read levels 1, 3, 1, 2, 3; level 0 is never read.
  const RATED: LstmShape = { ...SHAPE, ratingLevels: 4 };
  const items = Int32Array.from([2, 0, 5, 2, 1, 4]);
  const levels = Uint8Array.from([1, 3, 1, 2, 3, 0]);

  it('matches finite differences for every parameter, the rating embeddings included', () => {
    const { L, params, trainer } = checkedTrainer(7, 4, 5, 1, RATED);
    trainer.negatives.set([0, 4, 2]);
    const f = () => {
      trainer.resetState();
      return trainer.window(items, 0, 5, false, levels);
    };
    trainer.resetState();
    trainer.window(items, 0, 5, true, levels);
    const analytic = Float64Array.from(trainer.grad);
    expectGradient(f, params, analytic);
    const d = RATED.embeddingDim;
    // Level 0 is read nowhere: exactly zero gradient; levels 1..3 are read: not zero.
    for (let j = 0; j < d; j++) expect(analytic[L.ratingEmb + j]).toBe(0);
    for (const level of [1, 2, 3]) {
      const row = analytic.subarray(L.ratingEmb + level * d, L.ratingEmb + (level + 1) * d);
      expect(Math.max(...row.map(Math.abs))).toBeGreaterThan(1e-6);
    }
  });

  it('reads the ratings: other levels give another loss, and no levels is the movie embedding alone', () => {
    const { L, params, trainer } = checkedTrainer(7, 4, 5, 1, RATED);
    trainer.negatives.set([0, 4, 2]);
    const loss = (lv: Uint8Array | null) => {
      trainer.resetState();
      return trainer.window(items, 0, 5, false, lv);
    };
    const rated = loss(levels);
    expect(Math.abs(loss(Uint8Array.from([3, 1, 3, 1, 1, 0])) - rated)).toBeGreaterThan(1e-4);
    // Zeroing the rating rows makes the rated input equal the movies-only input.
    params.fill(0, L.ratingEmb, L.size);
    expect(loss(levels)).toBeCloseTo(loss(null), 12);
  });
});

describe('LstmTrainer.trainSequence (truncated BPTT with a carried state and a short last window)', () => {
  it('accumulates, for each window, the finite-difference gradient of its loss from the state carried into it', () => {
    const shape = SHAPE;
    const window = 4;
    // A mini-batch larger than the sequence: grad keeps the sum over all three windows.
    const { L, params, sampler, trainer } = checkedTrainer(5, 6, window, 100);
    const negatives = trainer.options.negatives;
    // 12 movies = 11 predictions = windows of 4, 4 and 3 steps starting at 0, 4 and 8.
    const items = Int32Array.from([2, 0, 5, 2, 1, 4, 4, 3, 0, 1, 5, 2]);
    const windows = [{ p: 0, len: 4 }, { p: 4, len: 4 }, { p: 8, len: 3 }];
    const { loss, steps } = trainer.trainSequence(items, 0, items.length);
    expect(steps).toBe(11);
    const analytic = Float64Array.from(trainer.grad);

    // The same draws as trainSequence (its Random only feeds the sampler, once per window).
    const replay = new Random(6);
    const negs = windows.map(() => {
      const n = new Int32Array(negatives);
      sampler.fill(replay, n);
      return n;
    });
    // Reference carried states, stepped by LstmCell directly (not by the trainer's carry):
    // the state entering window k is the one after inputs items[0..p_k).
    const cell = new LstmCell(shape.embeddingDim, shape.hidden, Float64Array);
    const h = shape.hidden;
    const gates = new Float64Array(4 * h);
    const tanhC = new Float64Array(h);
    let hPrev = new Float64Array(h);
    let cPrev = new Float64Array(h);
    const entering: { h: Float64Array; c: Float64Array }[] = [];
    for (let t = 0; t < 8; t++) {
      if (t % window === 0) entering.push({ h: hPrev, c: cPrev });
      const hNext = new Float64Array(h);
      const cNext = new Float64Array(h);
      cell.forward(params, L.w, params, L.b, params, L.inEmb + items[t] * shape.embeddingDim,
        hPrev, 0, cPrev, 0, gates, 0, cNext, 0, tanhC, 0, hNext, 0);
      hPrev = hNext;
      cPrev = cNext;
    }
    entering.push({ h: hPrev, c: cPrev });
    // The second and third windows really start from a non-zero state.
    for (const k of [1, 2]) expect(Math.max(...entering[k].h.map(Math.abs), ...entering[k].c.map(Math.abs))).toBeGreaterThan(0.05);

    // Truncated BPTT: each window's loss as a function of the weights, its entering state frozen.
    const f = () => {
      let total = 0;
      windows.forEach(({ p, len }, k) => {
        trainer.setState(entering[k].h, entering[k].c);
        trainer.negatives.set(negs[k]);
        total += trainer.window(items, p, len, false);
      });
      return total;
    };
    expect(f()).toBeCloseTo(loss, 10);
    expectGradient(f, params, analytic);
  });
});
