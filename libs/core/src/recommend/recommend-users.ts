import type { TruncatedSvd } from '../factorization/truncated-svd';
import type { DenseMatrix } from '../linalg/dense-matrix';
import { DotKernel } from '../linalg/dot-kernel';
import { TopN } from '../linalg/top-n';
import type { RatingMatrix } from '../sparse/rating-matrix';

/** Options of `recommendUsers`. */
export interface RecommendUsersOptions {
  /** Recommendations per user; default 100. */
  n?: number;
  /** First user (dense index) of the shard, inclusive; default 0. */
  rowStart?: number;
  /** End of the shard (dense index), exclusive; default all users. */
  rowEnd?: number;
  /** Users scored together (one heap each); default 64. */
  blockSize?: number;
  /** Movies per tile of scores (memory: block x tile doubles, kept in cache); default 256. */
  tileSize?: number;
}

/** Top-N lists of the users `[rowStart, rowEnd)`. */
export interface UserRecommendations {
  rowStart: number;
  rowEnd: number;
  n: number;
  /**
   * `(rowEnd - rowStart) x n` row-major DENSE MOVIE INDICES (map with `RatingMatrix.movieIds`),
   * best first; -1 pads users with fewer than n unseen movies.
   */
  movies: Int32Array;
  /** Predicted rating (stars, not clamped to the scale) of each movie; NaN where `movies` is -1. */
  scores: Float32Array;
}

/**
 * For each user (dense index) in `[rowStart, rowEnd)`, the n movies they have not rated with the
 * highest predicted rating = user mean + (U_i Sigma) . V_j, sorted by score descending with ties
 * broken by movie index (== id) ascending.
 *
 * @param svd - factors of `ratings.matrix` (U rows = users, V rows = movies)
 * @param ratings - gives the user means and which movies each user rated
 */
export function recommendUsers(
  svd: Pick<TruncatedSvd, 'k' | 'U' | 'S' | 'V'>,
  ratings: Pick<RatingMatrix, 'matrix' | 'userMeans'>,
  options: RecommendUsersOptions = {},
): UserRecommendations {
  const { matrix, userMeans } = ratings;
  const users = matrix.rows;
  const movieCount = matrix.cols;
  const { rowStart = 0, rowEnd = users, blockSize = 64, tileSize = 256 } = options;
  const n = Math.max(0, Math.min(options.n ?? 100, movieCount));
  if (rowStart < 0 || rowEnd > users || rowStart > rowEnd) {
    throw new RangeError(`row range [${rowStart}, ${rowEnd}) is outside [0, ${users})`);
  }
  const k = svd.k;
  // U Sigma for the shard only, so the dot product with a V row is the whole prediction.
  const rows = rowEnd - rowStart;
  const weighted: DenseMatrix = { rows, cols: k, data: new Float64Array(rows * k) };
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < k; c++) weighted.data[i * k + c] = svd.U[(rowStart + i) * k + c] * svd.S[c];
  }
  const movieFactors: DenseMatrix = { rows: movieCount, cols: k, data: svd.V };

  const out = new Int32Array(rows * n);
  const scores = new Float32Array(rows * n);
  // Scores are made and ranked one tile of movies at a time for a block of users, so the tile
  // of V, the block's factors and the tile's scores all stay in cache (a full users x movies
  // row of scores per user would go through memory and back). Each user keeps its own heap and
  // sees movies in ascending index order, as TopN's tie-break needs.
  const block = Math.max(1, Math.min(blockSize, rows));
  const tile = Math.max(4, Math.min(tileSize, movieCount));
  const kernel = new DotKernel(movieFactors, block, tile);
  const heaps = Array.from({ length: block }, () => new TopN(n));
  // Next rated movie of each user of the block: rated movies are sorted in the CSR row.
  const next = new Int32Array(block);
  for (let start = 0; start < rows; start += block) {
    const count = Math.min(block, rows - start);
    for (let b = 0; b < count; b++) {
      heaps[b].reset();
      next[b] = matrix.indptr[rowStart + start + b];
    }
    kernel.setQueries(weighted, start, count);
    for (let t0 = 0; t0 < movieCount; t0 += tile) {
      const t1 = Math.min(movieCount, t0 + tile);
      const width = t1 - t0;
      const tileScores = kernel.products(t0, t1);
      for (let b = 0; b < count; b++) {
        const user = rowStart + start + b;
        const mean = userMeans[user];
        const heap = heaps[b];
        let p = next[b];
        const end = matrix.indptr[user + 1];
        const o = b * width - t0;
        for (let j = t0; j < t1; j++) {
          if (p < end && matrix.indices[p] === j) {
            p++;
            continue;
          }
          heap.offer(j, mean + tileScores[o + j]);
        }
        next[b] = p;
      }
    }
    for (let b = 0; b < count; b++) heaps[b].drainInto(out, scores, (start + b) * n);
  }
  return { rowStart, rowEnd, n, movies: out, scores };
}
