export type { FoldInFactors, FoldInOptions, FoldInRating, FoldInResult } from './fold-in';
export { foldIn } from './fold-in';
export type { RecommendUsersOptions, UserRecommendations } from './recommend-users';
export { recommendUsers } from './recommend-users';
