import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import { detectFile } from '../movielens/detect';
import { createMoviesParser, type MoviesResult } from '../movielens/movies.parser';
import { createRatingsParser, type RatingsResult } from '../movielens/ratings.parser';
import type { RatingTable } from '../movielens/types';
import { createUsersParser, type UsersResult } from '../movielens/users.parser';
import { generateDataset, type SyntheticDataset } from './generate';
import { SHAPE_SPECS, type GenerateOptions } from './shapes';

function digest(dataset: SyntheticDataset): string[] {
  return dataset.files.map((f) => {
    const hash = createHash('sha256');
    for (const chunk of f.chunks()) hash.update(chunk);
    return `${f.name}:${hash.digest('hex')}`;
  });
}

interface Parsed {
  dataset: SyntheticDataset;
  bytes: Record<string, Uint8Array>;
  ratings: RatingsResult;
  movies: MoviesResult;
  users: UsersResult | null;
}

/** Generates a dataset and parses its files back with the real parsers (strict: maxErrors 0). */
function generateAndParse(options: GenerateOptions): Parsed {
  const dataset = generateDataset(options);
  const bytes: Record<string, Uint8Array> = {};
  for (const f of dataset.files) bytes[f.kind] = Buffer.concat([...f.chunks()]);
  const file = (kind: string) => {
    const f = dataset.files.find((x) => x.kind === kind);
    if (f === undefined) throw new Error(`no ${kind} file`);
    return detectFile(f.name, bytes[kind].subarray(0, 4096));
  };
  const feed = <R>(p: { push(c: Uint8Array): void; end(): R }, b: Uint8Array) => (p.push(b), p.end());
  const movies = feed(createMoviesParser({ file: file('movies') }), bytes.movies);
  const users = bytes.users === undefined ? null : feed(createUsersParser({ file: file('users') }), bytes.users);
  const ratings = feed(
    createRatingsParser({
      file: file('ratings'),
      knownMovies: new Set(movies.movies.map((m) => m.id)),
      knownUsers: users === null ? undefined : new Set(users.users.map((u) => u.id)),
    }),
    bytes.ratings,
  );
  return { dataset, bytes, ratings, movies, users };
}

function countsBy(ids: Int32Array, n: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < n; i++) m.set(ids[i], (m.get(ids[i]) ?? 0) + 1);
  return m;
}

/** Mean rating of women minus men on movies of `genre`. */
function genderGap(p: Parsed, genre: string): number {
  const gender = new Map(p.users?.users.map((u) => [u.id, u.gender]));
  const has = new Set(p.movies.movies.filter((m) => m.genres.includes(genre)).map((m) => m.id));
  const t = p.ratings.table;
  const s = { F: [0, 0], M: [0, 0] };
  for (let i = 0; i < t.length; i++) {
    if (!has.has(t.movies[i])) continue;
    const acc = s[gender.get(t.users[i]) ?? 'M'];
    acc[0] += t.ratings[i];
    acc[1]++;
  }
  return s.F[0] / s.F[1] - s.M[0] / s.M[1];
}

