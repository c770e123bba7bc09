import type { RatingTable } from '../movielens/types';
import type { CsrMatrix } from './csr';
import { transpose } from './csr';
import { distinctSorted, idLookup } from './id-index';

/** A mean-centered users x movies rating matrix and the maps between MovieLens ids and dense indices. */
export interface RatingMatrix {
  /**
   * Users x movies, CSR. Entry (u, m) = rating - userMeans[u] for every rating present; absent
   * ratings are not stored (they are 0 after centering, see `buildRatingMatrix`).
   */
  matrix: CsrMatrix;
  /** MovieLens user id of each dense user index (row), ascending. */
  userIds: Int32Array;
  /** MovieLens movie id of each dense movie index (column), ascending. */
  movieIds: Int32Array;
  /** Mean rating (stars) of each user, by dense user index. */
  userMeans: Float64Array;
  /** Number of ratings of each movie, by dense movie index. */
  movieCounts: Int32Array;
  /** Mean of all ratings (stars); the baseline of folded-in users who only list liked movies. */
  globalMean: number;
}

/** Options of `buildRatingMatrix`. */
export interface BuildRatingMatrixOptions {
  /**
   * Allocate the CSR arrays in SharedArrayBuffers, so worker threads can read the matrix
   * without a copy (a parallel SVD); default false.
   */
  shared?: boolean;
}

/**
 * Builds the mean-centered CSR rating matrix from a (deduplicated) rating table.
 *
 * Ids are mapped to dense indices in ascending id order, so index order == id order; the
 * similarity and recommendation tie-breaks (by id ascending) rely on that.
 *
 * Normalization follows the original notebook: each user's mean rating is subtracted from that
 * user's ratings, and missing entries stay 0. Zero then means "as good as this user's average",
 * which removes per-user rating scale (harsh vs generous raters) before the SVD instead of
 * letting the first singular vector model it; the mean is added back when predicting.
 *
 * Never builds a dense users x movies matrix: O(nnz) memory.
 */
export function buildRatingMatrix(table: RatingTable, options: BuildRatingMatrixOptions = {}): RatingMatrix {
  const n = table.length;
  const userIds = distinctSorted(table.users, n);
  const movieIds = distinctSorted(table.movies, n);
  const userIndex = idLookup(userIds);
  const movieIndex = idLookup(movieIds);
  const rows = userIds.length;
  const cols = movieIds.length;

  // Bucket the ratings by movie first (a movies x users CSR), then transpose: the transpose
  // visits movies in ascending order, so every user's row comes out sorted by movie index
  // without a per-row sort.
  const byMovie = new Int32Array(cols + 1);
  const rowOf = new Int32Array(n);
  const colOf = new Int32Array(n);
  const rowCounts = new Int32Array(rows);
  const sums = new Float64Array(rows);
  for (let t = 0; t < n; t++) {
    const r = userIndex(table.users[t]);
    const c = movieIndex(table.movies[t]);
    rowOf[t] = r;
    colOf[t] = c;
    byMovie[c + 1]++;
    rowCounts[r]++;
    sums[r] += table.ratings[t];
  }
  const movieCounts = new Int32Array(cols);
  for (let c = 0; c < cols; c++) {
    movieCounts[c] = byMovie[c + 1];
    byMovie[c + 1] += byMovie[c];
  }
  const userMeans = new Float64Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    userMeans[r] = sums[r] / rowCounts[r];
    total += sums[r];
  }

  const next = byMovie.slice(0, cols);
  const users = new Int32Array(n);
  const values = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const q = next[colOf[t]]++;
    users[q] = rowOf[t];
    values[q] = table.ratings[t] - userMeans[rowOf[t]];
  }
  const matrix = transpose({ rows: cols, cols: rows, indptr: byMovie, indices: users, values }, options.shared);
  return { matrix, userIds, movieIds, userMeans, movieCounts, globalMean: n > 0 ? total / n : Number.NaN };
}
