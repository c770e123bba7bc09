import { TopN } from '@movielens/core';
import type { RankedMovie } from '@movielens/compute';

/** One page of a ranked list. */
export interface RankedPage {
  /** Entries `offset .. offset + k - 1` of the filtered ranking, best first. */
  items: RankedMovie[];
  /** True when fewer than `offset + k` movies passed the filter: this page is the end of the list. */
  exhausted: boolean;
}

/**
 * The page `[offset, offset + k)` of the movies of `movieIds` ranked by `scores` (descending,
 * ties by movie id ascending: the order `TopN` keeps when offered in ascending id order) among
 * those `keep` accepts. The ranking does not depend on `offset`, so pages concatenate to the
 * unpaged list. O(movies log(offset + k)).
 */
export function rankedPage(movieIds: Int32Array, scores: Float32Array, keep: (movieId: number) => boolean, offset: number, k: number): RankedPage {
  const heap = new TopN(offset + k);
  let passed = 0;
  for (let j = 0; j < movieIds.length; j++) {
    if (!keep(movieIds[j])) continue;
    passed++;
    heap.offer(j, scores[j]);
  }
  const idx = new Int32Array(offset + k);
  const top = new Float64Array(offset + k);
  heap.drainInto(idx, top, 0);
  const items: RankedMovie[] = [];
  for (let r = offset; r < offset + k && idx[r] >= 0; r++) items.push({ movieId: movieIds[idx[r]], score: top[r] });
  return { items, exhausted: passed < offset + k };
}

/** The page `[offset, offset + k)` of an already ranked list among the entries `keep` accepts. */
export function pageOfList(list: readonly RankedMovie[], keep: (movieId: number) => boolean, offset: number, k: number): RankedPage {
  const kept = list.filter((e) => keep(e.movieId));
  return { items: kept.slice(offset, offset + k), exhausted: kept.length < offset + k };
}
