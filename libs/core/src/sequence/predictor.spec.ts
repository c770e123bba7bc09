import { describe, expect, it } from 'vitest';
import { Random } from '../random';
import { lstmLayout } from './layout';
import { dot, LstmCell } from './lstm-cell';
import { initLstmWeights, type LstmModel } from './model';
import { LstmPredictor, topK } from './predictor';

/** A seeded random model; inference cost and exactness do not depend on the weight values. */
function randomModel(numMovies: number, embeddingDim: number, hidden: number, seed: number): LstmModel {
  const shape = { numMovies, embeddingDim, hidden };
  return {
    shape,
    // Ids are not the dense indices, so id -> index mapping is exercised.
    movieIds: Int32Array.from({ length: numMovies }, (_, i) => 10 * i + 7),
    weights: initLstmWeights(shape, new Random(seed), new Float32Array(lstmLayout(shape).size)) as Float32Array,
  };
}

/**
 * The inference path before input projections: every step the full LstmCell.forward on the
 * movie's embedding (the code LstmPredictor.run had), then the output layer and topK.
 */
function referenceScores(model: LstmModel, dense: number[]): Float32Array {
  const L = lstmLayout(model.shape);
  const w = model.weights;
  const { embeddingDim: d, hidden: hd, numMovies } = model.shape;
  const cell = new LstmCell(d, hd);
  const h = new Float32Array(2 * hd);
  const c = new Float32Array(2 * hd);
  const gates = new Float32Array(4 * hd);
  const tanhC = new Float32Array(hd);
  let cur = 0;
  for (const m of dense) {
    const nxt = hd - cur;
    cell.forward(w, L.w, w, L.b, w, L.inEmb + m * d, h, cur, c, cur, gates, 0, c, nxt, tanhC, 0, h, nxt);
    cur = nxt;
  }
  const scores = new Float32Array(numMovies);
  for (let m = 0; m < numMovies; m++) scores[m] = w[L.outBias + m] + dot(w, L.outEmb + m * hd, h, cur, hd);
  return scores;
}

function referenceRecommend(model: LstmModel, dense: number[], seenDense: number[], k: number): { movieIds: number[]; scores: number[] } {
  const scores = referenceScores(model, dense);
  const excluded = new Uint8Array(model.shape.numMovies);
  for (const m of seenDense) excluded[m] = 1;
  const top = topK(scores, excluded, k);
  return { movieIds: Array.from(top, (m) => model.movieIds[m]), scores: Array.from(top, (m) => scores[m]) };
}

describe('LstmPredictor with precomputed input projections', () => {
  const model = randomModel(300, 16, 12, 11);
  const random = new Random(12);

  it('returns the same top-k and scores as full forward steps on random sessions', () => {
    const predictor = new LstmPredictor(model);
    for (let trial = 0; trial < 40; trial++) {
      const length = 1 + random.int(120);
      const dense = Array.from({ length }, () => random.int(model.shape.numMovies));
      const got = predictor.recommend(dense.map((m) => model.movieIds[m]), 10);
      const want = referenceRecommend(model, dense, dense, 10);
      expect([...got.movieIds]).toEqual(want.movieIds);
      // The brief's tolerance is 1e-5; the float64 projection makes the sums identical, so
      // the scores are in fact equal bit for bit.
      for (let i = 0; i < want.scores.length; i++) expect(Math.abs(got.scores[i] - want.scores[i])).toBeLessThanOrEqual(1e-5);
      expect([...got.scores]).toEqual(want.scores);
    }
  });

  it('gives the same hidden state as full forward steps for every history position', () => {
    const predictor = new LstmPredictor(model);
    const items = Int32Array.from({ length: 60 }, () => random.int(model.shape.numMovies));
    const hd = model.shape.hidden;
    const out = new Float32Array(hd);
    for (let to = 0; to <= items.length; to += 7) {
      predictor.hiddenAfter(items, 0, to, out);
      const scores = new Float32Array(model.shape.numMovies);
      predictor.scoreHidden(out, 0, scores);
      expect([...scores]).toEqual([...referenceScores(model, [...items.subarray(0, to)])]);
    }
  });
});

describe('LstmPredictor.recommend with maxSteps', () => {
  const model = randomModel(200, 8, 6, 21);
  const random = new Random(22);

  it('reads only the last maxSteps known movies but excludes the whole history', () => {
    const predictor = new LstmPredictor(model);
    const dense = Array.from({ length: 50 }, () => random.int(model.shape.numMovies));
    const history = dense.map((m) => model.movieIds[m]);
    // An unknown id in the tail must not count as a step.
    history.splice(45, 0, 999_999);
    const got = predictor.recommend(history, 20, 10);
    const want = referenceRecommend(model, dense.slice(-10), dense, 20);
    expect([...got.movieIds]).toEqual(want.movieIds);
    expect([...got.scores]).toEqual(want.scores);
    const seen = new Set(history);
    for (const id of got.movieIds) expect(seen.has(id)).toBe(false);
  });

  it('equals the uncapped answer when the history is not longer than maxSteps', () => {
    const predictor = new LstmPredictor(model);
    const history = Array.from({ length: 30 }, () => model.movieIds[random.int(model.shape.numMovies)]);
    const capped = predictor.recommend(history, 10, 30);
    const whole = predictor.recommend(history, 10);
    expect([...capped.movieIds]).toEqual([...whole.movieIds]);
    expect([...capped.scores]).toEqual([...whole.scores]);
  });
});
