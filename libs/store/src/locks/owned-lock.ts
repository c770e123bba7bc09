import type { RedisClient } from '../connection';

const COMPARE_AND_SET = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return false`;
const COMPARE_AND_DELETE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
const COMPARE_AND_EXPIRE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;

/**
 * A lock whose value names its owner (a job id), with an expiry. A holder that is no longer live
 * (its job completed, failed or vanished, as `isLive` tells) is stale, and its lock is taken over
 * atomically (compare-and-set on the old owner). Every command is a single key, so it works on
 * Redis Cluster. The key comes from the key schema (`keys.kindLock(kind)`...).
 */
export class OwnedLock {
  constructor(
    private readonly redis: RedisClient,
    /** The lock's key. */
    readonly key: string,
    /** Expiry of the lock, ms: how long an owner that vanished without trace blocks others. */
    private readonly ttlMs: number,
  ) {}

  /** Takes (or confirms and renews) the lock for `owner`; false when another live owner holds it. */
  async acquire(owner: string, isLive: (holder: string) => Promise<boolean>): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await this.redis.set(this.key, owner, 'PX', this.ttlMs, 'NX')) === 'OK') return true;
      const holder = await this.redis.get(this.key);
      if (holder === null) continue; // released in between: try again
      if (holder !== owner && (await isLive(holder))) return false;
      return (await this.redis.eval(COMPARE_AND_SET, 1, this.key, holder, owner, this.ttlMs)) === 'OK';
    }
    return false;
  }

  /** Renews the expiry if `owner` holds the lock (atomically); false when it does not. */
  async refresh(owner: string): Promise<boolean> {
    return (await this.redis.eval(COMPARE_AND_EXPIRE, 1, this.key, owner, this.ttlMs)) === 1;
  }

  /** Releases the lock if `owner` holds it. */
  async release(owner: string): Promise<void> {
    await this.redis.eval(COMPARE_AND_DELETE, 1, this.key, owner);
  }

  /** The current owner, or null when the lock is free. */
  async holder(): Promise<string | null> {
    return this.redis.get(this.key);
  }
}

/**
 * Runs `fn` while holding the short-lived lock `key` (a random token, `holdMs` expiry), trying
 * every `retryMs` for at most `waitMs`. Resolves `{ ran: false }` when the lock stayed busy.
 * For brief critical sections (a progress update, a set publish), not for long builds.
 */
export async function withShortLock<T>(
  redis: RedisClient,
  key: string,
  fn: () => Promise<T>,
  { holdMs = 5000, waitMs = 2000, retryMs = 20 }: { holdMs?: number; waitMs?: number; retryMs?: number } = {},
): Promise<{ ran: true; value: T } | { ran: false }> {
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const deadline = Date.now() + waitMs;
  while ((await redis.set(key, token, 'PX', holdMs, 'NX')) !== 'OK') {
    if (Date.now() >= deadline) return { ran: false };
    await new Promise((r) => setTimeout(r, retryMs));
  }
  try {
    return { ran: true, value: await fn() };
  } finally {
    await redis.eval(COMPARE_AND_DELETE, 1, key, token);
  }
}
