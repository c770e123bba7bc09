import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { KeySchema, ModelStore, packColumns, unpackColumns } from '@movielens/store';
import { deleteKeysMatching, testPrefix, testRedisUrl } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { runCli } from './cli-runner.fixtures';

// A CSV-release dataset (the ml-25m shape: ratings.csv and movies.csv, no users file), made
// small by the synthetic generator, ingested and built by the real command line.
let prefix: string;
let redis: Redis;
let dir: string;

function cli(...args: string[]) {
  return runCli(args, { redisUrl: testRedisUrl(), keyPrefix: prefix });
}

beforeAll(() => {
  prefix = testPrefix('cli-tables');
  redis = new Redis(testRedisUrl());
  dir = mkdtempSync(join(tmpdir(), 'ml-csv-'));
  const generated = runCli(['generate', '--shape', 'ml-25m', '--out', dir, '--ratings', '3000', '--users', '100', '--movies', '80', '--seed', '5']);
  expect(generated.code, generated.stderr).toBe(0);
  const ingested = cli('ingest', dir);
  expect(ingested.code, ingested.stderr).toBe(0);
  const built = cli('rebuild', '--k', '5', '--top-k', '10', '--mf-samples', '2');
  expect(built.code, built.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await deleteKeysMatching(redis, prefix);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

/** The lines of a table printed after its title line: header first. */
function tableLines(stdout: string): string[] {
  return stdout.trimEnd().split('\n').slice(1);
}

describe('movielens analytics / similar / similar-users / recommend output (child process, CSV release)', () => {
  it('prints column headers, with numbers right-aligned under them', () => {
    const similar = cli('similar', '1', '-k', '5');
    expect(similar.code, similar.stderr).toBe(0);
    const lines = tableLines(similar.stdout);
    expect(lines[0]).toMatch(/^\s+#\s+cosine similarity\s+movie id\s+title\s+genres$/);
    expect(lines).toHaveLength(6);
    // Every movie id ends in the column where its header ends: the ids line up by their last digit.
    const idEnd = lines[0].indexOf('movie id') + 'movie id'.length;
    for (const line of lines.slice(1)) expect(line.slice(0, idEnd)).toMatch(/\d$/);
    // Titles start in one column, whatever the width of the ids before them.
    const titleStart = lines[0].indexOf('title');
    for (const line of lines.slice(1)) expect(line[titleStart - 1]).toBe(' ');
    for (const line of lines.slice(1)) expect(line[titleStart]).not.toBe(' ');

    const recommend = cli('recommend', '1', '-k', '3');
    expect(tableLines(recommend.stdout)[0]).toMatch(/^\s+#\s+predicted stars\s+movie id\s+title\s+genres$/);

    const top = cli('analytics', 'top-rated', '--min-ratings', '1', '--limit', '4');
    expect(top.stdout.split('\n')[0]).toMatch(/^top-rated: highest mean rating, movies with at least 1 ratings/);
    expect(tableLines(top.stdout)[0]).toMatch(/^\s+#\s+mean stars\s+ratings\s+movie id\s+title\s+genres$/);

    const genres = cli('analytics', 'by-genre');
    expect(tableLines(genres.stdout)[0]).toMatch(/^\s+genre\s+ratings\s+mean stars$/);
  });

  it('keeps --json as it was: the rows of the ranking, no table', () => {
    const top = JSON.parse(cli('analytics', 'top-rated', '--min-ratings', '1', '--limit', '2', '--json').stdout);
    expect(Object.keys(top)).toEqual(['name', 'model', 'minRatings', 'rows']);
    expect(Object.keys(top.rows[0])).toEqual(['movieId', 'title', 'value', 'count']);
  });

  it('says in one line that a CSV release has no demographics (exit 1), for every demographic view', () => {
    for (const name of ['by-age', 'gender-gap']) {
      const run = cli('analytics', name);
      expect(run.code, name).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(run.stderr).toMatch(new RegExp(`^movielens analytics: ${name} needs the raters' gender, age or occupation, and this dataset \\(ml-csv, version \\S+\\) has no demographics`));
    }
    const json = cli('analytics', 'by-occupation', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error.code).toBe('NO_DEMOGRAPHICS');
  });

  it('similar-users prints each user\'s most similar users (the similarusers kind of the default build)', () => {
    const run = cli('similar-users', '1', '-k', '3');
    expect(run.code, run.stderr).toBe(0);
    const lines = tableLines(run.stdout);
    expect(lines[0]).toMatch(/^\s+#\s+user id\s+cosine\s+movies in common$/);
    expect(lines).toHaveLength(4);
    const json = JSON.parse(cli('similar-users', '1', '-k', '3', '--json').stdout);
    expect(json).toMatchObject({ userId: 1, source: { kind: 'similarusers' } });
    const scores = json.users.map((u: { score: number }) => u.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const u of json.users) expect(u.common).toBeGreaterThan(0);
    const unknown = cli('similar-users', '999999');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/999999 not in the similarusers kind/);
  });

  it('says what to lower when no movie reaches the minimum, instead of printing an empty table', () => {
    const run = cli('analytics', 'top-rated', '--min-ratings', '100000');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^top-rated: no movie has at least 100000 ratings \(the most any movie has is \d+\); try --min-ratings \d+\.$/);
  });
});

describe('movielens analytics on stored tables that an older build or a corruption left (child process)', () => {
  /** The key of table `name` of the served set, where its kind version wrote it. */
  async function tableKey(name: string): Promise<string> {
    const keys = new KeySchema(prefix);
    const store = new ModelStore(redis, keys);
    const home = (await store.meta((await store.currentVersion())!))!.tableHomes![name];
    return keys.modelTable(home.version, name);
  }

  it('a corrupt stored table fails in one line naming its key and the bad path, not a crash', async () => {
    const key = await tableKey('analytics:distribution');
    const before = (await redis.get(key))!;
    try {
      await redis.set(key, JSON.stringify([{ stars: 1, count: null }]));
      const run = cli('analytics', 'distribution');
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(key);
      expect(run.stderr).toMatch(/0\.count: /);
    } finally {
      await redis.set(key, before);
    }
  });

  it('a ranking whose column an older build lacks says so in one line; the others still rank', async () => {
    const key = await tableKey('movie-stats');
    const before = (await redis.getBuffer(key))!;
    try {
      // An older build: count and mean in the plural spelling, no std.
      const t = unpackColumns(before);
      await redis.set(key, packColumns({ movieIds: t.movieIds, counts: t.count, means: t.mean }));
      const divisive = cli('analytics', 'divisive', '--min-ratings', '1');
      expect(divisive.code).toBe(1);
      expect(divisive.stderr.trim()).toMatch(/^movielens analytics: model \S+ has no count\/std statistics per movie \(built by an older version\); run movielens rebuild$/);
      const top = cli('analytics', 'most-rated', '--min-ratings', '1', '--limit', '2');
      expect(top.code, top.stderr).toBe(0);
      expect(tableLines(top.stdout)).toHaveLength(3);
    } finally {
      await redis.set(key, before);
    }
  });
});
