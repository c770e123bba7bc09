import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { deleteKeysMatching, testPrefix, testRedisClient } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { KeySchema } from './keys';
import { ModelStore, type ModelMeta } from './model.store';
import { ModelWriter } from './model-writer';
import { packColumns, packLstmUserState, packScoredList, unpackColumns, unpackLstmUserState } from './model-codec';

let redis: Redis;
let prefix: string;
let keys: KeySchema;
let store: ModelStore;
let writer: ModelWriter;

beforeEach(() => {
  redis = testRedisClient();
  prefix = testPrefix('model');
  keys = new KeySchema(prefix);
  store = new ModelStore(redis, keys);
  writer = new ModelWriter(redis, keys);
});

afterEach(async () => {
  await deleteKeysMatching(redis, prefix);
  await redis.quit();
});

/** Writes a tiny complete version: 2 shards, movies 1..3, users 10..11. */
async function buildVersion(ver: string, createdAt: number): Promise<ModelMeta> {
  await writer.begin(ver, createdAt);
  await writer.putTable(ver, 'factors', packColumns({ movieIds: Int32Array.of(1, 2, 3), V: new Float32Array([1, 0, 0, 1, 0.5, 0.5]), S: Float64Array.of(3, 1) }));
  await writer.putTable(ver, 'staging:vectors', Buffer.from('scratch'));
  await writer.putTable(ver, 'analytics:top-rated', JSON.stringify([{ movieId: 1 }]));
  await writer.putRows(ver, 'similar', 0, [1, 2], [packScoredList(Int32Array.of(3), Float32Array.of(0.7)), packScoredList(Int32Array.of(3, 1), Float32Array.of(0.9, 0.1))], 2);
  await writer.putRows(ver, 'similar', 1, [3], [packScoredList(new Int32Array(0), new Float32Array(0))], 2);
  await writer.putRows(ver, 'recs', 0, [10], [packScoredList(Int32Array.of(2), Float32Array.of(4.5))], 2);
  return writer.publish(
    { id: ver, datasetVersion: 'd1', params: { k: 2 }, timings: { total: 1 }, singularValues: [3, 1], explainedVariance: 0.9, counts: { users: 2, movies: 3, ratings: 5 }, shards: 2, k: 2, host: 'h', createdAt, analytics: ['top-rated'] },
    { dropTables: ['staging:vectors'] },
  );
}

async function keysOf(ver: string): Promise<string[]> {
  return (await redis.keys(`${prefix}:*`)).filter((k) => k.includes(`{m:${ver}`));
}

