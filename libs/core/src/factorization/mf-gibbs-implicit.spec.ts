import { describe, expect, it } from 'vitest';
import { Random } from '../random';
import { ImplicitFactors } from './mf-gibbs-implicit';
import { cholesky, solveLower, solveLowerTransposed } from './mf-gibbs-math';
import { Workspace, type Side } from './mf-gibbs-side';

/**
 * A tiny problem with every quantity random: 4 users, 5 movies, D = 3, 12 ratings (each user
 * rated 2..4 movies). Returns both sides with the ratings grouped by user and by movie, as the
 * sampler keeps them.
 */
function tinySides(random: Random, d: number): { users: Side; movies: Side; triples: [number, number, number][] } {
  const triples: [number, number, number][] = [
    [0, 0, 1.2], [0, 2, -0.5], [0, 4, 0.3],
    [1, 1, 0.8], [1, 2, -1.1],
    [2, 0, 0.4], [2, 1, 1.5], [2, 3, -0.2], [2, 4, 0.9],
    [3, 2, 0.1], [3, 3, -0.7], [3, 4, 0.6],
  ];
  const group = (count: number, key: 0 | 1): Side => {
    const start = new Int32Array(count + 1);
    for (const t of triples) start[t[key] + 1]++;
    for (let k = 0; k < count; k++) start[k + 1] += start[k];
    const next = start.slice(0, count);
    const other = new Int32Array(triples.length);
    const values = new Float64Array(triples.length);
    for (const t of triples) {
      const q = next[t[key]]++;
      other[q] = t[1 - key];
      values[q] = t[2];
    }
    const vectors = Float64Array.from({ length: count * d }, () => random.gaussian());
    const precision = new Float64Array(d * d);
    for (let k = 0; k < d; k++) precision[k * d + k] = 2;
    return {
      count, vectors, effective: vectors, offset: null, mean: new Float64Array(d), precision,
      bias: Float64Array.from({ length: count }, () => random.gaussian() * 0.3), biasPrecision: 1, start, other, values,
    };
  };
  return { users: group(4, 0), movies: group(5, 1), triples };
}

describe('ImplicitFactors (SVD++ term of the Gibbs sampler)', () => {
  const d = 3;
  const alpha = 1.5;

  it('keeps p_u = u_u + |N(u)|^-1/2 sum y_j, and after a sweep every y_j conditional equals the one built rating by rating', () => {
    const random = new Random(3);
    const { users, movies, triples } = tinySides(random, d);
    const implicit = new ImplicitFactors(users, movies.count, d, random);
    const w = new Workspace(d);
    // The sweep moves every y_j and updates the per-user summaries incrementally; a slip in those
    // updates shows up below as a conditional that differs from the direct one.
    implicit.sample(users, movies, alpha, random, w);

    const y = implicit.group.vectors;
    const rated = (u: number) => triples.filter((t) => t[0] === u);
    const norm = (u: number) => 1 / Math.sqrt(rated(u).length);
    // The implicit term, recomputed from the y_j directly.
    for (let u = 0; u < users.count; u++) {
      for (let k = 0; k < d; k++) {
        const z = norm(u) * rated(u).reduce((s, t) => s + y[t[1] * d + k], 0);
        expect(users.offset?.[u * d + k]).toBeCloseTo(z, 10);
        expect(users.effective[u * d + k]).toBeCloseTo(users.vectors[u * d + k] + z, 10);
      }
    }
    // Direct conditional of y_j: every rating (u, i) with j in N(u) is r_ui - b_u - b_i -
    // (u_u + c_u sum_{k != j} y_k) . v_i = c_u v_i . y_j + noise(1/alpha), under the prior
    // N(mu_y, Lambda_y^-1); precision Lambda_y + alpha sum c_u^2 v_i v_i^T, linear term
    // Lambda_y mu_y + alpha sum c_u v_i x (that left-hand side).
    const { precision, mean } = implicit.group;
    const a = new Float64Array(d * d);
    const b = new Float64Array(d);
    for (let j = 0; j < movies.count; j++) {
      const wantA = Float64Array.from(precision);
      const wantB = new Float64Array(d);
      for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) wantB[r] += precision[r * d + c] * mean[c];
      for (let u = 0; u < users.count; u++) {
        const mine = rated(u);
        if (!mine.some((t) => t[1] === j)) continue;
        const c = norm(u);
        const rest = new Float64Array(d);
        for (const t of mine) if (t[1] !== j) for (let k = 0; k < d; k++) rest[k] += c * y[t[1] * d + k];
        for (const [, i, value] of mine) {
          let lhs = value - users.bias[u] - movies.bias[i];
          for (let k = 0; k < d; k++) lhs -= (users.vectors[u * d + k] + rest[k]) * movies.vectors[i * d + k];
          for (let r = 0; r < d; r++) {
            const vr = movies.vectors[i * d + r];
            wantB[r] += alpha * c * vr * lhs;
            for (let k = 0; k < d; k++) wantA[r * d + k] += alpha * c * c * vr * movies.vectors[i * d + k];
          }
        }
      }
      implicit.conditional(j, movies, alpha, a, b);
      for (let k = 0; k < d * d; k++) expect(a[k]).toBeCloseTo(wantA[k], 10);
      for (let k = 0; k < d; k++) expect(b[k]).toBeCloseTo(wantB[k], 10);
    }
  });

  it('draws y_j from that conditional: whitened draws are standard normal over many sweeps', () => {
    // Right after a sweep nothing has moved since the last y_j was drawn, so its conditional now
    // (precision A = L L^T, mean A^-1 b) is the one it was drawn from, and L^T (y - mean) must be
    // N(0, I). Over 4,000 sweeps the sample mean of each coordinate is within 4 / sqrt(4000)
    // = 0.063 of 0 and the variance within 0.1 of 1; a draw shifted or scaled by a fraction of
    // its spread fails.
    const random = new Random(4);
    const { users, movies } = tinySides(random, d);
    const implicit = new ImplicitFactors(users, movies.count, d, random);
    const w = new Workspace(d);
    const a = new Float64Array(d * d);
    const l = new Float64Array(d * d);
    const m = new Float64Array(d);
    const sweeps = 4000;
    const sum = new Float64Array(d);
    const squares = new Float64Array(d);
    const j = movies.count - 1;
    for (let s = 0; s < sweeps; s++) {
      implicit.sample(users, movies, alpha, random, w);
      implicit.conditional(j, movies, alpha, a, m);
      cholesky(a, d, l);
      solveLower(l, d, m);
      solveLowerTransposed(l, d, m);
      const y = implicit.group.vectors.subarray(j * d, j * d + d);
      for (let r = 0; r < d; r++) {
        let z = 0;
        for (let k = r; k < d; k++) z += l[k * d + r] * (y[k] - m[k]);
        sum[r] += z;
        squares[r] += z * z;
      }
    }
    for (let r = 0; r < d; r++) {
      const mean = sum[r] / sweeps;
      expect(Math.abs(mean)).toBeLessThan(0.063);
      expect(Math.abs(squares[r] / sweeps - mean * mean - 1)).toBeLessThan(0.1);
    }
  });
});
