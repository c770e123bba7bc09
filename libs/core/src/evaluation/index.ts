// Public API of evaluation/: metrics, splits, the compared algorithms and cross-validation.
export { ErrorAccumulator, rankingScores } from './metrics';
export type { RankingScores } from './metrics';
export { kFoldSplits, selectRows } from './folds';
export type { Split } from './folds';
export type { Algorithm, FittedModel, TrainingData } from './algorithm';
export { baseline, globalMean, movieMean, popularity } from './baselines';
export { PURE_SVD_RANK, mfAlgorithm, pureSvd, pureSvdAlgorithm } from './model-algorithms';
export { ALGORITHM_NAMES, DEFAULT_ALGORITHMS, algorithmsByName, isAlgorithmName } from './registry';
export type { AlgorithmName } from './registry';
export { RELEVANT_STARS, TOP_K, crossValidate, evaluateFold, evaluateRanking, groupTest } from './cross-validate';
export type { AlgorithmResult, CrossValidateOptions, FoldMetrics, ProgressEvent, RankingMetrics, ScoreVariant, TestSet } from './cross-validate';
export { LIKED_SHRINK, LIKED_WEIGHTS, applyLikedPrior, likedPrior, likedPriorOf, withLikedPrior } from './liked-prior';
export { NEXT_MOVIE_ALGORITHMS, evaluateNextMovie, leaveLastOut, lstmScorer, rankTargets } from './next-movie';
export type { LeaveLastOutSplit, NextMovieAlgorithm, NextMovieScorer, NextMovieOptions, NextMovieProgress, NextMovieRow } from './next-movie';
export { VALIDATION_FRACTION, VALIDATION_MAX_USERS, bestScore, randomValidationSplit, selectModel, validationScorer, validationSplit } from './model-selection';
export type { SelectionCandidate, SelectionResult, SelectionScore, ValidationOptions } from './model-selection';
export { sampleTestUsers } from './test-sample';
