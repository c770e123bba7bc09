import type { DenseMatrix } from '../linalg/dense-matrix';
import { normalizeRows } from '../linalg/dense-matrix';
import { DotKernel } from '../linalg/dot-kernel';
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
  /** Query rows scored together (one heap each); default 64. */
  blockSize?: number;
  /** Target movies per tile of scores (memory: block x tile doubles, kept in cache); default 256. */
  tileSize?: number;
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
  const { rowStart = 0, rowEnd = n, minCount = 0, counts, blockSize = 64, tileSize = 256 } = options;
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
  // Scored and ranked one tile of targets at a time for a block of queries, so everything the
  // inner loops touch stays in cache (as in recommendUsers); each query keeps its own heap and
  // sees targets in ascending index order, as TopN's tie-break needs.
  const block = Math.max(1, Math.min(blockSize, rows));
  const tile = Math.max(4, Math.min(tileSize, n));
  const kernel = new DotKernel(unit, block, tile);
  const heaps = Array.from({ length: block }, () => new TopN(k));
  for (let start = rowStart; start < rowEnd; start += block) {
    const count = Math.min(block, rowEnd - start);
    for (let b = 0; b < count; b++) heaps[b].reset();
    kernel.setQueries(unit, start, count);
    for (let t0 = 0; t0 < n; t0 += tile) {
      const t1 = Math.min(n, t0 + tile);
      const width = t1 - t0;
      const tileScores = kernel.products(t0, t1);
      for (let b = 0; b < count; b++) {
        const i = start + b;
        if (!eligible(i)) continue;
        const heap = heaps[b];
        const o = b * width - t0;
        for (let j = t0; j < t1; j++) if (j !== i && eligible(j)) heap.offer(j, tileScores[o + j]);
      }
    }
    for (let b = 0; b < count; b++) heaps[b].drainInto(neighbours, scores, (start + b - rowStart) * k);
  }
  if (!counts) return { rowStart, rowEnd, k, neighbours, scores };
  const neighbourCounts = neighbours.map((j) => (j >= 0 ? counts[j] : 0));
  return { rowStart, rowEnd, k, neighbours, scores, neighbourCounts };
}
