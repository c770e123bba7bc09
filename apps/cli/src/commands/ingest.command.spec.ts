import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { generateDataset } from '@movielens/core';
import { buildZip, deleteKeysMatching, sharedDataDir, skipReason, testPrefix, testRedisUrl, type TestZipEntry } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { runCli } from './cli-runner.fixtures';

// The real command line, as a user runs it, against the test Redis under a private prefix.
const ml100k = sharedDataDir('ml-100k');
let prefix: string;
let dir: string;
let redis: Redis;

function cli(...args: string[]) {
  return runCli(args, { redisUrl: testRedisUrl(), keyPrefix: prefix });
}

beforeAll(() => {
  prefix = testPrefix('cli');
  dir = mkdtempSync(join(tmpdir(), 'movielens-cli-'));
  redis = new Redis(testRedisUrl());
  writeFileSync(join(dir, 'ratings.dat'), '1::1::5::978300760\n1::2::9::978300761\n2::1::3::978300762\n');
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteKeysMatching(redis, prefix);
  await redis.quit();
});

describe('movielens ingest (child process)', () => {
  it('rejects bad input with exit code 1 and a one-line reason naming file and line', () => {
    const human = cli('ingest', join(dir, 'ratings.dat'));
    expect(human.code).toBe(1);
    const lines = human.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^movielens ingest: ratings\.dat: 1 bad line \(max 0\); first at line 2: rating 9 is outside/);
    const json = cli('ingest', join(dir, 'ratings.dat'), '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/line 2/) });
  });

  it('skips bad lines within --max-errors and reports them in the --json result', () => {
    const out = cli('ingest', join(dir, 'ratings.dat'), '--max-errors', '1', '--json');
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result.counts).toEqual({ ratings: 2, users: 2, movies: 1 });
    expect(result.report.skipped).toEqual([{ file: 'ratings.dat', line: 2, reason: expect.stringMatching(/rating 9/) }]);
  });

  it.skipIf(!ml100k)('ingests the ML-100K folder: 100,000 ratings, 943 users, 1,682 movies, then status shows it', () => {
    const out = cli('ingest', ml100k!, '--json');
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result).toMatchObject({ unchanged: false, counts: { ratings: 100_000, users: 943, movies: 1682 }, ranBy: 'cli' });
    const status = JSON.parse(cli('status', '--json').stdout);
    expect(status.dataset).toMatchObject({ version: result.datasetVersion, counts: { ratings: 100_000 } });
    expect(status.model).toBeNull();
    // A rebuild was requested (debounced; earlier tests' requests may be pending too).
    expect(status.queues.rebuild.delayed + status.queues.rebuild.waiting).toBeGreaterThanOrEqual(1);
  });
  if (!ml100k) it('SKIPPED real-data CLI ingest', () => console.warn(skipReason('ml-100k')));

  it('queues the job and returns at once with --no-wait', () => {
    const out = cli('ingest', join(dir, 'ratings.dat'), '--no-wait', '--json');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ queued: true, jobId: expect.any(String) });
  });
});

/** Writes a zip of `entries` into the test folder and returns its path. */
function writeZip(name: string, entries: TestZipEntry[]): string {
  const path = join(dir, name);
  writeFileSync(path, buildZip(entries, { deflate: true }));
  return path;
}

describe('movielens ingest <release zip> (child process)', () => {
  it('ingests the release files of a zip, skips the rest, and reports the counts of the generated data', () => {
    // A small dataset in the ML-100K layout (u.data, u.item, u.user), zipped like the real release.
    const data = generateDataset({ shape: 'ml-100k', seed: 7, ratings: 3000, users: 60, movies: 150 });
    const files = data.files.map((f) => ({ name: `ml-100k/${f.name}`, data: Buffer.concat([...f.chunks()]) }));
    const zip = writeZip('synthetic-100k.zip', [{ name: 'ml-100k/README', data: Buffer.from('readme') }, ...files, { name: 'ml-100k/u1.base', data: files[0].data }]);
    const out = cli('ingest', zip, '--json');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result).toMatchObject({ files: ['u.data', 'u.item', 'u.user'], skipped: ['ml-100k/README', 'ml-100k/u1.base'], unchanged: false });
    expect(result.counts).toEqual({ ratings: data.plan.ratings, users: data.users.length, movies: data.movies.length });
  });

  it.skipIf(!ml100k)('ingests ml-100k.zip built from the real release folder: 100,000 ratings, 943 users, 1,682 movies', () => {
    const entries = readdirSync(ml100k!).map((name) => ({ name: `ml-100k/${name}`, data: readFileSync(join(ml100k!, name)) }));
    const out = cli('ingest', writeZip('ml-100k.zip', entries), '--json');
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result.files).toEqual(['u.data', 'u.item', 'u.user']);
    expect(result.skipped).toHaveLength(entries.length - 3); // README, u.genre, u1.base ... ub.test
    expect(result.counts).toEqual({ ratings: 100_000, users: 943, movies: 1682 });
  });
  if (!ml100k) it('SKIPPED real-data CLI zip ingest', () => console.warn(skipReason('ml-100k')));

  it('refuses a zip with an encrypted entry in one line naming zip, entry and reason, as the API does, and leaves no upload behind', async () => {
    const zipPrefix = testPrefix('cli-zip');
    const zip = writeZip('ml.zip', [{ name: 'ml-100k/u.data', data: Buffer.from('1\t1\t5\t881250949\n'), flags: 0x1 }]);
    const human = runCli(['ingest', zip], { redisUrl: testRedisUrl(), keyPrefix: zipPrefix });
    expect(human.code).toBe(1);
    expect(human.stderr).toBe('movielens ingest: ml.zip:ml-100k/u.data: the entry is encrypted; upload an unencrypted zip\n');
    const json = runCli(['ingest', zip, '--json'], { redisUrl: testRedisUrl(), keyPrefix: zipPrefix });
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'BAD_INPUT', message: 'ml.zip:ml-100k/u.data: the entry is encrypted; upload an unencrypted zip' });
    expect(await redis.keys(`${zipPrefix}:{u:*`)).toEqual([]);
    await deleteKeysMatching(redis, zipPrefix);
  });

  it('refuses a file and a zip entry that would both be staged as ratings.dat, naming both', () => {
    const zip = writeZip('again.zip', [{ name: 'ml/ratings.dat', data: Buffer.from('1::1::5::978300760\n') }]);
    const out = cli('ingest', join(dir, 'ratings.dat'), zip);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('files: both ratings.dat and again.zip:ml/ratings.dat would be staged as ratings.dat');
  });
});
