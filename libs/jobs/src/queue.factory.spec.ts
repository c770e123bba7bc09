import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Job } from 'bullmq';
import { deleteKeysMatching, testPrefix, testRedisUrl } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { QueueName } from './queues';
import { createQueue, createWorker, hasActiveWorkers, runInProcess } from './queue.factory';

describe('queue factory', () => {
  let connection: Redis;
  let keyPrefix: string;

  beforeEach(() => {
    connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    keyPrefix = testPrefix('q');
  });
  afterEach(async () => {
    await deleteKeysMatching(connection, keyPrefix);
    await connection.quit();
  });

  it('puts BullMQ keys under the hash-tagged prefix and sees a connected worker', async () => {
    const queue = createQueue(QueueName.ingest, { connection, keyPrefix });
    expect(await hasActiveWorkers(queue)).toBe(false);
    const worker = createWorker(QueueName.ingest, async () => 'ok', { connection, keyPrefix });
    await worker.waitUntilReady();
    expect(await hasActiveWorkers(queue)).toBe(true);
    await queue.add('x', {});
    expect((await connection.keys(`{${keyPrefix}-bull}:ingest:*`)).length).toBeGreaterThan(0);
    await worker.close();
    await queue.close();
  });

  it('runs a queued job in-process through the processor, retrying a failed attempt', async () => {
    const queue = createQueue<{ n: number }, number>(QueueName.ingest, { connection, keyPrefix });
    const job = await queue.add('square', { n: 7 }, { attempts: 2 });
    let calls = 0;
    const processor = async (j: Job<{ n: number }, number>) => {
      calls++;
      if (j.attemptsMade === 0) throw new Error('transient');
      return j.data.n * j.data.n;
    };
    expect(await runInProcess(queue, job, processor, { connection, keyPrefix })).toBe(49);
    expect(calls).toBe(2);
    expect(await hasActiveWorkers(queue)).toBe(false);
    await queue.close();
  });

  it('rejects with the failure reason once no attempt is left', async () => {
    const queue = createQueue(QueueName.ingest, { connection, keyPrefix });
    const job = await queue.add('bad', {}, { attempts: 1 });
    await expect(runInProcess(queue, job, async () => Promise.reject(new Error('bad input: line 3')), { connection, keyPrefix })).rejects.toThrow('bad input: line 3');
    await queue.close();
  });
});
