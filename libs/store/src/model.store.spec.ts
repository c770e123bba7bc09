import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { testRedisClient } from '@movielens/test-support';
import type { KeySchema } from './keys';
import { openModelStores, type ModelStores } from './model.fixtures';
import type { ModelLifecycle, SetComposition } from './model-lifecycle';
import type { KindMeta, ModelMeta } from './model.meta';
import type { ModelStore } from './model.store';
import type { ModelWriter } from './model-writer';
import { packColumns, packLstmUserState, packScoredList, unpackColumns, unpackLstmUserState } from './model-codec';
import { CorruptRecordError } from './stored-json';
import { lstmLayout } from '@movielens/core';

let ctx: ModelStores;
let redis: Redis;
let prefix: string;
let keys: KeySchema;
let store: ModelStore;
let writer: ModelWriter;
let lifecycle: ModelLifecycle;

beforeEach(() => {
  ctx = openModelStores('model');
  ({ redis, prefix, keys, store, writer, lifecycle } = ctx);
});
afterEach(() => ctx.close());

/** One required kind (`svd`) that makes the whole set; the kind-specific fields come from its info. */
const composition: SetComposition = {
  kinds: ['svd', 'lstm'],
  required: ['svd'],
  compose: (kinds) => ({
    datasetVersion: kinds.svd.datasetVersion,
    singularValues: kinds.svd.info.singularValues as number[],
    explainedVariance: 0.9,
    counts: { users: 2, movies: 3, ratings: 5 },
    shards: kinds.svd.shards,
    k: 2,
    analytics: ['by-genre'],
  }),
};

/** The KindMeta of a finished kind version written by these tests. */
async function kindMeta(id: string, kind: string, createdAt: number, shards: number, datasetCreatedAt = createdAt): Promise<KindMeta> {
  const meta: KindMeta = { id, kind, datasetVersion: `d${datasetCreatedAt}`, datasetCreatedAt, params: { k: 2 }, timings: { total: 1 }, shards, tables: await writer.collectStamps(id), info: { singularValues: [3, 1] }, host: 'h', createdAt };
  await writer.writeKindMeta(meta);
  return meta;
}

/** Writes a tiny complete `svd` kind version (2 shards, movies 1..3, users 10..11) and publishes it; returns the served set. */
async function buildVersion(ver: string, createdAt: number): Promise<ModelMeta> {
  await writer.begin(ver, createdAt);
  await writer.putTable(ver, 'factors', packColumns({ movieIds: Int32Array.of(1, 2, 3), V: new Float32Array([1, 0, 0, 1, 0.5, 0.5]), S: Float64Array.of(3, 1) }));
  await writer.putTable(ver, 'staging:vectors', Buffer.from('scratch'));
  await writer.dropTable(ver, 'staging:vectors');
  await writer.putTable(ver, 'analytics:by-genre', JSON.stringify([{ group: 'Drama', count: 2, mean: 4.5 }]));
  await writer.putRows(ver, 'similar', 0, [1, 2], [packScoredList(Int32Array.of(3), Float32Array.of(0.7)), packScoredList(Int32Array.of(3, 1), Float32Array.of(0.9, 0.1))], 2);
  await writer.putRows(ver, 'similar', 1, [3], [packScoredList(new Int32Array(0), new Float32Array(0))], 2);
  await writer.putRows(ver, 'recs', 0, [10], [packScoredList(Int32Array.of(2), Float32Array.of(4.5))], 2);
  const outcome = await lifecycle.publishKind(await kindMeta(ver, 'svd', createdAt, 2), composition);
  if (!outcome.published) throw new Error(`not published: ${JSON.stringify(outcome)}`);
  return outcome.set;
}

async function keysOf(ver: string): Promise<string[]> {
  return (await redis.keys(`${prefix}:*`)).filter((k) => k.includes(`{m:${ver}`));
}

/** The set version being served. */
async function served(): Promise<ModelMeta> {
  const meta = await store.meta((await store.currentVersion())!);
  return meta!;
}