describe('generateDataset', () => {
  it('gives the same bytes for the same seed and different bytes for another seed', () => {
    const a = digest(generateDataset({ shape: 'ml-100k', seed: 5, ratings: 30_000, users: 300, movies: 800 }));
    expect(digest(generateDataset({ shape: 'ml-100k', seed: 5, ratings: 30_000, users: 300, movies: 800 }))).toEqual(a);
    expect(digest(generateDataset({ shape: 'ml-100k', seed: 6, ratings: 30_000, users: 300, movies: 800 }))).not.toEqual(a);
  });

  it('rejects impossible sizes with a clear message', () => {
    expect(() => generateDataset({ shape: 'ml-1m', ratings: 10, users: 100 })).toThrow(InputError);
    expect(() => generateDataset({ shape: 'ml-1m', ratings: 10_000, users: 10, movies: 100 })).toThrow('--ratings 10000 is too many');
    expect(() => generateDataset({ shape: 'ml-1m', users: 0 })).toThrow('--users must be a positive integer, got 0');
  });

  it('keeps the real ML-25M sizes as the default plan', () => {
    expect(SHAPE_SPECS['ml-25m']).toMatchObject({ ratings: 25_000_095, users: 162_541, movies: 62_423, ratedMovies: 59_047 });
  });

  it('writes ML-25M-shaped CSV: header, half stars, quoted titles, UTF-8, parsed cleanly', () => {
    const p = generateAndParse({ shape: 'ml-25m', seed: 3, ratings: 200_000, users: 1500, movies: 3000 });
    expect(p.dataset.files.map((f) => f.name)).toEqual(['ratings.csv', 'movies.csv']);
    expect(new TextDecoder().decode(p.bytes.ratings.subarray(0, 32))).toBe('userId,movieId,rating,timestamp\n');
    expect(p.ratings.table.length).toBe(200_000);
    expect(p.ratings.skipped).toEqual([]);
    expect(p.ratings.table.ratings.some((r) => r % 1 === 0.5)).toBe(true);
    expect(p.movies.movies).toEqual(p.dataset.movies);
    expect(new TextDecoder().decode(p.bytes.movies)).toMatch(/\n\d+,"[^\n]*,[^\n]*",/);
  });
});

