// Public API of factorization/. Truncated SVD (truncated-svd.ts); trained MF models go in mf*.ts.
export type { TruncatedSvd, TruncatedSvdOptions } from './truncated-svd';
export { truncatedSvd } from './truncated-svd';
export type { MfModel, ScoredMovie } from './mf';
export { predictMf, recommendMf, scoreAllMf, topN } from './mf';
export type { MfOptions } from './mf-train';
export { mfDefaults, trainMf, trainMfIndexed } from './mf-train';
export type { IndexedRatings } from './mf-data';
export { distinctIds, findIdIndex, indexRatings } from './mf-data';
