import type { DistributionBin } from './chart-data';

/**
 * Shapes of the `/api/v1` answers the page reads. They mirror the API's routers
 * (`apps/api/src/routes/*.router.ts`); every answer carries the `model` version it came from.
 * Written out here rather than imported from @movielens/core: the page is a client of the
 * HTTP contract, and its type-check (DOM, no Node types) must not pull in server code.
 */

/** A movie as the API sends it (core's Movie on the wire). */
export interface MovieSummary {
  id: number;
  title: string;
  /** Null when the title carries none. */
  year: number | null;
  genres: string[];
}

/** `GET /movies` */
export interface MovieSearchAnswer {
  model?: string;
  total?: number;
  page?: number;
  limit?: number;
  movies: MovieSummary[];
}

/** Rating statistics of one movie: stars 1..5, `std` in stars, a histogram per half star (0.5..5). */
export interface RatingStats {
  mean: number | null;
  count: number;
  std?: number | null;
  /** Null when the model has no histogram. */
  histogram: DistributionBin[] | null;
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

/** A user's profile (core's User on the wire); absent demographics are null. */
export interface UserProfile {
  id: number;
  gender: 'F' | 'M' | null;
  /** Years (ML-100K) or the ML-1M age-group code. */
  age: number | null;
  ageGroup: string | null;
  occupation: string | null;
  zip: string | null;
}

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

/** One next-movie guess of the sequence model (LSTM); `score` is its logit, higher is likelier. */
export interface NextMovie {
  movieId: number;
  title: string | null;
  score: number;
}

/** `GET /users/:id/next`: what the sequence model (LSTM) expects the user to watch next. */
export interface NextMoviesAnswer {
  userId: number;
  model: string;
  /** The most recent movie of the user's history. */
  lastWatched: { movieId: number; title: string | null } | null;
  next: NextMovie[];
}

/** `POST /sessions/next`: the same guesses for an anonymous session (movie ids, oldest first). */
export interface SessionNextAnswer {
  model: string;
  /** Session movie ids the LSTM does not know (it skipped them). */
  ignored: number[];
  /** How many of the most recent known session movies the LSTM read. */
  moviesRead: number;
  next: NextMovie[];
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
