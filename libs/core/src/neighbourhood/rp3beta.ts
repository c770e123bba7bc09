/**
 * RP3beta (Paudel, Christoffel, Newell and Bernstein, "Updatable, accurate, diverse, and scalable
 * recommendations for interactive applications", ACM TiiS 2017): item-item weights of a three-step
 * random walk movie -> user -> movie on the binary rating graph, with the walk's transition
 * probabilities raised to `alpha` and the target movie's popularity penalised by `beta`:
 *
 *   W[i][j] = popularity(j)^-beta * sum over users u who rated both i and j of P(u|i)^alpha * P(j|u)^alpha
 *
 * with P(u|i) = 1 / (raters of i) and P(j|u) = 1 / (movies u rated), W[i][i] = 0, and only the
 * `neighbours` largest weights of each row i kept. This is the form of the paper's P^3_alpha with
 * the beta re-ranking folded into W, as in the reference implementation of Dacrema et al. (RecSys
 * 2019, `RP3betaRecommender`). A user's score of movie j is the sum of W[i][j] over the movies i
 * they rated.
 *
 * Row i costs O(sum over raters u of i of movies(u)); rows are independent, so a build splits
 * them into blocks (`rp3betaRows`) that any worker computes from the same graph.
 */
import { TopN } from '../linalg/top-n';
import type { InteractionGraph, NeighbourBlock } from './interaction-graph';

/** Parameters of RP3beta. */
export interface Rp3betaOptions {
  /** Exponent of the transition probabilities; 1 is the plain three-step walk (P^3). Default 0.75. */
  alpha?: number;
  /** Popularity penalty: weights into movie j are divided by (raters of j)^beta; 0 = none. Default 0.6. */
  beta?: number;
  /** Largest weights kept per movie (the row's neighbours). Default 200. */
  neighbours?: number;
}

/** Defaults of `Rp3betaOptions` (alpha and beta: the values the reference row used on ML-100K). */
export const RP3BETA_DEFAULTS: Readonly<Required<Rp3betaOptions>> = { alpha: 0.75, beta: 0.6, neighbours: 200 };

/**
 * The top-`neighbours` weights of movie rows [rowStart, rowEnd) of W, best first (ties by lower
 * movie index). Movies with no co-rated movie get an empty (all -1) row.
 */
export function rp3betaRows(graph: InteractionGraph, options: Rp3betaOptions, rowStart: number, rowEnd: number): NeighbourBlock {
  const { alpha, beta, neighbours } = { ...RP3BETA_DEFAULTS, ...options };
  const { userPtr, userMovies, moviePtr, movieUsers } = graph;
  const width = Math.max(1, Math.min(neighbours, graph.movies));
  // P(j|u)^alpha per user and popularity(j)^-beta per movie, computed once per block.
  const stepToMovie = new Float64Array(graph.users);
  for (let u = 0; u < graph.users; u++) {
    const d = userPtr[u + 1] - userPtr[u];
    stepToMovie[u] = d > 0 ? Math.pow(1 / d, alpha) : 0;
  }
  const penalty = new Float64Array(graph.movies);
  for (let j = 0; j < graph.movies; j++) {
    const d = moviePtr[j + 1] - moviePtr[j];
    penalty[j] = d > 0 ? Math.pow(d, -beta) : 0;
  }
  const rows = rowEnd - rowStart;
  const ids = new Int32Array(rows * width);
  const scores = new Float32Array(rows * width);
  // A dense accumulator over movies and the list of movies it touched: resetting only those
  // keeps a row O(its walk), not O(movies).
  const acc = new Float64Array(graph.movies);
  const seen = new Uint8Array(graph.movies);
  const touched = new Int32Array(graph.movies);
  const top = new TopN(width);
  for (let i = rowStart; i < rowEnd; i++) {
    let count = 0;
    const raters = moviePtr[i + 1] - moviePtr[i];
    for (let p = moviePtr[i]; p < moviePtr[i + 1]; p++) {
      const u = movieUsers[p];
      const w = stepToMovie[u];
      for (let q = userPtr[u]; q < userPtr[u + 1]; q++) {
        const j = userMovies[q];
        if (seen[j] === 0) {
          seen[j] = 1;
          touched[count++] = j;
        }
        acc[j] += w;
      }
    }
    const first = raters > 0 ? Math.pow(1 / raters, alpha) : 0;
    // TopN breaks ties by index only when offered in ascending order.
    const list = touched.subarray(0, count).sort();
    for (let t = 0; t < count; t++) {
      const j = list[t];
      if (j !== i) top.offer(j, first * acc[j] * penalty[j]);
      acc[j] = 0;
      seen[j] = 0;
    }
    top.drainInto(ids, scores, (i - rowStart) * width);
  }
  return { width, ids, scores };
}

/** W in full (every movie row), as `rp3betaRows` computes it block by block. */
export function rp3betaNeighbours(graph: InteractionGraph, options: Rp3betaOptions = {}): NeighbourBlock {
  return rp3betaRows(graph, options, 0, graph.movies);
}

/**
 * Scores every movie for a user who rated the movies `rated` (dense indices): out[j] = sum over
 * i in rated of W[i][j], from W's kept neighbours. `out` (length movies) is overwritten.
 */
export function scoreByNeighbours(w: NeighbourBlock, rated: ArrayLike<number>, out: Float64Array | Float32Array): void {
  out.fill(0);
  const { width, ids, scores } = w;
  for (let r = 0; r < rated.length; r++) {
    const base = rated[r] * width;
    for (let s = base; s < base + width && ids[s] >= 0; s++) out[ids[s]] += scores[s];
  }
}
