/**
 * The `mf` kind's `KindScorer`: predicted stars mu + b_u + b_j + p_u . q_j before clipping (so
 * movies above the top star keep their order, as `recommendMf` ranks them). A dataset user's
 * unchanged row uses their stored bias and factors; a changed row or a visitor is folded in
 * (core `foldInMf`: ridge on the fixed movie side). Explanations split the folded-in user part
 * of the score into one exact term per rated movie (`mfFoldInContributions`); for a stored user
 * that is the fold-in of their own row, which approximates the sampled factors.
 */
import { findIdIndex, foldInMf, mfFoldInContributions, type MfModel } from '@movielens/core';
import type { KindScorer, ModelReads, UserRow } from '../model-kind';
import { denseUserRow, topContributions } from '../scorer-rows';

/** Writes mu + bias + b_j + p . q_j for every movie j. */
function scoreWith(model: MfModel, bias: number, p: ArrayLike<number>, out: Float32Array): void {
  const f = model.factors;
  const { Q, movieBias } = model;
  for (let j = 0, o = 0; j < movieBias.length; j++, o += f) {
    let s = model.mu + bias + movieBias[j];
    for (let c = 0; c < f; c++) s += p[c] * Q[o + c];
    out[j] = s;
  }
}

/** The stored user index of an unchanged dataset row, else -1. */
function storedUser(model: MfModel, row: UserRow): number {
  return !row.changed && row.userId !== undefined ? findIdIndex(model.userIds, row.userId) : -1;
}

/** Loads the mf scorer of set version `ver`; null when the set has no mf model. */
export async function mfScorer(store: ModelReads, ver: string): Promise<KindScorer | null> {
  const model = await store.mf(ver);
  if (model === null) return null;
  const f = model.factors;
  return {
    movieIds: model.movieIds,
    bytes: model.P.byteLength + model.Q.byteLength + model.userBias.byteLength + model.movieBias.byteLength + model.userIds.byteLength + model.movieIds.byteLength,
    score(row, out) {
      const u = storedUser(model, row);
      if (u >= 0) {
        scoreWith(model, model.userBias[u], model.P.subarray(u * f, (u + 1) * f), out);
        return true;
      }
      const dense = denseUserRow(model.movieIds, row);
      if (dense.movies.length === 0) return false;
      const folded = foldInMf(model, dense);
      scoreWith(model, folded.bias, folded.p, out);
      return true;
    },
    explain(row, movieId, top) {
      const j = findIdIndex(model.movieIds, movieId);
      const dense = denseUserRow(model.movieIds, row);
      if (j < 0 || dense.movies.length === 0) return [];
      return topContributions(dense.movieIds, mfFoldInContributions(model, dense, foldInMf(model, dense), j), top);
    },
  };
}
