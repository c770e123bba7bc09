import { describe, expect, expectTypeOf, it } from 'vitest';
import type { IngestJobResult } from '@movielens/jobs';
import { InputError } from '@movielens/core';
import type { IngestReport } from '@movielens/store';
import { runIngest, type IngestRequest } from './ingest.pipeline';
import { ingestFiles, moviesDat, ratingsDat, snapshot, usersDat, useTestRedis, type FileSet } from './ingest.fixtures';

const t = useTestRedis('ing');
const ingest = (files: FileSet, options: Partial<IngestRequest> = {}) => ingestFiles(t, files, options);

describe('runIngest', () => {
  it('writes a new current version with counts, meta and report', async () => {
    const report = await ingest({ 'ratings.dat': ratingsDat(2400, 40, 60), 'movies.dat': moviesDat(70), 'users.dat': usersDat(40) });
    expect(report).toMatchObject({ unchanged: false, read: { ratings: 2400, movies: 70, users: 40 }, skippedTotal: 0 });
    const ver = (await t.datasets.currentVersion())!;
    expect(ver).toBe(report.datasetVersion);
    const meta = (await t.datasets.meta(ver))!;
    expect(meta.counts).toEqual({ ratings: 2400, users: 40, movies: 70, ratedUsers: 40, ratedMovies: 60 });
    expect(meta).toMatchObject({ chunks: 3, release: 'ml-1m', ratingScale: { min: 1, max: 5, step: 1 }, hasMovieInfo: true, hasUserInfo: true });
    expect((await t.datasets.loadRatings(ver)).length).toBe(2400);
    expect(await t.datasets.getMovie(ver, 3)).toMatchObject({ title: 'Movie 3', year: 1992, genres: ['Drama', 'Comedy'] });
    expect(await t.redis.hlen(t.keys.datasetStaging())).toBe(0);
  });

  it('treats an identical re-upload as a no-op reported as unchanged', async () => {
    const files = { 'ratings.dat': ratingsDat(300, 10, 30) };
    const first = await ingest(files);
    const before = await snapshot(t.redis, t.prefix);
    const second = await ingest(files);
    expect(second).toMatchObject({ unchanged: true, datasetVersion: first.datasetVersion });
    // Only the staged upload of the second call differs; the dataset t.keys are identical.
    expect((await snapshot(t.redis, t.prefix)).filter((k) => !k.includes('{u:'))).toEqual(before.filter((k) => !k.includes('{u:')));
  });

  it('appends: re-ratings of the same user and movie overwrite, new ratings are added', async () => {
    await ingest({ 'ratings.dat': '1::10::1::100\n1::11::2::101\n2::10::3::102\n' });
    const report = await ingest({ 'ratings.dat': '1::10::5::200\n3::12::4::201\n' }, { mode: 'append' });
    expect(report).toMatchObject({ overwritten: 1, read: { ratings: 2 } });
    const table = await t.datasets.loadRatings(report.datasetVersion);
    const rows = Array.from({ length: table.length }, (_, i) => `${table.users[i]}:${table.movies[i]}=${table.ratings[i]}`).sort();
    expect(rows).toEqual(['1:10=5', '1:11=2', '2:10=3', '3:12=4']);
    expect((await t.datasets.meta(report.datasetVersion))!.parent).toBe(report.parentVersion);
  });

  it('rejects a replace upload without a ratings file, naming what it got', async () => {
    await expect(ingest({ 'movies.dat': moviesDat(3) })).rejects.toThrow(/replace mode needs a ratings file.*movies\.dat/);
  });

  it('rejects a missing or expired upload as bad input', async () => {
    await expect(runIngest({ redis: t.redis, keys: t.keys }, { uploadId: 'gone', mode: 'replace', maxErrors: 0, version: 'x', owner: 'o' })).rejects.toBeInstanceOf(InputError);
  });

  it('keeps the current version and the two previous ones only', async () => {
    const made: string[] = [];
    for (let i = 1; i <= 4; i++) made.push((await ingest({ 'ratings.dat': ratingsDat(10 * i, 5, 5) })).datasetVersion);
    const versions = (await t.datasets.listVersions()).map((v) => v.version);
    expect(versions).toEqual(made.slice(1).reverse());
    expect(await t.redis.keys(`${t.prefix}:{d:${made[0]}}*`)).toEqual([]);
    expect(await t.redis.keys(`${t.prefix}:{d:${made[0]}/*`)).toEqual([]);
  });
});

describe('report type', () => {
  it('is exactly the ingest job result validated by ingestReportSchema', () => {
    expectTypeOf<IngestReport>().toEqualTypeOf<IngestJobResult>();
  });
});
