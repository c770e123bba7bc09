import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Job, type Queue, type QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { InputError } from '@movielens/core';
import { requestRebuild, type KindJobResult } from '@movielens/jobs';
import { KeySchema, ModelLifecycle, ModelStore, ModelTable } from '@movielens/store';
import { gatedRegistry, modelKeysOf, openRebuildHarness, requestBuildWaitingForRows, type RebuildHarness, seedDataset, startInProcessWorkers, syntheticDataset, waitFor } from '../test/fixtures';
import type { ComputeWorkers, ComputeWorkersOptions } from './compute-workers';
import { DEFAULT_KINDS, KindRegistry } from './kinds/registry';
import type { ModelKind } from './kinds/model-kind';
import type { RebuildResult } from './processors/rebuild.processor';

// Set versions and kind versions through real rebuilds: pruning, whole-set and per-kind rollback,
// a failing kind, sweeping, inherited parameters and concurrent requests; real Redis and BullMQ.

let h: RebuildHarness;
let redis: Redis;
let connection: Redis;
let prefix: string;
let keys: KeySchema;
let models: ModelStore;
let lifecycle: ModelLifecycle;
let queue: Queue;
let events: QueueEvents;
const started: ComputeWorkers[] = [];

beforeEach(async () => {
  h = await openRebuildHarness('versions');
  ({ redis, connection, prefix, keys, models, queue, events } = h);
  lifecycle = new ModelLifecycle(redis, keys);
  await seedDataset(redis, keys, 'd1');
});

afterEach(async () => {
  for (const w of started.splice(0)) await w.close();
  await h.close();
});

async function workers(options: Partial<ComputeWorkersOptions> = {}): Promise<ComputeWorkers> {
  const w = await startInProcessWorkers(redis, connection, prefix, undefined, options);
  started.push(w);
  return w;
}

const rebuild = async (params: Record<string, number | boolean>): Promise<RebuildResult & { modelVersion: string }> => (await h.rebuild(params)) as RebuildResult & { modelVersion: string };

/** Every key of a model version (all its slots). */
const keysOf = (ver: string): Promise<string[]> => modelKeysOf(redis, prefix, ver);

