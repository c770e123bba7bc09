/**
 * Code tables of the MovieLens releases: ML-1M age and occupation codes, ML-100K occupations,
 * the genre names of each format, and the rating scale of each release. Sources: the READMEs of
 * ml-1m and ml-100k (GroupLens, copied in ../shared/data) and, for the genres of ML-10M and the
 * CSV releases, their READMEs and data files (cited at each list).
 */
import type { Release } from './types';

/** ML-1M age-group codes and their labels (ml-1m README, "USERS FILE DESCRIPTION"). */
export const AGE_GROUPS_ML1M: ReadonlyMap<number, string> = new Map([
  [1, 'Under 18'],
  [18, '18-24'],
  [25, '25-34'],
  [35, '35-44'],
  [45, '45-49'],
  [50, '50-55'],
  [56, '56+'],
]);

/** The age-group labels in ascending order (for charts and tables). */
export const AGE_GROUP_LABELS: readonly string[] = [...AGE_GROUPS_ML1M.values()];

/** The label of an ML-1M age code (1 -> `Under 18`, 25 -> `25-34`), or null for an unknown code. */
export function ageGroupLabel(code: number): string | null {
  return AGE_GROUPS_ML1M.get(code) ?? null;
}

/**
 * The ML-1M age code of an age in years (ML-100K gives years): the bucket whose lower bound
 * is the largest one not above `years` (17 -> 1, 24 -> 18, 56 -> 56).
 */
export function ageCodeOfYears(years: number): number {
  let code = 1;
  for (const bound of AGE_GROUPS_ML1M.keys()) if (years >= bound) code = bound;
  return code;
}

/** ML-1M occupation labels, indexed by code 0..20 (ml-1m README). */
export const OCCUPATIONS_ML1M: readonly string[] = [
  'other',
  'academic/educator',
  'artist',
  'clerical/admin',
  'college/grad student',
  'customer service',
  'doctor/health care',
  'executive/managerial',
  'farmer',
  'homemaker',
  'K-12 student',
  'lawyer',
  'programmer',
  'retired',
  'sales/marketing',
  'scientist',
  'self-employed',
  'technician/engineer',
  'tradesman/craftsman',
  'unemployed',
  'writer',
];

/** ML-100K occupation labels as listed in u.occupation (u.user holds the label itself). */
export const OCCUPATIONS_ML100K: readonly string[] = [
  'administrator',
  'artist',
  'doctor',
  'educator',
  'engineer',
  'entertainment',
  'executive',
  'healthcare',
  'homemaker',
  'lawyer',
  'librarian',
  'marketing',
  'none',
  'other',
  'programmer',
  'retired',
  'salesman',
  'scientist',
  'student',
  'technician',
  'writer',
];

/** ML-100K genre names in u.genre order: the 19 flag columns of u.item, left to right. */
export const GENRES_ML100K: readonly string[] = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

/** The 18 ML-1M genres (ml-1m README, "MOVIES FILE DESCRIPTION"; movies.dat uses exactly these). */
export const GENRES_ML1M: readonly string[] = GENRES_ML100K.slice(1);

/**
 * The pseudo-genre of a movie without genres, alone in the genre field: ML-10M movies.dat and
 * the CSV releases (ml-20m, ml-25m, ml-latest READMEs). ML-1M has no such movie.
 */
export const NO_GENRES = '(no genres listed)';

/**
 * Genres of the `::` movies.dat format, shared by ML-1M and ML-10M (both detected as `ml-1m`):
 * the 18 ML-1M genres, `IMAX` (added by the ML-10M README), and `Children`, the spelling
 * ML-10M's data uses for the README's `Children's` (its line 1 is
 * `1::Toy Story (1995)::Adventure|Animation|Children|Comedy|Fantasy`). NO_GENRES alone = none.
 */
export const GENRES_DAT: readonly string[] = [...GENRES_ML1M, 'Children', 'IMAX'];

/**
 * Genres of the CSV releases' movies.csv (ml-20m, ml-25m, ml-latest): their READMEs list the 18
 * ML-1M names, but the data writes `Children` (no apostrophe) and also has `IMAX`. Both
 * `Children` spellings are accepted (the README's, which our synthetic generator writes, and
 * the data's), which makes the list the same as GENRES_DAT. NO_GENRES alone = none.
 */
export const GENRES_CSV: readonly string[] = GENRES_DAT;

/** The genre names a release's movies file may use (u.item: the u.genre list of its flag columns). */
export function genresOf(release: Release): readonly string[] {
  return release === 'ml-1m' ? GENRES_DAT : release === 'ml-100k' ? GENRES_ML100K : GENRES_CSV;
}

/** Allowed star values of a release: min..max in steps of `step`. */
export interface RatingScale {
  /** Lowest allowed rating, stars. */
  min: number;
  /** Highest allowed rating, stars. */
  max: number;
  /** Granularity: 1 (whole stars) or 0.5 (half stars). */
  step: number;
}

/** Rating scale per release: ML-1M and ML-100K whole stars 1..5, CSV releases half stars 0.5..5. */
export const RATING_SCALES: Readonly<Record<Release, RatingScale>> = {
  'ml-1m': { min: 1, max: 5, step: 1 },
  'ml-100k': { min: 1, max: 5, step: 1 },
  'ml-csv': { min: 0.5, max: 5, step: 0.5 },
};

/** Human name of a release for messages (`ML-1M`, `ML-100K`, `CSV`). */
export function releaseName(release: Release): string {
  return release === 'ml-1m' ? 'ML-1M' : release === 'ml-100k' ? 'ML-100K' : 'CSV';
}

/**
 * True when `value` is on the release's scale (in range and a whole number of steps from min).
 * Exact, without a tolerance: every value on a scale (halves and wholes) is exact in binary, and
 * a tolerance would let `2.9999999999` through to be stored as 3.
 */
export function isOnScale(value: number, scale: RatingScale): boolean {
  if (!(value >= scale.min && value <= scale.max)) return false;
  return Number.isInteger((value - scale.min) / scale.step);
}
