/**
 * The dataset shapes the generator imitates, with the real releases' sizes and time windows,
 * and the resolution of user overrides into one validated plan.
 */
import { InputError } from '../errors';
import type { Release } from '../movielens/types';

/** A shape: the file layout and default sizes of one real release. */
export type Shape = 'ml-1m' | 'ml-100k' | 'ml-25m';

/** Every shape, for option validation. */
export const SHAPES: readonly Shape[] = ['ml-1m', 'ml-100k', 'ml-25m'];

/** Fixed facts of a shape. */
export interface ShapeSpec {
  /** File format written. */
  release: Release;
  /** File names, in the order they are written. */
  files: { ratings: string; movies: string; users: string | null };
  users: number;
  movies: number;
  /** Movies with at least one rating (the rest appear only in the movies file). */
  ratedMovies: number;
  ratings: number;
  /** First and last rating time, seconds since 1970 (from the real files). */
  window: [number, number];
  /** Ratio of the largest movie id to the number of movies (ids have gaps like the real files). */
  idStride: number;
  /** Latest release year of a movie. */
  lastYear: number;
}

/**
 * Sizes from the GroupLens READMEs: ML-1M 1,000,209 ratings, 6,040 users, 3,706 of 3,883 movies
 * rated; ML-100K 100,000 / 943 / 1,682; ML-25M 25,000,095 / 162,541 / 59,047 of 62,423.
 */
export const SHAPE_SPECS: Readonly<Record<Shape, ShapeSpec>> = {
  'ml-1m': {
    release: 'ml-1m',
    files: { ratings: 'ratings.dat', movies: 'movies.dat', users: 'users.dat' },
    users: 6040,
    movies: 3883,
    ratedMovies: 3706,
    ratings: 1_000_209,
    window: [956703932, 1046454590],
    idStride: 3952 / 3883,
    lastYear: 2000,
  },
  'ml-100k': {
    release: 'ml-100k',
    files: { ratings: 'u.data', movies: 'u.item', users: 'u.user' },
    users: 943,
    movies: 1682,
    ratedMovies: 1682,
    ratings: 100_000,
    window: [874724710, 893286638],
    idStride: 1,
    lastYear: 1998,
  },
  'ml-25m': {
    release: 'ml-csv',
    files: { ratings: 'ratings.csv', movies: 'movies.csv', users: null },
    users: 162_541,
    movies: 62_423,
    ratedMovies: 59_047,
    ratings: 25_000_095,
    window: [789652009, 1574327703],
    idStride: 209171 / 62423,
    lastYear: 2019,
  },
};

/** Options of generateDataset(). Sizes default to the shape's real sizes. */
export interface GenerateOptions {
  shape: Shape;
  /** Seed of every random choice; the same seed gives the same bytes. Default 42. */
  seed?: number;
  /** Number of ratings (default: the shape's). */
  ratings?: number;
  /** Number of users (default: the shape's). */
  users?: number;
  /** Number of movies (default: the shape's); the rated share follows the shape's ratio. */
  movies?: number;
}

/** Validated sizes of one generation run. */
export interface Plan {
  shape: Shape;
  spec: ShapeSpec;
  seed: number;
  users: number;
  movies: number;
  ratedMovies: number;
  ratings: number;
  /** Fewest ratings per user: 20 like real MovieLens, less only when ratings/users is smaller. */
  minPerUser: number;
  /** Most ratings per user (a share of the rated movies, like the heaviest real raters). */
  maxPerUser: number;
}

/** Resolves defaults and checks the sizes are possible. @throws InputError when they are not */
export function resolvePlan(options: GenerateOptions): Plan {
  const spec = SHAPE_SPECS[options.shape];
  if (spec === undefined) throw new InputError(`unknown shape '${String(options.shape)}' (expected ${SHAPES.join(', ')})`);
  const seed = options.seed ?? 42;
  const users = options.users ?? spec.users;
  const movies = options.movies ?? spec.movies;
  const ratings = options.ratings ?? spec.ratings;
  for (const [name, value] of Object.entries({ seed, users, movies, ratings })) {
    if (!Number.isSafeInteger(value) || value < (name === 'seed' ? 0 : 1)) throw new InputError(`--${name} must be a positive integer, got ${value}`);
  }
  const ratedMovies = options.movies === undefined ? spec.ratedMovies : Math.max(1, Math.round((movies * spec.ratedMovies) / spec.movies));
  const minPerUser = Math.min(20, Math.floor(ratings / users));
  if (minPerUser < 1) throw new InputError(`--ratings ${ratings} is fewer than one per user (--users ${users})`);
  const maxPerUser = Math.max(minPerUser, Math.ceil(ratedMovies * 0.6));
  if (ratings > users * maxPerUser) {
    throw new InputError(`--ratings ${ratings} is too many: ${users} users can rate at most ${maxPerUser} of ${ratedMovies} rated movies each`);
  }
  if (ratings < ratedMovies) throw new InputError(`--ratings ${ratings} is fewer than the ${ratedMovies} rated movies`);
  return { shape: options.shape, spec, seed, users, movies, ratedMovies, ratings, minPerUser, maxPerUser };
}
