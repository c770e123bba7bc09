/**
 * Test harness of the API: a synthetic dataset written to the test Redis, a model built
 * from it by the REAL compute pipeline (in-process compute workers, same code as the
 * compute-worker app), and the app wired on the same prefix exactly as main.ts wires it.
 */
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '@movielens/config';
import { allocateRatingTable, Random, type Movie, type RatingTable, type User } from '@movielens/core';
import { startComputeWorkers, type KindRegistry } from '@movielens/compute';
import { bullPrefix, decodeJobResult, QueueName, rebuildResultSchema, requestRebuild } from '@movielens/jobs';
import { DatasetWriter, KeySchema, type DatasetMeta } from '@movielens/store';
import { deleteKeysMatching, testPrefix, testRedisUrl } from '@movielens/test-support';
import type {} from '@movielens/test-support/global-setup';
import type { Express } from 'express';
import { createApp } from '../src/app';
import type { ApiSettings } from '../src/deps';
import type { RequestListener } from '../src/middleware/hot-path';
import { wireDeps, type WiredDeps } from '../src/services/wiring';

/** A synthetic dataset: ratings table, catalogue, users. */
export interface Dataset {
  ratings: RatingTable;
  movies: Movie[];
  users: User[];
}

/** Titles with accents and mixed case, to test folded search. */
export const SPECIAL_TITLES: Record<number, string> = { 3: 'Misérables, Les', 6: 'Amélie', 9: 'CITY OF LOST CHILDREN, THE' };

/**
 * 90 users x 60 movies, 25 ratings each, from 3 latent tastes plus noise (1..5 stars).
 * Movie ids are 3, 6, ..., 180 (sparse, like real releases); users alternate F/M.
 */
export function syntheticDataset(seed = 7, users = 90, movies = 60, perUser = 25): Dataset {
  const random = new Random(seed);
  const f = 3;
  const pu = Array.from({ length: users * f }, () => random.gaussian());
  const qm = Array.from({ length: movies * f }, () => random.gaussian());
  const table = allocateRatingTable(users * perUser);
  for (let u = 0; u < users; u++) {
    const order = random.shuffle(Int32Array.from({ length: movies }, (_, i) => i));
    for (let j = 0; j < perUser; j++) {
      const m = order[j];
      let s = 3;
      for (let c = 0; c < f; c++) s += 0.8 * pu[u * f + c] * qm[m * f + c];
      s += 0.3 * random.gaussian();
      const n = table.length++;
      table.users[n] = u + 1;
      table.movies[n] = 3 * (m + 1);
      table.ratings[n] = Math.min(5, Math.max(1, Math.round(s)));
      table.timestamps[n] = 978_300_000 + n;
    }
  }
  const genres = ['Action', 'Comedy', 'Drama'];
  const catalogue: Movie[] = Array.from({ length: movies }, (_, m) => {
    const id = 3 * (m + 1);
    return { id, title: SPECIAL_TITLES[id] ?? `Movie ${m + 1}`, year: 1990 + (m % 10), genres: [genres[m % 3]] };
  });
  const people: User[] = Array.from({ length: users }, (_, u) => ({
    id: u + 1,
    gender: u % 2 ? 'F' : 'M',
    age: 20 + (u % 40),
    ageGroup: u % 40 < 5 ? '18-24' : '25-34',
    occupation: u % 3 ? 'programmer' : 'writer',
    zip: '00000',
  }));
  return { ratings: table, movies: catalogue, users: people };
}

/** What every list entry of the API carries of a movie of `data`: its title, year and genres. */
export function listedMovie(data: Dataset, movieId: number): { title: string; year: number | null; genres: string[] } {
  const { title, year, genres } = data.movies.find((m) => m.id === movieId)!;
  return { title, year, genres };
}

/** Writes `data` as the current dataset version `ver`. */
export async function seedDataset(redis: Redis, keys: KeySchema, ver: string, data: Dataset): Promise<void> {
  const writer = new DatasetWriter(redis, keys, 500);
  await writer.begin(ver, { owner: 'api-test', chunkBound: Math.ceil(data.ratings.length / 500), startedAt: 0 });
  const chunks = await writer.writeRatings(ver, data.ratings);
  await writer.writeMovies(ver, data.movies);
  await writer.writeUsers(ver, data.users);
  const n = data.ratings.length;
  const meta: DatasetMeta = {
    version: ver,
    parent: null,
    createdAt: Date.now(),
    release: 'ml-1m',
    ratingScale: { min: 1, max: 5, step: 1 },
    counts: { ratings: n, users: data.users.length, movies: data.movies.length, ratedUsers: data.users.length, ratedMovies: data.movies.length },
    chunks,
    chunkSize: 500,
    hasMovieInfo: true,
    hasUserInfo: true,
    contentHash: ver,
    report: { mode: 'replace', unchanged: false, datasetVersion: ver, parentVersion: null, files: [], read: { ratings: n, movies: 0, users: 0 }, skipped: [], skippedTotal: 0, duplicates: { count: 0, examples: [] }, overwritten: 0, durationMs: 1 },
  };
  await writer.writeMeta(meta);
  if (!(await writer.commit(ver, await redis.get(keys.datasetCurrent()), meta.createdAt))) throw new Error('could not commit the test dataset');
}

