import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowProducer, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createLogger } from '@movielens/config';
import { bullPrefix, QueueName } from '@movielens/jobs';
import { KeySchema, ModelStore } from '@movielens/store';
import { modelKeysOf, openRebuildHarness, requestBuildWaitingForChildren, type RebuildHarness, seedDataset, startInProcessWorkers, waitFor } from '../test/fixtures';
import type { ComputeWorkers } from './compute-workers';
import type { ComputeDeps } from './compute.deps';
import { RebuildLock } from './rebuild-lock';
import { RebuildProgressReporter } from './rebuild-progress';
import { createRebuildShardProcessor } from './rebuild-shard.processor';
import type { RebuildResult } from './rebuild.processor';
import { ComputeThread } from './thread/compute-thread';
import type { ComputeTask, TaskProgress, TaskResult } from './thread/tasks';

// How a rebuild survives a publish that did not wait, a version deleted under running shard
// jobs, a lock that outlived its expiry, and bad shard payloads; real Redis and BullMQ workers.

let h: RebuildHarness;
let redis: Redis;
let connection: Redis;
let prefix: string;
let keys: KeySchema;
let models: ModelStore;
const closers: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  h = await openRebuildHarness('recovery');
  ({ redis, connection, prefix, keys, models } = h);
  await seedDataset(redis, keys, 'd1');
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await h.close();
});

async function workers(queues?: (typeof QueueName.rebuild | typeof QueueName.rebuildShard)[], options: { rebuildLockTtlMs?: number } = {}): Promise<ComputeWorkers> {
  const w = await startInProcessWorkers(redis, connection, prefix, queues, options);
  closers.push(() => w.close());
  return w;
}

/** BullMQ's key of a rebuild-queue list or set (`wait`, `waiting-children`, `marker`). */
const rebuildQueueKey = (name: string) => `${bullPrefix(prefix)}:${QueueName.rebuild}:${name}`;

/** The shard jobs of a build, as stored (waiting: no shard worker listens yet). */
async function shardJobsOf(ver: string) {
  const q = new Queue(QueueName.rebuildShard, { connection, prefix: bullPrefix(prefix) });
  closers.push(() => q.close());
  return (await q.getJobs(['wait', 'prioritized'])).filter((j) => j.data.modelVersion === ver);
}

