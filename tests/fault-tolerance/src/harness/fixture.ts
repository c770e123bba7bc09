/**
 * Per-test wiring: a fresh key prefix on the test Redis, the process set, stores to look
 * at what the processes wrote, and cleanup that always kills every child.
 */
import type { Redis } from 'ioredis';
import { deleteKeysMatching, testPrefix, testRedisClient, testRedisUrl } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { DatasetStore, KeySchema, ModelStore } from '@movielens/store';
import { ProcessSet } from './processes';
import { waitForBuildsIdle } from './builds';
import { upload, waitForJob, type System } from './system';
import type { Dump } from './datasets';

/** What a test works with. */
export interface Fixture {
  procs: ProcessSet;
  prefix: string;
  redisUrl: string;
  redis: Redis;
  keys: KeySchema;
  datasets: DatasetStore;
  models: ModelStore;
  /** Kills every process and deletes the test's keys. */
  cleanup(): Promise<void>;
}

/** A fixture on the shared test Redis (or on `redisUrl`, for tests running their own server). */
export function createFixture(redisUrl = testRedisUrl()): Fixture {
  const prefix = testPrefix('ft');
  const redis = redisUrl === testRedisUrl() ? testRedisClient() : null;
  const procs = new ProcessSet();
  const keys = new KeySchema(prefix);
  const client = redis ?? (null as unknown as Redis);
  return {
    procs,
    prefix,
    redisUrl,
    redis: client,
    keys,
    datasets: new DatasetStore(client, keys),
    models: new ModelStore(client, keys),
    async cleanup() {
      await procs.stopAll();
      if (redis) {
        await deleteKeysMatching(redis, prefix);
        await redis.quit();
      }
    },
  };
}

/**
 * Uploads `dump` (replace), waits for the ingest and for every build it asked for (each kind
 * publishes its own set version, so the first set of this data is not yet the last); returns
 * the set served then, which was built from this data.
 */
export async function loadAndBuild(fx: Fixture, system: System, dump: Dump): Promise<string> {
  const job = await waitForJob(system, await upload(system, dump.files));
  if (job.state !== 'completed') throw new Error(`ingest failed: ${job.failedReason}\n${fx.procs.logs()}`);
  const datasetVersion = await fx.datasets.currentVersion();
  await waitForBuildsIdle(fx.redis, fx.prefix, 120_000).catch((err: Error) => Promise.reject(new Error(`${err.message}\n${fx.procs.logs()}`)));
  const ver = await fx.models.currentVersion();
  const meta = ver === null ? null : await fx.models.meta(ver);
  if (ver === null || meta?.datasetVersion !== datasetVersion) throw new Error(`served set ${ver} is not of dataset ${datasetVersion}\n${fx.procs.logs()}`);
  return ver;
}

/**
 * Versions named by the keys under the fixture's prefix: `kind` `d` for datasets
 * (`P:{d:<ver>}:...`, `P:{d:<ver>/<c>}:ratings`), `m` for models: set versions and kind versions
 * alike (`P:{m:<ver>}:...`, `P:{m:<ver>/<s>}:...`).
 */
export async function versionsInKeys(fx: Fixture, kind: 'd' | 'm'): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await fx.redis.scan(cursor, 'MATCH', `${fx.prefix}:{${kind}:*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) found.add(new RegExp(`\\{${kind}:([^}/]+)`).exec(k)![1]);
  } while (cursor !== '0');
  return [...found].sort();
}
