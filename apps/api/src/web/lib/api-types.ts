/**
 * Shapes of the `/api/v1` answers the page reads. They mirror the API's routers
 * (`apps/api/src/routes/*.router.ts`); every answer carries the `model` version it came from.
 */

import type { Movie, User } from '@movielens/core';

/** A movie as the API sends it (the domain's Movie: id, title, year or null, genres). */
export type MovieSummary = Movie;

/** `GET /movies` */
export interface MovieSearchAnswer {
  model?: string;
  total?: number;
  page?: number;
  limit?: number;
  movies: MovieSummary[];
}

/** Rating statistics of one movie. `histogram[i]` counts ratings of i+1 stars (null when the model has none). */
export interface RatingStats {
  mean: number | null;
  count: number;
  histogram: number[] | null;
}

/** `GET /movies/:id` */
export interface MovieAnswer {
  model?: string;
  movie: MovieSummary;
  stats: RatingStats | null;
}

/** One similar movie. `score` is the cosine similarity (-1..1); `count` is how many ratings it has. */
export interface SimilarMovie {
  movieId: number;
  title: string;
  score: number;
  count: number | null;
}

/** `GET /movies/:id/similar` */
export interface SimilarAnswer {
  movieId: number;
  model: string;
  similar: SimilarMovie[];
}

/** A user's profile (the domain's User); absent demographics are null. */
export type UserProfile = User;

/** A movie a user rated, with their stars. */
export interface UserRatedMovie {
  movieId: number;
  title: string;
  rating: number;
}

/** A genre a user likes, with how many of their ratings and their mean in it. */
export interface FavouriteGenre {
  genre: string;
  count?: number;
  mean?: number;
}

/** `GET /users/:id` */
export interface UserAnswer {
  model?: string;
  user: UserProfile;
  ratingCount: number | null;
  meanRating?: number | null;
  favouriteGenres?: FavouriteGenre[];
  topRated?: UserRatedMovie[];
}

/** One recommendation; `score` is the model's predicted stars or ranking score. */
export interface Recommendation {
  movieId: number;
  title: string;
  score: number;
}

/** `GET /users/:id/recommendations` and `POST /recommendations` */
export interface RecommendationsAnswer {
  userId?: number;
  model: string;
  recommendations: Recommendation[];
}

/** Sizes a model was built from. */
export interface ModelCounts {
  users?: number;
  movies?: number;
  ratings?: number;
}

/** One model version in `GET /models`. */
export interface ModelVersion {
  version: string;
  current: boolean;
  /** ISO 8601. */
  createdAt: string | null;
  datasetVersion: string | null;
  params: Record<string, unknown> | null;
  metrics: { k?: number; explainedVariance?: number; counts?: ModelCounts } | null;
}

/** `GET /models`: newest first. */
export interface ModelsAnswer {
  current: string | null;
  versions: ModelVersion[];
}

/** `POST /datasets`, `POST /models/rebuild` (202) */
export interface JobAccepted {
  jobId: string;
}
