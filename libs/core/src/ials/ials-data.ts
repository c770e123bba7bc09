/**
 * The implicit-feedback matrix of iALS (Hu, Koren, Volinsky 2008) in both orientations: every
 * rating is an observation with preference p = 1 and confidence c = 1 + alpha * w, where w is 1
 * (`binary`) or the stars (`rating`). Unobserved pairs have p = 0 and c = 1, so only the extra
 * confidence c - 1 of observed pairs is stored: the solves add it on top of the Gram matrix.
 */
import type { IndexedRatings } from '../factorization/mf-data';

/** How a rating becomes confidence: `binary` c = 1 + alpha; `rating` c = 1 + alpha * stars. */
export type IalsConfidence = 'binary' | 'rating';

/** One side of the matrix as CSR: row r's entries are `indptr[r] .. indptr[r + 1] - 1`. */
export interface IalsRows {
  /** Row pointers, length rows + 1. */
  indptr: Int32Array;
  /** Dense index on the other side (movie of a user row, user of a movie row), ascending per row. */
  indices: Int32Array;
  /** c - 1 of each entry (alpha, or alpha * stars). */
  extra: Float32Array;
}

/** Both orientations of the same matrix. */
export interface IalsMatrix {
  /** users x movies. */
  users: IalsRows;
  /** movies x users (the transpose). */
  movies: IalsRows;
}

/** c - 1 of a rating of `stars`. */
export function extraConfidence(stars: number, alpha: number, confidence: IalsConfidence): number {
  return confidence === 'binary' ? alpha : alpha * stars;
}

/** The CSR rows of `data` (grouped by user) in both orientations, indices ascending per row. */
export function buildIalsMatrix(data: IndexedRatings, alpha: number, confidence: IalsConfidence): IalsMatrix {
  const users = data.userIds.length;
  const movies = data.movieIds.length;
  const n = data.movies.length;
  // User rows: the indexed order within a user is input order; sort each row by movie so both
  // orientations are canonical (the solve's sums then run in a fixed order on every worker).
  const uIndices = new Int32Array(n);
  const uExtra = new Float32Array(n);
  const order: number[] = [];
  for (let u = 0; u < users; u++) {
    const s = data.userStart[u];
    const e = data.userStart[u + 1];
    order.length = 0;
    for (let p = s; p < e; p++) order.push(p);
    order.sort((a, b) => data.movies[a] - data.movies[b]);
    for (let q = 0; q < order.length; q++) {
      uIndices[s + q] = data.movies[order[q]];
      uExtra[s + q] = extraConfidence(data.ratings[order[q]], alpha, confidence);
    }
  }
  const uIndptr = Int32Array.from(data.userStart);
  const mIndptr = new Int32Array(movies + 1);
  for (let p = 0; p < n; p++) mIndptr[uIndices[p] + 1]++;
  for (let m = 0; m < movies; m++) mIndptr[m + 1] += mIndptr[m];
  const next = mIndptr.slice(0, movies);
  const mIndices = new Int32Array(n);
  const mExtra = new Float32Array(n);
  // Users ascend in the outer loop, so each movie row comes out sorted by user.
  for (let u = 0; u < users; u++) {
    for (let p = uIndptr[u]; p < uIndptr[u + 1]; p++) {
      const q = next[uIndices[p]]++;
      mIndices[q] = u;
      mExtra[q] = uExtra[p];
    }
  }
  return { users: { indptr: uIndptr, indices: uIndices, extra: uExtra }, movies: { indptr: mIndptr, indices: mIndices, extra: mExtra } };
}
