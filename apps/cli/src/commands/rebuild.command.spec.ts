import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteKeysMatching, sharedDataDir, skipReason, testPrefix, testRedisUrl } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { runCli } from './cli-runner.fixtures';

// The real command line against the test Redis under a private prefix; no compute worker
// listens there, so `rebuild` runs the processors in the CLI process.
const ml100k = sharedDataDir('ml-100k');
let prefix: string;
let redis: Redis;

function cli(...args: string[]) {
  return runCli(args, { redisUrl: testRedisUrl(), keyPrefix: prefix });
}

beforeAll(() => {
  if (!ml100k) console.warn(skipReason('ml-100k'));
  prefix = testPrefix('cli-model');
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  await deleteKeysMatching(redis, prefix);
  await redis.quit();
});

describe('movielens rebuild / similar / recommend / analytics (child process)', () => {
  it('rebuild without a dataset fails with a clear reason; similar without a model says so', () => {
    const rebuild = cli('rebuild', '--json');
    expect(rebuild.code).toBe(1);
    expect(JSON.parse(rebuild.stdout).error.message).toMatch(/no dataset has been ingested/);
    const similar = cli('similar', '1', '--json');
    expect(similar.code).toBe(1);
    expect(JSON.parse(similar.stdout).error).toMatchObject({ code: 'NOT_READY', message: expect.stringMatching(/movielens rebuild/) });
  });

  it.skipIf(!ml100k)('builds a model from ML-100K and answers similar, recommend and analytics in the documented JSON shapes', () => {
    expect(cli('ingest', ml100k!, '--json').code).toBe(0);
    const rebuild = cli('rebuild', '--k', '20', '--top-k', '15', '--json');
    expect(rebuild.code, rebuild.stderr).toBe(0);
    const built = JSON.parse(rebuild.stdout);
    expect(built).toMatchObject({ noop: false, ranBy: 'cli', modelVersion: expect.any(String) });
    expect(built.singularValues).toHaveLength(20);
    expect(built.timings.total).toBeGreaterThan(0);

    const one = JSON.parse(cli('similar', '1', '-k', '5', '--json').stdout);
    expect(Object.keys(one)).toEqual(['movieId', 'model', 'similar']);
    expect(one).toMatchObject({ movieId: 1, model: built.modelVersion });
    expect(one.similar).toHaveLength(5);
    expect(Object.keys(one.similar[0])).toEqual(['movieId', 'title', 'score']);
    expect(typeof one.similar[0].title).toBe('string');
    const scores = one.similar.map((s: { score: number }) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const recs = JSON.parse(cli('recommend', '1', '2', '-k', '3', '--json').stdout);
    expect(recs).toHaveLength(2);
    expect(Object.keys(recs[0])).toEqual(['userId', 'model', 'recommendations']);
    expect(recs[1].userId).toBe(2);
    expect(recs[0].recommendations).toHaveLength(3);

    const all = JSON.parse(cli('similar', '--all', '-k', '1', '--json').stdout);
    expect(all).toHaveLength(1682);

    const missing = cli('similar', '99999', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe('NOT_FOUND');

    const top = JSON.parse(cli('analytics', 'top-rated', '--limit', '3', '--json').stdout);
    expect(top.rows).toHaveLength(3);
    expect(top.rows[0].count).toBeGreaterThanOrEqual(100);
    const byAge = JSON.parse(cli('analytics', 'by-age', '--json').stdout);
    expect(byAge.data.reduce((s: number, g: { count: number }) => s + g.count, 0)).toBe(100_000);

    // The same rebuild again trains only the ranking kinds whose values the first one's model
    // selection tuned (svd keeps its k, the analytics are current); once more, it is a no-op.
    const tuned = JSON.parse(cli('rebuild', '--k', '20', '--top-k', '15', '--json').stdout);
    expect(Object.keys(tuned.kinds ?? {})).not.toContain('svd');
    const again = JSON.parse(cli('rebuild', '--k', '20', '--top-k', '15', '--json').stdout);
    expect(again).toMatchObject({ noop: true, modelVersion: tuned.modelVersion });
  });
});
