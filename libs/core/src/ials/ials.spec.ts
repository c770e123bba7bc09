import { describe, expect, it } from 'vitest';
import { indexRatings } from '../factorization/mf-data';
import type { RatingTable } from '../movielens/types';
import { Random } from '../random';
import { tableOf } from '../sparse/rating-table.fixtures';
import { buildIalsMatrix, type IalsMatrix } from './ials-data';
import { foldInIals, ialsContributions } from './ials-fold-in';
import { ialsGram, solveIalsBlock } from './ials-solve';
import { ialsHalf, initIalsFactors, trainIals } from './ials-train';

/** A seeded random table: `users` users rating about `perUser` of `movies` movies each. */
function randomTable(users: number, movies: number, perUser: number, seed: number): RatingTable {
  const random = new Random(seed);
  const rows: [number, number, number][] = [];
  for (let u = 1; u <= users; u++) {
    const seen = new Set<number>();
    for (let t = 0; t < perUser; t++) seen.add(1 + random.int(movies));
    for (const m of seen) rows.push([u, m, 1 + random.int(5)]);
  }
  return tableOf(rows);
}

/** The iALS objective sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + reg (|X|^2 + |Y|^2), summed directly over every pair. */
function objective(m: IalsMatrix, X: Float32Array, Y: Float32Array, k: number, reg: number): number {
  const users = m.users.indptr.length - 1;
  const movies = m.movies.indptr.length - 1;
  let f = 0;
  for (let u = 0; u < users; u++) {
    const extra = new Map<number, number>();
    for (let q = m.users.indptr[u]; q < m.users.indptr[u + 1]; q++) extra.set(m.users.indices[q], m.users.extra[q]);
    for (let i = 0; i < movies; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += X[u * k + c] * Y[i * k + c];
      const e = extra.get(i);
      f += e === undefined ? s * s : (1 + e) * (1 - s) ** 2;
    }
  }
  for (const v of X) f += reg * v * v;
  for (const v of Y) f += reg * v * v;
  return f;
}

describe('the iALS row solve', () => {
  // Hand-computed: k = 2, other factors y0 = (1, 0), y1 = (0, 1), y2 = (1, 1), so Y^T Y = [[2, 1], [1, 2]].
  // The row rates movie 0 with c - 1 = 2 and movie 2 with c - 1 = 1, reg = 1:
  // A = Y^T Y + I + 2 y0 y0^T + y2 y2^T = [[6, 2], [2, 4]],  b = 3 y0 + 2 y2 = (5, 2),
  // x = A^-1 b = (1/20) [[4, -2], [-2, 6]] (5, 2) = (0.8, 0.1).
  const Y = Float32Array.from([1, 0, 0, 1, 1, 1]);
  const row = { indptr: Int32Array.from([0, 2]), indices: Int32Array.from([0, 2]), extra: Float32Array.from([2, 1]) };

  it('finds the hand-computed solution of a 2 x 2 system (CG with k steps is exact)', () => {
    const gram = ialsGram(Y, 3, 2);
    expect([...gram]).toEqual([2, 1, 1, 2]);
    const x = solveIalsBlock({ ...row, other: Y, gram, k: 2, reg: 1, start: 0, end: 1, warm: null, cgSteps: 2 });
    expect(x[0]).toBeCloseTo(0.8, 6);
    expect(x[1]).toBeCloseTo(0.1, 6);
    const folded = foldInIals(Y, gram, 2, 1, row);
    expect(folded.x[0]).toBeCloseTo(0.8, 12);
    expect(folded.x[1]).toBeCloseTo(0.1, 12);
  });

  it('explains a score as the per-movie shares c_i y_j^T A^-1 y_i of Hu et al. (hand-computed)', () => {
    // Movie 1 (y = (0, 1)): score = x . y1 = 0.1; A^-1 y1 = (1/20)(-2, 6), so movie 0's share is
    // 3 * (-2/20) = -0.3 and movie 2's is 2 * (4/20) = 0.4.
    const gram = ialsGram(Y, 3, 2);
    const shares = ialsContributions(Y, 2, foldInIals(Y, gram, 2, 1, row), row, 1);
    expect(shares[0]).toBeCloseTo(-0.3, 12);
    expect(shares[1]).toBeCloseTo(0.4, 12);
  });

  it.each([5, 11])('matches a direct dense solve with an odd factor count (%i: the kernel pads a zero column)', (k) => {
    const random = new Random(k);
    const n = 30;
    const other = Float32Array.from({ length: n * k }, () => random.gaussian());
    // Two rows of different lengths, so the second reuses the kernel's memory after a longer one.
    const indices = Int32Array.from([0, 3, 7, 12, 20, 29, 2, 5]);
    const extra = Float32Array.from([2, 4, 1, 3, 5, 2, 6, 1]);
    const rows = { indptr: Int32Array.from([0, 6, 8]), indices, extra };
    const gram = ialsGram(other, n, k);
    const x = solveIalsBlock({ ...rows, other, gram, k, reg: 1.5, start: 0, end: 2, warm: null, cgSteps: 4 * k });
    for (const row of [0, 1]) {
      const own = indices.subarray(rows.indptr[row], rows.indptr[row + 1]);
      const e = extra.subarray(rows.indptr[row], rows.indptr[row + 1]);
      const A = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => {
        let s = gram[a * k + b] + (a === b ? 1.5 : 0);
        own.forEach((i, q) => (s += e[q] * other[i * k + a] * other[i * k + b]));
        return s;
      }));
      const b = Array.from({ length: k }, (_, a) => Array.from(own).reduce((s, i, q) => s + (1 + e[q]) * other[i * k + a], 0));
      const want = gaussSolve(A, b);
      for (let a = 0; a < k; a++) expect(x[row * k + a]).toBeCloseTo(want[a], 4);
    }
  });

  it('matches a direct dense solve on a random 8-factor case; 3 warm-started steps come close', () => {
    const k = 8;
    const random = new Random(7);
    const n = 40;
    const other = Float32Array.from({ length: n * k }, () => random.gaussian());
    const indices = Int32Array.from([1, 4, 9, 16, 25, 36]);
    const extra = Float32Array.from([3, 3, 6, 3, 9, 3]);
    const rows = { indptr: Int32Array.from([0, indices.length]), indices, extra };
    const gram = ialsGram(other, n, k);
    // The reference: A and b formed entry by entry from the definition, solved by Gaussian elimination.
    const A: number[][] = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => {
      let s = a === b ? 2 : 0;
      for (let i = 0; i < n; i++) s += other[i * k + a] * other[i * k + b];
      for (let q = 0; q < indices.length; q++) s += extra[q] * other[indices[q] * k + a] * other[indices[q] * k + b];
      return s;
    }));
    const bvec = Array.from({ length: k }, (_, a) => indices.reduce((s, i, q) => s + (1 + extra[q]) * other[i * k + a], 0));
    const want = gaussSolve(A, bvec);
    const exact = solveIalsBlock({ ...rows, other, gram, k, reg: 2, start: 0, end: 1, warm: null, cgSteps: 50 });
    const folded = foldInIals(other, gram, k, 2, rows);
    for (let a = 0; a < k; a++) {
      expect(exact[a]).toBeCloseTo(want[a], 5);
      expect(folded.x[a]).toBeCloseTo(want[a], 10);
    }
    // Warm-started 0.01 off in every coordinate, each CG step shrinks the Euclidean error (a property
    // of CG, Hestenes and Stiefel 1952); 3 steps of the 8 needed for an exact solve at least halve it.
    const warm = Float32Array.from(want, (v) => v + 0.01);
    const errors = [0, 1, 2, 3].map((cgSteps) => {
      const x = solveIalsBlock({ ...rows, other, gram, k, reg: 2, start: 0, end: 1, warm, cgSteps });
      return Math.hypot(...Array.from(x, (v, a) => v - want[a]));
    });
    for (let s = 1; s < errors.length; s++) expect(errors[s]).toBeLessThan(errors[s - 1]);
    expect(errors[3]).toBeLessThan(errors[0] / 2);
  });
});

