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

/** What every list entry carries of its movie (title null when the catalogue lacks it). */
export interface ListedMovie {
  movieId: number;
  title: string | null;
  year?: number | null;
  genres?: string[];
}

/** One similar movie. `score` is the cosine similarity (-1..1); `count` is how many ratings it has. */
export interface SimilarMovie extends ListedMovie {
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
export interface UserRatedMovie extends ListedMovie {
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

/** One recommendation; `score` is the model's predicted stars (may fall outside the rating scale). */
export interface Recommendation extends ListedMovie {
  score: number;
}

/** `GET /users/:id/recommendations` and `POST /recommendations` */
export interface RecommendationsAnswer {
  userId?: number;
  model: string;
  recommendations: Recommendation[];
}

/** One next-movie guess of the sequence model (LSTM); `score` is its logit: only the order means something. */
export interface NextMovie extends ListedMovie {
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

/** A movie of a ranking (`GET /analytics/top-rated`, `most-rated`, `recently-popular`): `value` is what it is ranked by. */
export interface RankedMovie extends ListedMovie {
  value: number;
  /** All its ratings. */
  count: number;
  mean: number | null;
}

/** `GET /analytics/top-rated`, `most-rated`, `recently-popular` (the last with its window). */
export interface RankingAnswer {
  model: string;
  movies: RankedMovie[];
  /** recently-popular: the window (ISO 8601) and the ratings in it. */
  since?: string;
  until?: string;
  ratings?: number;
}

/** A build waiting or running (`GET /status`; the fields the page reads). `percent` is over the whole job. */
export interface BuildStatus {
  id: string;
  state: string;
  /** For a rebuild: the stage of its slowest kind. */
  stage: string | null;
  percent: number | null;
  /** It trains the next-movie LSTM; `lstmPercent`: how far the LSTM is, when reported. */
  lstm: boolean;
  lstmPercent: number | null;
  /** `ingest`, `cli` or `api`. */
  trigger: string | null;
}

/** `GET /status`: what is served and what is being built. */
export interface StatusAnswer {
  model: { version: string; createdAt: string | null; datasetVersion: string; nextMovies: boolean } | null;
  dataset: {
    version: string;
    release: string;
    createdAt: string;
    /** Made by the synthetic generator (the offline demo set): not real ratings. */
    synthetic: boolean;
    /** A users file (gender, age, occupation) was ingested. */
    demographics: boolean;
    counts: ModelCounts;
  } | null;
  /** A dataset newer than the served model's: being built. */
  newDataset: { version: string; createdAt: string | null } | null;
  builds: BuildStatus[];
  searchExample: string | null;
}
