import { describe, expect, it } from 'vitest';
import { Random } from '../random';
import { startThread } from '../threads/start-thread';
import type { RatingTable } from '../movielens/types';
import { fitEase, keptMovies, scoreEase, trainEase } from './ease';
import { GemmKernel } from './gemm-kernel';
import { addLowerGram } from './gram';
import { SpdInverse } from './spd-inverse';

/** The reference: Gauss-Jordan elimination with partial pivoting on a dense copy (n x n, row-major). */
function gaussJordanInverse(matrix: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[pivot * n + c])) pivot = r;
    for (let k = 0; k < n; k++) {
      [a[c * n + k], a[pivot * n + k]] = [a[pivot * n + k], a[c * n + k]];
      [inv[c * n + k], inv[pivot * n + k]] = [inv[pivot * n + k], inv[c * n + k]];
    }
    const d = a[c * n + c];
    for (let k = 0; k < n; k++) {
      a[c * n + k] /= d;
      inv[c * n + k] /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r * n + c];
      for (let k = 0; k < n; k++) {
        a[r * n + k] -= f * a[c * n + k];
        inv[r * n + k] -= f * inv[c * n + k];
      }
    }
  }
  return inv;
}

/** EASE's B by the reference: dense X^T X + lambda I, inverted by Gauss-Jordan, B = -P / diag(P), diag 0. */
function referenceB(x: number[][], lambda: number): Float64Array {
  const n = x[0].length;
  const g = new Float64Array(n * n);
  for (const row of x) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] += row[i] * row[j];
  for (let i = 0; i < n; i++) g[i * n + i] += lambda;
  const p = gaussJordanInverse(g, n);
  return p.map((v, k) => (k % n === Math.floor(k / n) ? 0 : -v / p[(k % n) * n + (k % n)]));
}

/** Rows of a 0/1 matrix as sparse interaction rows. */
function rowsOf(x: number[][]) {
  const indptr = [0];
  const indices: number[] = [];
  for (const row of x) {
    row.forEach((v, j) => v && indices.push(j));
    indptr.push(indices.length);
  }
  return { rows: x.length, cols: x[0].length, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices) };
}

describe('GemmKernel', () => {
  it('subtracts Q T^T from a block in place, across its cache blocks (70 rows, 300 targets, dot length 1,100)', () => {
    const random = new Random(4);
    const [nq, nt, len, stride] = [70, 300, 1100, 1104];
    const kernel = new GemmKernel(2 * 400 * stride);
    const a = kernel.data;
    for (let i = 0; i < 400 * stride; i++) a[i] = random.gaussian();
    // Q = rows 0..69, T = rows 100..399 (columns 2..1101), out = a block of the second half.
    const out = 400 * stride + 7;
    for (let b = 0; b < nq; b++) for (let j = 0; j < nt; j++) a[out + b * stride + j] = b - j;
    kernel.subtractProducts(2, stride, 100 * stride + 2, stride, out, stride, nq, nt, len);
    for (let b = 0; b < nq; b += 3) {
      for (let j = 0; j < nt; j += 7) {
        let dot = 0;
        for (let c = 0; c < len; c++) dot += a[b * stride + 2 + c] * a[(100 + j) * stride + 2 + c];
        expect(a[out + b * stride + j]).toBeCloseTo(b - j - dot, 9);
      }
    }
    // Outside the block nothing moved: the entry right of its last column still holds its start value 0.
    expect(a[out + nt]).toBe(0);
    expect(() => kernel.subtractProducts(0, stride, 0, stride, out, stride, 1, 1, 3)).toThrow(/odd/);
  });
});

describe('SpdInverse', () => {
  const random = new Random(11);
  /** A random symmetric positive definite matrix: M M^T + n I. */
  const spd = (n: number) => {
    const m = Float64Array.from({ length: n * n }, () => random.gaussian());
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += m[i * n + k] * m[j * n + k];
      a[i * n + j] = s + (i === j ? n : 0);
    }
    return a;
  };

  it('inverts SPD matrices as Gauss-Jordan does, across block sizes, odd orders and a short last block', () => {
    // (order, block): one block; several full blocks; odd order with an odd last block; order below the block.
    for (const [n, block] of [[6, 8], [32, 8], [37, 8], [45, 16], [3, 128]]) {
      const a = spd(n);
      const solver = new SpdInverse(n, { block });
      const s = solver.stride;
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) solver.data[i * s + j] = a[i * n + j];
      solver.invert();
      const expected = gaussJordanInverse(a, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(solver.data[i * s + j]).toBeCloseTo(expected[i * n + j], 12);
      // And the padding columns stayed zero (the kernel reads them as the even dot length's tail).
      for (let i = 0; i < n; i++) for (let j = n; j < s; j++) expect(solver.data[i * s + j]).toBe(0);
    }
  });

  it('gives the same inverse bit for bit when a helper thread takes part of every step', async () => {
    const n = 301;
    const a = spd(n);
    const solve = (withHelper: boolean) => {
      const solver = new SpdInverse(n, { block: 16, helpers: withHelper ? (share) => helper.postMessage(share) : undefined });
      const s = solver.stride;
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) solver.data[i * s + j] = a[i * n + j];
      solver.invert();
      return { p: Array.from({ length: n }, (_, i) => Array.from(solver.data.subarray(i * s, i * s + n))), helped: solver.helped };
    };
    const helper = startThread('ease.worker', new URL('./ease.worker.ts', import.meta.url).href);
    try {
      const alone = solve(false);
      expect(alone.helped).toBe(0);
      // The helper thread joins once it has loaded (about a second under tsx): solve until it took part.
      let shared = solve(true);
      for (let tries = 0; shared.helped === 0 && tries < 60; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        shared = solve(true);
      }
      expect(shared.helped).toBeGreaterThan(0);
      expect(shared.p).toEqual(alone.p);
    } finally {
      await helper.terminate();
    }
  }, 30_000);

  it('refuses a matrix that is not positive definite', () => {
    const solver = new SpdInverse(2, { block: 2 });
    const s = solver.stride;
    // [[1, 2], [2, 1]] has eigenvalues 3 and -1.
    solver.data.set([1, 0], 0);
    solver.data.set([2, 1], s);
    expect(() => solver.invert()).toThrow(/not positive definite/);
  });
});

