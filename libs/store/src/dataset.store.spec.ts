import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocateRatingTable, NotFoundError, type Movie, type RatingTable, type User } from '@movielens/core';
import { deleteKeysMatching, testPrefix, testRedisClient } from '@movielens/test-support';
import type { Redis } from 'ioredis';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { DatasetStore } from './dataset.store';
import { DatasetWriter } from './dataset.writer';
import type { DatasetMeta } from './dataset.meta';
import { KeySchema } from './keys';

function ratings(n: number): RatingTable {
  const t = allocateRatingTable(n);
  for (let i = 0; i < n; i++) {
    t.users[i] = (i % 97) + 1;
    t.movies[i] = (i % 89) + 1;
    t.ratings[i] = (i % 5) + 1;
    t.timestamps[i] = 978_300_760 + i;
  }
  t.length = n;
  return t;
}

function metaOf(version: string, table: RatingTable, chunks: number, chunkSize: number, parent: string | null = null): DatasetMeta {
  return {
    version,
    parent,
    createdAt: 1_700_000_000_000,
    release: 'ml-1m',
    ratingScale: { min: 1, max: 5, step: 1 },
    counts: { ratings: table.length, users: 97, movies: 89, ratedUsers: 97, ratedMovies: 89 },
    chunks,
    chunkSize,
    hasMovieInfo: true,
    hasUserInfo: true,
    contentHash: 'h',
    report: { mode: 'replace', unchanged: false, datasetVersion: version, parentVersion: parent, files: [], read: { ratings: table.length, movies: 0, users: 0 }, skipped: [], skippedTotal: 0, duplicates: { count: 0, examples: [] }, overwritten: 0, durationMs: 1 },
  };
}

