import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import type { RatingTable } from '../movielens/types';
import { Random } from '../random';
import { lstmLayout } from './layout';
import { initLstmWeights, type LstmModel } from './model';
import { LstmPredictor } from './predictor';
import { buildUserSequences } from './sequences';
import { computeUserStates } from './user-states';

/** Random ratings: `users` users with 1..maxLength distinct movies each out of `movies`, shuffled rows, random times. */
function randomTable(users: number, movies: number, maxLength: number, seed: number): RatingTable {
  const random = new Random(seed);
  const rows: [number, number, number][] = [];
  for (let u = 1; u <= users; u++) {
    const picks = Int32Array.from({ length: movies }, (_, i) => i + 1);
    random.shuffle(picks);
    const length = 1 + random.int(maxLength);
    // Timestamps repeat on purpose (MovieLens sessions): ties must order like buildUserSequences.
    for (let t = 0; t < length; t++) rows.push([u, picks[t] * 10, 1000 + random.int(length)]);
  }
  const order = Int32Array.from(rows.keys());
  random.shuffle(order);
  const n = rows.length;
  const table: RatingTable = { length: n, users: new Int32Array(n), movies: new Int32Array(n), ratings: new Float32Array(n), timestamps: new Uint32Array(n) };
  order.forEach((r, i) => {
    [table.users[i], table.movies[i], table.timestamps[i]] = rows[r];
    table.ratings[i] = 3;
  });
  return table;
}

describe('computeUserStates', () => {
  const table = randomTable(40, 30, 25, 3);
  const seqs = buildUserSequences(table);
  const shape = { numMovies: seqs.movieIds.length, embeddingDim: 6, hidden: 5 };
  const model: LstmModel = {
    shape,
    movieIds: seqs.movieIds,
    weights: initLstmWeights(shape, new Random(4), new Float32Array(lstmLayout(shape).size)) as Float32Array,
  };

  it('stores per user the hidden state from which the output layer reproduces recommend() on the whole history bit for bit', () => {
    const { hidden, userIds, states } = computeUserStates(model, seqs);
    expect(hidden).toBe(5);
    expect([...userIds]).toEqual([...seqs.userIds]);
    expect(states).toHaveLength(seqs.userIds.length * 5);
    const predictor = new LstmPredictor(model);
    for (let u = 0; u < userIds.length; u++) {
      const dense = seqs.items.subarray(seqs.offsets[u], seqs.offsets[u + 1]);
      const history = Array.from(dense, (m) => seqs.movieIds[m]);
      // Reference: the full recurrent path the API used to run per request.
      const want = predictor.recommend(history, 7);
      const got = predictor.recommendFromHidden(states.slice(u * 5, u * 5 + 5), dense, 7);
      // Same float32 operations in the same order, so no tolerance is needed.
      expect([...got.movieIds]).toEqual([...want.movieIds]);
      expect([...got.scores]).toEqual([...want.scores]);
      for (const id of got.movieIds) expect(history).not.toContain(id);
    }
  });

  it('reports progress every 1,000 users', () => {
    const calls: number[] = [];
    const many = buildUserSequences(randomTable(2100, 30, 2, 5));
    const m: LstmModel = { ...model, shape: { ...shape, numMovies: many.movieIds.length }, movieIds: many.movieIds };
    m.weights = initLstmWeights(m.shape, new Random(1), new Float32Array(lstmLayout(m.shape).size)) as Float32Array;
    computeUserStates(m, many, (done, users) => calls.push(done, users));
    expect(calls).toEqual([1000, 2100, 2000, 2100]);
  });

  it('rejects sequences built over other movies than the model with InputError', () => {
    const other = buildUserSequences(randomTable(5, 12, 4, 9));
    expect(() => computeUserStates(model, other)).toThrow(InputError);
  });

  it('rejects a state whose size is not the hidden size', () => {
    expect(() => new LstmPredictor(model).recommendFromHidden(new Float32Array(4), [], 3)).toThrow(/hidden size is 5/);
  });
});
