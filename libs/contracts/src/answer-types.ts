/**
 * The TypeScript types of the answers, inferred from their schemas (never written by hand):
 * what clients such as the web page read.
 */
import type { z } from 'zod';
import type { errorBody, jobAccepted, listedMovie, movie } from './common.schema';
import type { distributionBin, groupStat, rankedMovie, rankingAnswer } from './routes/analytics.contract';
import type { uploadAccepted } from './routes/datasets.contract';
import type { jobAnswer, jobListAnswer } from './routes/jobs.contract';
import type { activateAnswer, activateKindAnswer, kindVersionsAnswer, modelsAnswer, modelVersion } from './routes/models.contract';
import type { movieAnswer, movieSearchAnswer, ratingStats, similarAnswer, similarMovie } from './routes/movies.contract';
import type { healthAnswer, readyAnswer } from './routes/ops.contract';
import type { liveRatingsAccepted, liveRatingsBody } from './routes/ratings.contract';
import type { foldInAnswer, foldInBody } from './routes/recommendations.contract';
import type { sessionNextAnswer, sessionNextBody } from './routes/sessions.contract';
import type { buildStatus, datasetCounts, statusAnswer } from './routes/status.contract';
import type { favouriteGenre, nextMovie, predictionsAnswer, ratedMovie, recommendation, recommendationsAnswer, userAnswer, userNextAnswer, userProfile } from './routes/users.contract';

/** `{ error: { code, message } }`, every error answer. */
export type ErrorBody = z.output<typeof errorBody>;
/** A movie of the catalogue. */
export type MovieSummary = z.output<typeof movie>;
/** What every list entry carries of its movie. */
export type ListedMovie = z.output<typeof listedMovie>;
/** `GET /movies`. */
export type MovieSearchAnswer = z.output<typeof movieSearchAnswer>;
/** Rating statistics of one movie. */
export type RatingStats = z.output<typeof ratingStats>;
/** `GET /movies/:id`. */
export type MovieAnswer = z.output<typeof movieAnswer>;
/** One entry of `GET /movies/:id/similar`. */
export type SimilarMovie = z.output<typeof similarMovie>;
/** `GET /movies/:id/similar`. */
export type SimilarAnswer = z.output<typeof similarAnswer>;
/** A user's demographics. */
export type UserProfile = z.output<typeof userProfile>;
/** A movie a user rated, with their stars. */
export type UserRatedMovie = z.output<typeof ratedMovie>;
/** A genre a user rated most. */
export type FavouriteGenre = z.output<typeof favouriteGenre>;
/** `GET /users/:id`. */
export type UserAnswer = z.output<typeof userAnswer>;
/** One entry of `GET /users/:id/recommendations`. */
export type Recommendation = z.output<typeof recommendation>;
/** `GET /users/:id/recommendations`. */
export type RecommendationsAnswer = z.output<typeof recommendationsAnswer>;
/** `POST /recommendations` body (what a client sends: `k` may be left out). */
export type FoldInRequest = z.input<typeof foldInBody>;
/** `POST /recommendations`. */
export type FoldInAnswer = z.output<typeof foldInAnswer>;
/** One next-movie guess of the LSTM. */
export type NextMovie = z.output<typeof nextMovie>;
/** `GET /users/:id/next`. */
export type NextMoviesAnswer = z.output<typeof userNextAnswer>;
/** `POST /sessions/next` body (what a client sends). */
export type SessionNextRequest = z.input<typeof sessionNextBody>;
/** `POST /sessions/next`. */
export type SessionNextAnswer = z.output<typeof sessionNextAnswer>;
/** `GET /users/:id/predictions`. */
export type PredictionsAnswer = z.output<typeof predictionsAnswer>;
/** One set version of `GET /models`. */
export type ModelVersion = z.output<typeof modelVersion>;
/** `GET /models`. */
export type ModelsAnswer = z.output<typeof modelsAnswer>;
/** `GET /models/kinds/:kind`. */
export type KindVersionsAnswer = z.output<typeof kindVersionsAnswer>;
/** `POST /models/:version/activate`. */
export type ActivateAnswer = z.output<typeof activateAnswer>;
/** `POST /models/kinds/:kind/:version/activate`. */
export type ActivateKindAnswer = z.output<typeof activateKindAnswer>;
/** `202` of `POST /models/rebuild`. */
export type JobAccepted = z.output<typeof jobAccepted>;
/** `202` of `POST /datasets`. */
export type UploadAccepted = z.output<typeof uploadAccepted>;
/** A job of `GET /jobs/:id`. */
export type JobAnswer = z.output<typeof jobAnswer>;
/** `GET /jobs`. */
export type JobListAnswer = z.output<typeof jobListAnswer>;
/** One movie of a ranking. */
export type RankedMovie = z.output<typeof rankedMovie>;
/** `GET /analytics/<ranking>`. */
export type RankingAnswer = z.output<typeof rankingAnswer>;
/** One bin of `GET /analytics/distribution`. */
export type DistributionBinAnswer = z.output<typeof distributionBin>;
/** One group of `GET /analytics/by-*`. */
export type GroupStatAnswer = z.output<typeof groupStat>;
/** Sizes of a dataset. */
export type DatasetCounts = z.output<typeof datasetCounts>;
/** A build waiting or running, in `GET /status`. */
export type BuildStatus = z.output<typeof buildStatus>;
/** `GET /status`. */
export type StatusAnswer = z.output<typeof statusAnswer>;
/** `POST /users/:id/ratings` body (one rating or a list). */
export type LiveRatingsRequest = z.input<typeof liveRatingsBody>;
/** `202` of `POST /users/:id/ratings` and `DELETE /users/:id/ratings/:movieId`. */
export type LiveRatingsAccepted = z.output<typeof liveRatingsAccepted>;
/** `GET /healthz`. */
export type HealthAnswer = z.output<typeof healthAnswer>;
/** `GET /readyz`. */
export type ReadyAnswer = z.output<typeof readyAnswer>;
