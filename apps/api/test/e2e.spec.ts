/**
 * End to end over real processes: redis-server, ingest worker, compute worker and API, each a
 * separate `node --import tsx` process. Files go in over HTTP, jobs are followed over HTTP,
 * and the answers are checked against @movielens/core run directly on the same files.
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { Redis } from 'ioredis';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRatingMatrix,
  computeMovieStats,
  movieVectors,
  parseFile,
  rankMovies,
  recommendUsers,
  truncatedSvd,
  type Movie,
  type RatingTable,
  type User,
} from '@movielens/core';
import { sharedDataDir, skipReason, freePort } from '@movielens/test-support';
import { followJob, MAINS, startCluster, startProcess, stopProcess, until, uploadFiles, waitForModel, type LocalCluster } from './cluster';
import { syntheticDataset } from './fixtures';

/** Default build parameters of a rebuild (rebuildParamsSchema): k 50, seed 42. */
const K = 50;
const SEED = 42;

/** What core computes from the files directly. */
interface Direct {
  ratings: RatingTable;
  movies: Movie[];
  users: User[];
  /** Similar ids of a movie, best first, and their cosine scores. */
  similar(movieId: number, n: number): { ids: number[]; scores: number[] };
  /** Recommended ids of a user, best first, and their predicted ratings. */
  recommend(userId: number, n: number): { ids: number[]; scores: number[] };
}

async function computeDirectly(paths: string[]): Promise<Direct> {
  let ratings: RatingTable | undefined;
  let movies: Movie[] = [];
  let users: User[] = [];
  for (const path of paths) {
    const parsed = await parseFile(path.split('/').pop()!, createReadStream(path));
    if (parsed.kind === 'ratings') ratings = parsed.result.table;
    else if (parsed.kind === 'movies') movies = parsed.result.movies;
    else users = parsed.result.users;
  }
  const m = buildRatingMatrix(ratings!);
  const svd = truncatedSvd(m.matrix, { k: K, seed: SEED });
  const vectors = movieVectors(svd.V, svd.S, svd.k);
  const row = (ids: Int32Array, id: number) => ids.indexOf(id);
  return {
    ratings: ratings!,
    movies,
    users,
    similar(movieId, n) {
      const r = row(m.movieIds, movieId);
      const top = topKSimilarRow(vectors, r, n);
      return { ids: top.map((t) => m.movieIds[t.j]), scores: top.map((t) => t.s) };
    },
    recommend(userId, n) {
      const u = row(m.userIds, userId);
      const recs = recommendUsers(svd, m, { n, rowStart: u, rowEnd: u + 1 });
      return { ids: [...recs.movies].map((j) => m.movieIds[j]), scores: [...recs.scores] };
    },
  };
}

/** Cosine top-n of one row, by brute force (an independent check of the stored lists). */
function topKSimilarRow(vectors: { rows: number; cols: number; data: Float64Array }, r: number, n: number): { j: number; s: number }[] {
  const { rows, cols, data } = vectors;
  const norm = (j: number) => Math.hypot(...data.subarray(j * cols, (j + 1) * cols));
  const nr = norm(r);
  const out: { j: number; s: number }[] = [];
  for (let j = 0; j < rows; j++) {
    if (j === r) continue;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += data[r * cols + c] * data[j * cols + c];
    out.push({ j, s: dot / (nr * norm(j)) });
  }
  return out.sort((a, b) => b.s - a.s || a.j - b.j).slice(0, n);
}

async function getJson<T>(cluster: LocalCluster, path: string): Promise<T> {
  const res = await fetch(`${cluster.apiUrl}${path}`);
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Uploads, follows the ingest job, waits for the model, then compares with core. */
async function uploadAndCheck(cluster: LocalCluster, paths: string[], probe: { movieId: number; userId: number; minRatings: number }) {
  const { jobId } = await uploadFiles(cluster, paths, { mode: 'replace' });
  const ingest = await followJob(cluster, jobId);
  const datasetVersion = (ingest.result as { datasetVersion: string }).datasetVersion;
  const model = await waitForModel(cluster, datasetVersion);
  const direct = await computeDirectly(paths);

  const similar = await getJson<{ model: string; similar: { movieId: number; score: number }[] }>(cluster, `/api/v1/movies/${probe.movieId}/similar?k=10`);
  expect(similar.model).toBe(model);
  const want = direct.similar(probe.movieId, 10);
  expect(similar.similar.map((s) => s.movieId)).toEqual(want.ids);
  // Scores are stored as Float32 (relative precision 2^-24 ~ 6e-8); 1e-5 leaves room for the summation-order differences of two SVD runs on the same seed.
  similar.similar.forEach((s, i) => expect(s.score).toBeCloseTo(want.scores[i], 5));

  const recs = await getJson<{ recommendations: { movieId: number; score: number }[] }>(cluster, `/api/v1/users/${probe.userId}/recommendations?k=10&algorithm=puresvd`);
  const wantRecs = direct.recommend(probe.userId, 10);
  expect(recs.recommendations.map((r) => r.movieId)).toEqual(wantRecs.ids);
  recs.recommendations.forEach((r, i) => expect(r.score).toBeCloseTo(wantRecs.scores[i], 4));

  const stats = computeMovieStats(direct.ratings, direct.movies, direct.users);
  const top = await getJson<{ movies: { movieId: number; value: number }[] }>(cluster, `/api/v1/analytics/top-rated?minRatings=${probe.minRatings}&limit=10`);
  const wantTop = rankMovies(stats, { by: 'mean', minCount: probe.minRatings, limit: 10 });
  expect(top.movies.map((m) => m.movieId)).toEqual(wantTop.map((m) => m.movieId));
  top.movies.forEach((m, i) => expect(m.value).toBeCloseTo(wantTop[i].value, 9));
  const most = await getJson<{ movies: { movieId: number; count: number }[] }>(cluster, '/api/v1/analytics/most-rated?limit=5');
  expect(most.movies.map((m) => [m.movieId, m.count])).toEqual(rankMovies(stats, { by: 'count', limit: 5 }).map((m) => [m.movieId, m.count]));
  return { model, direct };
}

let cluster: LocalCluster;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => cluster?.stop());

