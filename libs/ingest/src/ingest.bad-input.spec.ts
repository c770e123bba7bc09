import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { InputError } from '@movielens/core';
import { deleteKeysMatching, testPrefix, testRedisClient } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { DatasetStore, KeySchema, UploadStore } from '@movielens/store';
import { runIngest } from './ingest.pipeline';
import { moviesDat, ratingsDat, snapshot, stageUpload, usersDat, type FileSet } from './ingest.fixtures';

// One prefix for the file: a good dataset is ingested first, then every bad upload must leave
// the key space (names, types, sizes) and the current pointer exactly as they were.
let redis: Redis;
let prefix: string;
let keys: KeySchema;
let run = 0;

beforeAll(async () => {
  redis = testRedisClient();
  prefix = testPrefix('bad');
  keys = new KeySchema(prefix);
  await attempt({ 'ratings.dat': ratingsDat(200, 10, 20), 'movies.dat': moviesDat(20), 'users.dat': usersDat(10) });
});
afterAll(async () => {
  await deleteKeysMatching(redis, prefix);
  await redis.quit();
});

/** Ingests `files` as the job processor does (upload deleted afterwards, success or not). */
async function attempt(files: FileSet, maxErrors = 0, mode: 'replace' | 'append' = 'replace') {
  const uploadId = await stageUpload(redis, keys, files);
  run++;
  try {
    return await runIngest({ redis, keys, chunkSize: 64 }, { uploadId, mode, maxErrors, version: `bad${run}`, owner: `t${run}` });
  } finally {
    await new UploadStore(redis, keys).delete(uploadId);
  }
}

/** Expects `files` to be rejected with a message matching `message`, Redis unchanged. */
async function expectRejected(files: FileSet, message: RegExp, maxErrors = 0) {
  const before = await snapshot(redis, prefix);
  const err = await attempt(files, maxErrors).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).toMatch(message);
  expect(await snapshot(redis, prefix)).toEqual(before);
}

const good = (extra: string) => `1::1::5::978300760\n${extra}2::2::4::978300761\n`;

describe('bad input leaves Redis unchanged, with a message naming file, line and reason', () => {
  it('a truncated line', () => expectRejected({ 'ratings.dat': good('3::1::5\n') }, /ratings\.dat.*line 2: expected 4 fields/));
  it('an extra field', () => expectRejected({ 'ratings.dat': good('3::1::5::978300760::7\n') }, /ratings\.dat.*line 2: expected 4 fields.*found 5/));
  it('a non-numeric id', () => expectRejected({ 'ratings.dat': good('abc::1::5::978300760\n') }, /line 2: user id 'abc' is not a positive integer/));
  it('a rating of 0', () => expectRejected({ 'ratings.dat': good('3::1::0::978300760\n') }, /line 2: rating 0 is outside/));
  it('a rating of 6', () => expectRejected({ 'ratings.dat': good('3::1::6::978300760\n') }, /line 2: rating 6 is outside/));
  it('an unknown gender', () =>
    expectRejected({ 'ratings.dat': ratingsDat(5, 2, 2), 'users.dat': '1::M::25::10::48067\n2::X::25::10::48067\n' }, /users\.dat.*line 2: unknown gender 'X'/));
  it('an empty file', () => expectRejected({ 'ratings.dat': '' }, /ratings\.dat: empty file/));
  it('binary garbage', () => expectRejected({ 'ratings.dat': new Uint8Array(5000).map((_, i) => (i * 7919) % 256) }, /ratings\.dat.*binary/));
  it('a 10 MB single line', () => expectRejected({ 'ratings.dat': `1::1::5::978300760\n${'9'.repeat(10 << 20)}\n` }, /ratings\.dat.*line 2: line longer than/));
  it('a file in the wrong encoding (UTF-16)', () => expectRejected({ 'ratings.dat': Buffer.from(`\ufeff${good('')}`, 'utf16le') }, /ratings\.dat.*UTF-16/));
  it('a rating of a movie missing from movies.dat', () =>
    expectRejected({ 'ratings.dat': good('1::99::3::978300760\n'), 'movies.dat': moviesDat(5) }, /line 2: unknown movie 99 \(not in the movies file\)/));
  it('a rating of a movie the current dataset does not describe (append)', async () => {
    const before = await snapshot(redis, prefix);
    await expect(attempt({ 'ratings.dat': '1::999::3::978300760\n' }, 0, 'append')).rejects.toThrow(/line 1: unknown movie 999/);
    expect(await snapshot(redis, prefix)).toEqual(before);
  });
  it('more bad lines than --max-errors', () => expectRejected({ 'ratings.dat': good('x::1::5::1\n3::1::9::1\n') }, /2 bad lines \(max 1\)/, 1));
});

describe('tolerated input', () => {
  it('skips and lists bad lines up to --max-errors', async () => {
    const report = await attempt({ 'ratings.dat': good('x::1::5::1\n3::1::9::1\n') }, 2);
    expect(report.skippedTotal).toBe(2);
    expect(report.skipped.map((s) => `${s.file}:${s.line}`)).toEqual(['ratings.dat:2', 'ratings.dat:3']);
    expect(report.read.ratings).toBe(2);
    expect(report.files[0]).toMatchObject({ name: 'ratings.dat', lines: 4, skipped: 2 });
  });

  it('keeps the last of duplicate (user, movie) pairs and reports them, not as an error', async () => {
    const report = await attempt({ 'ratings.dat': '1::1::2::100\n1::1::4::200\n2::1::3::300\n' });
    expect(report.duplicates.count).toBe(1);
    expect(report.duplicates.examples[0]).toMatchObject({ file: 'ratings.dat', line: 2 });
    const table = await new DatasetStore(redis, keys).loadRatings(report.datasetVersion);
    expect(table.length).toBe(2);
    const i = Array.from(table.users).indexOf(1);
    expect(table.ratings[i]).toBe(4);
  });
});