describe('iALS training', () => {
  const data = indexRatings(randomTable(30, 25, 6, 3));

  it('stores both orientations of the same matrix, each row sorted', () => {
    const m = buildIalsMatrix(data, 2, 'rating');
    const pairs = (side: IalsMatrix['users'], swap: boolean) => {
      const out: string[] = [];
      for (let r = 0; r + 1 < side.indptr.length; r++) {
        for (let q = side.indptr[r]; q < side.indptr[r + 1]; q++) {
          if (q > side.indptr[r]) expect(side.indices[q]).toBeGreaterThan(side.indices[q - 1]);
          out.push(swap ? `${side.indices[q]},${r},${side.extra[q]}` : `${r},${side.indices[q]},${side.extra[q]}`);
        }
      }
      return out.sort();
    };
    expect(pairs(m.movies, true)).toEqual(pairs(m.users, false));
    // c - 1 = alpha * stars for the rating form: every entry of user 0 against its rating.
    for (let q = m.users.indptr[0]; q < m.users.indptr[1]; q++) {
      const p = [...data.movies.subarray(data.userStart[0], data.userStart[1])].indexOf(m.users.indices[q]);
      expect(m.users.extra[q]).toBe(2 * data.ratings[data.userStart[0] + p]);
    }
  });

  it('gives the same half-iteration whether the rows are solved at once or in blocks', () => {
    const k = 6;
    const m = buildIalsMatrix(data, 3, 'binary');
    const { X, Y } = initIalsFactors(data.userIds.length, data.movieIds.length, k, 9);
    const whole = ialsHalf(m, 'users', X, Y, { factors: k, reg: 5, cgSteps: 3 });
    const gram = ialsGram(Y, data.movieIds.length, k);
    const parts: Float32Array[] = [];
    for (const [start, end] of [[0, 7], [7, 19], [19, 30]]) {
      parts.push(solveIalsBlock({ ...m.users, other: Y, gram, k, reg: 5, start, end, warm: X.subarray(start * k, end * k), cgSteps: 3 }));
    }
    expect(Float32Array.from(parts.flatMap((p) => [...p]))).toEqual(whole);
  });

  it('lowers the iALS objective with every iteration (each half minimizes it over one side)', () => {
    const opts = { factors: 5, alpha: 3, reg: 2, confidence: 'binary' as const, seed: 4, cgSteps: 5 };
    const m = buildIalsMatrix(data, 3, 'binary');
    const values = [1, 2, 3, 6].map((iterations) => {
      const model = trainIals(data, { ...opts, iterations });
      return objective(m, model.X, model.Y, 5, 2);
    });
    for (let t = 1; t < values.length; t++) expect(values[t]).toBeLessThan(values[t - 1]);
    // And it is the same model for the same seed.
    expect(trainIals(data, { ...opts, iterations: 2 }).Y).toEqual(trainIals(data, { ...opts, iterations: 2 }).Y);
  });
});

/** Solves A x = b by Gaussian elimination with partial pivoting (test reference). */
function gaussSolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const m = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let j = c; j <= n; j++) m[r][j] -= f * m[c][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let j = r + 1; j < n; j++) s -= m[r][j] * x[j];
    x[r] = s / m[r][r];
  }
  return x;
}
