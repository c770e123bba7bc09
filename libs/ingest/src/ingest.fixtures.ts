/** Test helpers of the ingest specs: a per-test Redis prefix, staged uploads, key-space snapshots. */
import { afterEach, beforeEach } from 'vitest';
import type { Redis } from 'ioredis';
import { deleteKeysMatching, testPrefix, testRedisClient } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { DatasetStore, KeySchema, UploadStore, type IngestReport } from '@movielens/store';
import { runIngest, type IngestRequest } from './ingest.pipeline';

/** What each test gets: a client, its own key prefix and the stores on it. */
export interface TestRedisContext {
  redis: Redis;
  prefix: string;
  keys: KeySchema;
  datasets: DatasetStore;
}

/**
 * Registers beforeEach/afterEach hooks giving every test a fresh prefix (deleted afterwards);
 * the returned object is refilled before each test.
 */
export function useTestRedis(label: string): TestRedisContext {
  const ctx = {} as TestRedisContext;
  beforeEach(() => {
    ctx.redis = testRedisClient();
    ctx.prefix = testPrefix(label);
    ctx.keys = new KeySchema(ctx.prefix);
    ctx.datasets = new DatasetStore(ctx.redis, ctx.keys);
  });
  afterEach(async () => {
    await deleteKeysMatching(ctx.redis, ctx.prefix);
    await ctx.redis.quit();
  });
  return ctx;
}

/** Files of an upload by name: text (written as Latin-1 bytes, like .dat files) or raw bytes. */
export type FileSet = Record<string, string | Uint8Array>;

/** Stages `files` as a new upload; returns its id. */
export async function stageUpload(redis: Redis, keys: KeySchema, files: FileSet): Promise<string> {
  const uploads = new UploadStore(redis, keys, { chunkBytes: 64 * 1024 });
  const id = await uploads.create();
  for (const [name, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'latin1') : content;
    await uploads.stageFile(id, name, (async function* () {
      for (let i = 0; i < bytes.length; i += 50_000) yield bytes.subarray(i, i + 50_000);
    })());
  }
  return id;
}

let ingests = 0;

/**
 * Stages `files` and ingests them (replace mode, maxErrors 0 unless `options` say otherwise)
 * as a new version `v<n>` of the test's prefix, in chunks of `chunkSize` ratings.
 */
export async function ingestFiles(t: TestRedisContext, files: FileSet, options: Partial<IngestRequest> = {}, chunkSize = 1000): Promise<IngestReport> {
  const uploadId = await stageUpload(t.redis, t.keys, files);
  const n = ++ingests;
  return runIngest({ redis: t.redis, keys: t.keys, chunkSize }, { uploadId, mode: 'replace', maxErrors: 0, version: `v${n}`, owner: `test:${n}`, ...options });
}

/** Every key under `prefix` with a digest of its value, and the current pointer: equal snapshots = unchanged Redis. */
export async function snapshot(redis: Redis, prefix: string): Promise<string[]> {
  const keys = (await redis.keys(`${prefix}:*`)).sort();
  const out: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    const size = type === 'string' ? await redis.strlen(key) : type === 'hash' ? await redis.hlen(key) : type === 'zset' ? await redis.zcard(key) : -1;
    out.push(`${key} ${type} ${size}`);
  }
  out.push(`current=${await redis.get(new KeySchema(prefix).datasetCurrent())}`);
  return out;
}

/** A ratings.dat (ML-1M format) of `n` ratings over users 1..u and movies 1..m, deterministic. */
export function ratingsDat(n: number, u: number, m: number, stars = (i: number) => (i % 5) + 1): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`${(i % u) + 1}::${(Math.floor(i / u) % m) + 1}::${stars(i)}::${978300760 + i}`);
  return `${lines.join('\n')}\n`;
}

/** A movies.dat with movies 1..m. */
export function moviesDat(m: number): string {
  return Array.from({ length: m }, (_, i) => `${i + 1}::Movie ${i + 1} (199${i % 10})::Drama|Comedy\n`).join('');
}

/** A users.dat with users 1..u. */
export function usersDat(u: number): string {
  return Array.from({ length: u }, (_, i) => `${i + 1}::${i % 2 ? 'F' : 'M'}::25::${i % 21}::4806${i % 10}\n`).join('');
}
