import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { NotFoundError } from '@movielens/core';
import { deleteKeysMatching, testPrefix, testRedisClient } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { KeySchema } from './keys';
import { UploadStore } from './upload.store';

/** Yields `bytes` in parts of `part` bytes (uneven against the store's chunk size on purpose). */
async function* parts(bytes: Uint8Array, part: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += part) yield bytes.subarray(i, i + part);
}

describe('UploadStore', () => {
  let redis: Redis;
  let prefix: string;
  let uploads: UploadStore;

  beforeEach(() => {
    redis = testRedisClient();
    prefix = testPrefix('up');
    uploads = new UploadStore(redis, new KeySchema(prefix), { chunkBytes: 1000, ttlSeconds: 60 });
  });
  afterEach(async () => {
    await deleteKeysMatching(redis, prefix);
    await redis.quit();
  });

  it('stages files as TTL-bound chunks and streams the exact bytes back with size and sha256', async () => {
    const bytes = new Uint8Array(4321).map((_, i) => (i * 31) % 251);
    const id = await uploads.create();
    const file = await uploads.stageFile(id, 'some/dir/ratings.dat', parts(bytes, 333));
    expect(file).toEqual({ index: 0, name: 'ratings.dat', size: 4321, sha256: createHash('sha256').update(bytes).digest('hex'), chunks: 5 });
    const empty = await uploads.stageFile(id, 'movies.dat', parts(new Uint8Array(0), 1));
    expect(empty).toMatchObject({ index: 1, size: 0, chunks: 0 });
    const manifest = await uploads.manifest(id);
    expect(manifest?.files.map((f) => f.name)).toEqual(['ratings.dat', 'movies.dat']);
    const back: Buffer[] = [];
    for await (const chunk of uploads.readFile(id, file)) back.push(chunk);
    expect(Buffer.concat(back).equals(Buffer.from(bytes))).toBe(true);
    const ttl = await redis.ttl(new KeySchema(prefix).uploadChunk(id, 0, 4));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('deletes every key of an upload', async () => {
    const id = await uploads.create();
    await uploads.stageFile(id, 'u.data', parts(new Uint8Array(2500), 700));
    await uploads.delete(id);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    expect(await uploads.manifest(id)).toBeNull();
  });

  it('leaves no chunks and no manifest entry when the source fails mid-file', async () => {
    const id = await uploads.create();
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(2500);
      throw new Error('client went away');
    }
    await expect(uploads.stageFile(id, 'u.data', failing())).rejects.toThrow('client went away');
    expect((await uploads.manifest(id))?.files).toEqual([]);
    expect(await redis.keys(`${prefix}:*file*`)).toEqual([]);
  });

  it('rejects staging into an unknown upload, and reading a deleted file', async () => {
    await expect(uploads.stageFile('nope', 'u.data', parts(new Uint8Array(1), 1))).rejects.toBeInstanceOf(NotFoundError);
    const id = await uploads.create();
    const file = await uploads.stageFile(id, 'u.data', parts(new Uint8Array(1500), 1500));
    await uploads.delete(id);
    const read = async () => {
      for await (const _ of uploads.readFile(id, file)) void _;
    };
    await expect(read()).rejects.toThrow(/no longer staged/);
  });
});
