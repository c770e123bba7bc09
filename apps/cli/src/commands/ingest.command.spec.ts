import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { deleteKeysMatching, sharedDataDir, skipReason, testPrefix, testRedisUrl } from '@movielens/test-support';
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