describe('ModelStore / ModelWriter', () => {
  it('serves a published version: pointer, meta with table stamps, lists, factors, analytics', async () => {
    const meta = await buildVersion('v1', 1000);
    expect(await store.currentVersion()).toBe('v1');
    expect(meta.tables.factors.digest).toMatch(/^[0-9a-f]{40}$/);
    expect(Object.keys(meta.tables).sort()).toEqual(['analytics:top-rated', 'factors', 'recs', 'similar']);
    expect((await store.meta('v1'))?.singularValues).toEqual([3, 1]);
    expect(await store.similar('v1', 2)).toEqual([
      { movieId: 3, score: expect.closeTo(0.9, 6) },
      { movieId: 1, score: expect.closeTo(0.1, 6) },
    ]);
    expect(await store.similar('v1', 3)).toEqual([]);
    expect(await store.similar('v1', 99)).toBeNull();
    expect(await store.recommendations('v1', 10)).toEqual([{ movieId: 2, score: 4.5 }]);
    expect(await store.recommendations('v1', 11)).toBeNull();
    const f = await store.factors('v1');
    expect(f.k).toBe(2);
    expect([...f.movieIds]).toEqual([1, 2, 3]);
    expect([...f.V]).toEqual([1, 0, 0, 1, 0.5, 0.5]);
    expect(await store.analytics('v1', 'top-rated')).toEqual([{ movieId: 1 }]);
    expect(await store.analytics('v1', 'nope')).toBeNull();
    expect(await redis.exists(keys.modelTable('v1', 'staging:vectors'))).toBe(0);
  });

  it('announces the pointer switch on the events channel', async () => {
    const sub = testRedisClient();
    const messages: string[] = [];
    await sub.subscribe(keys.events());
    sub.on('message', (_channel, message) => messages.push(message));
    await buildVersion('v1', 1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(messages).toEqual(['model v1']);
    await sub.quit();
  });

  it('keeps the current and two previous versions and deletes every key of older ones', async () => {
    for (let i = 1; i <= 5; i++) await buildVersion(`v${i}`, 1000 * i);
    expect((await store.listVersions()).map((v) => v.id)).toEqual(['v3', 'v4', 'v5']);
    expect(await keysOf('v1')).toEqual([]);
    expect(await keysOf('v2')).toEqual([]);
    expect((await keysOf('v3')).length).toBeGreaterThan(0);
  });

  it('rolls back with activate() and refuses unknown versions', async () => {
    await buildVersion('v1', 1000);
    await buildVersion('v2', 2000);
    await store.activate('v1');
    expect(await store.currentVersion()).toBe('v1');
    expect((await store.listVersions()).find((v) => v.current)?.id).toBe('v1');
    await expect(store.activate('v9')).rejects.toThrow(/not published/);
    await expect(store.deleteVersion('v1')).rejects.toThrow(/being served/);
  });

  it('sweeps the partial keys of an abandoned build but not the build in progress', async () => {
    await buildVersion('v1', 1000);
    await writer.begin('dead', 2000);
    await writer.putTable('dead', 'factors', packColumns({ S: Float64Array.of(1) }));
    await writer.putRows('dead', 'similar', 0, [3], [packScoredList(Int32Array.of(1), Float32Array.of(1))], 4);
    await writer.begin('live', 3000);
    await writer.putTable('live', 'factors', packColumns({ S: Float64Array.of(1) }));
    expect(await store.sweepStaging('live')).toEqual(['dead']);
    expect(await keysOf('dead')).toEqual([]);
    expect((await keysOf('live')).length).toBeGreaterThan(0);
    expect(await store.currentVersion()).toBe('v1');
    expect(await store.similar('v1', 2)).not.toBeNull();
  });

  it('never sweeps a staged version whose owning rebuild job is still live', async () => {
    await writer.begin('mine', 2000, 'job-1');
    await writer.putTable('mine', 'factors', packColumns({ S: Float64Array.of(1) }));
    await writer.begin('orphan', 3000, 'job-2');
    await writer.putTable('orphan', 'factors', packColumns({ S: Float64Array.of(1) }));
    const live = new Set(['job-1']);
    expect(await store.sweepStaging(undefined, async (owner) => live.has(owner))).toEqual(['orphan']);
    expect((await keysOf('mine')).length).toBeGreaterThan(0);
    expect(await store.isStaged('mine')).toBe(true);
    live.clear();
    expect(await store.sweepStaging(undefined, async (owner) => live.has(owner))).toEqual(['mine']);
    expect(await keysOf('mine')).toEqual([]);
  });

  it('round-trips column tables of mixed types and lengths', () => {
    const table = unpackColumns(packColumns({ a: Int32Array.of(-1, 2, 3), b: Float64Array.of(0.1), c: Float32Array.of(1.5, 2.5) }));
    expect([...table.a]).toEqual([-1, 2, 3]);
    expect(table.b).toBeInstanceOf(Float64Array);
    expect([...table.b]).toEqual([0.1]);
    expect([...table.c]).toEqual([1.5, 2.5]);
  });

  it('serves per-user LSTM states by user id (one HGET each) and deletes them with the version', async () => {
    await writer.begin('v1', 1000);
    await writer.putRows('v1', 'lstm-state', 0, [10, 11, 13], [
      packLstmUserState(Float32Array.of(0.5, -1.25), Int32Array.of(2, 0, 1)),
      packLstmUserState(Float32Array.of(3, 4), Int32Array.of(1)),
      packLstmUserState(Float32Array.of(0, 0), new Int32Array(0)),
    ], 2);
    const meta = await writer.publish({ id: 'v1', datasetVersion: 'd1', params: {}, timings: {}, singularValues: [], explainedVariance: 0, counts: { users: 3, movies: 3, ratings: 4 }, shards: 2, k: 0, host: 'h', createdAt: 1000, analytics: [] });
    expect(Object.keys(meta.tables)).toEqual(['lstm-state']);
    const a = await store.lstmState('v1', 10);
    expect([...a!.hidden]).toEqual([0.5, -1.25]);
    expect([...a!.history]).toEqual([2, 0, 1]);
    expect([...(await store.lstmState('v1', 13))!.history]).toEqual([]);
    expect(await store.lstmState('v1', 12)).toBeNull();
    // User 10 lands in shard 0, users 11 and 13 in shard 1 (id modulo 2); both keys go with the version.
    expect(await redis.exists(keys.modelShard('v1', 'lstm-state', 0), keys.modelShard('v1', 'lstm-state', 1))).toBe(2);
    await writer.begin('v2', 2000);
    await writer.publish({ ...meta, id: 'v2', createdAt: 2000 }, { keep: 0 });
    expect(await keysOf('v1')).toEqual([]);
  });

  it('rejects an LSTM user state whose byte length does not fit its hidden size', () => {
    const good = packLstmUserState(Float32Array.of(1, 2, 3), Int32Array.of(7));
    expect(good).toHaveLength(4 + 12 + 4);
    expect(() => unpackLstmUserState(good.subarray(0, 10))).toThrow(/malformed LSTM user state of 10 bytes/);
    expect(() => unpackLstmUserState(Buffer.alloc(2))).toThrow(/malformed/);
    expect(() => unpackLstmUserState(Buffer.alloc(8))).toThrow(/malformed/);
  });
});
