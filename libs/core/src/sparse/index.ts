export type { CsrMatrix } from './csr';
export { frobeniusNormSquared, multiplyDenseRows, multiplyGram, multiplyVector, transpose } from './csr';
export type { RatingMatrix } from './rating-matrix';
export { buildRatingMatrix } from './rating-matrix';
