/**
 * Analytics on the real ML-100K files against a naive recomputation from the raw lines of
 * u.data / u.user / u.item in this test (skipped when ../shared/data is absent).
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFile } from '../movielens/parse-file';
import type { Movie, User } from '../movielens/types';
import { ML100K_SKIP, readMl100kRatings } from '../sparse/rating-table.fixtures';
import { computeGroupAnalytics } from './group-analytics';
import { computeMovieStats } from './movie-stats';
import { rankMovies } from './rank-movies';

const table = readMl100kRatings();
if (table === undefined) console.warn(ML100K_SKIP);
const dir = fileURLToPath(new URL('../../../../../shared/data/ml-100k/', import.meta.url));

describe.skipIf(table === undefined)('analytics on ML-100K', () => {
  let movies: Movie[];
  let users: User[];
  const naive = new Map<number, { all: number[]; f: number[]; m: number[] }>();

  beforeAll(async () => {
    const item = await parseFile('u.item', createReadStream(`${dir}u.item`));
    const user = await parseFile('u.user', createReadStream(`${dir}u.user`));
    if (item.kind !== 'movies' || user.kind !== 'users') throw new Error('unexpected file kinds');
    movies = item.result.movies;
    users = user.result.users;
    const gender = new Map(users.map((u) => [u.id, u.gender]));
    for (let t = 0; t < table!.length; t++) {
      const id = table!.movies[t];
      const e = naive.get(id) ?? { all: [], f: [], m: [] };
      e.all.push(table!.ratings[t]);
      (gender.get(table!.users[t]) === 'F' ? e.f : e.m).push(table!.ratings[t]);
      naive.set(id, e);
    }
  });

  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

  it('gives the per-movie counts, means and deviations of a direct computation (Star Wars: 583 ratings)', () => {
    const stats = computeMovieStats(table!, movies, users);
    expect(stats.movieIds.length).toBe(1682);
    for (const id of [1, 50, 100, 181, 1682]) {
      const i = stats.movieIds.indexOf(id);
      const xs = naive.get(id)!.all;
      const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
      expect(stats.count[i]).toBe(xs.length);
      expect(stats.mean[i]).toBeCloseTo(mean(xs), 12);
      if (xs.length > 1) expect(stats.std[i]).toBeCloseTo(sd, 12);
    }
    // Star Wars (id 50) is the most rated ML-100K movie, 583 ratings (u.data).
    expect(rankMovies(stats, { by: 'count', limit: 1 })[0]).toMatchObject({ movieId: 50, count: 583 });
  });

  it('ranks the gender gap like a naive all-movies sort, both directions, min 20 ratings per gender', () => {
    const stats = computeMovieStats(table!, movies, users);
    const gaps = [...naive.entries()]
      .filter(([, e]) => e.f.length >= 20 && e.m.length >= 20)
      .map(([id, e]) => ({ id, gap: mean(e.f) - mean(e.m) }));
    const women = [...gaps].sort((a, b) => b.gap - a.gap || a.id - b.id).slice(0, 10);
    const men = [...gaps].sort((a, b) => a.gap - b.gap || a.id - b.id).slice(0, 10);
    const got = rankMovies(stats, { by: 'gap', minCount: 20, limit: 10 });
    expect(got.map((r) => r.movieId)).toEqual(women.map((g) => g.id));
    got.forEach((r, i) => expect(r.value).toBeCloseTo(women[i].gap, 12));
    expect(rankMovies(stats, { by: 'gap', minCount: 20, direction: 'asc', limit: 10 }).map((r) => r.movieId)).toEqual(men.map((g) => g.id));
  });

  it('gives group tables equal to direct counts', () => {
    const g = computeGroupAnalytics(table!, movies, users);
    const stars = [1, 2, 3, 4, 5].map((s) => Array.from(table!.ratings).filter((r) => r === s).length);
    expect([1, 2, 3, 4, 5].map((s) => g.distribution.find((d) => d.stars === s)!.count)).toEqual(stars);
    const programmer = new Set(users.filter((u) => u.occupation === 'programmer').map((u) => u.id));
    const prog = Array.from(table!.ratings).filter((_, t) => programmer.has(table!.users[t]));
    const row = g.byOccupation.find((s) => s.group === 'programmer')!;
    expect(row.count).toBe(prog.length);
    expect(row.mean).toBeCloseTo(mean(prog), 12);
    const dramas = new Set(movies.filter((m) => m.genres.includes('Drama')).map((m) => m.id));
    expect(g.byGenre.find((s) => s.group === 'Drama')!.count).toBe(Array.from(table!.movies).filter((m) => dramas.has(m)).length);
    expect(g.byGender.reduce((s, x) => s + x.count, 0)).toBe(100_000);
  });
});
