/**
 * The dataset a new version will hold: the parsed upload alone (replace), or merged into the
 * current version (append: re-ratings overwrite, new movies and users added or updated).
 */
import { mergeRatings, type Movie, type RatingTable, type User } from '@movielens/core';

/** The current version's content, for append mode. */
export interface BaseDataset {
  ratings: RatingTable;
  movies: Movie[];
  users: User[];
  hasMovieInfo: boolean;
  hasUserInfo: boolean;
}

/** What the upload contributes. `movies`/`users` are undefined when the file was not uploaded. */
export interface Delta {
  ratings?: RatingTable;
  movies?: Movie[];
  users?: User[];
}

/** The full content of a new version. */
export interface AssembledDataset {
  ratings: RatingTable;
  movies: Movie[];
  users: User[];
  hasMovieInfo: boolean;
  hasUserInfo: boolean;
  /** Base ratings replaced by a re-rating (append). */
  overwritten: number;
  counts: { ratings: number; users: number; movies: number; ratedUsers: number; ratedMovies: number };
}

const EMPTY: RatingTable = { length: 0, users: new Int32Array(0), movies: new Int32Array(0), ratings: new Float32Array(0), timestamps: new Uint32Array(0) };

/** Entities of `base` with those of `update` replacing same ids, by ascending id. */
function mergeById<T extends { id: number }>(base: readonly T[], update: readonly T[]): T[] {
  const byId = new Map<number, T>();
  for (const row of base) byId.set(row.id, row);
  for (const row of update) byId.set(row.id, row);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Distinct ids in the first `n` entries of a column, and how many are not in `described`. */
function distinct(column: Int32Array, n: number, described: readonly { id: number }[]): { distinct: number; undescribed: number } {
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) seen.add(column[i]);
  const known = new Set(described.map((d) => d.id));
  let undescribed = 0;
  for (const id of seen) if (!known.has(id)) undescribed++;
  return { distinct: seen.size, undescribed };
}

/**
 * Builds the new version's content. `base` is null in replace mode or when there is no
 * current dataset yet.
 */
export function assembleDataset(delta: Delta, base: BaseDataset | null): AssembledDataset {
  let ratings = delta.ratings ?? EMPTY;
  let overwritten = 0;
  if (base !== null) {
    const merged = mergeRatings(base.ratings, ratings);
    ratings = merged.table;
    overwritten = merged.overwritten;
  }
  const movies = mergeById(base?.movies ?? [], delta.movies ?? []);
  const users = mergeById(base?.users ?? [], delta.users ?? []);
  const ratedMovies = distinct(ratings.movies, ratings.length, movies);
  const ratedUsers = distinct(ratings.users, ratings.length, users);
  return {
    ratings,
    movies,
    users,
    hasMovieInfo: delta.movies !== undefined || (base?.hasMovieInfo ?? false),
    hasUserInfo: delta.users !== undefined || (base?.hasUserInfo ?? false),
    overwritten,
    counts: {
      ratings: ratings.length,
      movies: movies.length + ratedMovies.undescribed,
      users: users.length + ratedUsers.undescribed,
      ratedMovies: ratedMovies.distinct,
      ratedUsers: ratedUsers.distinct,
    },
  };
}