describe('ModelStore / ModelWriter', () => {
  it('serves a published set: pointer, meta with table stamps, lists, factors, analytics read where the kind wrote them', async () => {
    const meta = await buildVersion('svd-1000-aa', 1000);
    expect(await store.currentVersion()).toBe(meta.id);
    expect(meta.id).toMatch(/^m\d+-[0-9a-f]{4}$/);
    expect(meta.tables.factors.digest).toMatch(/^[0-9a-f]{40}$/);
    expect(Object.keys(meta.tables).sort()).toEqual(['analytics:by-genre', 'factors', 'recs', 'similar']);
    expect(meta.tableHomes?.similar).toEqual({ version: 'svd-1000-aa', shards: 2 });
    expect(meta.kinds?.svd).toMatchObject({ version: 'svd-1000-aa', datasetVersion: 'd1000' });
    const v = meta.id;
    expect((await store.meta(v))?.singularValues).toEqual([3, 1]);
    expect(await store.similar(v, 2)).toEqual([
      { movieId: 3, score: expect.closeTo(0.9, 6) },
      { movieId: 1, score: expect.closeTo(0.1, 6) },
    ]);
    expect(await store.similar(v, 3)).toEqual([]);
    expect(await store.similar(v, 99)).toBeNull();
    expect(await store.recommendations(v, 10)).toEqual([{ movieId: 2, score: 4.5 }]);
    expect(await store.recommendations(v, 11)).toBeNull();
    const f = await store.factors(v);
    expect(f.k).toBe(2);
    expect([...f.movieIds]).toEqual([1, 2, 3]);
    expect([...f.V]).toEqual([1, 0, 0, 1, 0.5, 0.5]);
    expect(await store.analytics(v, 'by-genre')).toEqual([{ group: 'Drama', count: 2, mean: 4.5 }]);
    expect(await store.analytics(v, 'by-age')).toBeNull();
    expect(await redis.exists(keys.modelTable('svd-1000-aa', 'staging:vectors'))).toBe(0);
    expect(await store.lstmState(v, 10)).toBeNull(); // a set without the kind: absent, not an error
  });

  it('rejects a stored meta that does not have the written shape, naming it', async () => {
    await redis.set(keys.modelMeta('mbad'), JSON.stringify({ id: 'mbad', datasetVersion: 3 }));
    const err = await store.meta('mbad').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptRecordError);
    expect((err as CorruptRecordError).key).toBe(keys.modelMeta('mbad'));
    expect((err as CorruptRecordError).message).toMatch(/model version mbad meta \(.*\): datasetVersion/);
  });

  it('announces the pointer switch on the events channel', async () => {
    const sub = testRedisClient();
    const messages: string[] = [];
    await sub.subscribe(keys.events());
    sub.on('message', (_channel, message) => messages.push(message));
    const meta = await buildVersion('svd-1000-aa', 1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(messages).toEqual([`model ${meta.id}`]);
    await sub.quit();
  });

  it('keeps the current and two previous sets and deletes every key of kind versions no kept set serves', async () => {
    const sets: string[] = [];
    for (let i = 1; i <= 5; i++) sets.push((await buildVersion(`svd-${1000 * i}-aa`, 1000 * i)).id);
    expect((await store.listVersions()).map((v) => v.id)).toEqual(sets.slice(2));
    expect(await keysOf('svd-1000-aa')).toEqual([]);
    expect(await keysOf('svd-2000-aa')).toEqual([]);
    expect(await keysOf(sets[0])).toEqual([]);
    expect((await keysOf('svd-3000-aa')).length).toBeGreaterThan(0);
    expect((await lifecycle.kindVersions('svd')).map((v) => v.id)).toEqual(['svd-3000-aa', 'svd-4000-aa', 'svd-5000-aa']);
  });

  it('rolls back with activate() and refuses unknown versions and deleting what is served', async () => {
    const v1 = (await buildVersion('svd-1000-aa', 1000)).id;
    await buildVersion('svd-2000-aa', 2000);
    await lifecycle.activate(v1);
    expect(await store.currentVersion()).toBe(v1);
    expect((await store.listVersions()).find((v) => v.current)?.id).toBe(v1);
    await expect(lifecycle.activate('m9')).rejects.toThrow(/not published/);
    await expect(lifecycle.deleteVersion(v1)).rejects.toThrow(/being served/);
    await expect(lifecycle.deleteVersion('svd-1000-aa')).rejects.toThrow(/being served/);
  });

  it('sweeps the partial keys of an abandoned build but not the build in progress', async () => {
    const v1 = (await buildVersion('svd-1000-aa', 1000)).id;
    await writer.begin('dead', 2000);
    await writer.putTable('dead', 'factors', packColumns({ S: Float64Array.of(1) }));
    await writer.putRows('dead', 'similar', 0, [3], [packScoredList(Int32Array.of(1), Float32Array.of(1))], 4);
    await writer.begin('live', 3000);
    await writer.putTable('live', 'factors', packColumns({ S: Float64Array.of(1) }));
    expect(await lifecycle.sweepStaging('live')).toEqual(['dead']);
    expect(await keysOf('dead')).toEqual([]);
    expect((await keysOf('live')).length).toBeGreaterThan(0);
    expect(await store.currentVersion()).toBe(v1);
    expect(await store.similar(v1, 2)).not.toBeNull();
  });

  it('never sweeps a staged version whose owning rebuild job is still live', async () => {
    await writer.begin('mine', 2000, 'job-1');
    await writer.putTable('mine', 'factors', packColumns({ S: Float64Array.of(1) }));
    await writer.begin('orphan', 3000, 'job-2');
    await writer.putTable('orphan', 'factors', packColumns({ S: Float64Array.of(1) }));
    const live = new Set(['job-1']);
    expect(await lifecycle.sweepStaging(undefined, async (owner) => live.has(owner))).toEqual(['orphan']);
    expect((await keysOf('mine')).length).toBeGreaterThan(0);
    expect(await lifecycle.isStaged('mine')).toBe(true);
    live.clear();
    expect(await lifecycle.sweepStaging(undefined, async (owner) => live.has(owner))).toEqual(['mine']);
    expect(await keysOf('mine')).toEqual([]);
  });

  it('round-trips column tables of mixed types and lengths', () => {
    const table = unpackColumns(packColumns({ a: Int32Array.of(-1, 2, 3), b: Float64Array.of(0.1), c: Float32Array.of(1.5, 2.5) }));
    expect([...table.a]).toEqual([-1, 2, 3]);
    expect(table.b).toBeInstanceOf(Float64Array);
    expect([...table.b]).toEqual([0.1]);
    expect([...table.c]).toEqual([1.5, 2.5]);
  });

  it('serves per-user LSTM states by user id (one HGET each) from the lstm kind, and deletes them with its version', async () => {
    await buildVersion('svd-1000-aa', 1000);
    await writer.begin('lstm-1500-aa', 1500);
    await writer.putRows('lstm-1500-aa', 'lstm-state', 0, [10, 11, 13], [
      packLstmUserState(Float32Array.of(0.5, -1.25), Int32Array.of(2, 0, 1)),
      packLstmUserState(Float32Array.of(3, 4), Int32Array.of(1)),
      packLstmUserState(Float32Array.of(0, 0), new Int32Array(0)),
    ], 2);
    const outcome = await lifecycle.publishKind(await kindMeta('lstm-1500-aa', 'lstm', 1500, 2), composition);
    expect(outcome.published).toBe(true);
    const v = (await served()).id;
    expect(Object.keys((await served()).tables).sort()).toEqual(['analytics:by-genre', 'factors', 'lstm-state', 'recs', 'similar']);
    const a = await store.lstmState(v, 10);
    expect([...a!.hidden]).toEqual([0.5, -1.25]);
    expect([...a!.history]).toEqual([2, 0, 1]);
    expect([...(await store.lstmState(v, 13))!.history]).toEqual([]);
    expect(await store.lstmState(v, 12)).toBeNull();
    // User 10 lands in shard 0, users 11 and 13 in shard 1 (id modulo 2); both keys go with the version.
    expect(await redis.exists(keys.modelShard('lstm-1500-aa', 'lstm-state', 0), keys.modelShard('lstm-1500-aa', 'lstm-state', 1))).toBe(2);
    // Turned off: a new set without it; once no kept set serves it, its keys go.
    await lifecycle.retireKind('lstm', composition);
    expect((await served()).kinds?.lstm).toBeUndefined();
    for (let i = 3; i <= 5; i++) await buildVersion(`svd-${1000 * i}-aa`, 1000 * i);
    expect(await keysOf('lstm-1500-aa')).toEqual([]);
  });

  it('reads the LSTM table in format 1 (lstm-v1, movies only) and 2 (lstm-v2, reads ratings), and refuses another format naming the ones it reads', async () => {
    await buildVersion('svd-1000-aa', 1000);
    const v1Shape = { numMovies: 3, embeddingDim: 2, hidden: 2 };
    const v2Shape = { ...v1Shape, ratingLevels: 11 };
    const movieIds = Int32Array.of(1, 2, 3);
    const publishLstm = async (ver: string, at: number, format: number, shape: Int32Array, floats: number) => {
      await writer.begin(ver, at);
      await writer.putTable(ver, 'lstm', packColumns({ format: Int32Array.of(format), shape, movieIds, weights: Float32Array.from({ length: floats }, (_, i) => i / 10) }));
      expect((await lifecycle.publishKind(await kindMeta(ver, 'lstm', at, 2), composition)).published).toBe(true);
      return (await served()).id;
    };
    const old = await publishLstm('lstm-1500-aa', 1500, 1, Int32Array.of(3, 2, 2), lstmLayout(v1Shape).size);
    expect((await store.lstm(old))?.shape).toEqual(v1Shape);
    const rated = await publishLstm('lstm-1600-aa', 1600, 2, Int32Array.of(3, 2, 2, 11), lstmLayout(v2Shape).size);
    const model = await store.lstm(rated);
    expect(model?.shape).toEqual(v2Shape);
    expect(model?.weights[5]).toBeCloseTo(0.5, 6);
    const future = await publishLstm('lstm-1700-aa', 1700, 3, Int32Array.of(3, 2, 2, 11, 1), lstmLayout(v2Shape).size);
    await expect(store.lstm(future)).rejects.toThrow(/unknown format 3 \(this code reads 1 = lstm-v1 and 2 = lstm-v2/);
  });

  it('rejects an LSTM user state whose byte length does not fit its hidden size', () => {
    const good = packLstmUserState(Float32Array.of(1, 2, 3), Int32Array.of(7));
    expect(good).toHaveLength(4 + 12 + 4);
    expect(() => unpackLstmUserState(good.subarray(0, 10))).toThrow(/malformed LSTM user state of 10 bytes/);
    expect(() => unpackLstmUserState(Buffer.alloc(2))).toThrow(/malformed/);
    expect(() => unpackLstmUserState(Buffer.alloc(8))).toThrow(/malformed/);
  });
});
