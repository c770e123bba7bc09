/**
 * Test fixtures of the compute tests: a small synthetic dataset with low-rank structure
 * (so similar lists have clear winners, few ties), written to Redis as a committed dataset
 * version with DatasetWriter, and helpers to run compute workers against it.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { allocateRatingTable, Random, type Movie, type RatingTable, type User } from '@movielens/core';
import { bullPrefix, decodeJobResult, kindStepSchema, QueueName, rebuildResultSchema, requestRebuild } from '@movielens/jobs';
import { DatasetWriter, KeySchema, ModelStore, type DatasetMeta } from '@movielens/store';
import { createLogger } from '@movielens/config';
import { deleteKeysMatching, testPrefix, testRedisClient, testRedisUrl } from '@movielens/test-support';
import type {} from '@movielens/test-support/global-setup';
import { computeWorkersReady, DEFAULT_KINDS, KindRegistry, startComputeWorkers, type ComputeQueue, type ComputeWorkers, type ComputeWorkersOptions, type ModelKind, type RebuildResult } from '../src/index';
import { svdKind } from '../src/kinds/svd/svd.kind';

export { popularKind } from './popular.kind';
export { directSimilarUsers } from './direct-similar-users';

/** Shape of a synthetic dataset. */
export interface SyntheticShape {
  users: number;
  movies: number;
  /** Ratings per user. */
  perUser: number;
  seed: number;
}

/** Ratings from 3 latent tastes plus noise, 1..5 stars; every movie id is multiplied by 3 to keep ids sparse. */
export function syntheticDataset(shape: SyntheticShape = { users: 90, movies: 60, perUser: 25, seed: 7 }): { ratings: RatingTable; movies: Movie[]; users: User[] } {
  const random = new Random(shape.seed);
  const f = 3;
  const pu = Array.from({ length: shape.users * f }, () => random.gaussian());
  const qm = Array.from({ length: shape.movies * f }, () => random.gaussian());
  const table = allocateRatingTable(shape.users * shape.perUser);
  let n = 0;
  for (let u = 0; u < shape.users; u++) {
    const order = random.shuffle(Int32Array.from({ length: shape.movies }, (_, i) => i));
    for (let j = 0; j < shape.perUser; j++) {
      const m = order[j];
      let s = 3;
      for (let c = 0; c < f; c++) s += 0.8 * pu[u * f + c] * qm[m * f + c];
      s += 0.3 * random.gaussian();
      table.users[n] = u + 1;
      table.movies[n] = 3 * (m + 1);
      table.ratings[n] = Math.min(5, Math.max(1, Math.round(s)));
      table.timestamps[n] = 978_300_000 + n;
      n++;
    }
  }
  table.length = n;
  const genres = ['Action', 'Comedy', 'Drama'];
  const movies: Movie[] = Array.from({ length: shape.movies }, (_, m) => ({ id: 3 * (m + 1), title: `Movie ${m + 1}`, year: 1990 + (m % 10), genres: [genres[m % 3]] }));
  const users: User[] = Array.from({ length: shape.users }, (_, u) => ({ id: u + 1, gender: u % 2 ? 'F' : 'M', age: 25, ageGroup: '25-34', occupation: 'programmer', zip: '00000' }));
  return { ratings: table, movies, users };
}

/** Writes a dataset as the current version `ver` (chunks of 500 ratings, so loads span several chunks). */
export async function seedDataset(redis: Redis, keys: KeySchema, ver: string, data = syntheticDataset()): Promise<void> {
  const writer = new DatasetWriter(redis, keys, 500);
  await writer.begin(ver, { owner: 'test', chunkBound: Math.ceil(data.ratings.length / 500), startedAt: 0 });
  const chunks = await writer.writeRatings(ver, data.ratings);
  await writer.writeMovies(ver, data.movies);
  await writer.writeUsers(ver, data.users);
  const meta: DatasetMeta = {
    version: ver,
    parent: null,
    createdAt: Date.now(),
    release: 'ml-1m',
    ratingScale: { min: 1, max: 5, step: 1 },
    counts: { ratings: data.ratings.length, users: data.users.length, movies: data.movies.length, ratedUsers: data.users.length, ratedMovies: data.movies.length },
    chunks,
    chunkSize: 500,
    hasMovieInfo: true,
    hasUserInfo: true,
    contentHash: ver,
    report: { mode: 'replace', unchanged: false, datasetVersion: ver, parentVersion: null, files: [], read: { ratings: data.ratings.length, movies: 0, users: 0 }, skipped: [], skippedTotal: 0, duplicates: { count: 0, examples: [] }, overwritten: 0, durationMs: 1 },
  };
  await writer.writeMeta(meta);
  const current = await redis.get(keys.datasetCurrent());
  if (!(await writer.commit(ver, current, meta.createdAt))) throw new Error('could not commit the test dataset');
}

/** A BullMQ connection on the test Redis (BullMQ wants maxRetriesPerRequest null). */
export function bullConnection(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
}

/**
 * Starts compute workers of prefix `prefix` in this process (both queues unless `queues` says
 * otherwise); `options` overrides the rest (e.g. a short `rebuildLockTtlMs`).
 */
export async function startInProcessWorkers(redis: Redis, connection: Redis, prefix: string, queues?: ComputeQueue[], options: Partial<ComputeWorkersOptions> = {}): Promise<ComputeWorkers> {
  const workers = startComputeWorkers({ redis, connection, keys: new KeySchema(prefix), bullPrefix: bullPrefix(prefix), logger: createLogger('compute-test', 'silent'), queues, ...options });
  await computeWorkersReady(workers);
  return workers;
}

