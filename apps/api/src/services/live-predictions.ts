import type { KindRecommender, UserRow } from '@movielens/compute';
import type { MfModel } from '@movielens/core';
import { mfNotReady } from '../middleware/errors';
import type { ModelSnapshot } from './model-snapshot';
import type { ScorerCache } from './scorer-cache';

/** One predicted rating as `/users/:id/predictions` answers it. */
export interface Prediction {
  movieId: number;
  title: string | null;
  /** Predicted stars, clipped to the model's scale. */
  rating: number;
}

/**
 * MF predictions for a row with live changes: the `mf` kind's scorer folds the changed row in
 * (ridge on the fixed movie factors) and scores every movie; the asked ones are read off and
 * clipped to the scale as `predictMf` clips stored users' predictions. Movies the model does not
 * know are `ignored`. 503 when the set has no mf kind.
 */
export async function predictionsForRow(snap: ModelSnapshot, scorers: ScorerCache, mf: { recommender: KindRecommender; model: MfModel }, row: UserRow, movies: readonly number[]): Promise<{ predictions: Prediction[]; ignored: number[] }> {
  const scorer = await scorers.get(snap, 'mf', mf.recommender);
  if (scorer === null) throw mfNotReady(snap.version);
  const scores = new Float32Array(scorer.movieIds.length);
  if (!scorer.score(row, scores)) scores.fill(Number.NaN);
  const position = new Map<number, number>();
  scorer.movieIds.forEach((movieId, i) => position.set(movieId, i));
  const { minRating, maxRating } = mf.model;
  const predictions: Prediction[] = [];
  const ignored: number[] = [];
  for (const movieId of movies) {
    const i = position.get(movieId);
    const s = i === undefined ? Number.NaN : scores[i];
    if (Number.isNaN(s)) ignored.push(movieId);
    else predictions.push({ movieId, title: snap.title(movieId), rating: s < minRating ? minRating : s > maxRating ? maxRating : s });
  }
  return { predictions, ignored };
}
