export type { CsrMatrix } from './csr';
export { frobeniusNormSquared, multiplyDenseRows, multiplyGram, multiplyGramRows, multiplyVector, transpose } from './csr';
export type { RatingMatrix } from './rating-matrix';
export { buildRatingMatrix, type BuildRatingMatrixOptions } from './rating-matrix';
export { GramKernel, type GramLayout } from './gram-kernel';