describe('generateDataset with the real release sizes', () => {
  let ml1m: Parsed;
  let ml100k: Parsed;
  beforeAll(() => {
    ml1m = generateAndParse({ shape: 'ml-1m', seed: 1 });
    ml100k = generateAndParse({ shape: 'ml-100k', seed: 1 });
  });

  it('ML-1M shape: exactly 1,000,209 ratings by 6,040 users of 3,706 of 3,883 movies, all lines valid', () => {
    const t = ml1m.ratings.table;
    expect(t.length).toBe(1_000_209);
    expect(ml1m.ratings.skipped).toEqual([]);
    expect(ml1m.ratings.duplicates.count).toBe(0);
    expect(countsBy(t.users, t.length).size).toBe(6040);
    expect(countsBy(t.movies, t.length).size).toBe(3706);
    expect(ml1m.movies.movies).toHaveLength(3883);
    expect(ml1m.users?.users).toHaveLength(6040);
    expect(ml1m.movies.movies).toEqual(ml1m.dataset.movies);
    expect(ml1m.users?.users).toEqual(ml1m.dataset.users);
  });

  it('ML-100K shape: exactly 100,000 ratings, 943 users, 1,682 movies all rated', () => {
    const t = ml100k.ratings.table;
    expect(t.length).toBe(100_000);
    expect(countsBy(t.users, t.length).size).toBe(943);
    expect(countsBy(t.movies, t.length).size).toBe(1682);
    expect(ml100k.users?.users.every((u) => u.age !== null && u.age >= 7 && u.age <= 73)).toBe(true);
  });

  it('writes movies.dat in Latin-1 with accented titles that decode back', () => {
    expect(ml1m.bytes.movies.some((b) => b >= 0x80)).toBe(true);
    expect(ml1m.movies.movies.some((m) => /[éñëêïçüäöâ]/.test(m.title))).toBe(true);
  });

  it('gives every user at least 20 ratings and a heavy tail of activity', () => {
    const perUser = [...countsBy(ml1m.ratings.table.users, ml1m.ratings.table.length).values()];
    expect(Math.min(...perUser)).toBeGreaterThanOrEqual(20);
    // Real ML-1M: the most active user has 2,314 ratings, the median about 96.
    expect(Math.max(...perUser)).toBeGreaterThan(1000);
  });

  it('skews popularity: the top 10% of movies hold over 40% of the ratings', () => {
    const t = ml1m.ratings.table;
    const counts = [...countsBy(t.movies, t.length).values()].sort((a, b) => b - a);
    const top = counts.slice(0, Math.ceil(counts.length / 10)).reduce((a, b) => a + b, 0);
    expect(top / t.length).toBeGreaterThan(0.4);
  });

  it('shows demographic taste gaps: women rate Romance higher and Action lower than men', () => {
    // Built-in shift (tastes.ts): women +0.35 on Romance, men -0.175, diluted by co-genres and noise.
    expect(genderGap(ml1m, 'Romance')).toBeGreaterThan(0.1);
    expect(genderGap(ml1m, 'Action')).toBeLessThan(-0.1);
    expect(Math.abs(genderGap(ml1m, 'Comedy'))).toBeLessThan(0.05);
  });

  it('puts every sequel after its original in each user timeline', () => {
    // Titles can repeat (like real ones); only unambiguous titles are matched.
    const seen = new Map<string, number>();
    for (const m of ml1m.movies.movies) seen.set(m.title, (seen.get(m.title) ?? 0) + 1);
    const byTitle = new Map(ml1m.movies.movies.filter((m) => seen.get(m.title) === 1).map((m) => [m.title, m.id]));
    const previous = new Map<number, number>();
    for (const m of ml1m.movies.movies) {
      const match = /^(.*) (\d+)(, The)?$/.exec(m.title);
      if (match === null || seen.get(m.title) !== 1) continue;
      const n = Number(match[2]);
      const before = n === 2 ? `${match[1]}${match[3] ?? ''}` : `${match[1]} ${n - 1}${match[3] ?? ''}`;
      const id = byTitle.get(before);
      if (id !== undefined) previous.set(m.id, id);
    }
    expect(previous.size).toBeGreaterThan(100);
    const t = ml1m.ratings.table;
    const when = new Map<string, [number, number]>();
    for (let i = 0; i < t.length; i++) when.set(`${t.users[i]}/${t.movies[i]}`, [i, t.timestamps[i]]);
    let pairs = 0;
    for (let i = 0; i < t.length; i++) {
      const orig = previous.get(t.movies[i]);
      if (orig === undefined) continue;
      const o = when.get(`${t.users[i]}/${orig}`);
      if (o === undefined) continue;
      pairs++;
      expect(o[0]).toBeLessThan(i);
      expect(o[1]).toBeLessThanOrEqual(t.timestamps[i]);
    }
    expect(pairs).toBeGreaterThan(1000);
  });

  it('rates in genre runs: consecutive ratings share a genre far more often than at random', () => {
    const genres = new Map(ml1m.movies.movies.map((m) => [m.id, m.genres]));
    const t: RatingTable = ml1m.ratings.table;
    const share = (a: number, b: number) => (genres.get(a) ?? []).some((g) => (genres.get(b) ?? []).includes(g));
    let adjacent = 0;
    let distant = 0;
    let pairs = 0;
    for (let i = 1; i + 50 < t.length; i += 7) {
      if (t.users[i] !== t.users[i - 1] || t.users[i] !== t.users[i + 50]) continue;
      pairs++;
      if (share(t.movies[i - 1], t.movies[i])) adjacent++;
      if (share(t.movies[i], t.movies[i + 50])) distant++;
    }
    expect(pairs).toBeGreaterThan(10_000);
    expect(adjacent / distant).toBeGreaterThan(1.5);
  });

  it('carries learnable signal: movie means predict held-out ratings better than the global mean', () => {
    const t = ml1m.ratings.table;
    const sum = new Map<number, [number, number]>();
    let total = 0;
    let n = 0;
    for (let i = 0; i < t.length; i++) {
      if (i % 10 === 0) continue;
      const s = sum.get(t.movies[i]) ?? [0, 0];
      s[0] += t.ratings[i];
      s[1]++;
      sum.set(t.movies[i], s);
      total += t.ratings[i];
      n++;
    }
    const mean = total / n;
    let seGlobal = 0;
    let seMovie = 0;
    let held = 0;
    for (let i = 0; i < t.length; i += 10) {
      const s = sum.get(t.movies[i]);
      // Shrunk movie mean (10 pseudo-ratings at the global mean), the usual baseline.
      const pred = s === undefined ? mean : (s[0] + 10 * mean) / (s[1] + 10);
      seGlobal += (t.ratings[i] - mean) ** 2;
      seMovie += (t.ratings[i] - pred) ** 2;
      held++;
    }
    // Real ML-1M: global-mean RMSE ~1.12, movie-mean ~0.98.
    expect(Math.sqrt(seMovie / held)).toBeLessThan(Math.sqrt(seGlobal / held) - 0.08);
  });
});
