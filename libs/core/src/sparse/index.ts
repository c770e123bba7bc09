export type { CsrMatrix } from './csr';
export { frobeniusNormSquared, GRAM_BLOCK, multiplyDenseRows, multiplyGram, multiplyGramBlock, multiplyVector, transpose } from './csr';
export type { RatingMatrix } from './rating-matrix';
export { buildRatingMatrix } from './rating-matrix';
