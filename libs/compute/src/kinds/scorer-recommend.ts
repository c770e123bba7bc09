/**
 * The `recommend` fast path of kinds whose model is a `KindScorer` (no stored top-N lists): the
 * scorer is loaded once per kind version and process, and a user's list is the top `k` of its
 * scores over the movies they have not rated.
 */
import { TopN } from '@movielens/core';
import type { KindScorer, ModelReads, RankedMovie } from './model-kind';

/**
 * A loader that keeps the last scorer it loaded per store, keyed by the kind version that holds
 * `table` in the asked set (so every set serving that kind version shares it). A failed load is
 * not kept: the next request tries again.
 */
export function scorerMemo<S extends KindScorer>(table: string, load: (store: ModelReads, ver: string) => Promise<S | null>): (store: ModelReads, ver: string) => Promise<S | null> {
  const loaded = new WeakMap<ModelReads, { version: string; scorer: Promise<S | null> }>();
  return async (store, ver) => {
    const home = await store.homeOf(ver, table);
    if (home === null) return null;
    const hit = loaded.get(store);
    if (hit?.version === home.version) return hit.scorer;
    const entry = { version: home.version, scorer: load(store, ver) };
    loaded.set(store, entry);
    entry.scorer.catch(() => {
      if (loaded.get(store) === entry) loaded.delete(store);
    });
    return entry.scorer;
  };
}

/**
 * The best `k` movies of `scorer` for a user who rated `rated` (all with equal weight; ties: lower
 * id first), leaving out the rated ones; null when the scorer knows none of the rated movies.
 */
export function recommendByScorer(scorer: KindScorer, k: number, rated: ReadonlySet<number>): RankedMovie[] | null {
  const movieIds = Int32Array.from(rated);
  const scores = new Float32Array(scorer.movieIds.length);
  if (!scorer.score({ movieIds, ratings: new Float32Array(movieIds.length).fill(1), changed: false }, scores)) return null;
  const top = new TopN(k);
  for (let j = 0; j < scores.length; j++) if (!rated.has(scorer.movieIds[j])) top.offer(j, scores[j]);
  const ids = new Int32Array(k);
  const best = new Float32Array(k);
  top.drainInto(ids, best, 0);
  const out: RankedMovie[] = [];
  for (let s = 0; s < k && ids[s] >= 0; s++) out.push({ movieId: scorer.movieIds[ids[s]], score: best[s] });
  return out;
}
