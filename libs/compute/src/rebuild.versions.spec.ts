import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueName, requestRebuild } from '@movielens/jobs';
import { KeySchema, ModelStore, ModelTable } from '@movielens/store';
import { modelKeysOf, openRebuildHarness, requestBuildWaitingForChildren, type RebuildHarness, seedDataset, startInProcessWorkers, syntheticDataset, waitFor } from '../test/fixtures';
import type { RebuildResult } from './rebuild.processor';
import type { ComputeWorkers } from './compute-workers';

let h: RebuildHarness;
let redis: Redis;
let connection: Redis;
let prefix: string;
let keys: KeySchema;
let models: ModelStore;
let queue: Queue;
let events: QueueEvents;
const started: ComputeWorkers[] = [];

beforeEach(async () => {
  h = await openRebuildHarness('versions');
  ({ redis, connection, prefix, keys, models, queue, events } = h);
  await seedDataset(redis, keys, 'd1');
});

afterEach(async () => {
  for (const w of started.splice(0)) await w.close();
  await h.close();
});

async function workers(queues?: (typeof QueueName.rebuild | typeof QueueName.rebuildShard)[]): Promise<ComputeWorkers> {
  const w = await startInProcessWorkers(redis, connection, prefix, queues);
  started.push(w);
  return w;
}

const rebuild = (params: Record<string, number | boolean>): Promise<RebuildResult> => h.rebuild(params);

/**
 * Publishes a first model, then starts a second build with only a rebuild worker: it stops
 * waiting for its child jobs (shards and analytics), which no worker takes yet.
 */
async function buildWaitingForChildren() {
  await workers();
  const good = (await rebuild({ k: 3, parts: 2 })).modelVersion;
  for (const w of started.splice(0)) await w.close();
  await workers([QueueName.rebuild]);
  return { good, ...(await requestBuildWaitingForChildren(h, { k: 4, parts: 2 })) };
}

/** Every key of a model version (all its slots). */
const keysOf = (ver: string): Promise<string[]> => modelKeysOf(redis, prefix, ver);

describe('model versions', () => {
  it('keeps the current and two previous versions, deletes every key of older ones, and rolls back', async () => {
    await workers();
    const built: string[] = [];
    for (const k of [2, 3, 4, 5]) built.push((await rebuild({ k, parts: 2, shards: 3 })).modelVersion);
    expect((await models.listVersions()).map((v) => v.id)).toEqual(built.slice(1));
    expect(await keysOf(built[0])).toEqual([]);
    expect(await models.meta(built[0])).toBeNull();

    await models.activate(built[1]);
    expect(await models.currentVersion()).toBe(built[1]);
    expect((await models.meta(built[1]))?.k).toBe(3);
    expect(await models.similar(built[1], 3)).not.toBeNull();
  });

  it('a rebuild that fails mid-way leaves the current model serving and deletes its partial keys', async () => {
    const { good, job, ver } = await buildWaitingForChildren();
    expect((await keysOf(ver)).length).toBeGreaterThan(0);
    expect(await models.currentVersion()).toBe(good);

    // The staged inputs vanish: every shard job fails all its attempts, which fails the build.
    await redis.del(keys.modelTable(ver, ModelTable.stagedFactors));
    await workers([QueueName.rebuildShard]);
    await expect(job.waitUntilFinished(events, 60_000)).rejects.toThrow();
    await waitFor(async () => (await keysOf(ver)).length === 0, 'the failed version to be deleted');
    expect(await models.currentVersion()).toBe(good);
    expect(await models.similar(good, 3)).not.toBeNull();

    // The lock of the failed build is stale: the next rebuild runs.
    const next = await rebuild({ k: 4, parts: 2 });
    expect(next.noop).toBe(false);
    expect(await models.currentVersion()).toBe(next.modelVersion);
  });

  it('a build whose analytics job fails is not published and leaves no keys', async () => {
    const { good, job, ver } = await buildWaitingForChildren();

    // The dataset's first ratings chunk vanishes: the analytics job (which reads the dataset) fails
    // all its attempts, while the row jobs (which read the staged factors) do not need it.
    await redis.del(keys.datasetRatingsChunk('d1', 0));
    await workers([QueueName.rebuildShard]);
    await expect(job.waitUntilFinished(events, 60_000)).rejects.toThrow();
    await waitFor(async () => (await keysOf(ver)).length === 0, 'the failed version to be deleted');
    expect(await models.currentVersion()).toBe(good);
  });

  it('sweeps the keys a dead build left behind at the next rebuild', async () => {
    await workers();
    await redis.hset(keys.modelStaging(), 'm1-dead', '1');
    await redis.sadd(keys.modelTable('m1-dead', 'manifest'), 'factors', 'similar/0');
    await redis.set(keys.modelTable('m1-dead', 'factors'), 'partial');
    await redis.hset(keys.modelShard('m1-dead', 'similar', 0), '3', 'partial');
    await rebuild({ k: 3, parts: 2 });
    expect(await keysOf('m1-dead')).toEqual([]);
    expect(await redis.hexists(keys.modelStaging(), 'm1-dead')).toBe(0);
  });

  it('a rebuild triggered by an ingest keeps the served model parameters; a CLI request starts from the defaults', async () => {
    await workers();
    const first = await rebuild({ k: 3, topK: 7, parts: 2, mf: false });
    // New data arrives: the ingest's rebuild has no parameters of its own.
    await seedDataset(redis, keys, 'd2', syntheticDataset({ users: 80, movies: 50, perUser: 20, seed: 11 }));
    const job = await requestRebuild(queue, { trigger: 'ingest', datasetVersion: 'd2' }, { debounceMs: 0 });
    const fromIngest = (await job.waitUntilFinished(events, 60_000)) as RebuildResult;
    expect(fromIngest.noop).toBe(false);
    expect(fromIngest.modelVersion).not.toBe(first.modelVersion);
    const meta = (await models.meta(fromIngest.modelVersion))!;
    expect(meta.datasetVersion).toBe('d2');
    expect(meta.params).toMatchObject({ k: 3, topK: 7, mf: false });

    // The same request again on the same data is a no-op (same recipe, same dataset) ...
    const again = await requestRebuild(queue, { trigger: 'ingest', datasetVersion: 'd2' }, { debounceMs: 0 });
    expect(((await again.waitUntilFinished(events, 60_000)) as RebuildResult).noop).toBe(true);
    // ... while an explicit request with no parameters builds with the defaults.
    const fromCli = await rebuild({ parts: 2, mf: false });
    expect((await models.meta(fromCli.modelVersion))!.params).toMatchObject({ k: 50, topK: 50 });
  });

  it('two rebuilds requested at once produce exactly one new version', async () => {
    await workers();
    await workers();
    const jobs = await Promise.all([1, 2].map(() => requestRebuild(queue, { trigger: 'api', params: { k: 3, parts: 2 } }, { debounceMs: 0 })));
    const results = (await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 60_000)))) as RebuildResult[];
    expect(results.filter((r) => !r.noop)).toHaveLength(1);
    expect(results[0].modelVersion).toBe(results[1].modelVersion);
    expect((await models.listVersions()).map((v) => v.id)).toEqual([results[0].modelVersion]);
    expect(await redis.hlen(keys.modelStaging())).toBe(0);
  });
});
