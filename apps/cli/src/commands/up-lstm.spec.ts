import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createQueue, QueueName } from '@movielens/jobs';
import { deleteKeysMatching, testPrefix, testRedisUrl } from '@movielens/test-support';
import { queueLstmRebuild, type ModelMetaReader } from './up-lstm';

// A real BullMQ queue on the test Redis (own prefix); the model store is reduced to the one
// read the function makes, so no model has to be built.
let connection: Redis;
let prefix: string;
let queue: Queue;

/** A store whose only version `v1` has these tables. */
const storeWith = (tables: string[]): ModelMetaReader => ({
  meta: async (version) => (version === 'v1' ? { tables: Object.fromEntries(tables.map((t) => [t, { updatedAt: 0, digest: '', bytes: 0 }])) } : null),
});

beforeAll(() => {
  connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  prefix = testPrefix('cli-up');
  queue = createQueue(QueueName.rebuild, { connection, keyPrefix: prefix });
});
afterAll(async () => {
  await queue?.close();
  await deleteKeysMatching(connection, prefix);
  await connection?.quit();
});

describe('queueLstmRebuild (movielens up, after the first model)', () => {
  it('queues one rebuild with lstm: true when the served model has no lstm table, none otherwise', async () => {
    expect(await queueLstmRebuild(storeWith(['lstm', 'similar']), 'v1', queue)).toBe(false);
    expect(await queueLstmRebuild(storeWith(['similar']), 'missing', queue)).toBe(false);
    expect(await queue.count()).toBe(0);

    expect(await queueLstmRebuild(storeWith(['similar', 'recs']), 'v1', queue)).toBe(true);
    const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].data).toMatchObject({ trigger: 'cli', params: { lstm: true } });
  });
});
