import { describe, expect, it } from 'vitest';
import type { RatingTable } from '../movielens/types';
import { Random } from '../random';
import type { MfModel } from './mf';
import { trainMf } from './mf-train';

/**
 * Random ratings, 1..5 stars: 1,500 users x 300 movies, each user rating 3..20 movies (about
 * 17,000 ratings). No structure is needed: the test compares two runs of the sampler with each
 * other, not with a truth. 1,500 users are 24 chunks of 64 rows per half-sweep, enough for the
 * helpers to take some.
 */
function randomTable(seed: number): RatingTable {
  const random = new Random(seed);
  const users: number[] = [];
  const movies: number[] = [];
  const ratings: number[] = [];
  for (let u = 1; u <= 1500; u++) {
    const rated = new Set<number>();
    const count = 3 + random.int(18);
    while (rated.size < count) rated.add(1 + random.int(300));
    for (const m of rated) {
      users.push(u);
      movies.push(m);
      ratings.push(1 + random.int(5));
    }
  }
  return { length: users.length, users: Int32Array.from(users), movies: Int32Array.from(movies), ratings: Float32Array.from(ratings), timestamps: new Uint32Array(users.length) };
}

function expectSameModel(a: MfModel, b: MfModel): void {
  expect(b.factors).toBe(a.factors);
  expect(b.mu).toBe(a.mu);
  // Bit for bit: every row is drawn from its own stream, whichever thread draws it.
  expect(Buffer.from(b.P.buffer).equals(Buffer.from(a.P.buffer))).toBe(true);
  expect(Buffer.from(b.Q.buffer).equals(Buffer.from(a.Q.buffer))).toBe(true);
  expect(Buffer.from(b.userBias.buffer).equals(Buffer.from(a.userBias.buffer))).toBe(true);
  expect(Buffer.from(b.movieBias.buffer).equals(Buffer.from(a.movieBias.buffer))).toBe(true);
}

describe('Gibbs MF on several threads', () => {
  const table = randomTable(5);
  const options = { factors: 4, burnIn: 2, samples: 3, seed: 9 } as const;

  it('gives the same model bit for bit with 1 and 3 threads, and the helpers drew rows', () => {
    let oneHelped = -1;
    let threeHelped = -1;
    const one = trainMf(table, { ...options, threads: 1, onHelperRows: (rows) => (oneHelped = rows) });
    const three = trainMf(table, { ...options, threads: 3, onHelperRows: (rows) => (threeHelped = rows) });
    expect(oneHelped).toBe(0);
    // Without this the comparison could pass with the caller drawing every row itself.
    expect(threeHelped).toBeGreaterThan(0);
    expectSameModel(one, three);
  }, 60_000);

  it('also without implicit feedback, and a different seed gives a different model', () => {
    const none = { ...options, implicit: 'none' } as const;
    const one = trainMf(table, { ...none, threads: 1 });
    const two = trainMf(table, { ...none, threads: 2 });
    expectSameModel(one, two);
    const other = trainMf(table, { ...none, seed: 10, threads: 2 });
    expect(Buffer.from(other.P.buffer).equals(Buffer.from(one.P.buffer))).toBe(false);
  }, 60_000);
});

describe('Random.reseed', () => {
  it('restarts the same stream for the same words and a different one when any word differs', () => {
    const draw = (a: number, b: number, c: number, d: number) => {
      const r = new Random(1);
      r.gaussian(); // leaves a spare gaussian, which reseed must drop
      r.reseed(a, b, c, d);
      return [r.nextUint32(), r.nextUint32(), r.gaussian()];
    };
    expect(draw(42, 3, 1, 7)).toEqual(draw(42, 3, 1, 7));
    for (const other of [draw(43, 3, 1, 7), draw(42, 4, 1, 7), draw(42, 3, 0, 7), draw(42, 3, 1, 8)]) {
      expect(other).not.toEqual(draw(42, 3, 1, 7));
    }
  });
});
