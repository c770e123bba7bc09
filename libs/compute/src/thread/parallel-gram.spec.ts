import { afterAll, describe, expect, it } from 'vitest';
import { buildRatingMatrix, multiplyGram, Random, type RatingTable } from '@movielens/core';
import { ComputeThread } from './compute-thread';
import { ParallelGram } from './parallel-gram';
import { factorize } from './tasks';

/** A random rating table: `users` x `movies`, about `perUser` half-star ratings each. */
function randomTable(users: number, movies: number, perUser: number, seed: number): RatingTable {
  const random = new Random(seed);
  const n = users * perUser;
  const table: RatingTable = { length: 0, users: new Int32Array(n), movies: new Int32Array(n), ratings: new Float32Array(n), timestamps: new Uint32Array(n) };
  const seen = new Set<number>();
  for (let u = 0; u < users; u++) {
    seen.clear();
    for (let r = 0; r < perUser; r++) {
      const m = random.int(movies);
      if (seen.has(m)) continue;
      seen.add(m);
      const t = table.length++;
      table.users[t] = u + 1;
      table.movies[t] = m + 1;
      table.ratings[t] = 0.5 + random.int(10) / 2;
    }
  }
  return table;
}

const pool = new ComputeThread(2);
afterAll(() => pool.close());

describe('parallel Gram operator', () => {
  it('equals multiplyGram up to rounding (1e-12 relative) on one thread', () => {
    const { matrix } = buildRatingMatrix(randomTable(300, 120, 30, 1));
    const gram = new ParallelGram(matrix, 7);
    const random = new Random(2);
    const x = Float64Array.from({ length: matrix.cols }, () => random.gaussian());
    const expected = new Float64Array(matrix.cols);
    const out = new Float64Array(matrix.cols);
    multiplyGram(matrix, x, expected);
    gram.apply(x, out);
    gram.finish();
    const scale = Math.max(...expected.map(Math.abs));
    expected.forEach((v, j) => expect(Math.abs(out[j] - v)).toBeLessThan(1e-12 * scale));
  });

  it('gives bit-identical factors whether a second compute thread helps or not', async () => {
    const ratings = randomTable(2000, 400, 60, 3);
    const alone = factorize({ kind: 'factorize', ratings, k: 20, seed: 5 });
    // Start both threads first (a thread takes about a second to load), so the second one is idle and joins.
    const tiny = randomTable(5, 5, 3, 9);
    await Promise.all([pool.run({ kind: 'factorize', ratings: tiny, k: 2, seed: 1 }), pool.run({ kind: 'factorize', ratings: tiny, k: 2, seed: 1 })]);
    // Two threads: the one running the SVD posts its passes to the other, which joins (it is idle).
    const helped = await pool.run({ kind: 'factorize', ratings, k: 20, seed: 5 });
    expect(helped.k).toBe(20);
    expect(alone.helpedBlocks).toBe(0);
    expect(helped.helpedBlocks).toBeGreaterThan(0);
    expect(Array.from(helped.S)).toEqual(Array.from(alone.S));
    expect(Buffer.compare(Buffer.from(helped.V.buffer), Buffer.from(alone.V.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(helped.U.buffer), Buffer.from(alone.U.buffer))).toBe(0);
  });
});
