/**
 * Shapes of the `/api/v1` answers the page reads: the API's own contracts, inferred from their
 * zod schemas in @movielens/contracts (`z.infer`, types only: nothing of zod reaches the bundle).
 * Nothing here is written by hand, so the page cannot drift from what the API sends; a contract
 * change that breaks the page fails its type-check.
 */
import type { FoldInAnswer, ModelsAnswer, Recommendation, StatusAnswer } from '@movielens/contracts';

export type {
  BuildStatus,
  FavouriteGenre,
  FoldInAnswer,
  JobAccepted,
  ListedMovie,
  MovieAnswer,
  MovieSearchAnswer,
  MovieSummary,
  ModelsAnswer,
  ModelVersion,
  NextMovie,
  NextMoviesAnswer,
  RankedMovie,
  RankingAnswer,
  RatingStats,
  Recommendation,
  RecommendationsAnswer,
  SessionNextAnswer,
  SimilarAnswer,
  SimilarMovie,
  StatusAnswer,
  UserAnswer,
  UserProfile,
  UserRatedMovie,
} from '@movielens/contracts';

/** Sizes a model was built from (`GET /models` metrics, `GET /status` dataset). */
export type ModelCounts = NonNullable<NonNullable<ModelsAnswer['versions'][number]['metrics']>['counts']>;

/** The served dataset as `GET /status` describes it. */
export type ServedDataset = NonNullable<StatusAnswer['dataset']>;

/** A rated movie that contributed to a recommendation (`?explain=1`). */
export type Because = NonNullable<Recommendation['because']>[number];

/** One recommendation of `POST /recommendations` (folding-in). */
export type FoldInRecommendation = FoldInAnswer['recommendations'][number];
