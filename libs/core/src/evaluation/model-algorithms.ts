import { predictMf, scoreAllMf } from '../factorization/mf';
import { trainMfIndexed, type MfOptions } from '../factorization/mf-train';
import { truncatedSvd } from '../factorization/truncated-svd';
import { buildRatingMatrix } from '../sparse/rating-matrix';
import { type Algorithm, clip, type FittedModel, type TrainingData } from './algorithm';

/** Rank of PureSVD in the comparison (Cremonesi, Koren and Turrin 2010 report k = 50 on Netflix/ML). */
export const PURE_SVD_RANK = 50;

/**
 * PureSVD (Cremonesi et al., RecSys 2010) in its user-mean-centered form: the users x movies
 * matrix of r - mean(u) (missing = 0) is approximated by its rank-`rank` truncated SVD U S V^T,
 * predicted r(u, i) = mean(u) + U_u S V_i^T (clipped), ranked by U_u S V_i^T. An unseen user
 * gets the global mean; an unseen movie, the user's mean.
 */
export function pureSvdAlgorithm(rank: number = PURE_SVD_RANK): Algorithm {
  return { name: 'puresvd', fit: (training) => fitPureSvd(training, rank) };
}

/** PureSVD of rank {@link PURE_SVD_RANK} (50). */
export const pureSvd: Algorithm = pureSvdAlgorithm();

function fitPureSvd({ table, data, seed }: TrainingData, rank: number): FittedModel {
  const rm = buildRatingMatrix(table);
  const svd = truncatedSvd(rm.matrix, { k: rank, seed });
  const k = svd.k;
  // Fold S into U once: row u of US is U_u S.
  const us = new Float64Array(svd.U.length);
  for (let u = 0; u < rm.matrix.rows; u++) for (let c = 0; c < k; c++) us[u * k + c] = svd.U[u * k + c] * svd.S[c];
  const dot = (user: number, movie: number) => {
    let s = 0;
    for (let c = 0; c < k; c++) s += us[user * k + c] * svd.V[movie * k + c];
    return s;
  };
  return {
    predict(user, movie) {
      if (user < 0) return data.mean;
      return clip(rm.userMeans[user] + (movie >= 0 ? dot(user, movie) : 0), data);
    },
    scoreAll(user, out) {
      for (let i = 0; i < out.length; i++) out[i] = dot(user, i);
    },
  };
}

/** The trained model (`trainMf`, Bayesian MF by default) with the given options, under `name` (default `mf`). */
export function mfAlgorithm(options: MfOptions = {}, name = 'mf'): Algorithm {
  return {
    name,
    fit({ data, seed, onProgress }) {
      const model = trainMfIndexed(data, { seed, ...options, onEpoch: (e, total) => onProgress?.(e / total) });
      return {
        predict: (user, movie) => predictMf(model, user, movie),
        scoreAll: (user, out) => scoreAllMf(model, user, out),
      };
    },
  };
}
