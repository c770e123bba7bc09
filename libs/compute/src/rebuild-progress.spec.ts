import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPrefix, QueueName } from '@movielens/jobs';
import { KeySchema } from '@movielens/store';
import { deleteKeysMatching, testPrefix, testRedisClient, testRedisUrl } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { defaultKinds } from './kinds/registry';
import { RebuildJobError } from './errors';
import { RebuildProgressReporter } from './rebuild-progress';

// The progress stored on a rebuild job is read back from Redis (by BullMQ) before each merge: a
// payload of another shape must count as "nothing reported yet", not crash the kind job that
// reports, nor hold the bar back with a bogus percent.

let redis: Redis;
let connection: Redis;
let prefix: string;
let queue: Queue;
let reporter: RebuildProgressReporter;

beforeEach(() => {
  redis = testRedisClient();
  connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  prefix = testPrefix('progress');
  queue = new Queue(QueueName.rebuild, { connection, prefix: bullPrefix(prefix) });
  reporter = new RebuildProgressReporter(redis, new KeySchema(prefix), queue, defaultKinds);
});

afterEach(async () => {
  await queue.close();
  await deleteKeysMatching(redis, bullPrefix(prefix));
  await deleteKeysMatching(redis, prefix);
  await Promise.all([redis.quit(), connection.quit()]);
});

describe('RebuildProgressReporter', () => {
  it('merges a kind into a stored progress of another shape as if nothing had been reported', async () => {
    const job = await queue.add('rebuild', {});
    await job.updateProgress({ percent: 'ninety', kinds: { svd: { stage: 3 }, analytics: 'done' } });
    expect(await reporter.advance(job.id!, ['svd', 'analytics'], 'svd', { stage: 'svd', percent: 50 })).toBe(true);
    // By hand: svd at 50 and analytics not heard from (0) -> mean 25; analytics is furthest
    // behind and has no stage yet -> 'plan'. The corrupt entries are dropped.
    expect((await queue.getJob(job.id!))?.progress).toEqual({ stage: 'plan', percent: 25, kinds: { svd: { stage: 'svd', percent: 50 } } });
  });

  it('merges into a progress of another shape written raw to the job hash as if nothing had been reported', async () => {
    const job = await queue.add('rebuild', {});
    await redis.hset(`${bullPrefix(prefix)}:${QueueName.rebuild}:${job.id}`, 'progress', JSON.stringify({ stage: 'svd', percent: 40, kinds: { svd: { stage: 'svd', percent: 80 }, lstm: { percent: null } } }));
    expect(await reporter.advance(job.id!, ['svd', 'lstm'], 'lstm', { stage: 'lstm', percent: 10 })).toBe(true);
    // By hand: the stored svd entry (80) is valid and kept, the bad lstm entry is replaced by 10
    // -> mean 45 (above the stored 40); lstm is furthest behind -> its stage.
    expect((await queue.getJob(job.id!))?.progress).toEqual({ stage: 'lstm', percent: 45, kinds: { svd: { stage: 'svd', percent: 80 }, lstm: { stage: 'lstm', percent: 10 } } });
  });

  it('refuses a stored progress that is not JSON with a RebuildJobError naming the job, not a bare SyntaxError', async () => {
    const job = await queue.add('rebuild', {});
    await redis.hset(`${bullPrefix(prefix)}:${QueueName.rebuild}:${job.id}`, 'progress', '{"stage":"svd",');
    const err = await reporter.advance(job.id!, ['svd'], 'svd', { stage: 'svd', percent: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RebuildJobError);
    expect((err as Error).message).toMatch(new RegExp(`^rebuild job ${job.id}: its stored data or progress is not JSON \\(`));
    // The progress lock was released: a later update of a repaired job goes through at once.
    await redis.hset(`${bullPrefix(prefix)}:${QueueName.rebuild}:${job.id}`, 'progress', '0');
    expect(await reporter.advance(job.id!, ['svd'], 'svd', { stage: 'svd', percent: 50 })).toBe(true);
  });

  it('never moves a valid stored progress back', async () => {
    const job = await queue.add('rebuild', {});
    expect(await reporter.advance(job.id!, ['svd'], 'svd', { stage: 'svd', percent: 60 })).toBe(true);
    expect(await reporter.advance(job.id!, ['svd'], 'svd', { stage: 'svd', percent: 40 })).toBe(false);
    expect((await queue.getJob(job.id!))?.progress).toMatchObject({ percent: 60 });
  });
});
