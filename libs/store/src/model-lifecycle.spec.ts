import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { testRedisClient } from '@movielens/test-support';
import type { KeySchema } from './keys';
import { openModelStores, type ModelStores } from './model.fixtures';
import { ModelLifecycle, type SetComposition } from './model-lifecycle';
import type { KindMeta } from './model.meta';
import type { ModelStore } from './model.store';
import type { ModelWriter } from './model-writer';
import { packColumns } from './model-codec';

/**
 * The consistency rules of per-kind publishing (model-lifecycle.ts, docs/ARCHITECTURE.md), on a
 * real Redis: sets are immutable, a kind never goes back to older data by itself, required kinds
 * gate the first set, kinds finishing together both land, and per-kind rollback.
 */

let ctx: ModelStores;
let redis: Redis;
let prefix: string;
let keys: KeySchema;
let store: ModelStore;
let writer: ModelWriter;
let lifecycle: ModelLifecycle;

beforeEach(() => {
  ctx = openModelStores('lifecycle');
  ({ redis, prefix, keys, store, writer, lifecycle } = ctx);
});
afterEach(() => ctx.close());

const composition: SetComposition = {
  kinds: ['svd', 'analytics', 'mf'],
  required: ['svd', 'analytics'],
  compose: (kinds) => ({ datasetVersion: kinds.svd.datasetVersion, singularValues: [], explainedVariance: 0, counts: { users: 0, movies: 0, ratings: 0 }, shards: 1, k: 0, analytics: [] }),
};

let clock = 1000;
/** Trains (writes one table) and records a kind version built from dataset `d<datasetAt>`. */
async function trained(kind: string, datasetAt: number): Promise<KindMeta> {
  const id = `${kind}-${++clock}-ab`;
  await writer.begin(id, clock, `job-${id}`);
  await writer.putTable(id, kind, packColumns({ x: Int32Array.of(datasetAt) }));
  const meta: KindMeta = { id, kind, datasetVersion: `d${datasetAt}`, datasetCreatedAt: datasetAt, params: { [kind]: true }, timings: { [kind]: 1 }, shards: 1, tables: await writer.collectStamps(id), info: {}, host: 'h', createdAt: clock };
  await writer.writeKindMeta(meta);
  return meta;
}

async function servedKinds(): Promise<Record<string, string>> {
  const meta = await store.meta((await store.currentVersion())!);
  return Object.fromEntries(Object.entries(meta!.kinds!).map(([k, ref]) => [k, ref.version]));
}

describe('ModelLifecycle', () => {
  it('serves nothing until every required kind is ready, then one set with everything ready so far', async () => {
    const mf = await trained('mf', 1);
    expect(await lifecycle.publishKind(mf, composition)).toEqual({ published: false, waiting: true, missing: ['svd', 'analytics'] });
    const svd = await trained('svd', 1);
    expect(await lifecycle.publishKind(svd, composition)).toEqual({ published: false, waiting: true, missing: ['analytics'] });
    expect(await store.currentVersion()).toBeNull();
    const analytics = await trained('analytics', 1);
    const outcome = await lifecycle.publishKind(analytics, composition);
    expect(outcome.published).toBe(true);
    expect(await servedKinds()).toEqual({ svd: svd.id, analytics: analytics.id, mf: mf.id });
    expect(await lifecycle.isStaged(mf.id)).toBe(false);
  });

  it('publishes each kind on its own, never rewriting a published set', async () => {
    await lifecycle.publishKind(await trained('svd', 1), composition);
    await lifecycle.publishKind(await trained('analytics', 1), composition);
    const first = (await store.currentVersion())!;
    const firstMeta = await redis.get(keys.modelMeta(first));
    const svd2 = await trained('svd', 2);
    await lifecycle.publishKind(svd2, composition);
    const second = (await store.currentVersion())!;
    expect(second).not.toBe(first);
    expect(await redis.get(keys.modelMeta(first))).toBe(firstMeta);
    const meta = (await store.meta(second))!;
    expect(meta.kinds!.svd).toMatchObject({ version: svd2.id, datasetVersion: 'd2' });
    expect(meta.kinds!.analytics.datasetVersion).toBe('d1'); // still from the older data until its own build lands
    expect(meta.datasetVersion).toBe('d2');
  });

  it('never lets a kind built from older data replace one built from newer data, and deletes it', async () => {
    await lifecycle.publishKind(await trained('svd', 5), composition);
    await lifecycle.publishKind(await trained('analytics', 5), composition);
    const before = await servedKinds();
    const late = await trained('svd', 3);
    const outcome = await lifecycle.publishKind(late, composition);
    expect(outcome).toEqual({ published: false, waiting: false, stale: true, servedVersion: before.svd });
    expect(await servedKinds()).toEqual(before);
    expect((await redis.keys(`${prefix}:*`)).filter((k) => k.includes(late.id))).toEqual([]);
  });

  it('lands two kinds that finish at the same moment in one served set or two, losing neither', async () => {
    await lifecycle.publishKind(await trained('svd', 1), composition);
    await lifecycle.publishKind(await trained('analytics', 1), composition);
    const [svd, mf] = await Promise.all([trained('svd', 2), trained('mf', 2)]);
    const other = testRedisClient(); // a second process
    await Promise.all([lifecycle.publishKind(svd, composition), new ModelLifecycle(other, keys).publishKind(mf, composition)]);
    await other.quit();
    expect(await servedKinds()).toMatchObject({ svd: svd.id, mf: mf.id });
  });

  it('rolls one kind back to an earlier version while the others stay, and refuses versions that are not listed', async () => {
    const svd1 = await trained('svd', 1);
    await lifecycle.publishKind(svd1, composition);
    const analytics = await trained('analytics', 1);
    await lifecycle.publishKind(analytics, composition);
    const mf1 = await trained('mf', 1);
    await lifecycle.publishKind(mf1, composition);
    const svd2 = await trained('svd', 2);
    await lifecycle.publishKind(svd2, composition);
    const mf2 = await trained('mf', 2);
    await lifecycle.publishKind(mf2, composition);
    await lifecycle.activateKind('mf', mf1.id, composition);
    expect(await servedKinds()).toEqual({ svd: svd2.id, analytics: analytics.id, mf: mf1.id });
    // The rollback survives the next publish of another kind.
    await lifecycle.publishKind(await trained('analytics', 2), composition);
    expect((await servedKinds()).mf).toBe(mf1.id);
    await expect(lifecycle.activateKind('mf', svd1.id, composition)).rejects.toThrow(/not a listed version of kind mf/);
    await expect(lifecycle.activateKind('mf', 'mf-1-00', composition)).rejects.toThrow(/not a listed version/);
    expect((await lifecycle.kindVersions('mf')).find((v) => v.served)?.id).toBe(mf1.id);
  });
});
