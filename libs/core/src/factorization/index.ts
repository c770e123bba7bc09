// Public API of factorization/. Truncated SVD (truncated-svd.ts); trained MF models go in mf*.ts.
export type { TruncatedSvd, TruncatedSvdOptions } from './truncated-svd';
export { truncatedSvd } from './truncated-svd';
export type { MfModel, ScoredMovie } from './mf';
export { predictMf, recommendMf, scoreAllMf } from './mf';
export type { MfOptions } from './mf-train';
export { trainMf, trainMfIndexed } from './mf-train';
export type { MfSgdOptions } from './mf-sgd';
export { mfSgdDefaults, trainMfSgdIndexed } from './mf-sgd';
export type { IndexedRatings } from './mf-data';
export { distinctIds, findIdIndex, indexRatings } from './mf-data';
export type { MfGibbsOptions, MfImplicit } from './mf-gibbs';
export { trainMfGibbsIndexed } from './mf-gibbs';
export type { Baseline, BaselineOptions } from './mf-baseline';
export { fitBaseline } from './mf-baseline';
export { decodeMf, encodeMf } from './mf-codec';