/** Builds a model of the current dataset with the real compute workers; returns its version. */
export async function buildModel(redisUrl: string, prefix: string, params: Record<string, number | boolean> = { k: 5, topK: 20, recsN: 20 }, registry?: KindRegistry): Promise<string> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const keys = new KeySchema(prefix);
  const workers = startComputeWorkers({ redis, connection, keys, bullPrefix: bullPrefix(prefix), logger: createLogger('compute-test', 'silent'), registry, shardConcurrency: 2 });
  const queue = new Queue(QueueName.rebuild, { connection, prefix: bullPrefix(prefix) });
  // QueueEvents blocks, so BullMQ duplicates whatever it is given: hand it options, not a client to leak.
  const { hostname, port } = new URL(redisUrl);
  const events = new QueueEvents(QueueName.rebuild, { connection: { host: hostname, port: Number(port) }, prefix: bullPrefix(prefix) });
  try {
    await events.waitUntilReady();
    const job = await requestRebuild(queue, { trigger: 'cli', params }, { debounceMs: 0 });
    const { modelVersion } = decodeJobResult(rebuildResultSchema, await job.waitUntilFinished(events, 120_000), `rebuild job ${job.id}`);
    if (modelVersion === null) throw new Error(`rebuild job ${job.id} served no model`);
    return modelVersion;
  } finally {
    await workers.close();
    await events.close();
    await queue.close();
    await Promise.all([redis.quit(), connection.quit()]);
  }
}

/** A harness (with `settings` over the test defaults) whose current model was built from `data` (dataset version d1) by the real pipeline with `params`. */
export async function harnessWithModel(data: Dataset, params: Record<string, number | boolean>, settings: Partial<ApiSettings> = {}): Promise<{ harness: Harness; version: string }> {
  const harness = await startHarness({ settings });
  await seedDataset(harness.redis, harness.keys, 'd1', data);
  return { harness, version: await buildModel(testRedisUrl(), harness.prefix, params) };
}

/** Default settings of test apps: a known API key, small limits. */
export function testSettings(overrides: Partial<ApiSettings> = {}): ApiSettings {
  return {
    apiKey: 'test-key-0123456789',
    corsOrigins: [],
    uploadLimitBytes: 2 ** 20,
    writeRateLimit: 1000,
    writeRateWindowMs: 60_000,
    tmpDir: '/tmp',
    webDir: '/nonexistent',
    ...overrides,
  };
}

/** A wired app on its own prefix. */
export interface Harness {
  app: Express;
  /** The server's request listener: the hot path in front of `app`, as main.ts serves it. */
  handler: RequestListener;
  deps: WiredDeps;
  prefix: string;
  keys: KeySchema;
  /** Plain client for assertions. */
  redis: Redis;
  close(): Promise<void>;
}

/** Wires the app on `prefix` (default: a fresh one) of `redisUrl` (default: the test Redis). */
export async function startHarness(options: { prefix?: string; redisUrl?: string; settings?: Partial<ApiSettings>; pollMs?: number; cacheBytes?: number; kinds?: KindRegistry } = {}): Promise<Harness> {
  const redisUrl = options.redisUrl ?? testRedisUrl();
  const prefix = options.prefix ?? testPrefix('api');
  const readModel = { pollMs: options.pollMs ?? 200, cacheBytes: options.cacheBytes };
  const deps = wireDeps({ redisUrl, keyPrefix: prefix, settings: testSettings(options.settings), logger: createLogger('api-test', 'silent'), readModel, kinds: options.kinds });
  await waitReady(deps.redis);
  const { app, handler } = createApp(deps);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // the Redis-down test stops the server under this client
  return {
    app,
    handler,
    deps,
    prefix,
    keys: deps.keys,
    redis,
    async close() {
      await deps.close();
      await deleteKeysMatching(redis, prefix).catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Resolves once a client is connected (the API client has no offline queue). */
export async function waitReady(client: { status: string; once(event: 'ready', cb: () => void): unknown }): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve) => client.once('ready', resolve));
}

/** Polls `check` every 50 ms until it returns true (or `ms` pass). */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
