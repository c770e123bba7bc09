import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowProducer, Job, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteKeysMatching, testPrefix, testRedisUrl } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { bullPrefix, QueueName } from './queues';
import { JobResultError, readChildResults } from './job-result';
import { kindJobResultSchema } from './rebuild-shard.job';

// A parent job's children's results are read back from Redis (BullMQ's `<parent>:processed`
// hash, one JSON value per child key). Here a real child returns a valid result, and the hash is
// then overwritten with raw HSETs, as a corrupt store or another version's worker would leave it.

/** A kind job's result (shape of `kindJobResultSchema`). */
const result = { kind: 'svd', version: 'svd-1-ab', datasetVersion: 'd1', outcome: 'published', modelVersion: 'm1-cd', timings: { svd: 12 }, host: 'h', pid: 7, workers: [{ host: 'h', pid: 7, jobs: 1 }] };

let connection: Redis;
let keyPrefix: string;
let closers: (() => Promise<unknown>)[];

beforeEach(() => {
  connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  keyPrefix = testPrefix('children');
  closers = [];
});

afterEach(async () => {
  for (const close of closers.reverse()) await close();
  await deleteKeysMatching(connection, bullPrefix(keyPrefix));
  await connection.quit();
});

/** A parent in the rebuild queue with one child in the shard queue that has returned `result`; the parent, its `processed` hash key and the child's key. */
async function parentWithReturnedChild(): Promise<{ parent: Job; processedKey: string; childKey: string }> {
  const prefix = bullPrefix(keyPrefix);
  const flow = new FlowProducer({ connection, prefix });
  const shard = new Queue(QueueName.rebuildShard, { connection, prefix });
  const events = new QueueEvents(QueueName.rebuildShard, { connection: connection.duplicate(), prefix });
  const worker = new Worker(QueueName.rebuildShard, async () => result, { connection: connection.duplicate(), prefix });
  closers.push(() => flow.close(), () => shard.close(), () => events.close(), () => worker.close());
  await events.waitUntilReady();
  const tree = await flow.add({ name: 'rebuild', queueName: QueueName.rebuild, data: {}, children: [{ name: 'kind', queueName: QueueName.rebuildShard, data: {} }] });
  const child = tree.children![0].job;
  await child.waitUntilFinished(events, 10_000);
  return { parent: tree.job, processedKey: `${prefix}:${QueueName.rebuild}:${tree.job.id}:processed`, childKey: `${prefix}:${QueueName.rebuildShard}:${child.id}` };
}

describe('readChildResults', () => {
  it('returns each child’s validated result by its job key', async () => {
    const { parent, childKey } = await parentWithReturnedChild();
    expect(await readChildResults(parent, kindJobResultSchema, `rebuild job ${parent.id}`)).toEqual({ [childKey]: result });
  });

  it('refuses a stored child result of another shape with a JobResultError naming the parent, the child and the bad paths', async () => {
    const { parent, processedKey, childKey } = await parentWithReturnedChild();
    await connection.hset(processedKey, childKey, JSON.stringify({ ...result, outcome: 'exploded', pid: 'seven' }));
    const err = await readChildResults(parent, kindJobResultSchema, `rebuild job ${parent.id}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobResultError);
    expect((err as JobResultError).code).toBe('JOB_RESULT');
    const message = (err as Error).message;
    expect(message.startsWith(`rebuild job ${parent.id}: child ${childKey}: its result is not of the expected shape (outcome: `)).toBe(true);
    expect(message).toMatch(/; pid: [^;]+\)$/);
  });

  it('reports a stored child result that is not JSON as a JobResultError naming the parent, not a bare SyntaxError', async () => {
    const { parent, processedKey, childKey } = await parentWithReturnedChild();
    await connection.hset(processedKey, childKey, '{"kind":"svd",');
    await expect(readChildResults(parent, kindJobResultSchema, `rebuild job ${parent.id}`)).rejects.toThrow(new RegExp(`^rebuild job ${parent.id}: a child's stored result is not JSON \\(`));
    await expect(readChildResults(parent, kindJobResultSchema, 'x')).rejects.toBeInstanceOf(JobResultError);
  });
});
