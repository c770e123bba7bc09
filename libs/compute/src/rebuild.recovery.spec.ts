import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowProducer, Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createLogger } from '@movielens/config';
import { bullPrefix, QueueName, ShardJobName } from '@movielens/jobs';
import { KeySchema, ModelLifecycle, ModelStore } from '@movielens/store';
import { gatedRegistry, modelKeysOf, openRebuildHarness, requestBuildWaitingForRows, type RebuildHarness, seedDataset, startInProcessWorkers, waitFor } from '../test/fixtures';
import type { ComputeWorkers, ComputeWorkersOptions } from './compute-workers';
import type { ComputeDeps } from './compute.deps';
import { KindLocks } from './kind-lock';
import { defaultKinds } from './kinds/registry';
import { createRowsProcessor } from './processors/rows.processor';
import type { RebuildResult } from './processors/rebuild.processor';
import { RebuildProgressReporter } from './rebuild-progress';
import { ComputeThread } from './thread/compute-thread';
import type { ComputeTask, TaskProgress, TaskResult } from './thread/tasks';

// How a kind build survives a finish that did not wait, a version deleted under running row
// jobs, a lock that outlived its expiry, and bad payloads; real Redis and BullMQ workers. The
// svd row jobs wait at a gate (`gatedRegistry`), so a build can be held while it waits for them.

let h: RebuildHarness;
let redis: Redis;
let connection: Redis;
let prefix: string;
let keys: KeySchema;
let models: ModelStore;
let lifecycle: ModelLifecycle;
const closers: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  h = await openRebuildHarness('recovery');
  ({ redis, connection, prefix, keys, models } = h);
  lifecycle = new ModelLifecycle(redis, keys);
  await seedDataset(redis, keys, 'd1');
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await h.close();
});

async function workers(options: Partial<ComputeWorkersOptions> = {}): Promise<ComputeWorkers> {
  const w = await startInProcessWorkers(redis, connection, prefix, undefined, options);
  closers.push(() => w.close());
  return w;
}

/** BullMQ's key of a rebuild-shard-queue list or set (`wait`, `waiting-children`, `marker`). */
const shardQueueKey = (name: string) => `${bullPrefix(prefix)}:${QueueName.rebuildShard}:${name}`;

/** The row jobs of a kind version still waiting for a worker. */
async function waitingRowJobsOf(ver: string): Promise<Job[]> {
  const q = new Queue(QueueName.rebuildShard, { connection, prefix: bullPrefix(prefix) });
  closers.push(() => q.close());
  return (await q.getJobs(['wait', 'prioritized'])).filter((j) => j.name === ShardJobName.rows && j.data.modelVersion === ver);
}

