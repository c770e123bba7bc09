/**
 * Test fixtures (not exported from the package): synthetic rating tables with a known low-rank
 * structure, the real ML-100K ratings when present, and a dense copy of a CSR matrix for
 * the exact reference decompositions of the specs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Matrix } from 'ml-matrix';
import type { RatingTable } from '../movielens/types';
import { Random } from '../random';
import type { CsrMatrix } from './csr';

/**
 * A users x movies table where each (user, movie) pair is rated with probability `density`;
 * the rating is a rank-`rank` score plus Gaussian noise of sd `noise`, clamped and rounded to 1..5
 * stars. Ids are 1-based and offset (users 1.., movies 1001..) so ids never equal indices.
 */
export function lowRankTable(users: number, movies: number, density: number, rank: number, noise: number, seed = 1): RatingTable {
  const random = new Random(seed);
  const p = Float64Array.from({ length: users * rank }, () => random.gaussian());
  const q = Float64Array.from({ length: movies * rank }, () => random.gaussian());
  const bias = Float64Array.from({ length: movies }, () => random.gaussian() * 0.5);
  const cap = Math.ceil(users * movies * density * 1.2) + 16;
  const table: RatingTable = {
    length: 0,
    users: new Int32Array(cap),
    movies: new Int32Array(cap),
    ratings: new Float32Array(cap),
    timestamps: new Uint32Array(cap),
  };
  for (let u = 0; u < users; u++) {
    for (let m = 0; m < movies; m++) {
      if (random.next() >= density || table.length === cap) continue;
      let s = 3.5 + bias[m] + noise * random.gaussian();
      for (let f = 0; f < rank; f++) s += (p[u * rank + f] * q[m * rank + f]) / Math.sqrt(rank);
      const t = table.length++;
      table.users[t] = u + 1;
      table.movies[t] = m + 1001;
      table.ratings[t] = Math.min(5, Math.max(1, Math.round(s)));
      table.timestamps[t] = 1_000_000 + t;
    }
  }
  return table;
}

/** A rating table from literal (user id, movie id, stars) rows. */
export function tableOf(rows: [number, number, number][]): RatingTable {
  return {
    length: rows.length,
    users: Int32Array.from(rows.map((r) => r[0])),
    movies: Int32Array.from(rows.map((r) => r[1])),
    ratings: Float32Array.from(rows.map((r) => r[2])),
    timestamps: new Uint32Array(rows.length),
  };
}

/** ML-100K `u.data` (tab-separated user, movie, rating, timestamp), or undefined when absent. */
export function readMl100kRatings(): RatingTable | undefined {
  const file = fileURLToPath(new URL('../../../../../shared/data/ml-100k/u.data', import.meta.url));
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const n = lines.length;
  const table: RatingTable = {
    length: n,
    users: new Int32Array(n),
    movies: new Int32Array(n),
    ratings: new Float32Array(n),
    timestamps: new Uint32Array(n),
  };
  lines.forEach((line, i) => {
    const [u, m, r, t] = line.split('\t').map(Number);
    table.users[i] = u;
    table.movies[i] = m;
    table.ratings[i] = r;
    table.timestamps[i] = t;
  });
  return table;
}

/** The message a real-data spec prints when it skips. */
export const ML100K_SKIP = 'SKIPPED: ../shared/data/ml-100k/u.data is not present; real-data test not run';

/** A dense ml-matrix copy of a CSR matrix (small matrices only: this is the exact reference). */
export function denseOf(a: CsrMatrix): Matrix {
  const d = new Matrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.indptr[i]; p < a.indptr[i + 1]; p++) d.set(i, a.indices[p], a.values[p]);
  }
  return d;
}

/** A `rows x cols` row-major Float64Array as an ml-matrix Matrix. */
export function matrixOf(a: Float64Array, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, a[i * cols + j]);
  return m;
}
