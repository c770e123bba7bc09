import { describe, expect, it } from 'vitest';
import { Random } from '../random';
import { lstmLayout, RATING_LEVELS } from './layout';
import { dot, LstmCell } from './lstm-cell';
import { initLstmWeights, type LstmModel } from './model';
import { DRIVER_CANDIDATES, LstmPredictor, topK } from './predictor';

/** A seeded random model; inference cost and exactness do not depend on the weight values. */
function randomModel(numMovies: number, embeddingDim: number, hidden: number, seed: number, ratingLevels = 0): LstmModel {
  const shape = ratingLevels > 0 ? { numMovies, embeddingDim, hidden, ratingLevels } : { numMovies, embeddingDim, hidden };
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
function referenceScores(model: LstmModel, dense: number[], levels: number[] | null = null): Float32Array {
  const L = lstmLayout(model.shape);
  const w = model.weights;
  const { embeddingDim: d, hidden: hd, numMovies } = model.shape;
  const cell = new LstmCell(d, hd);
  const h = new Float32Array(2 * hd);
  const c = new Float32Array(2 * hd);
  const gates = new Float32Array(4 * hd);
  const tanhC = new Float32Array(hd);
  let cur = 0;
  // A rating-reading model's input is the sum of the two rows, formed here in float64.
  const x = new Float64Array(d);
  dense.forEach((m, t) => {
    const nxt = hd - cur;
    if (L.ratingLevels === 0) {
      cell.forward(w, L.w, w, L.b, w, L.inEmb + m * d, h, cur, c, cur, gates, 0, c, nxt, tanhC, 0, h, nxt);
    } else {
      const level = levels === null ? 0 : levels[t];
      for (let j = 0; j < d; j++) x[j] = w[L.inEmb + m * d + j] + w[L.ratingEmb + level * d + j];
      cell.forward(w, L.w, w, L.b, x, 0, h, cur, c, cur, gates, 0, c, nxt, tanhC, 0, h, nxt);
    }
    cur = nxt;
  });
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

describe('LstmPredictor reading ratings (lstm-v2)', () => {
  const model = randomModel(150, 8, 6, 31, RATING_LEVELS);
  const random = new Random(32);

  it('scores as full forward steps on movie + rating embedding inputs, and the stars change the answer', () => {
    const predictor = new LstmPredictor(model);
    expect(predictor.readsRatings).toBe(true);
    const dense = Array.from({ length: 40 }, () => random.int(model.shape.numMovies));
    const stars = dense.map(() => 1 + random.int(5));
    const got = predictor.recommend(dense.map((m) => model.movieIds[m]), 150, Number.POSITIVE_INFINITY, stars);
    // Reference: rating level 2 x stars; the two projections are summed in a different order
    // than the float64 input sum, hence a tolerance instead of bit equality.
    const want = referenceScores(model, dense, stars.map((r) => 2 * r));
    for (let i = 0; i < got.movieIds.length; i++) {
      expect(Math.abs(got.scores[i] - want[(got.movieIds[i] - 7) / 10])).toBeLessThan(1e-5);
    }
    const flipped = predictor.recommend(dense.map((m) => model.movieIds[m]), 150, Number.POSITIVE_INFINITY, stars.map((r) => 6 - r));
    expect(Math.max(...Array.from(flipped.scores, (v, i) => Math.abs(v - got.scores[i])))).toBeGreaterThan(1e-3);
    // No stars: level 0 (rating unknown) at every step.
    const unknown = predictor.recommend(dense.map((m) => model.movieIds[m]), 150);
    const wantUnknown = referenceScores(model, dense, dense.map(() => 0));
    for (let i = 0; i < unknown.movieIds.length; i++) {
      expect(Math.abs(unknown.scores[i] - wantUnknown[(unknown.movieIds[i] - 7) / 10])).toBeLessThan(1e-5);
    }
  });
});

describe('LstmPredictor.driverStep', () => {
  const model = randomModel(120, 8, 6, 41, RATING_LEVELS);
  const random = new Random(42);

  it('names the step whose removal lowers the target score most, as re-scoring each shortened history says', () => {
    const predictor = new LstmPredictor(model);
    const scores = new Float32Array(model.shape.numMovies);
    for (const length of [1, 7, DRIVER_CANDIDATES, 45]) {
      const items = Int32Array.from({ length }, () => random.int(model.shape.numMovies));
      const levels = Uint8Array.from({ length }, () => 1 + random.int(10));
      const target = random.int(model.shape.numMovies);
      predictor.scoreDense(items, 0, length, scores, levels);
      const full = scores[target];
      // Brute force: drop each of the last DRIVER_CANDIDATES steps, run the whole history again.
      let want = { position: -1, drop: Number.NEGATIVE_INFINITY };
      for (let s = Math.max(0, length - DRIVER_CANDIDATES); s < length; s++) {
        const keep = [...items.keys()].filter((p) => p !== s);
        predictor.scoreDense(keep.map((p) => items[p]), 0, keep.length, scores, keep.map((p) => levels[p]));
        const drop = full - scores[target];
        if (drop > want.drop) want = { position: s, drop };
      }
      const got = predictor.driverStep(items, 0, length, target, levels);
      expect(got?.position).toBe(want.position);
      expect(got?.drop ?? Number.NaN).toBeCloseTo(want.drop, 5);
    }
    expect(predictor.driverStep(new Int32Array(0), 0, 0, 0)).toBeNull();
  });
});