describe('EASE', () => {
  // 5 users x 4 movies, hand-made: movies 0 and 1 go together, movie 3 is rated alone by one user.
  const x = [
    [1, 1, 0, 0],
    [1, 1, 1, 0],
    [0, 1, 1, 0],
    [1, 0, 0, 1],
    [1, 1, 0, 0],
  ];

  it('accumulates the Gram matrix X^T X (lower triangle) from sparse rows', () => {
    const out = new Float64Array(16);
    addLowerGram(rowsOf(x), out, 4);
    // Column sums on the diagonal, co-occurrence counts below it: e.g. movies 0 and 1 share users 0, 1, 4.
    expect(Array.from(out)).toEqual([4, 0, 0, 0, 3, 4, 0, 0, 1, 2, 2, 0, 1, 0, 0, 1]);
    // 150 movies span three bands of 64 rows: every entry equals the direct count over users.
    const random = new Random(8);
    const wide = Array.from({ length: 40 }, () => Array.from({ length: 150 }, () => (random.next() < 0.3 ? 1 : 0)));
    const stride = 152;
    const g = new Float64Array(150 * stride);
    addLowerGram(rowsOf(wide), g, stride);
    for (let a = 0; a < 150; a++) {
      for (let b = 0; b < 150; b++) expect(g[a * stride + b]).toBe(b <= a ? wide.reduce((n, row) => n + row[a] * row[b], 0) : 0);
    }
  });

  it('gives the B of a direct dense solve on a small hand-made matrix', () => {
    for (const lambda of [0.5, 3]) {
      const b = fitEase(rowsOf(x), { lambda, block: 2 });
      const expected = referenceB(x, lambda);
      for (let k = 0; k < 16; k++) expect(b[k]).toBeCloseTo(expected[k], 6);
      for (let i = 0; i < 4; i++) expect(b[i * 4 + i]).toBe(0);
    }
  });

  it('gives the B of a direct dense solve on a random 0/1 matrix larger than a block', () => {
    const random = new Random(3);
    const movies = 41;
    const big = Array.from({ length: 60 }, () => Array.from({ length: movies }, () => (random.next() < 0.2 ? 1 : 0)));
    const b = fitEase(rowsOf(big), { lambda: 2, block: 8 });
    const expected = referenceB(big, 2);
    // Float32 storage: about 7 significant digits of weights well below 1.
    for (let k = 0; k < movies * movies; k++) expect(Math.abs(b[k] - expected[k])).toBeLessThan(1e-6);
  });

  it('scores a user by summing the B rows of their rated movies', () => {
    // B = [[0, 1, 2], [3, 0, 4], [5, 6, 0]]; a user who rated movies 0 and 2 gets [0+5, 1+6, 2+0].
    const b = Float32Array.from([0, 1, 2, 3, 0, 4, 5, 6, 0]);
    const out = new Float64Array(3).fill(9);
    scoreEase(b, 3, [0, 2], out);
    expect(Array.from(out)).toEqual([5, 7, 2]);
  });

  it('trains from a rating table on MovieLens ids, every rating an interaction, keeping the most-rated movies when asked', () => {
    // Users 1..5 are the rows of x; movie ids 10, 20, 30, 40 its columns; stars vary (ignored).
    const entries: [number, number, number][] = [];
    x.forEach((row, u) => row.forEach((v, j) => v && entries.push([u + 1, (j + 1) * 10, 1 + ((u + j) % 5)])));
    const table: RatingTable = {
      length: entries.length,
      users: Int32Array.from(entries.map((e) => e[0])),
      movies: Int32Array.from(entries.map((e) => e[1])),
      ratings: Float32Array.from(entries.map((e) => e[2])),
      timestamps: new Uint32Array(entries.length),
    };
    const model = trainEase(table, { lambda: 3 });
    expect(Array.from(model.movieIds)).toEqual([10, 20, 30, 40]);
    expect(model.interactions).toBe(11);
    const expected = referenceB(x, 3);
    for (let k = 0; k < 16; k++) expect(model.weights[k]).toBeCloseTo(expected[k], 6);
    // Counts: 10 -> 4, 20 -> 4, 30 -> 2, 40 -> 1: the top 2 are 10 and 20; the top 3 add 30.
    expect(Array.from(keptMovies(table, 2))).toEqual([10, 20]);
    const top = trainEase(table, { lambda: 3, topMovies: 3 });
    expect(Array.from(top.movieIds)).toEqual([10, 20, 30]);
    // Without movie 40, user 4 keeps only movie 10; B is that of the first three columns.
    const reduced = referenceB(x.map((row) => row.slice(0, 3)), 3);
    for (let k = 0; k < 9; k++) expect(top.weights[k]).toBeCloseTo(reduced[k], 6);
  });
});
