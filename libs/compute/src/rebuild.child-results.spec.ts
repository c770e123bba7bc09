import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bullPrefix, QueueName } from '@movielens/jobs';
import { gatedRegistry, kindJobsOf, modelKeysOf, openRebuildHarness, requestBuildWaitingForRows, type RebuildHarness, seedDataset, startInProcessWorkers, waitFor } from '../test/fixtures';
import type { ComputeWorkers } from './compute-workers';

// The rebuild reads its kind jobs' results, and a kind job its row jobs' results, back from Redis
// (BullMQ's `<job>:processed` hash, one JSON value per child key). A value of another shape,
// written here with a raw HSET while the svd rows wait at their gate, fails the reader at once,
// naming the job and the child, instead of a TypeError later or a summary built from garbage.

let h: RebuildHarness;
let workers: ComputeWorkers;
let gate: ReturnType<typeof gatedRegistry>;

beforeEach(async () => {
  h = await openRebuildHarness('child-results');
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

describe('child results read back from Redis', () => {
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
