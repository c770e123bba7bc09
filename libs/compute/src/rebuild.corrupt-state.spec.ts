import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { bullPrefix, QueueName } from '@movielens/jobs';
import { ModelTable, packColumns } from '@movielens/store';
import { gatedRegistry, kindJobsOf, modelKeysOf, openRebuildHarness, requestBuildWaitingForRows, type RebuildHarness, seedDataset, startInProcessWorkers, waitFor } from '../test/fixtures';
import type { ComputeWorkers } from './compute-workers';

// The rebuild reads its kind jobs' results, and a kind job its row jobs' results, back from Redis
// (BullMQ's `<job>:processed` hash, one JSON value per child key), and a retried kind finish its
// own trained state (the job's `data`). A value of another shape, written here with a raw HSET while the svd rows wait at their gate, fails the reader at once,
// naming the job and the child, instead of a TypeError later or a summary built from garbage.

let h: RebuildHarness;
let workers: ComputeWorkers;
let gate: ReturnType<typeof gatedRegistry>;

beforeEach(async () => {
  h = await openRebuildHarness('corrupt-state');
  await seedDataset(h.redis, h.keys, 'd1');
  gate = gatedRegistry();
  workers = await startInProcessWorkers(h.redis, h.connection, h.prefix, undefined, { registry: gate.registry });
});

afterEach(async () => {
  gate.open();
  await workers.close();
  await h.close();
});

/** BullMQ's hash of the results a job's children returned. */
const processedKey = (queue: string, id: string) => `${bullPrefix(h.prefix)}:${queue}:${id}:processed`;
/** The key BullMQ gives a child job of the shard queue (how the processed hash names it). */
const shardJobKey = (id: string) => `${bullPrefix(h.prefix)}:${QueueName.rebuildShard}:${id}`;

describe('job results and state read back from Redis', () => {
  it('a kind job fails naming its row job whose stored result is corrupt, deletes its version, and the rebuild names the kind', async () => {
    const { job, kindJob, ver } = await requestBuildWaitingForRows(h, { k: 4, parts: 2, mf: false });
    const bogus = shardJobKey('bogus-row');
    await h.redis.hset(processedKey(QueueName.rebuildShard, kindJob.id!), bogus, JSON.stringify({ modelVersion: ver, table: 'similar', part: 'one' }));
    gate.open();
    await expect(job.waitUntilFinished(h.events, 60_000)).rejects.toThrow(`kinds svd failed (kind job ${kindJob.id}: child ${bogus}: its result is not of the expected shape (part: `);
    // Permanent (JobResultError): failed on its first attempt of 3, without adding the rows again.
    expect((await kindJobsOf(h.connection, h.prefix, 'svd')).find((j) => j.id === kindJob.id)!.attemptsMade).toBe(1);
    await waitFor(async () => (await modelKeysOf(h.redis, h.prefix, ver)).length === 0, 'the failed version to be deleted');
    expect(await h.models.currentVersion()).toBeNull();
  });

  it('a kind job whose stored trained state is corrupt fails naming it when its finish is retried, and the rebuild names the kind', async () => {
    const { job, kindJob, ver } = await requestBuildWaitingForRows(h, { k: 4, parts: 2, mf: false });
    const jobKey = shardJobKey(kindJob.id!);
    const data = JSON.parse((await h.redis.hget(jobKey, 'data'))!) as { trained: Record<string, unknown> };
    await h.redis.hset(jobKey, 'data', JSON.stringify({ ...data, trained: { ...data.trained, expected: { similar: 'two' } } }));
    // What a worker that died while the job waited for its rows leaves once BullMQ's stall check
    // has run (as in rebuild.recovery.spec.ts): the job back in `wait`, its finish to be retried.
    const shardKey = (name: string) => `${bullPrefix(h.prefix)}:${QueueName.rebuildShard}:${name}`;
    await h.redis.zrem(shardKey('waiting-children'), kindJob.id!);
    await h.redis.lpush(shardKey('wait'), kindJob.id!);
    await h.redis.zadd(shardKey('marker'), 0, '0');
    gate.open();
    await expect(job.waitUntilFinished(h.events, 60_000)).rejects.toThrow(`kinds svd failed (kind job ${kindJob.id}: its trained state is not of the expected shape (expected.similar: `);
    await waitFor(async () => (await modelKeysOf(h.redis, h.prefix, ver)).length === 0, 'the failed version to be deleted');
  });

  it('row jobs fail naming the staged table whose column is missing (raw SET of another column table)', async () => {
    const { job, ver } = await requestBuildWaitingForRows(h, { k: 4, parts: 2, mf: false });
    await h.redis.set(h.keys.modelTable(ver, ModelTable.stagedFactors), packColumns({ movieIds: new Int32Array([3, 6]), counts: new Int32Array([1, 1]) }));
    gate.open();
    await expect(job.waitUntilFinished(h.events, 120_000)).rejects.toThrow(/kinds svd failed .*row jobs did not finish/);
    const shard = new Queue(QueueName.rebuildShard, { connection: h.connection, prefix: bullPrefix(h.prefix) });
    const reasons = new Set((await shard.getJobs(['failed'])).filter((j) => j.name === 'rows' && j.data.table === 'similar').map((j) => j.failedReason));
    await shard.close();
    expect([...reasons]).toEqual([`model version ${ver} staged factors: column V is missing`]);
  });

  it('a rebuild fails naming its kind job whose stored result is corrupt', async () => {
    const { job } = await requestBuildWaitingForRows(h, { k: 4, parts: 2, mf: false });
    const bogus = shardJobKey('bogus-kind');
    await h.redis.hset(processedKey(QueueName.rebuild, job.id!), bogus, JSON.stringify({ kind: 'svd', version: 'svd-1-ab', outcome: 'exploded' }));
    gate.open();
    await expect(job.waitUntilFinished(h.events, 60_000)).rejects.toThrow(`rebuild job ${job.id}: child ${bogus}: its result is not of the expected shape (datasetVersion: `);
    // Permanent (JobResultError): failed on its first attempt of 3.
    expect((await h.queue.getJob(job.id!))!.attemptsMade).toBe(1);
  });
});
