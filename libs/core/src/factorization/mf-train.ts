import type { RatingTable } from '../movielens/types';
import type { MfModel } from './mf';
import { indexRatings, type IndexedRatings } from './mf-data';
import { trainMfGibbsIndexed, type MfGibbsOptions } from './mf-gibbs';
import { trainMfSgdIndexed, type MfSgdOptions } from './mf-sgd';

/**
 * How `trainMf` fits the model. `gibbs` (the default) is Bayesian MF by Gibbs sampling, the
 * most accurate on ML-100K (RMSE 0.90 vs 0.91 for tuned SGD, docs/EVALUATION.md); `sgd` is
 * Funk/Surprise-style stochastic gradient descent, a single point estimate.
 */
export type MfOptions = ({ method?: 'gibbs' } & MfGibbsOptions) | ({ method: 'sgd' } & MfSgdOptions);

/**
 * Trains a biased matrix-factorization model r_hat = mu + b_u + b_i + p_u . q_i on a rating
 * table. Deterministic given `options.seed` (default 42). Throws RangeError on an empty table.
 */
export function trainMf(table: RatingTable, options: MfOptions = {}): MfModel {
  return trainMfIndexed(indexRatings(table), options);
}

/** `trainMf` on ratings already grouped by user (saves re-indexing when the caller has them). */
export function trainMfIndexed(data: IndexedRatings, options: MfOptions = {}): MfModel {
  return options.method === 'sgd' ? trainMfSgdIndexed(data, options) : trainMfGibbsIndexed(data, options);
}
