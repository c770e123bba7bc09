/**
 * The `svd` kind's `KindScorer`: PureSVD from the stored movie factors V and user means, for any
 * user row (core `pureSvdRowScores`: mean + (r_c V) . V_j). A dataset user's unchanged row is
 * centred at their stored mean, which gives back exactly the stored list's predictions
 * (A V = U S); a changed row or a visitor is folded in as core `foldIn` does (own mean when the
 * ratings have spread, else the global mean). Explanations are the exact per-movie terms
 * (r_i - mean) (V_i . V_j) of that sum.
 */
import { findIdIndex, pureSvdContributions, pureSvdRowScores, rowCentre } from '@movielens/core';
import { ModelTable, ModelTableError } from '@movielens/store';
import type { KindScorer, ModelReads, UserRow } from '../model-kind';
import { denseUserRow, topContributions, type DenseUserRow } from '../scorer-rows';

/** Mean rating (stars) over all ratings, from per-movie counts and means: sum(count x mean) / sum(count). */
function globalMeanOf(count: Int32Array, mean: Float64Array): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < count.length; i++) {
    if (count[i] === 0) continue;
    sum += count[i] * mean[i];
    n += count[i];
  }
  return n > 0 ? sum / n : 3;
}

/** Loads the svd scorer of set version `ver`; null when the set has no svd factors. */
export async function svdScorer(store: ModelReads, ver: string): Promise<KindScorer | null> {
  if ((await store.homeOf(ver, ModelTable.factors)) === null) return null;
  const [f, users, stats] = await Promise.all([store.factors(ver), store.users(ver), store.movieStats(ver)]);
  const { V, k, movieIds } = f;
  // Every build has per-movie counts and means (older ones spell them in the plural, which the store reads).
  if (stats.count === undefined || stats.mean === undefined) throw new ModelTableError(`model version ${ver}: its movie-stats table has no count or mean column, which the svd scorer's global mean needs`);
  const globalMean = globalMeanOf(stats.count, stats.mean);
  const centre = (row: UserRow, dense: DenseUserRow): number => {
    const u = !row.changed && row.userId !== undefined ? findIdIndex(users.userIds, row.userId) : -1;
    return u >= 0 ? users.userMeans[u] : rowCentre(dense.ratings, globalMean);
  };
  return {
    movieIds,
    bytes: V.byteLength + movieIds.byteLength + users.userIds.byteLength + users.userMeans.byteLength,
    score(row, out) {
      const dense = denseUserRow(movieIds, row);
      if (dense.movies.length === 0) return false;
      pureSvdRowScores(V, k, dense, centre(row, dense), out);
      return true;
    },
    explain(row, movieId, top) {
      const j = findIdIndex(movieIds, movieId);
      const dense = denseUserRow(movieIds, row);
      if (j < 0 || dense.movies.length === 0) return [];
      return topContributions(dense.movieIds, pureSvdContributions(V, k, dense, centre(row, dense), j), top);
    },
  };
}
