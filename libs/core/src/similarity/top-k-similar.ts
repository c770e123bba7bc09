import type { DenseMatrix } from '../linalg/dense-matrix';
import { blockDotProducts, normalizeRows } from '../linalg/dense-matrix';
import { TopN } from '../linalg/top-n';

/**
 * Movie vectors V * Sigma: row j is movie j (dense index) in the k-dimensional latent space,
 * each factor weighted by its singular value as in the original method.
 *
 * @param V - `movies x stride` row-major right singular vectors (e.g. `TruncatedSvd.V`)
 * @param S - singular values (at least k)
 * @param k - factors kept; the first k columns of V
 */
export function movieVectors(V: Float64Array, S: Float64Array, k: number, stride = k): DenseMatrix {
  const rows = Math.floor(V.length / stride);
  const data = new Float64Array(rows * k);
  for (let j = 0; j < rows; j++) for (let c = 0; c < k; c++) data[j * k + c] = V[j * stride + c] * S[c];
  return { rows, cols: k, data };
}

/** Options of `topKSimilar`. */
export interface TopKSimilarOptions {
  /** Neighbours per movie; default 50. */
  k?: number;
  /** First movie (dense index) of the shard, inclusive; default 0. */
  rowStart?: number;
  /** End of the shard (dense index), exclusive; default all movies. */
  rowEnd?: number;
  /** Number of ratings of each movie (dense index): needed with `minCount`, copied into `neighbourCounts`. */
  counts?: Int32Array;
  /**
   * Movies with fewer ratings are left out, both as neighbours and as queries (their row is all
   * padding); default 0 = off, the original method.
   */
  minCount?: number;
  /** Query rows scored per block (memory: block x movies doubles); default 32. */
  blockSize?: number;
}

/** Top-K neighbour lists of the movies `[rowStart, rowEnd)`. */
export interface TopKSimilar {
  rowStart: number;
  rowEnd: number;
  k: number;
  /**
   * `(rowEnd - rowStart) x k` row-major DENSE MOVIE INDICES (not MovieLens ids; map them with
   * `RatingMatrix.movieIds`), best first; -1 pads rows with fewer than k neighbours.
   */
  neighbours: Int32Array;
  /** Cosine similarity of each neighbour, same layout; NaN where `neighbours` is -1. */
  scores: Float32Array;
  /**
   * Rating count of each neighbour, same layout (0 where `neighbours` is -1); present only when
   * `counts` was given, so answers can show how much data backs each neighbour.
   */
  neighbourCounts?: Int32Array;
}

/**
 * For each movie in `[rowStart, rowEnd)`, the k most cosine-similar other movies, sorted by
 * score descending with ties broken by dense index ascending (== MovieLens id ascending when the
 * indices come from `buildRatingMatrix`). The movie itself is excluded.
 *
 * Shards over disjoint row ranges concatenate to exactly the full result: every row depends only
 * on the (normalized) vectors, which each shard recomputes identically.
 *
 * Cost: (rowEnd - rowStart) x movies x dim multiply-adds in blocks, and a k-heap per row.
 */
export function topKSimilar(vectors: DenseMatrix, options: TopKSimilarOptions = {}): TopKSimilar {
  const n = vectors.rows;
  const { rowStart = 0, rowEnd = n, minCount = 0, counts, blockSize = 32 } = options;
  const k = Math.max(0, Math.min(options.k ?? 50, n - 1));
  if (rowStart < 0 || rowEnd > n || rowStart > rowEnd) {
    throw new RangeError(`row range [${rowStart}, ${rowEnd}) is outside [0, ${n})`);
  }
  if ((minCount > 0 && !counts) || (counts && counts.length !== n)) {
    throw new RangeError(`counts must be given for all ${n} movies (needed by minCount)`);
  }
  const eligible = (j: number) => minCount <= 0 || (counts as Int32Array)[j] >= minCount;
  const unit = normalizeRows(vectors);
  const rows = rowEnd - rowStart;
  const neighbours = new Int32Array(rows * k);
  const scores = new Float32Array(rows * k);
  const block = new Float64Array(Math.min(blockSize, Math.max(rows, 1)) * n);
  const heap = new TopN(k);

  for (let start = rowStart; start < rowEnd; start += blockSize) {
    const count = Math.min(blockSize, rowEnd - start);
    blockDotProducts(unit, start, count, unit, block);
    for (let b = 0; b < count; b++) {
      const i = start + b;
      heap.reset();
      if (eligible(i)) {
        const o = b * n;
        for (let j = 0; j < n; j++) if (j !== i && eligible(j)) heap.offer(j, block[o + j]);
      }
      heap.drainInto(neighbours, scores, (i - rowStart) * k);
    }
  }
  if (!counts) return { rowStart, rowEnd, k, neighbours, scores };
  const neighbourCounts = neighbours.map((j) => (j >= 0 ? counts[j] : 0));
  return { rowStart, rowEnd, k, neighbours, scores, neighbourCounts };
}