/** Polls `check` every 50 ms until it returns true; throws after `timeoutMs` (default 30 s). */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A registry of the default kinds whose `svd` row jobs wait at a gate until `open()` (and `mf` off by default is up to the test). */
export function gatedRegistry(): { registry: KindRegistry; open(): void; rowsStarted: () => number } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let started = 0;
  const gatedSvd: ModelKind = {
    ...svdKind,
    async writeRows(ctx, job) {
      started++;
      await gate;
      return svdKind.writeRows!(ctx, job);
    },
  };
  return { registry: new KindRegistry(DEFAULT_KINDS.map((k) => (k.name === 'svd' ? gatedSvd : k))), open, rowsStarted: () => started };
}

/** The `kind` jobs of the `rebuild-shard` queue of `prefix` for kind `kind`, in any state. */
export async function kindJobsOf(connection: Redis, prefix: string, kind: string): Promise<Job[]> {
  const q = new Queue(QueueName.rebuildShard, { connection, prefix: bullPrefix(prefix) });
  try {
    const jobs = await q.getJobs(['active', 'waiting-children', 'wait', 'delayed', 'completed', 'failed', 'prioritized']);
    return jobs.filter((j) => j.name === 'kind' && j.data.kind === kind);
  } finally {
    await q.close();
  }
}

/**
 * Requests a rebuild and waits until its `svd` kind job waits for its row jobs (held at the gate
 * of a `gatedRegistry` by the workers the caller started). Returns the rebuild job, the svd kind
 * job and the kind version it builds.
 */
export async function requestBuildWaitingForRows(h: RebuildHarness, params: Record<string, number | boolean>): Promise<{ job: Job; kindJob: Job; ver: string }> {
  const job = await requestRebuild(h.queue, { trigger: 'cli', params }, { debounceMs: 0 });
  let kindJob: Job | undefined;
  await waitFor(async () => {
    const jobs = (await kindJobsOf(h.connection, h.prefix, 'svd')).filter((j) => j.parent?.id === job.id);
    kindJob = jobs[0];
    return kindJob !== undefined && (await kindJob.getState()) === 'waiting-children';
  }, 'the svd kind job to wait for its row jobs');
  const fresh = (await kindJobsOf(h.connection, h.prefix, 'svd')).find((j) => j.id === kindJob!.id)!;
  const ver = kindStepSchema.parse(fresh.data).version;
  if (ver === undefined) throw new Error(`kind job ${fresh.id} waits for its rows without a version in its data`);
  return { job, kindJob: fresh, ver };
}

/** Every key of model version `ver` under `prefix` (all its slots). */
export async function modelKeysOf(redis: Redis, prefix: string, ver: string): Promise<string[]> {
  return (await redis.keys(`${prefix}:*`)).filter((k) => k.includes(`{m:${ver}`));
}

/** One test's rebuild queue on the test Redis, under its own random prefix. */
export interface RebuildHarness {
  redis: Redis;
  connection: Redis;
  prefix: string;
  keys: KeySchema;
  models: ModelStore;
  queue: Queue;
  events: QueueEvents;
  /** Requests a rebuild (no debounce) and waits up to 60 s for its result. */
  rebuild(params?: Record<string, number | boolean>): Promise<RebuildResult>;
  /** Closes the queue and connections and deletes every key of the prefix. */
  close(): Promise<void>;
}

/** Opens a {@link RebuildHarness}; `label` starts the random prefix. */
export async function openRebuildHarness(label: string): Promise<RebuildHarness> {
  const redis = testRedisClient();
  const connection = bullConnection();
  const prefix = testPrefix(label);
  const keys = new KeySchema(prefix);
  const queue = new Queue(QueueName.rebuild, { connection, prefix: bullPrefix(prefix) });
  const events = new QueueEvents(QueueName.rebuild, { connection: connection.duplicate(), prefix: bullPrefix(prefix) });
  await events.waitUntilReady();
  return {
    redis,
    connection,
    prefix,
    keys,
    models: new ModelStore(redis, keys),
    queue,
    events,
    async rebuild(params = {}) {
      const job = await requestRebuild(queue, { trigger: 'cli', params }, { debounceMs: 0 });
      return decodeJobResult(rebuildResultSchema, await job.waitUntilFinished(events, 60_000), `rebuild job ${job.id}`);
    },
    async close() {
      await events.close();
      await queue.close();
      await deleteKeysMatching(redis, prefix);
      await Promise.all([redis.quit(), connection.quit()]);
    },
  };
}

/** A rebuild harness with dataset `d1` seeded and two shard slots of in-process compute workers. */
export interface SeededRebuild {
  h: RebuildHarness;
  workers: ComputeWorkers;
  /** Stops the workers, then closes the harness. */
  close(): Promise<void>;
}

/** Opens a {@link SeededRebuild} (label as {@link openRebuildHarness}). */
export async function openSeededRebuild(label: string): Promise<SeededRebuild> {
  const h = await openRebuildHarness(label);
  await seedDataset(h.redis, h.keys, 'd1');
  const workers = await startInProcessWorkers(h.redis, h.connection, h.prefix, undefined, { shardConcurrency: 2 });
  return {
    h,
    workers,
    async close() {
      await workers.close();
      await h.close();
    },
  };
}
