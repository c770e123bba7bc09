import type { MinimalQueue } from 'bullmq';
import { jobIsLive } from '@movielens/jobs';
import { OwnedLock, type KeySchema, type RedisClient } from '@movielens/store';

/** Default expiry of a kind lock, ms (30 min); the heartbeat renews it every third of this. */
export const KIND_LOCK_TTL_MS = 30 * 60_000;

/**
 * One build per model kind at a time (two `svd` builds would race to publish; an `svd` and an
 * `lstm` build run side by side). The lock's value is the kind job's id and it lives across the
 * job's steps, including while it waits for its row jobs. A holder whose job is gone, completed or
 * failed is stale and taken over; while it is live, a heartbeat in the process that took the lock
 * renews the expiry, so a build longer than the expiry keeps it. Redis access is the store's
 * `OwnedLock`, on `keys.kindLock(kind)`.
 */
export class KindLocks {
  private readonly beats = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
    /** The queue of the kind jobs, where a holder's state is looked up. */
    private readonly queue: MinimalQueue,
    private readonly ttlMs = KIND_LOCK_TTL_MS,
  ) {}

  /** Takes (or confirms) the lock of `kind` for job `jobId`; false when another live job holds it. */
  acquire(kind: string, jobId: string): Promise<boolean> {
    return this.lock(kind).acquire(jobId, (holder) => this.isLive(holder));
  }

  /** Renews the lock of `kind` every `ttlMs / 3` while job `jobId` is live and no other live job took it. Idempotent. */
  keepAlive(kind: string, jobId: string): void {
    const beat = `${kind}:${jobId}`;
    if (this.beats.has(beat)) return;
    const timer = setInterval(() => {
      void (async () => {
        // Re-taking rather than only renewing: a lock that expired during a long pause of this
        // process (while nobody else took it) is taken back instead of left to the next build.
        if (!(await this.isLive(jobId)) || !(await this.acquire(kind, jobId))) this.stop(beat);
      })().catch(() => undefined);
    }, Math.max(10, Math.floor(this.ttlMs / 3)));
    timer.unref();
    this.beats.set(beat, timer);
  }

  /** Releases the lock of `kind` if `jobId` holds it, and stops its heartbeat. */
  async release(kind: string, jobId: string): Promise<void> {
    this.stop(`${kind}:${jobId}`);
    await this.lock(kind).release(jobId);
  }

  /** True when a live job holds the lock of `kind` (a build of it is under way). */
  async busy(kind: string): Promise<boolean> {
    const holder = await this.lock(kind).holder();
    return holder !== null && (await this.isLive(holder));
  }

  /** True when job `jobId` still owns its build (running, waiting for its rows, or retrying). */
  async isLive(jobId: string): Promise<boolean> {
    return jobIsLive(this.queue, jobId);
  }

  /** Stops every heartbeat of this process (the locks then expire unless released). */
  close(): void {
    for (const beat of [...this.beats.keys()]) this.stop(beat);
  }

  private lock(kind: string): OwnedLock {
    return new OwnedLock(this.redis, this.keys.kindLock(kind), this.ttlMs);
  }

  private stop(beat: string): void {
    clearInterval(this.beats.get(beat));
    this.beats.delete(beat);
  }
}
