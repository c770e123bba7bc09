/**
 * In-memory shapes of a MovieLens dataset. Ratings are columnar typed arrays (one entry
 * per rating, same index across columns), never arrays of objects: 1M ratings take 16 MB.
 */

/** The releases we read; detected from file names and content, never from a user flag. */
export type Release = 'ml-1m' | 'ml-100k' | 'ml-csv';

/** What a file holds. */
export type FileKind = 'ratings' | 'movies' | 'users';

/** A movie. `year` is null when the title carries none. */
export interface Movie {
  id: number;
  /** Title without the trailing ` (YYYY)`, decoded correctly (Latin-1 for .dat and u.item). */
  title: string;
  year: number | null;
  /** Genre names, e.g. `["Animation", "Children's", "Comedy"]`; empty when none. */
  genres: string[];
}

/** A user with demographics; fields absent from a release are null. */
export interface User {
  id: number;
  gender: 'F' | 'M' | null;
  /** Age in years (ML-100K) or the ML-1M age-group code (1, 18, 25, 35, 45, 50, 56). */
  age: number | null;
  /** Age group label, e.g. `25-34`. */
  ageGroup: string | null;
  /** Occupation label, e.g. `programmer`. */
  occupation: string | null;
  zip: string | null;
}

/**
 * Ratings as parallel columns. `length` may be smaller than the arrays' capacity; only the
 * first `length` entries are meaningful.
 */
export interface RatingTable {
  length: number;
  users: Int32Array;
  movies: Int32Array;
  /** Stars, 0.5..5 in half steps (CSV releases) or 1..5 (ML-1M, ML-100K). */
  ratings: Float32Array;
  /** Seconds since the Unix epoch. */
  timestamps: Uint32Array;
}
