import { Job, type MinimalQueue } from 'bullmq';
import type { KeySchema, RedisClient } from '@movielens/store';

/** Lock name of the one-rebuild-at-a-time rule. */
const LOCK = 'rebuild';

/** Default expiry of the lock, ms (30 min); the heartbeat renews it every third of this. */
export const REBUILD_LOCK_TTL_MS = 30 * 60_000;

/** Job states in which a rebuild still owns its build (running, waiting for shards, or retrying). */
const LIVE_STATES = new Set(['active', 'waiting-children', 'delayed', 'waiting', 'prioritized']);

const COMPARE_AND_SET = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return false`;
const COMPARE_AND_DELETE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
const COMPARE_AND_EXPIRE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;

/** Options of {@link RebuildLock}. */
export interface RebuildLockOptions {
  /**
   * Expiry of the lock, ms: how long a holder that vanished without trace (its job state
   * lost with it) blocks other rebuilds. Renewed every `ttlMs / 3` while the holder's job
   * is live. Default 30 min.
   */
  ttlMs?: number;
}

/**
 * One rebuild at a time per deployment. The lock value is the rebuild job id, and the lock
 * lives across the job's steps, including while it waits for its shard jobs (when BullMQ
 * holds no lock for it, so queue concurrency alone would let a second rebuild start).
 * A holder whose job is gone, completed or failed is stale: its lock is taken over. While
 * the holder's job is live, a heartbeat in the process that took the lock renews its expiry,
 * so a build longer than the expiry keeps it.
 */
export class RebuildLock {
  private readonly ttlMs: number;
  /** Heartbeat timers by job id (this process's holders). */
  private readonly beats = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
    private readonly queue: MinimalQueue,
    options: RebuildLockOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? REBUILD_LOCK_TTL_MS;
  }

  /** Takes (or confirms and renews) the lock for `jobId`; false when another live rebuild holds it. */
  async acquire(jobId: string): Promise<boolean> {
    const key = this.keys.lock(LOCK);
    if ((await this.redis.set(key, jobId, 'PX', this.ttlMs, 'NX')) === 'OK') return true;
    const holder = await this.redis.get(key);
    if (holder === null) return this.acquire(jobId);
    if (holder !== jobId && (await this.isLive(holder))) return false;
    return (await this.redis.eval(COMPARE_AND_SET, 1, key, holder, jobId, this.ttlMs)) === 'OK';
  }

  /** Renews the expiry if `jobId` holds the lock (atomically); false when it does not. */
  async refresh(jobId: string): Promise<boolean> {
    return (await this.redis.eval(COMPARE_AND_EXPIRE, 1, this.keys.lock(LOCK), jobId, this.ttlMs)) === 1;
  }

  /**
   * Renews the lock of `jobId` every `ttlMs / 3` for as long as the job is live (running,
   * waiting for its shard jobs, retrying) and holds the lock; stops by itself after that.
   * Idempotent per job id.
   */
  keepAlive(jobId: string): void {
    if (this.beats.has(jobId)) return;
    const timer = setInterval(() => {
      void (async () => {
        if (!(await this.isLive(jobId)) || !(await this.refresh(jobId))) this.stop(jobId);
      })().catch(() => undefined);
    }, Math.max(10, Math.floor(this.ttlMs / 3)));
    timer.unref();
    this.beats.set(jobId, timer);
  }

  /** Releases the lock if `jobId` holds it, and stops its heartbeat. */
  async release(jobId: string): Promise<void> {
    this.stop(jobId);
    await this.redis.eval(COMPARE_AND_DELETE, 1, this.keys.lock(LOCK), jobId);
  }

  /** True when the rebuild job `jobId` still owns its build (running, waiting for shards, or retrying). */
  async isLive(jobId: string): Promise<boolean> {
    const job = await Job.fromId(this.queue, jobId);
    return job !== undefined && LIVE_STATES.has(await job.getState());
  }

  /** Stops every heartbeat of this process (the locks then expire unless released). */
  close(): void {
    for (const jobId of [...this.beats.keys()]) this.stop(jobId);
  }

  private stop(jobId: string): void {
    clearInterval(this.beats.get(jobId));
    this.beats.delete(jobId);
  }
}
