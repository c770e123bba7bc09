import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENRES_ML100K, OCCUPATIONS_ML100K, OCCUPATIONS_ML1M, RATING_SCALES } from './codes';
import type { DetectedFile } from './detect';
import { createMoviesParser } from './movies.parser';
import { feedRandomly } from './parsers.fixtures';
import { createRatingsParser } from './ratings.parser';
import { encodeText, formatMovieLine, formatRatingLine, formatUserLine, headerLine } from './serialize';
import type { Movie, Release, User } from './types';
import { createUsersParser } from './users.parser';

const RELEASES: Release[] = ['ml-1m', 'ml-100k', 'ml-csv'];
const NAMES: Record<Release, Record<'ratings' | 'movies' | 'users', string>> = {
  'ml-1m': { ratings: 'ratings.dat', movies: 'movies.dat', users: 'users.dat' },
  'ml-100k': { ratings: 'u.data', movies: 'u.item', users: 'u.user' },
  'ml-csv': { ratings: 'ratings.csv', movies: 'movies.csv', users: 'users.csv' },
};

/** How the lines are laid out in bytes: line ending, BOM, final newline. */
const layout = fc.record({ crlf: fc.boolean(), bom: fc.boolean(), finalNewline: fc.boolean(), seed: fc.integer({ min: 1, max: 1e6 }) });
type Layout = { crlf: boolean; bom: boolean; finalNewline: boolean; seed: number };

function serialize(release: Release, lines: string[], l: Layout): Uint8Array {
  const text = lines.join(l.crlf ? '\r\n' : '\n') + (l.finalNewline ? (l.crlf ? '\r\n' : '\n') : '');
  const body = encodeText(release, text);
  if (!l.bom) return body;
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
}

const id = fc.integer({ min: 1, max: 2_000_000 });
const rating = (release: Release) => {
  const s = RATING_SCALES[release];
  return fc.integer({ min: 0, max: Math.round((s.max - s.min) / s.step) }).map((k) => s.min + k * s.step);
};

/** Titles with commas, quotes, accents and `::`-free text; CSV also gets non-Latin-1 letters. */
const title = (release: Release) =>
  fc
    .array(fc.constantFrom('a', 'Z', ' ', ',', '"', "'", 'é', 'ü', ':', '-', '2', ...(release === 'ml-csv' ? ['Ω', '日'] : [])), { minLength: 1, maxLength: 30 })
    .map((cs) => cs.join('').replace(/::/g, ':x').trim())
    .filter((t) => t !== '' && !t.includes('|') && !/\(\d{4}\)$/.test(t) && !t.endsWith(':'));

const genreList = fc.subarray(GENRES_ML100K.slice(1), { maxLength: 4 });

describe('serialize then parse round trip', () => {
  for (const release of RELEASES) {
    const fileOf = (kind: 'ratings' | 'movies' | 'users'): DetectedFile => ({ kind, release, fileName: NAMES[release][kind] });

    it(`${release}: ratings come back equal in any layout and chunking`, () => {
      const rows = fc.uniqueArray(fc.tuple(id, id, rating(release), fc.integer({ min: 0, max: 4294967295 })), {
        minLength: 1,
        maxLength: 60,
        selector: ([u, m]) => `${u}/${m}`,
      });
      fc.assert(
        fc.property(rows, layout, (rs, l) => {
          const header = headerLine(release, 'ratings');
          const lines = [...(header === null ? [] : [header]), ...rs.map(([u, m, r, t]) => formatRatingLine(release, u, m, r, t))];
          const result = feedRandomly(createRatingsParser({ file: fileOf('ratings') }), serialize(release, lines, l), l.seed, 64);
          expect(Array.from(result.table.users)).toEqual(rs.map((r) => r[0]));
          expect(Array.from(result.table.movies)).toEqual(rs.map((r) => r[1]));
          expect(Array.from(result.table.ratings)).toEqual(rs.map((r) => r[2]));
          expect(Array.from(result.table.timestamps)).toEqual(rs.map((r) => r[3]));
        }),
        { numRuns: 100 },
      );
    });

    it(`${release}: movies come back equal in any layout and chunking`, () => {
      const movie = fc.record({
        id,
        title: title(release),
        year: fc.option(fc.integer({ min: 1900, max: 2030 }), { nil: null }),
        // u.item cannot say "no genres" (all flags 0 is a bad line): it marks those 'unknown'.
        genres: release === 'ml-100k' ? fc.subarray([...GENRES_ML100K], { minLength: 1, maxLength: 4 }) : genreList,
      });
      const list = fc.uniqueArray(movie, { minLength: 1, maxLength: 30, selector: (m) => m.id });
      fc.assert(
        fc.property(list, layout, (ms: Movie[], l) => {
          const header = headerLine(release, 'movies');
          const lines = [...(header === null ? [] : [header]), ...ms.map((m) => formatMovieLine(release, m))];
          const result = feedRandomly(createMoviesParser({ file: fileOf('movies') }), serialize(release, lines, l), l.seed, 64);
          expect(result.movies).toEqual(ms);
        }),
        { numRuns: 100 },
      );
    });

    if (release === 'ml-csv') continue;
    it(`${release}: users come back equal in any layout and chunking`, () => {
      const user = fc.record({
        id,
        gender: fc.constantFrom<'F' | 'M'>('F', 'M'),
        age: release === 'ml-1m' ? fc.constantFrom(1, 18, 25, 35, 45, 50, 56) : fc.integer({ min: 1, max: 99 }),
        occupation: fc.constantFrom(...(release === 'ml-1m' ? OCCUPATIONS_ML1M : OCCUPATIONS_ML100K)),
        zip: fc.stringMatching(/^[0-9A-Z-]{1,10}$/),
      });
      const list = fc.uniqueArray(user, { minLength: 1, maxLength: 30, selector: (u) => u.id });
      fc.assert(
        fc.property(list, layout, (us, l) => {
          const lines = us.map((u) => formatUserLine(release, { ...u, ageGroup: null }));
          const parsed = feedRandomly(createUsersParser({ file: fileOf('users') }), serialize(release, lines, l), l.seed, 64).users;
          expect(parsed.map((u: User) => ({ ...u, ageGroup: null }))).toEqual(us.map((u) => ({ ...u, ageGroup: null })));
          expect(parsed.every((u) => u.ageGroup !== null)).toBe(true);
        }),
        { numRuns: 100 },
      );
    });
  }
});
