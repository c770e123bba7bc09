export type { CsrMatrix } from './csr';
export { frobeniusNormSquared, multiplyDense, transpose } from './csr';
export type { RatingMatrix } from './rating-matrix';
export { buildRatingMatrix } from './rating-matrix';