describe('model versions', () => {
  it('keeps the served set and two previous ones, deletes every key of kind versions no kept set serves, and rolls back', async () => {
    await workers();
    const built: RebuildResult[] = [];
    for (const k of [2, 3, 4, 5]) built.push(await rebuild({ k, parts: 2, shards: 3, mf: false }));
    const sets = (await models.listVersions()).map((v) => v.id);
    expect(sets).toHaveLength(3);
    expect(sets.at(-1)).toBe(built[3].modelVersion);
    // The first svd version is served by no kept set: every key is gone.
    const firstSvd = built[0].kinds.svd.version;
    expect(await keysOf(firstSvd)).toEqual([]);
    expect(await models.meta(built[0].modelVersion!)).toBeNull();

    await lifecycle.activate(built[2].modelVersion!);
    expect(await models.currentVersion()).toBe(built[2].modelVersion);
    expect((await models.meta(built[2].modelVersion!))?.k).toBe(4);
    expect(await models.similar(built[2].modelVersion!, 3)).not.toBeNull();
  });

  it('rolls one kind back (mf) while the others stay, through the registry composition', async () => {
    await workers();
    // Without model selection: its follow-up (tuned parameters) would retrain other kinds meanwhile.
    const first = await rebuild({ k: 3, parts: 2, mfSamples: 2, selection: false });
    const second = await rebuild({ k: 3, parts: 2, mfSamples: 3, selection: false });
    // Only mf changed: svd and analytics were up to date and not rebuilt.
    expect(Object.keys(second.kinds)).toEqual(['mf']);
    const served = (await models.meta(second.modelVersion))!;
    expect(served.kinds!.svd.version).toBe(first.kinds.svd.version);
    const rolled = await lifecycle.activateKind('mf', first.kinds.mf.version, new KindRegistry().composition());
    expect(rolled.kinds!.mf.version).toBe(first.kinds.mf.version);
    expect(rolled.kinds!.svd.version).toBe(first.kinds.svd.version);
    expect((await models.mf(rolled.id))!.factors).toBe(10 * 2);
  });

  it('a kind that fails leaves the served set serving, deletes its partial keys, and names it in the failed rebuild', async () => {
    // A test kind that writes a table, then fails on bad input.
    const boom: ModelKind = {
      name: 'boom',
      summary: 'fails after writing',
      params: (await import('zod')).z.object({}),
      required: false,
      dependsOn: [],
      stages: ['boom'],
      tables: ['boom'],
      async train(ctx) {
        await ctx.writer.putTable(ctx.version, 'boom', 'partial');
        throw new InputError('boom: the data cannot be used');
      },
    };
    await workers({ registry: new KindRegistry([...DEFAULT_KINDS, boom]) });
    const job = await requestRebuild(queue, { trigger: 'cli', params: { k: 3, parts: 2, mf: false } }, { debounceMs: 0 });
    await expect(job.waitUntilFinished(events, 60_000)).rejects.toThrow(/kinds boom failed/);
    const served = (await models.meta((await models.currentVersion())!))!;
    expect(Object.keys(served.kinds!).sort()).toEqual(['analytics', 'ease', 'ials', 'rp3beta', 'selection', 'similarusers', 'svd']);
    expect(await models.similar(served.id, 3)).not.toBeNull();
    await waitFor(async () => (await redis.keys(`${prefix}:{m:boom-*`)).length === 0, 'the failed kind version to be deleted');
    expect(await redis.hlen(keys.modelStaging())).toBe(0);
  });

  it('sweeps the keys a dead build left behind at the next kind build', async () => {
    await workers();
    await redis.hset(keys.modelStaging(), 'svd-1-dead', JSON.stringify({ owner: 'gone-job', startedAt: 1 }));
    await redis.sadd(keys.modelTable('svd-1-dead', 'manifest'), 'factors', 'similar/0');
    await redis.set(keys.modelTable('svd-1-dead', 'factors'), 'partial');
    await redis.hset(keys.modelShard('svd-1-dead', 'similar', 0), '3', 'partial');
    await rebuild({ k: 3, parts: 2, mf: false });
    expect(await keysOf('svd-1-dead')).toEqual([]);
    expect(await redis.hexists(keys.modelStaging(), 'svd-1-dead')).toBe(0);
  });

  it('a rebuild triggered by an ingest keeps the served parameters; a CLI request starts from the defaults', async () => {
    await workers();
    // Without model selection (inherited too): its follow-up would retrain kinds between the two ingests.
    const first = await rebuild({ k: 3, topK: 7, parts: 2, mf: false, selection: false });
    // New data arrives: the ingest's rebuild has no parameters of its own.
    await seedDataset(redis, keys, 'd2', syntheticDataset({ users: 80, movies: 50, perUser: 20, seed: 11 }));
    const job = await requestRebuild(queue, { trigger: 'ingest', datasetVersion: 'd2' }, { debounceMs: 0 });
    const fromIngest = (await job.waitUntilFinished(events, 60_000)) as RebuildResult & { modelVersion: string };
    expect(fromIngest.noop).toBe(false);
    expect(fromIngest.modelVersion).not.toBe(first.modelVersion);
    const meta = (await models.meta(fromIngest.modelVersion))!;
    expect(meta.datasetVersion).toBe('d2');
    expect(meta.params).toMatchObject({ k: 3, topK: 7 });
    expect(meta.kinds!.mf).toBeUndefined();

    // The same request again on the same data is a no-op (same recipe, same dataset) ...
    const again = await requestRebuild(queue, { trigger: 'ingest', datasetVersion: 'd2' }, { debounceMs: 0 });
    expect(((await again.waitUntilFinished(events, 60_000)) as RebuildResult).noop).toBe(true);
    // ... while an explicit request with no parameters builds with the defaults.
    const fromCli = await rebuild({ parts: 2, mf: false });
    expect((await models.meta(fromCli.modelVersion))!.params).toMatchObject({ k: 50, topK: 50 });
  });

  it('two rebuilds requested at once train each kind once: the second finds it up to date', async () => {
    await workers();
    await workers();
    const jobs = await Promise.all([1, 2].map(() => requestRebuild(queue, { trigger: 'api', params: { k: 3, parts: 2, mf: false } }, { debounceMs: 0 })));
    const results = (await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 60_000)))) as RebuildResult[];
    const svdOutcomes = results.map((r) => r.kinds.svd?.outcome ?? 'not planned').sort();
    // Either the second plan saw the first's svd already served (not planned), or its kind job waited for the lock and found it current.
    // Built once: published, or ready and waiting for the first analytics to make the first set.
    expect(svdOutcomes.filter((o) => o === 'published' || o === 'waiting')).toHaveLength(1);
    expect((await lifecycle.kindVersions('svd')).map((v) => v.id)).toHaveLength(1);
    expect(await redis.hlen(keys.modelStaging())).toBe(0);
    expect(await redis.exists(keys.kindLock('svd'))).toBe(0);
  });

  it('a second build of a kind that is ready and waiting for the first set finds it up to date instead of training it again', async () => {
    const gate = gatedRegistry();
    // Enough slots for the gated row jobs (4) and the second rebuild's kind jobs.
    await workers({ registry: gate.registry, shardConcurrency: 6 });
    const params = { k: 3, parts: 2, mf: false };
    // The first build's svd waits at its row jobs, so no set can be served: its analytics finishes and waits, ready.
    const first = await requestBuildWaitingForRows(h, params);
    await waitFor(async () => (await lifecycle.kindVersions('analytics')).length === 1, 'the first analytics to be ready');
    const [analytics] = await lifecycle.kindVersions('analytics');
    expect(await models.currentVersion()).toBeNull();
    const second = await requestRebuild(queue, { trigger: 'api', params }, { debounceMs: 0 });
    // Kind jobs are removed once complete: their results stay with their rebuild.
    const secondEnded = async (kind: string) => Object.values(await (await Job.fromId(queue, second.id!))!.getChildrenValues<KindJobResult>()).some((r) => r.kind === kind);
    await waitFor(() => secondEnded('analytics'), 'the second analytics kind job to end').finally(() => gate.open());
    const results = (await Promise.all([first.job, second].map((j) => j.waitUntilFinished(events, 60_000)))) as RebuildResult[];
    expect(results[0].kinds.analytics).toMatchObject({ version: analytics.id, outcome: 'waiting' });
    expect(results[1].kinds.analytics).toMatchObject({ version: analytics.id, outcome: 'current' });
    expect(results[1].kinds.svd).toMatchObject({ version: first.ver, outcome: 'current' });
    expect((await lifecycle.kindVersions('analytics')).map((v) => v.id)).toEqual([analytics.id]);
    const served = (await models.meta((await models.currentVersion())!))!;
    expect(served.kinds).toMatchObject({ svd: { version: first.ver }, analytics: { version: analytics.id } });
  });

  it('stores each kind under its own version and the set reads every table where its kind wrote it', async () => {
    await workers();
    const r = await rebuild({ k: 3, parts: 2, mfSamples: 2 });
    const meta = (await models.meta(r.modelVersion))!;
    for (const [table, kind] of [[ModelTable.similar, 'svd'], [ModelTable.movieStats, 'analytics'], [ModelTable.mf, 'mf']] as const) {
      expect(meta.tableHomes![table].version).toBe(meta.kinds![kind].version);
      expect(meta.tableHomes![table].version.startsWith(`${kind}-`)).toBe(true);
    }
    expect(await redis.exists(keys.modelTable(r.modelVersion, ModelTable.factors))).toBe(0);
    expect((await models.factors(r.modelVersion)).k).toBe(3);
  });
});

