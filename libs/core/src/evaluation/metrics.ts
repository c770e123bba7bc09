/**
 * Accuracy metrics. Rating prediction: RMSE and MAE over held-out ratings. Ranking: precision,
 * recall and NDCG at k with binary relevance, for one user's top-k list.
 */

/** Running sums of squared and absolute errors; `rmse()`/`mae()` read them (NaN when empty). */
export class ErrorAccumulator {
  private squared = 0;
  private absolute = 0;
  private count = 0;

  /** Adds one (prediction, truth) pair, in stars. */
  add(predicted: number, actual: number): void {
    const e = predicted - actual;
    this.squared += e * e;
    this.absolute += Math.abs(e);
    this.count++;
  }

  /** Root mean squared error (stars). */
  rmse(): number {
    return Math.sqrt(this.squared / this.count);
  }

  /** Mean absolute error (stars). */
  mae(): number {
    return this.absolute / this.count;
  }
}

/** Ranking quality of one user's list. */
export interface RankingScores {
  /** Relevant items among the first k, divided by k. */
  precision: number;
  /** Relevant items among the first k, divided by the user's number of relevant items. */
  recall: number;
  /** DCG of the list over the DCG of an ideal list (binary gains, log2(rank + 1) discount). */
  ndcg: number;
}

/**
 * Precision@k, recall@k and NDCG@k of a ranked list (best first; entries of -1 are empty slots)
 * against a set of relevant items of size `relevantCount`. `relevantCount` may exceed the
 * number of relevant items that could be ranked (e.g. held-out movies unseen in training):
 * they still count in the recall and ideal-DCG denominators. Precision divides by k even when
 * the list is shorter. Returns NaN recall and NDCG when `relevantCount` is 0.
 *
 *   DCG = sum over ranks r = 1..k of rel_r / log2(r + 1),
 *   IDCG = sum over r = 1..min(k, relevantCount) of 1 / log2(r + 1).
 */
export function rankingScores(ranked: ArrayLike<number>, isRelevant: (item: number) => boolean, relevantCount: number, k: number): RankingScores {
  let hits = 0;
  let dcg = 0;
  for (let r = 0; r < k && r < ranked.length; r++) {
    const item = ranked[r];
    if (item >= 0 && isRelevant(item)) {
      hits++;
      dcg += 1 / Math.log2(r + 2);
    }
  }
  let idcg = 0;
  for (let r = 0; r < Math.min(k, relevantCount); r++) idcg += 1 / Math.log2(r + 2);
  return {
    precision: hits / k,
    recall: relevantCount > 0 ? hits / relevantCount : Number.NaN,
    ndcg: relevantCount > 0 ? dcg / idcg : Number.NaN,
  };
}
