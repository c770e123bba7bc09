import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir, skipReason } from '@movielens/test-support';
import { runIngest } from './ingest.pipeline';
import { stageUpload, useTestRedis, type FileSet } from './ingest.fixtures';

const ml100k = sharedDataDir('ml-100k');
const ml1m = sharedDataDir('ml-1m');
if (!ml100k) console.warn(skipReason('ml-100k'));
if (!ml1m) console.warn(skipReason('ml-1m'));

const t = useTestRedis('real');

/** Files of a shared-data folder as raw bytes (never re-encoded). */
function read(dir: string, names: string[]): FileSet {
  return Object.fromEntries(names.map((n) => [n, readFileSync(join(dir, n))]));
}

describe('ingest of real MovieLens files', () => {
  // Expected counts: ml-100k README ("100,000 ratings (1-5) from 943 users on 1682 movies").
  it.skipIf(!ml100k)('ML-100K gives exactly 100,000 ratings, 943 users and 1,682 movies', async () => {
    const uploadId = await stageUpload(t.redis, t.keys, read(ml100k!, ['u.data', 'u.item', 'u.user']));
    const report = await runIngest({ redis: t.redis, keys: t.keys }, { uploadId, mode: 'replace', maxErrors: 0, version: 'v1', owner: 'o' });
    const meta = (await t.datasets.meta(report.datasetVersion))!;
    expect(meta.counts).toEqual({ ratings: 100_000, users: 943, movies: 1682, ratedUsers: 943, ratedMovies: 1682 });
    expect(meta.release).toBe('ml-100k');
    expect(report.duplicates.count).toBe(0);
    expect((await t.datasets.loadRatings('v1')).length).toBe(100_000);
    // u.item is Latin-1: item 543 is "Misérables, Les (1995)" (shared/data README, encoding notes).
    expect((await t.datasets.getMovie('v1', 543))!.title).toMatch(/^Mis\u00e9rables/);
    expect(report.files.map((f) => `${f.name}: ${f.encoding}`)).toEqual(['u.data: ascii', 'u.item: latin-1', 'u.user: ascii']);
  });

  // Expected counts: ml-1m README / shared data README (3883 movie lines, 6040 user lines).
  it.skipIf(!ml1m)('ML-1M movies.dat and users.dat give 3,883 titled movies and 6,040 labelled users', async () => {
    const movieIds = readFileSync(join(ml1m!, 'movies.dat'), 'latin1').split('\n').filter(Boolean).map((l) => Number(l.split('::')[0]));
    // A small synthetic ratings.dat over real ids: user u rates the u-th movie of the file.
    const ratings = Array.from({ length: 6040 }, (_, i) => `${i + 1}::${movieIds[i % movieIds.length]}::${(i % 5) + 1}::${978300760 + i}\n`).join('');
    const uploadId = await stageUpload(t.redis, t.keys, { ...read(ml1m!, ['movies.dat', 'users.dat']), 'ratings.dat': ratings });
    const report = await runIngest({ redis: t.redis, keys: t.keys }, { uploadId, mode: 'replace', maxErrors: 0, version: 'v1', owner: 'o' });
    const meta = (await t.datasets.meta(report.datasetVersion))!;
    expect(meta.counts).toMatchObject({ ratings: 6040, users: 6040, movies: 3883, ratedUsers: 6040, ratedMovies: 3883 });
    const movies = await t.datasets.loadMovies('v1');
    expect(movies).toHaveLength(3883);
    // First line of movies.dat: 1::Toy Story (1995)::Animation|Children's|Comedy
    expect(movies[0]).toEqual({ id: 1, title: 'Toy Story', year: 1995, genres: ['Animation', "Children's", 'Comedy'] });
    expect(movies.some((m) => m.title.includes('Mis\u00e9rables'))).toBe(true);
    const users = await t.datasets.loadUsers('v1');
    expect(users).toHaveLength(6040);
    // First line of users.dat: 1::F::1::10::48067 (age code 1 = "Under 18", occupation 10 = "K-12 student").
    expect(users[0]).toMatchObject({ id: 1, gender: 'F', ageGroup: 'Under 18', occupation: 'K-12 student', zip: '48067' });
    expect(users.every((u) => u.ageGroup !== null && u.occupation !== null)).toBe(true);
  });
});