describe('DatasetStore / DatasetWriter', () => {
  let redis: Redis;
  let prefix: string;
  let keys: KeySchema;
  let store: DatasetStore;
  let writer: DatasetWriter;

  beforeEach(() => {
    redis = testRedisClient();
    prefix = testPrefix('ds');
    keys = new KeySchema(prefix);
    store = new DatasetStore(redis, keys);
    writer = new DatasetWriter(redis, keys, 1000);
  });
  afterEach(async () => {
    await deleteKeysMatching(redis, prefix);
    await redis.quit();
  });

  async function stageVersion(ver: string, table: RatingTable, parent: string | null = null): Promise<DatasetMeta> {
    await writer.begin(ver, { owner: 'test', chunkBound: Math.ceil(table.length / 1000), startedAt: 0 });
    const chunks = await writer.writeRatings(ver, table);
    const movies: Movie[] = [{ id: 2, title: 'Jumanji', year: 1995, genres: ['Adventure'] }, { id: 1, title: 'Toy Story', year: 1995, genres: ['Animation'] }];
    const users: User[] = [{ id: 1, gender: 'F', age: 1, ageGroup: 'Under 18', occupation: 'K-12 student', zip: '48067' }];
    await writer.writeMovies(ver, movies);
    await writer.writeUsers(ver, users);
    const meta = metaOf(ver, table, chunks, 1000, parent);
    await writer.writeMeta(meta);
    return meta;
  }

  it('reports no current version before the first ingest, and null meta for an unknown version', async () => {
    expect(await store.currentVersion()).toBeNull();
    expect(await store.meta('nope')).toBeNull();
    await expect(store.loadRatings('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('round-trips a committed version: ratings across chunks, movies and users sorted by id', async () => {
    const table = ratings(2500);
    await stageVersion('v1', table);
    expect(await writer.commit('v1', null, 1)).toBe(true);
    expect(await store.currentVersion()).toBe('v1');
    const progress: number[] = [];
    const back = await store.loadRatings('v1', (done) => progress.push(done));
    expect(back.length).toBe(2500);
    expect(Array.from(back.users)).toEqual(Array.from(table.users));
    expect(Array.from(back.ratings)).toEqual(Array.from(table.ratings));
    expect(Array.from(back.timestamps)).toEqual(Array.from(table.timestamps));
    expect(progress.at(-1)).toBe(2500);
    // Shared columns (for compute threads): same content, in SharedArrayBuffers.
    const shared = await store.loadRatings('v1', undefined, true);
    for (const column of [shared.users, shared.movies, shared.ratings, shared.timestamps]) expect(column.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared.movies)).toEqual(Array.from(table.movies));
    expect((await store.loadMovies('v1')).map((m) => m.title)).toEqual(['Toy Story', 'Jumanji']);
    expect((await store.loadUsers('v1'))[0].occupation).toBe('K-12 student');
    expect(await store.getMovie('v1', 2)).toMatchObject({ title: 'Jumanji', year: 1995 });
    expect(await store.getMovie('v1', 3)).toBeNull();
    expect(await store.getUser('v1', 1)).toMatchObject({ gender: 'F' });
    expect(await store.listVersions()).toEqual([{ version: 'v1', createdAt: 1 }]);
    expect(await writer.staging()).toEqual(new Map());
  });

  it('refuses to switch the pointer when another version became current meanwhile', async () => {
    await stageVersion('v1', ratings(10));
    await writer.commit('v1', null, 1);
    await stageVersion('v2', ratings(10), 'v1');
    await stageVersion('v3', ratings(10), 'v1');
    expect(await writer.commit('v2', 'v1', 2)).toBe(true);
    expect(await writer.commit('v3', 'v1', 3)).toBe(false);
    expect(await store.currentVersion()).toBe('v2');
  });

  it('discards a staged version without leaving any of its keys', async () => {
    await stageVersion('v1', ratings(10));
    await writer.commit('v1', null, 1);
    const before = (await redis.keys(`${prefix}:*`)).sort();
    await stageVersion('v2', ratings(3500));
    await writer.discard('v2');
    expect((await redis.keys(`${prefix}:*`)).sort()).toEqual(before);
  });

  it('keeps the current version and the two previous ones, deleting older versions entirely', async () => {
    for (let v = 1; v <= 5; v++) {
      await stageVersion(`v${v}`, ratings(1500));
      await writer.commit(`v${v}`, v === 1 ? null : `v${v - 1}`, v);
    }
    expect(await writer.prune()).toEqual(['v2', 'v1']);
    expect((await store.listVersions()).map((v) => v.version)).toEqual(['v5', 'v4', 'v3']);
    expect(await redis.keys(`${prefix}:{d:v1*`)).toEqual([]);
    expect(await store.meta('v3')).not.toBeNull();
  });

  it('never prunes a dataset version that a listed set version (served or kept for rollback), or one of its kinds, was built from', async () => {
    for (let v = 1; v <= 6; v++) {
      await stageVersion(`v${v}`, ratings(1500));
      await writer.commit(`v${v}`, v === 1 ? null : `v${v - 1}`, v);
    }
    // The served set was built from v1 with its mf kind still from v3 (training on newer data
    // lags); a rollback set from v2.
    const set = (id: string, datasetVersion: string, kinds: Record<string, string> = {}) =>
      JSON.stringify({
        id, datasetVersion, params: {}, timings: {}, singularValues: [], explainedVariance: 0, counts: { users: 0, movies: 0, ratings: 0 }, shards: 1, k: 0, host: 'h', createdAt: 1, publishedAt: 1, tables: {}, analytics: [],
        kinds: Object.fromEntries(Object.entries(kinds).map(([kind, d]) => [kind, { version: `${kind}-1-aa`, datasetVersion: d, datasetCreatedAt: 1, params: {}, timings: {}, publishedAt: 1 }])),
      });
    await redis.set(keys.modelMeta('m-served'), set('m-served', 'v1', { svd: 'v1', mf: 'v3' }));
    await redis.set(keys.modelMeta('m-old'), set('m-old', 'v2'));
    await redis.zadd(keys.modelVersions(), 1, 'm-old');
    await redis.set(keys.modelCurrent(), 'm-served');
    expect(await writer.prune(0)).toEqual(['v5', 'v4']);
    expect((await store.listVersions()).map((v) => v.version)).toEqual(['v6', 'v3', 'v2', 'v1']);
    expect((await store.loadMovies('v1')).length).toBe(2);
    // Once no set refers to v1 and v3 any more, they go like any old version.
    await redis.set(keys.modelCurrent(), 'm-old');
    expect(await writer.prune(0)).toEqual(['v3', 'v1']);
  });
});
