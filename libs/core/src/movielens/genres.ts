/**
 * Checking the genres of a movies line against the release's list (codes.ts). A name outside
 * the list, an empty field or name, `(no genres listed)` beside other genres, and a genre
 * listed twice (no real release repeats one; a repeat is a sign of a hand-edited or corrupted
 * line) each make the line bad, so they follow the maxErrors policy like any malformed line.
 */
import { genresOf, NO_GENRES } from './codes';
import type { Release } from './types';

/** Parses a `|`-separated genre field (movies.dat, movies.csv): the genres, or why it is wrong. */
export function parseGenreField(text: string, release: Release): string[] | string {
  if (text === '') return `no genres: the genre field is empty (a movie without genres is written '${NO_GENRES}')`;
  if (text === NO_GENRES) return [];
  const allowed = genresOf(release);
  const names = text.split('|');
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') return `empty genre name in '${clip(text)}'`;
    if (name === NO_GENRES) return `'${NO_GENRES}' together with other genres`;
    if (!allowed.includes(name)) return `unknown genre '${clip(name)}' (expected one of: ${allowed.join(', ')})`;
    if (seen.has(name)) return `genre '${name}' listed twice`;
    seen.add(name);
  }
  return names;
}

/** At most 40 characters of user text for a message. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
