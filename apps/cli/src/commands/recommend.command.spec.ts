import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopLocalRedis } from '../local-redis';
import { listQueryParams } from '../api-lists';
import { runCli } from './cli-runner.fixtures';
import { freePort, interrupt, startUp, writeDataset, type Up } from './up-runner.fixtures';

// `movielens recommend` and `similar` with the API's options, against a real `movielens up` (local
// redis-server, API, one compute worker) in a temporary working folder.
const work = mkdtempSync(join(tmpdir(), 'movielens-recommend-'));
let up: Up | undefined;
let api = '';

interface Entry {
  movieId: number;
  title: string | null;
  genres: string[];
  score: number;
  because?: { movieId: number; title: string | null; weight: number }[];
}
interface Answer {
  userId: number;
  algorithm: string;
  source: { kind: string; version: string } | null;
  offset: number;
  exhausted: boolean;
  recommendations: Entry[];
}

function cli(...args: string[]) {
  return runCli(args, { cwd: work });
}

function cliJson(...args: string[]): Answer {
  const run = cli(...args, '--json');
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Answer;
}

async function get(path: string): Promise<Answer> {
  const res = await fetch(`${api}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}

beforeAll(async () => {
  up = await startUp(work, [writeDataset(work)]);
  api = `http://127.0.0.1:${up.port}`;
  // PureSVD serves at "ready"; the ranking kinds publish after it: wait for the ones used here.
  const deadline = Date.now() + 240_000;
  for (const algorithm of ['puresvd', 'ease']) {
    while ((await fetch(`${api}/api/v1/users/1/recommendations?algorithm=${algorithm}`)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`the ${algorithm} kind was not served in time:\n${up.stderr()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  // Then until the model selection is served and no build is pending (its follow-up retrain, the
  // LSTM `up` queues): selection sets the liked weight ease is served with, and a retrain may
  // change ease itself, so the answers compared below must come from one set.
  const settled = async () => {
    const models = (await (await fetch(`${api}/api/v1/models`)).json()) as { selection: unknown };
    const status = (await (await fetch(`${api}/api/v1/status`)).json()) as { builds: unknown[] };
    return models.selection !== null && models.selection !== undefined && status.builds.length === 0;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (;;) {
    // Settled twice, 2 s apart: a follow-up is queued a moment after the build that causes it.
    if (await settled()) {
      await sleep(2000);
      if (await settled()) break;
    }
    if (Date.now() > deadline) throw new Error(`the builds did not settle in time:\n${up.stderr()}`);
    await sleep(500);
  }
}, 300_000);

afterAll(async () => {
  if (up !== undefined) await interrupt(up);
  await stopLocalRedis({ baseDir: join(work, '.movielens') });
  rmSync(work, { recursive: true, force: true });
});

describe('movielens recommend and similar through the API (filters, paging, algorithm, explanations)', () => {
  it('builds the list query of the options: repeated and comma-separated lists, blanks dropped', () => {
    expect(listQueryParams({ genre: ['Drama', 'Comedy, War,'], exclude: ['1,2', '3'], offset: '5' }, 4).toString()).toBe('k=4&genre=Drama&genre=Comedy&genre=War&exclude=1%2C2%2C3&offset=5');
    expect(listQueryParams({}, 10).toString()).toBe('k=10');
  });

  it('answers what GET /users/:id/recommendations answers, and the filters hold on every entry', async () => {
    const full = cliJson('recommend', '1', '--algorithm', 'ease', '-k', '12', '--api', api);
    expect(full.algorithm).toBe('ease');
    expect(full.recommendations).toHaveLength(12);
    const excluded = [full.recommendations[0].movieId, full.recommendations[3].movieId];
    const filtered = cliJson('recommend', '1', '--algorithm', 'ease', '--genre', 'Drama', '--genre', 'comedy', '--exclude', excluded.join(','), '-k', '5', '--api', api);
    const direct = await get(`/api/v1/users/1/recommendations?algorithm=ease&genre=Drama,comedy&exclude=${excluded.join(',')}&k=5`);
    expect(filtered.recommendations).toEqual(direct.recommendations);
    expect(filtered.source).toEqual(direct.source);
    expect(filtered.recommendations.length).toBeGreaterThan(0);
    for (const e of filtered.recommendations) {
      expect(excluded).not.toContain(e.movieId);
      expect(e.genres.some((g) => g === 'Drama' || g === 'Comedy'), `${e.title}: ${e.genres.join('|')}`).toBe(true);
    }
    // The unfiltered order is kept: the filtered list is the full ranking's matching entries, in order.
    const ranked = cliJson('recommend', '1', '--algorithm', 'ease', '-k', '100', '--api', api).recommendations;
    const kept = ranked.filter((e) => !excluded.includes(e.movieId) && e.genres.some((g) => g === 'Drama' || g === 'Comedy'));
    expect(filtered.recommendations.map((e) => e.movieId)).toEqual(kept.slice(0, 5).map((e) => e.movieId));
  });

  it('--offset pages the same ranking: page two is entries 4..6 of the longer list', () => {
    const six = cliJson('recommend', '2', '--algorithm', 'puresvd', '-k', '6', '--api', api).recommendations;
    const page = cliJson('recommend', '2', '--algorithm', 'puresvd', '-k', '3', '--offset', '3', '--api', api);
    expect(page.offset).toBe(3);
    expect(page.recommendations.map((e) => e.movieId)).toEqual(six.slice(3).map((e) => e.movieId));
    // The table numbers entries from the offset.
    const table = cli('recommend', '2', '--algorithm', 'puresvd', '-k', '3', '--offset', '3', '--api', api);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/algorithm puresvd, from #4; score: /);
    expect(table.stdout).toMatch(/^\s+4\s/m);
    expect(table.stdout).not.toMatch(/^\s+1\s/m);
  });

  it('--explain names the rated movies behind each recommendation, in JSON and in the table', () => {
    const explained = cliJson('recommend', '3', '--algorithm', 'puresvd', '--explain', '-k', '4', '--api', api);
    expect(explained.recommendations).toHaveLength(4);
    for (const e of explained.recommendations) {
      expect(e.because!.length).toBeGreaterThan(0);
      expect(e.because!.length).toBeLessThanOrEqual(3);
      const weights = e.because!.map((b) => b.weight);
      expect(weights).toEqual([...weights].sort((a, b) => b - a));
    }
    const table = cli('recommend', '3', '--algorithm', 'puresvd', '--explain', '-k', '4', '--api', api);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('because you rated');
    const firstBecause = explained.recommendations[0].because![0];
    expect(table.stdout).toContain(firstBecause.title ?? `movie ${firstBecause.movieId}`);
    // Without --explain there is no because.
    expect(cliJson('recommend', '3', '--algorithm', 'puresvd', '-k', '4', '--api', api).recommendations[0].because).toBeUndefined();
  });

  it('without --algorithm the API picks (the model selection winner, else puresvd), as the page does', async () => {
    const chosen = cliJson('recommend', '4', '--genre', 'Drama', '-k', '3', '--api', api);
    const direct = await get('/api/v1/users/4/recommendations?genre=Drama&k=3');
    expect(chosen.algorithm).toBe(direct.algorithm);
    expect(chosen.recommendations).toEqual(direct.recommendations);
  });

  it('refuses clearly: an unknown algorithm or genre (the API names the choices), --all with API options, an API that is not there', async () => {
    const algorithm = cli('recommend', '1', '--algorithm', 'nope', '--api', api);
    expect(algorithm.code).toBe(1);
    expect(algorithm.stderr).toMatch(/400 BAD_REQUEST/);
    expect(algorithm.stderr).toMatch(/ease/);
    const genre = cli('recommend', '1', '--genre', 'Cyberpunk', '--api', api);
    expect(genre.code).toBe(1);
    expect(genre.stderr).toMatch(/unknown genre "Cyberpunk"; the catalogue has .*drama/);
    const all = cli('recommend', '--all', '--explain');
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/--all reads the stored lists; it does not go with --explain/);
    const port = await freePort();
    const gone = cli('recommend', '1', '--explain', '--api', `http://127.0.0.1:${port}`);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`cannot reach the API at http://127.0.0.1:${port}`);
    const bad = cli('recommend', '1', '--explain', '--api', 'ftp://example');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--api: 'ftp:\/\/example' is not an http\(s\) URL/);
  });

  it('similar --genre/--exclude/--offset filters the stored list through the API, as GET /movies/:id/similar does', async () => {
    const stored = cliJson('similar', '1', '-k', '30') as unknown as { similar: { movieId: number }[] };
    const page = cliJson('similar', '1', '--genre', 'Drama', '--exclude', String(stored.similar[0].movieId), '--offset', '1', '-k', '4', '--api', api) as unknown as { offset: number; similar: Entry[] };
    const direct = (await (await fetch(`${api}/api/v1/movies/1/similar?genre=Drama&exclude=${stored.similar[0].movieId}&offset=1&k=4`)).json()) as { similar: Entry[] };
    expect(page.similar).toEqual(direct.similar);
    expect(page.offset).toBe(1);
    for (const e of page.similar) {
      expect(e.genres).toContain('Drama');
      expect(e.movieId).not.toBe(stored.similar[0].movieId);
    }
    // The page is entries 2.. of the stored order among the kept movies.
    const full = cliJson('similar', '1', '--genre', 'Drama', '--exclude', String(stored.similar[0].movieId), '-k', '5', '--api', api) as unknown as { similar: Entry[] };
    expect(page.similar.map((e) => e.movieId)).toEqual(full.similar.slice(1).map((e) => e.movieId));
    const bad = cli('similar', '--all', '--genre', 'Drama');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--all reads the stored lists; it does not go with --genre/);
  });

  it('without API options it still reads the stored PureSVD lists from Redis, no API needed', () => {
    const stored = cliJson('recommend', '1', '-k', '3') as unknown as { userId: number; recommendations: { movieId: number }[] };
    expect(Object.keys(stored)).toEqual(['userId', 'model', 'recommendations']);
    expect(stored.recommendations).toHaveLength(3);
  });
});
