/**
 * Writing MovieLens lines: the inverse of the parsers, used by the synthetic generator and by
 * round-trip tests. Lines have no terminator; callers add `\n`.
 */
import { AGE_GROUPS_ML1M, ageCodeOfYears, GENRES_ML100K, NO_GENRES, OCCUPATIONS_ML1M } from './codes';
import { CSV_MOVIES_HEADER, CSV_RATINGS_HEADER } from './detect';
import { joinTitle } from './title';
import type { Movie, Release, User } from './types';

/** The header line of a CSV file of this kind, or null for releases without headers. */
export function headerLine(release: Release, kind: 'ratings' | 'movies'): string | null {
  if (release !== 'ml-csv') return null;
  return kind === 'ratings' ? CSV_RATINGS_HEADER : CSV_MOVIES_HEADER;
}

/** One ratings line. CSV ratings keep one decimal like the real files (`4.0`, `3.5`). */
export function formatRatingLine(release: Release, user: number, movie: number, rating: number, timestamp: number): string {
  if (release === 'ml-1m') return `${user}::${movie}::${rating}::${timestamp}`;
  if (release === 'ml-100k') return `${user}\t${movie}\t${rating}\t${timestamp}`;
  return `${user},${movie},${rating.toFixed(1)},${timestamp}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One movies line (u.item gets a 1 January release date and an IMDb search URL like the real
 * file). A movie without genres is written `(no genres listed)` (movies.dat as in ML-10M,
 * movies.csv), or with the `unknown` flag in u.item, which has no other way to say it.
 */
export function formatMovieLine(release: Release, movie: Movie): string {
  const title = joinTitle(movie.title, movie.year);
  const genres = movie.genres.length === 0 ? NO_GENRES : movie.genres.join('|');
  if (release === 'ml-1m') return `${movie.id}::${title}::${genres}`;
  if (release === 'ml-csv') return `${movie.id},${csvField(title)},${genres}`;
  const date = movie.year === null ? '' : `01-${MONTHS[0]}-${movie.year}`;
  const url = `http://us.imdb.com/M/title-exact?${encodeURIComponent(title)}`;
  const flags = GENRES_ML100K.map((g) => (movie.genres.includes(g) || (g === 'unknown' && movie.genres.length === 0) ? '1' : '0'));
  return [movie.id, title, date, '', url, ...flags].join('|');
}

/**
 * One users line. ML-1M needs the age code and occupation code: `user.age` is taken as the code
 * when it is one, else as years; the occupation label is looked up in OCCUPATIONS_ML1M (0 = other).
 */
export function formatUserLine(release: Release, user: User): string {
  if (release === 'ml-1m') {
    const age = user.age === null ? 1 : AGE_GROUPS_ML1M.has(user.age) ? user.age : ageCodeOfYears(user.age);
    const occupation = Math.max(0, OCCUPATIONS_ML1M.indexOf(user.occupation ?? 'other'));
    return `${user.id}::${user.gender ?? 'M'}::${age}::${occupation}::${user.zip ?? ''}`;
  }
  return `${user.id}|${user.age ?? ''}|${user.gender ?? 'M'}|${user.occupation ?? 'other'}|${user.zip ?? ''}`;
}

/** Encodes text for a release: UTF-8 for CSV, Latin-1 otherwise (characters above U+00FF become `?`). */
export function encodeText(release: Release, text: string): Uint8Array {
  if (release === 'ml-csv') return new TextEncoder().encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c < 256 ? c : 63;
  }
  return out;
}