describe('end to end over HTTP', () => {
  const ml100k = sharedDataDir('ml-100k');
  it.skipIf(ml100k === undefined)('serves ML-100K similar movies, recommendations and analytics equal to core on the same files', async () => {
    const paths = ['u.data', 'u.item', 'u.user'].map((f) => join(ml100k!, f));
    await uploadAndCheck(cluster, paths, { movieId: 1, userId: 1, minRatings: 100 });
    // Accent- and case-insensitive search over the real (Latin-1 decoded) titles.
    const search = await getJson<{ movies: { title: string }[] }>(cluster, '/api/v1/movies?query=miserables');
    expect(search.movies.some((m) => m.title.includes('Misérables'))).toBe(true);
  });
  if (ml100k === undefined) console.warn(skipReason('ml-100k'));

  it('serves a small synthetic dataset uploaded as ML-100K files, equal to core on the same files', async () => {
    const data = syntheticDataset(11, 120, 80, 30);
    const dir = mkdtempSync(join(tmpdir(), 'api-e2e-'));
    try {
      const lines: string[] = [];
      for (let i = 0; i < data.ratings.length; i++) lines.push(`${data.ratings.users[i]}\t${data.ratings.movies[i]}\t${data.ratings.ratings[i]}\t${data.ratings.timestamps[i]}`);
      writeFileSync(join(dir, 'u.data'), `${lines.join('\n')}\n`);
      const genreFlags = (g: string) => Array.from({ length: 19 }, (_, i) => (i === 1 + ['Action', 'Comedy', 'Drama'].indexOf(g) * 4 ? '1' : '0')).join('|');
      const items = data.movies.map((m) => `${m.id}|${m.title} (${m.year})|01-Jan-${m.year}||http://example.org|${genreFlags(m.genres[0])}`);
      writeFileSync(join(dir, 'u.item'), Buffer.from(`${items.join('\n')}\n`, 'latin1'));
      writeFileSync(join(dir, 'u.user'), `${data.users.map((u) => `${u.id}|${u.age}|${u.gender}|${u.occupation}|${u.zip}`).join('\n')}\n`);
      const paths = ['u.data', 'u.item', 'u.user'].map((f) => join(dir, f));
      await uploadAndCheck(cluster, paths, { movieId: 3, userId: 5, minRatings: 20 });
      const search = await getJson<{ movies: { id: number }[] }>(cluster, '/api/v1/movies?query=MISERABLES');
      expect(search.movies.map((m) => m.id)).toEqual([3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drains an in-flight request and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const logs: string[] = [];
    // Its own key prefix: no worker listens there, so the upload below stays a queued job.
    const env = { REDIS_URL: cluster.redisUrl, KEY_PREFIX: 'drain', LOG_LEVEL: 'info', PORT: String(port), HOST: '127.0.0.1', API_KEY: cluster.apiKey };
    const api = startProcess('api-2', MAINS.api, env, logs);
    await until('the second API to listen', async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${logs.join('\n')}`);
    });
    // An upload whose body is still being sent when SIGTERM arrives must be answered, not reset.
    const boundary = 'drainboundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="u.data"\r\n\r\n1\t3\t5\t881250949\n`;
    const tail = `2\t6\t3\t891717742\n\r\n--${boundary}--\r\n`;
    let pending: ClientRequest | undefined;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/datasets', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'X-API-Key': cluster.apiKey } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(head);
      pending = req;
    });
    // In flight = the API has started on it: the upload record exists in Redis.
    const probe = new Redis(cluster.redisUrl);
    await until('the upload to start', async () => ((await probe.keys('drain:{u:*}:meta')).length > 0 ? true : undefined), 30_000);
    await probe.quit();
    const exitCode = stopProcess(api);
    await new Promise((r) => setTimeout(r, 500));
    pending!.end(tail);
    const res = await answer;
    expect(res.status).toBe(202);
    expect(JSON.parse(res.body).jobId).toMatch(/^ingest:/);
    expect(await exitCode).toBe(0);
    expect(logs.join('\n')).toMatch(/draining in-flight requests/);
  });
});
