export type { FoldInFactors, FoldInOptions, FoldInRating, FoldInResult } from './fold-in';
export { foldIn } from './fold-in';
export type { RecommendUsersOptions, UserRecommendations } from './recommend-users';
export { recommendUsers } from './recommend-users';
export type { DenseRatingRow } from './pure-svd-row';
export { pureSvdContributions, pureSvdRowScores, rowCentre } from './pure-svd-row';
export type { MfFoldedUser } from './mf-fold-in';
export { foldInMf, MF_FOLD_IN_LAMBDA, mfFoldInContributions } from './mf-fold-in';
