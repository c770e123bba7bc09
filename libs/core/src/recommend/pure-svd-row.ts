/**
 * PureSVD scores and explanations of one user row from the movie factors alone, so a server
 * that keeps only V (movies x k) can score any user: a stored user, a user with live ratings,
 * or an anonymous visitor.
 *
 * With r_c the row centred at `mean` (missing = 0), the user's latent row is u = r_c V S^-1
 * (A V = U S, so a training row gives back its own U_u), and the prediction of movie j is
 *
 *   score_j = mean + (u S) . V_j = mean + sum over rated i of (r_i - mean) (V_i . V_j),
 *
 * a sum of one term per rated movie: that term is movie i's contribution to movie j's score,
 * an exact decomposition (item-item through the factors), not a heuristic.
 */

/** A user's ratings on the dense movie indices of a factor table. */
export interface DenseRatingRow {
  /** Dense movie indices (rows of V); no repeats. */
  movies: ArrayLike<number>;
  /** Stars of each movie, parallel to `movies`. */
  ratings: ArrayLike<number>;
}

/**
 * The centring mean of a row, as `foldIn` chooses it: the row's own mean when its ratings have
 * some spread, else `globalMean` (a list of equal ratings, e.g. liked movies at 5 stars, would
 * otherwise centre to zero and carry no signal).
 */
export function rowCentre(ratings: ArrayLike<number>, globalMean: number): number {
  if (ratings.length === 0) return globalMean;
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < ratings.length; i++) {
    sum += ratings[i];
    lo = Math.min(lo, ratings[i]);
    hi = Math.max(hi, ratings[i]);
  }
  return hi > lo ? sum / ratings.length : globalMean;
}

/**
 * Writes `out[j] = mean + (r_c V) . V_j` for every movie j (length = rows of V), in stars.
 * O(rated x k + movies x k); allocates one k-vector.
 *
 * @param V - movies x k, row-major
 * @param k - factors
 */
export function pureSvdRowScores(V: Float32Array | Float64Array, k: number, row: DenseRatingRow, mean: number, out: Float32Array | Float64Array): void {
  const w = new Float64Array(k);
  for (let p = 0; p < row.movies.length; p++) {
    const c = row.ratings[p] - mean;
    const o = row.movies[p] * k;
    for (let f = 0; f < k; f++) w[f] += c * V[o + f];
  }
  const movies = V.length / k;
  for (let j = 0, o = 0; j < movies; j++, o += k) {
    let s = mean;
    for (let f = 0; f < k; f++) s += w[f] * V[o + f];
    out[j] = s;
  }
}

/**
 * Each rated movie's term of movie `target`'s PureSVD score: `(r_i - mean) (V_i . V_target)`
 * (stars), parallel to `row.movies`. They sum to `score_target - mean`.
 */
export function pureSvdContributions(V: Float32Array | Float64Array, k: number, row: DenseRatingRow, mean: number, target: number): Float64Array {
  const out = new Float64Array(row.movies.length);
  const t = target * k;
  for (let p = 0; p < row.movies.length; p++) {
    const o = row.movies[p] * k;
    let d = 0;
    for (let f = 0; f < k; f++) d += V[o + f] * V[t + f];
    out[p] = (row.ratings[p] - mean) * d;
  }
  return out;
}
