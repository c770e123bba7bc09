/**
 * The liked prior as the API serves it (core `liked-prior.ts`): the served model selection tuned a
 * weight per ranking kind; a kind served with a weight above 0 has its scores standardized per
 * user and the movie's shrunk mean rating added, exactly as the selection scored it. The prior
 * comes from the served set's per-movie statistics (the analytics kind), on the scorer's movies.
 */
import { likedWeightOf } from '@movielens/compute';
import { likedPriorOf } from '@movielens/core';
import { servedSelection } from './default-algorithm';
import type { ModelSnapshot } from './model-snapshot';

/** The liked weight the served selection tuned for `kind`; 0 without a selection or a weight. */
export async function servedLikedWeight(snap: ModelSnapshot, kind: string): Promise<number> {
  const selection = await servedSelection(snap);
  return selection === null ? 0 : likedWeightOf(selection.tuned, kind);
}

/** Priors computed per scorer catalogue, for the set version they were computed in. */
const priors = new WeakMap<Int32Array, { version: string; prior: Float64Array }>();

/**
 * The prior of each movie of `movieIds` (a scorer's catalogue) from the served set's movie
 * statistics; 0 for a movie without statistics. Computed once per catalogue and set version.
 */
export async function servedLikedPrior(snap: ModelSnapshot, movieIds: Int32Array): Promise<Float64Array> {
  const hit = priors.get(movieIds);
  if (hit?.version === snap.version) return hit.prior;
  const { table, rowOf } = await snap.stats();
  let sum = 0;
  let n = 0;
  for (let i = 0; i < table.count.length; i++) {
    sum += table.count[i] * (table.count[i] > 0 ? table.mean[i] : 0);
    n += table.count[i];
  }
  const count = new Float64Array(movieIds.length);
  const mean = new Float64Array(movieIds.length);
  movieIds.forEach((id, j) => {
    const row = rowOf.get(id);
    if (row === undefined) return;
    count[j] = table.count[row];
    mean[j] = table.mean[row];
  });
  const prior = likedPriorOf(count, mean, n > 0 ? sum / n : 0);
  priors.set(movieIds, { version: snap.version, prior });
  return prior;
}

/** The answer's `scoreUnit` for a kind served with liked weight `weight`. */
export function likedScoreUnit(unit: string, weight: number): string {
  return weight === 0 ? unit : `${unit}, standardized per user, plus ${weight} x the movie's mean rating shrunk toward the global mean, minus the global mean (stars)`;
}