describe('rebuild recovery', () => {
  it('a publish step retried while its shard jobs still run waits for them again, then publishes every row', async () => {
    await workers([QueueName.rebuild]);
    const { job, ver } = await requestBuildWaitingForChildren(h, { k: 4, parts: 3 });
    const before = (await h.queue.getJob(job.id!))!.attemptsStarted;
    // What a worker that died between saving the `children` step and moveToWaitingChildren leaves
    // once BullMQ's stall check has run: the job back in `wait`, its children still pending.
    await redis.zrem(rebuildQueueKey('waiting-children'), job.id!);
    await redis.lpush(rebuildQueueKey('wait'), job.id!);
    await redis.zadd(rebuildQueueKey('marker'), 0, '0');
    await waitFor(async () => {
      const j = (await h.queue.getJob(job.id!))!;
      return j.attemptsStarted > before && ['waiting-children', 'failed', 'completed'].includes(await j.getState());
    }, 'the rebuild job to be taken again');
    expect(await job.getState()).toBe('waiting-children');
    expect(await models.currentVersion()).toBeNull();

    await workers([QueueName.rebuildShard]);
    const result = (await job.waitUntilFinished(h.events, 60_000)) as RebuildResult;
    expect(result.modelVersion).toBe(ver);
    expect(await models.currentVersion()).toBe(ver);
    // Every movie (ids 3..180) and user (1..90) of the synthetic dataset has its row.
    for (let m = 3; m <= 180; m += 3) expect(await models.similar(ver, m)).not.toBeNull();
    for (let u = 1; u <= 90; u++) expect(await models.recommendations(ver, u)).not.toBeNull();
  });

  it('does not publish when a row job never returned (removed by hand), and deletes the version', async () => {
    await workers([QueueName.rebuild]);
    const { job, ver } = await requestBuildWaitingForChildren(h, { k: 4, parts: 3 });
    const removed = (await shardJobsOf(ver)).find((j) => j.data.table === 'similar' && j.data.part === 1)!;
    await removed.remove();
    await workers([QueueName.rebuildShard]);
    await expect(job.waitUntilFinished(h.events, 60_000)).rejects.toThrow(/1 shard jobs did not finish \(similar#1\)/);
    expect((await h.queue.getJob(job.id!))!.attemptsMade).toBe(1);
    expect(await models.currentVersion()).toBeNull();
    await waitFor(async () => (await modelKeysOf(redis, prefix, ver)).length === 0, 'the unpublished version to be deleted');
  });

  it('a shard job whose version is deleted while it computes deletes what it wrote afterwards', async () => {
    await workers([QueueName.rebuild]);
    const { job, ver } = await requestBuildWaitingForChildren(h, { k: 4, parts: 2 });
    // The deletion lands after the job's "still being built?" check and before its writes, as when
    // another shard job of the version fails for good meanwhile (compute-workers' failed handler).
    let deleted = false;
    class DeletingThread extends ComputeThread {
      override async run<T extends ComputeTask>(task: T, onProgress?: (p: TaskProgress) => void): Promise<TaskResult<T>> {
        if (!deleted) {
          deleted = true;
          await models.deleteVersion(ver);
        }
        return super.run(task, onProgress);
      }
    }
    const thread = new DeletingThread();
    const rebuildQueue = new Queue(QueueName.rebuild, { connection, prefix: bullPrefix(prefix) });
    const flow = new FlowProducer({ connection, prefix: bullPrefix(prefix) });
    const deps: ComputeDeps = {
      redis, keys, bullPrefix: bullPrefix(prefix), rebuildQueue, flow, thread,
      lock: new RebuildLock(redis, keys, rebuildQueue),
      progress: new RebuildProgressReporter(redis, keys, rebuildQueue),
      logger: createLogger('compute-test', 'silent'),
      building: { active: false },
      cores: 1,
    };
    const worker = new Worker(QueueName.rebuildShard, createRebuildShardProcessor(deps), { connection, prefix: bullPrefix(prefix) });
    closers.push(() => Promise.all([flow.close(), rebuildQueue.close(), thread.close()]), () => worker.close());
    const failures: string[] = [];
    worker.on('failed', (_job, err) => failures.push(err.message));

    await expect(job.waitUntilFinished(h.events, 60_000)).rejects.toThrow();
    // The first job (the analytics) wrote after the deletion, saw it, and deleted its writes.
    expect(failures[0]).toMatch(/was abandoned while this job wrote to it/);
    await waitFor(async () => (await modelKeysOf(redis, prefix, ver)).length === 0, `no key of ${ver} to remain`);
    expect(await models.isStaged(ver)).toBe(false);
  });

  it('renews the rebuild lock while a build outlives its expiry, and no later build sweeps that live build', async () => {
    const ttl = 300;
    await workers([QueueName.rebuild], { rebuildLockTtlMs: ttl });
    const first = await requestBuildWaitingForChildren(h, { k: 4, parts: 2 });
    await new Promise((r) => setTimeout(r, 4 * ttl));
    expect(await redis.get(keys.lock('rebuild'))).toBe(first.job.id);

    // The lock is lost anyway (its holder's process froze past the expiry): a second build starts
    // and sweeps abandoned versions, but the first build's job is alive, so its version stays.
    await redis.del(keys.lock('rebuild'));
    const second = await requestBuildWaitingForChildren(h, { k: 3, parts: 2 });
    expect(await models.isStaged(first.ver)).toBe(true);
    expect((await modelKeysOf(redis, prefix, first.ver)).length).toBeGreaterThan(0);

    await workers([QueueName.rebuildShard], { rebuildLockTtlMs: ttl });
    const results = (await Promise.all([first.job, second.job].map((j) => j.waitUntilFinished(h.events, 60_000)))) as RebuildResult[];
    expect(results.map((r) => r.modelVersion)).toEqual([first.ver, second.ver]);
    expect((await models.listVersions()).map((v) => v.id).sort()).toEqual([first.ver, second.ver].sort());
    for (const ver of [first.ver, second.ver]) expect(await models.similar(ver, 3)).not.toBeNull();
  });

  it('fails a shard job with a bad payload at once, naming the bad field', async () => {
    const w = await workers([QueueName.rebuildShard]);
    const q = new Queue(QueueName.rebuildShard, { connection, prefix: bullPrefix(prefix) });
    closers.push(() => q.close());
    const bad = await q.add('bad', { modelVersion: 'm1-x', table: 'similar', part: -1 }, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    await waitFor(async () => (await bad.getState()) === 'failed', 'the bad shard job to fail');
    const failed = (await q.getJob(bad.id!))!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/^invalid rebuild-shard payload: part: .*; rowStart: /);
    expect(w.shard?.isRunning()).toBe(true);
  });
});
