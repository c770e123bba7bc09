import type { TruncatedSvd } from '../factorization/truncated-svd';
import type { DenseMatrix } from '../linalg/dense-matrix';
import { blockDotProducts } from '../linalg/dense-matrix';
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
  /** Users scored per block (memory: block x movies doubles); default 32. */
  blockSize?: number;
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
  const { rowStart = 0, rowEnd = users, blockSize = 32 } = options;
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
  const block = new Float64Array(Math.min(blockSize, Math.max(rows, 1)) * movieCount);
  const heap = new TopN(n);
  for (let start = 0; start < rows; start += blockSize) {
    const count = Math.min(blockSize, rows - start);
    blockDotProducts(weighted, start, count, movieFactors, block);
    for (let b = 0; b < count; b++) {
      const user = rowStart + start + b;
      const mean = userMeans[user];
      heap.reset();
      // Rated movies are sorted in the CSR row: skip them with one moving pointer.
      let p = matrix.indptr[user];
      const end = matrix.indptr[user + 1];
      const o = b * movieCount;
      for (let j = 0; j < movieCount; j++) {
        if (p < end && matrix.indices[p] === j) {
          p++;
          continue;
        }
        heap.offer(j, mean + block[o + j]);
      }
      heap.drainInto(out, scores, (start + b) * n);
    }
  }
  return { rowStart, rowEnd, n, movies: out, scores };
}
