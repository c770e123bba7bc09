import { Job, type MinimalQueue } from 'bullmq';
import type { KeySchema, RedisClient } from '@movielens/store';

/** Lock name of the one-rebuild-at-a-time rule. */
const LOCK = 'rebuild';

/** Safety expiry of the lock, ms: a lock whose holder vanished without trace frees itself eventually. Default 30 min. */
const LOCK_TTL_MS = 30 * 60_000;

/** Job states in which a rebuild still owns its build (running, waiting for shards, or retrying). */
const LIVE_STATES = new Set(['active', 'waiting-children', 'delayed', 'waiting', 'prioritized']);

const COMPARE_AND_SET = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return false`;
const COMPARE_AND_DELETE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * One rebuild at a time per deployment. The lock value is the rebuild job id, and the lock
 * lives across the job's steps, including while it waits for its shard jobs (when BullMQ
 * holds no lock for it, so queue concurrency alone would let a second rebuild start).
 * A holder whose job is gone, completed or failed is stale: its lock is taken over.
 */
export class RebuildLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
    private readonly queue: MinimalQueue,
  ) {}

  /** Takes (or confirms) the lock for `jobId`; false when another live rebuild holds it. */
  async acquire(jobId: string): Promise<boolean> {
    const key = this.keys.lock(LOCK);
    if ((await this.redis.set(key, jobId, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') return true;
    const holder = await this.redis.get(key);
    if (holder === null) return this.acquire(jobId);
    if (holder !== jobId) {
      const job = await Job.fromId(this.queue, holder);
      const state = job ? await job.getState() : 'unknown';
      if (LIVE_STATES.has(state)) return false;
    }
    return (await this.redis.eval(COMPARE_AND_SET, 1, key, holder, jobId, LOCK_TTL_MS)) === 'OK';
  }

  /** Releases the lock if `jobId` holds it. */
  async release(jobId: string): Promise<void> {
    await this.redis.eval(COMPARE_AND_DELETE, 1, this.keys.lock(LOCK), jobId);
  }
}
