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

/**
 * The prior of each movie of `movieIds` (the catalogue of `kind`'s scorer in this set) from the
 * served set's movie statistics; 0 for a movie without statistics. Once per kind and set version
 * (a set holds one version of each kind, so one catalogue).
 */
export function servedLikedPrior(snap: ModelSnapshot, kind: string, movieIds: Int32Array): Promise<Float64Array> {
  return snap.memo(`liked-prior:${kind}`, async () => {
    const [{ table, rowOf }, globalMean] = await Promise.all([snap.stats(), snap.globalMean()]);
    const count = new Float64Array(movieIds.length);
    const mean = new Float64Array(movieIds.length);
    movieIds.forEach((id, j) => {
      const row = rowOf.get(id);
      if (row === undefined) return;
      count[j] = table.count[row];
      mean[j] = table.mean[row];
    });
    return likedPriorOf(count, mean, globalMean);
  });
}

/** The answer's `scoreUnit` for a kind served with liked weight `weight`. */
export function likedScoreUnit(unit: string, weight: number): string {
  return weight === 0 ? unit : `${unit}, standardized per user, plus ${weight} x the movie's mean rating shrunk toward the global mean, minus the global mean (stars)`;
}
