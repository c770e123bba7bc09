import { describe, expect, it } from 'vitest';
import type { MfModel } from '../factorization/mf';
import { foldInMf, mfFoldInContributions } from './mf-fold-in';

/** A one-factor model over 3 movies: mu 3.5, b = [0.5, 0, -0.5], q = [1, 0, 2]. */
const model: MfModel = {
  factors: 1,
  mu: 3.5,
  userIds: Int32Array.of(1),
  movieIds: Int32Array.of(10, 20, 30),
  userBias: Float32Array.of(0),
  movieBias: Float32Array.of(0.5, 0, -0.5),
  P: Float32Array.of(0),
  Q: Float32Array.of(1, 0, 2),
  minRating: 1,
  maxRating: 5,
};

describe('foldInMf', () => {
  it('solves the 2 x 2 ridge normal equations of a hand case (Cramer)', () => {
    // Rated movie 0 at 5 and movie 2 at 4: y = [5-3.5-0.5, 4-3.5+0.5] = [1, 1], z = [1,1], [1,2].
    // Z^T Z + I = [[3, 3], [3, 6]], Z^T y = [2, 3]; det = 9: b_u = (2*6 - 3*3)/9 = 1/3, p = (3*3 - 3*2)/9 = 1/3.
    const user = foldInMf(model, { movies: [0, 2], ratings: [5, 4] }, 1);
    expect(user.bias).toBeCloseTo(1 / 3, 12);
    expect(user.p[0]).toBeCloseTo(1 / 3, 12);
  });

  it('explains the user part of a score exactly: the terms sum to b_u + p_u . q_j', () => {
    const row = { movies: [0, 2], ratings: [5, 4] };
    const user = foldInMf(model, row, 1);
    for (let j = 0; j < 3; j++) {
      const terms = mfFoldInContributions(model, row, user, j);
      expect(terms[0] + terms[1]).toBeCloseTo(user.bias + user.p[0] * model.Q[j], 12);
    }
  });
});