describe('kind build recovery', () => {
  it('a finish step retried while its row jobs still run waits for them again, then publishes every row', async () => {
    const gate = gatedRegistry();
    // Enough slots for the gated row jobs (4) and the kind job taken again.
    await workers({ registry: gate.registry, shardConcurrency: 6 });
    const { job, kindJob, ver } = await requestBuildWaitingForRows(h, { k: 4, parts: 2, mf: false });
    const before = kindJob.attemptsStarted;
    // What a worker that died between saving the `rows` step and moveToWaitingChildren leaves once
    // BullMQ's stall check has run: the job back in `wait`, its children still pending.
    await redis.zrem(shardQueueKey('waiting-children'), kindJob.id!);
    await redis.lpush(shardQueueKey('wait'), kindJob.id!);
    await redis.zadd(shardQueueKey('marker'), 0, '0');
    const shardQueue = new Queue(QueueName.rebuildShard, { connection, prefix: bullPrefix(prefix) });
    closers.push(() => shardQueue.close());
    await waitFor(async () => {
      const j = (await Job.fromId(shardQueue, kindJob.id!))!;
      return j.attemptsStarted > before && (await j.getState()) === 'waiting-children';
    }, 'the kind job to be taken again and wait for its rows');
    expect(await models.currentVersion()).toBeNull();

    gate.open();
    const result = (await job.waitUntilFinished(h.events, 60_000)) as RebuildResult;
    expect(result.kinds.svd).toMatchObject({ version: ver, outcome: 'published' });
    const set = result.modelVersion!;
    // Every movie (ids 3..180) and user (1..90) of the synthetic dataset has its row.
    for (let m = 3; m <= 180; m += 3) expect(await models.similar(set, m)).not.toBeNull();
    for (let u = 1; u <= 90; u++) expect(await models.recommendations(set, u)).not.toBeNull();
  });

  it('adds again a row job that never returned (removed by hand, as a failover can lose one) and publishes every row', async () => {
    const gate = gatedRegistry();
    await workers({ registry: gate.registry });
    const { job, ver } = await requestBuildWaitingForRows(h, { k: 4, parts: 3, mf: false });
    await waitFor(async () => gate.rowsStarted() > 0, 'a row job to start');
    const removed = (await waitingRowJobsOf(ver)).find((j) => j.data.table === 'similar' && j.data.part === 2)!;
    await removed.remove();
    gate.open();
    const result = (await job.waitUntilFinished(h.events, 60_000)) as RebuildResult;
    // Published, or ready and joining the first set once analytics (queued behind the rows) is.
    expect(result.kinds.svd).toMatchObject({ version: ver, outcome: expect.stringMatching(/^(published|waiting)$/) });
    const set = (await models.currentVersion())!;
    expect((await models.meta(set))!.kinds!.svd.version).toBe(ver);
    const stamps = await redis.hkeys(keys.modelTable(ver, 'stamps'));
    expect(stamps.filter((s) => s.startsWith('similar#')).sort()).toEqual(['similar#0', 'similar#1', 'similar#2']);
    for (let m = 3; m <= 180; m += 3) expect(await models.similar(set, m)).not.toBeNull();
  });

  it('fails a kind whose row jobs keep failing, names the rows, deletes its version and keeps serving', async () => {
    const gate = gatedRegistry();
    await workers({ registry: gate.registry });
    const { job, ver } = await requestBuildWaitingForRows(h, { k: 4, parts: 2, mf: false });
    // The staged inputs vanish: every row job of the version fails, round after round.
    await redis.del(keys.modelTable(ver, 'staging:factors'));
    gate.open();
    await expect(job.waitUntilFinished(h.events, 120_000)).rejects.toThrow(/kinds svd failed .*row jobs did not finish after 2 more rounds/);
    await waitFor(async () => (await modelKeysOf(redis, prefix, ver)).length === 0, 'the failed version to be deleted');
  });

  it('a row job whose version is deleted while it computes deletes what it wrote afterwards', async () => {
    const gate = gatedRegistry();
    const w = await workers({ registry: gate.registry });
    const { ver } = await requestBuildWaitingForRows(h, { k: 4, parts: 2, mf: false });
    // Stop the gated workers (their row jobs go back to wait) and run the rows with a thread that
    // deletes the version after the job's "still being built?" check and before its writes.
    gate.open();
    await w.close();
    let deleted = false;
    class DeletingThread extends ComputeThread {
      override async run<T extends ComputeTask>(task: T, onProgress?: (p: TaskProgress) => void): Promise<TaskResult<T>> {
        if (!deleted) {
          deleted = true;
          await lifecycle.deleteVersion(ver);
        }
        return super.run(task, onProgress);
      }
    }
    const thread = new DeletingThread();
    const rebuildQueue = new Queue(QueueName.rebuild, { connection, prefix: bullPrefix(prefix) });
    const shardQueue = new Queue(QueueName.rebuildShard, { connection, prefix: bullPrefix(prefix) });
    const flow = new FlowProducer({ connection, prefix: bullPrefix(prefix) });
    const deps: ComputeDeps = {
      redis, keys, bullPrefix: bullPrefix(prefix), registry: defaultKinds, rebuildQueue, flow, thread,
      locks: new KindLocks(redis, keys, shardQueue),
      progress: new RebuildProgressReporter(redis, keys, rebuildQueue, defaultKinds),
      logger: createLogger('compute-test', 'silent'),
      cores: 1,
    };
    const rows = createRowsProcessor(deps);
    const worker = new Worker(QueueName.rebuildShard, async (job) => (job.name === ShardJobName.rows ? rows(job) : new Promise(() => undefined)), { connection, prefix: bullPrefix(prefix) });
    closers.push(() => Promise.all([flow.close(), rebuildQueue.close(), shardQueue.close(), thread.close()]), () => worker.close(true));
    const failures: string[] = [];
    worker.on('failed', (_job, err) => failures.push(err.message));
    await waitFor(async () => failures.length > 0, 'a row job to fail');
    expect(failures[0]).toMatch(/was abandoned while this job wrote to it|is no longer being built/);
    await waitFor(async () => (await modelKeysOf(redis, prefix, ver)).length === 0, `no key of ${ver} to remain`);
    expect(await lifecycle.isStaged(ver)).toBe(false);
  });

  it('renews the kind lock while a build outlives its expiry, and takes it back after a pause that let it expire', async () => {
    // Long enough that a loaded machine's event loop still beats three times per expiry.
    const ttl = 1500;
    const gate = gatedRegistry();
    await workers({ registry: gate.registry, rebuildLockTtlMs: ttl, shardConcurrency: 4 });
    const first = await requestBuildWaitingForRows(h, { k: 4, parts: 1, mf: false });
    await new Promise((r) => setTimeout(r, 3 * ttl));
    expect(await redis.get(keys.kindLock('svd'))).toBe(first.kindJob.id);
    // The lock expires while its holder's process is paused: the holder's next beat takes it back
    // (nobody else took it), so a later svd build cannot start beside the live one.
    await redis.del(keys.kindLock('svd'));
    await waitFor(async () => (await redis.get(keys.kindLock('svd'))) === first.kindJob.id, 'the live build to take its lock back', 5 * ttl);
    gate.open();
    await first.job.waitUntilFinished(h.events, 60_000);
    expect(await redis.exists(keys.kindLock('svd'))).toBe(0);
  });

  it('no build of another kind sweeps the staged version of a live build', async () => {
    const gate = gatedRegistry();
    await workers({ registry: gate.registry, shardConcurrency: 4 });
    const first = await requestBuildWaitingForRows(h, { k: 4, parts: 1, mf: false });
    // An mf build on its own (a kind job with no rebuild around it: one of a rebuild that also
    // plans svd would wait for svd's build, see kind-lifecycle.spec); it sweeps abandoned
    // builds before training.
    const q = new Queue(QueueName.rebuildShard, { connection, prefix: bullPrefix(prefix) });
    closers.push(() => q.close());
    const mf = await q.add(ShardJobName.kind, { kind: 'mf', params: { k: 4, parts: 1, mfSamples: 2 }, datasetVersion: 'd1', planned: ['mf'] });
    await waitFor(async () => (await lifecycle.kindVersions('mf')).length === 1, 'the mf kind to be ready');
    expect(await lifecycle.isStaged(first.ver)).toBe(true);
    expect((await modelKeysOf(redis, prefix, first.ver)).length).toBeGreaterThan(0);
    gate.open();
    const result = (await first.job.waitUntilFinished(h.events, 60_000)) as RebuildResult;
    expect(result.kinds.svd).toMatchObject({ version: first.ver, outcome: 'published' });
    expect(await models.similar((await models.currentVersion())!, 3)).not.toBeNull();
    await waitFor(async () => (await mf.getState()) === 'completed', 'the mf kind job to complete');
    expect((await models.meta((await models.currentVersion())!))?.kinds?.mf).toBeDefined();
  });

  it('fails kind and row jobs with a bad payload at once, naming the bad field', async () => {
    const w = await workers();
    const q = new Queue(QueueName.rebuildShard, { connection, prefix: bullPrefix(prefix) });
    closers.push(() => q.close());
    const badRows = await q.add(ShardJobName.rows, { kind: 'svd', modelVersion: 'svd-1-x', table: 'similar', part: -1 }, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    const badKind = await q.add(ShardJobName.kind, { kind: 'nope', params: {}, datasetVersion: 'd1' }, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    await waitFor(async () => (await badRows.getState()) === 'failed' && (await badKind.getState()) === 'failed', 'the bad jobs to fail');
    const failedRows = (await q.getJob(badRows.id!))!;
    expect(failedRows.attemptsMade).toBe(1);
    expect(failedRows.failedReason).toMatch(/^invalid rows job: part: .*; rowStart: /);
    const failedKind = (await q.getJob(badKind.id!))!;
    expect(failedKind.attemptsMade).toBe(1);
    expect(failedKind.failedReason).toMatch(/unknown model kind nope \(registered: svd, analytics, .*\)/);
    expect(w.shard?.isRunning()).toBe(true);
  });
});
