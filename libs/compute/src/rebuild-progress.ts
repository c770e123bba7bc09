import { randomBytes } from 'node:crypto';
import { Job, type MinimalQueue } from 'bullmq';
import type { RebuildShardResult } from '@movielens/jobs';
import type { KeySchema, RedisClient } from '@movielens/store';

/** Stages of a rebuild, in the order their progress is first reported. */
export const REBUILD_STAGES = ['load', 'matrix', 'svd', 'mf', 'lstm', 'similarity', 'recommendations', 'analytics', 'publish'] as const;

/** A rebuild stage. */
export type RebuildStage = (typeof REBUILD_STAGES)[number];

/** The stages done by child jobs, in the order the parent reports them. */
const CHILD_STAGES = ['similarity', 'recommendations', 'analytics'] as const;

/** Share of each child table's jobs that finished, 0..100. */
export type ChildTablesProgress = Record<(typeof CHILD_STAGES)[number], number>;

/** Progress payload of a rebuild job (`job.progress`); never moves back during a job. */
export interface RebuildProgress {
  stage: RebuildStage;
  /** 0..100 within the stage. */
  percent: number;
  /** While the child jobs run: percent of the jobs of each table that finished. */
  tables?: ChildTablesProgress;
}

/** Child jobs a build added, by table (the analytics job is always one). */
export interface ExpectedChildren {
  similar: number;
  recs: number;
}

/** Finished parts of each table among `results`, counting only version `ver` (a retried build can have children of an earlier attempt). */
export function finishedParts(results: readonly RebuildShardResult[], ver: string): Record<RebuildShardResult['table'], Set<number>> {
  const done = { similar: new Set<number>(), recs: new Set<number>(), analytics: new Set<number>() };
  for (const r of results) if (r && r.modelVersion === ver && r.table in done) done[r.table].add(r.part);
  return done;
}

/**
 * The parent's progress while its children run: the first child stage whose jobs are not all
 * done, with its percent (`analytics` 100 once every job is done), plus every table's percent.
 */
export function childrenProgress(results: readonly RebuildShardResult[], ver: string, expected: ExpectedChildren): RebuildProgress {
  const done = finishedParts(results, ver);
  const pct = (n: number, of: number) => (of > 0 ? Math.floor((100 * Math.min(n, of)) / of) : 100);
  const tables: ChildTablesProgress = {
    similarity: pct(done.similar.size, expected.similar),
    recommendations: pct(done.recs.size, expected.recs),
    analytics: pct(done.analytics.size, 1),
  };
  const stage = CHILD_STAGES.find((s) => tables[s] < 100) ?? 'analytics';
  return { stage, percent: tables[stage], tables };
}

/** Orders progress payloads: stage, then percent, then the sum of the table percents. */
function rank(p: RebuildProgress): number[] {
  const tables = p.tables ? p.tables.similarity + p.tables.recommendations + p.tables.analytics : 0;
  return [REBUILD_STAGES.indexOf(p.stage), p.percent, tables];
}

function isAhead(next: RebuildProgress, current: unknown): boolean {
  const c = current as Partial<RebuildProgress> | null;
  if (typeof c !== 'object' || c === null || typeof c.stage !== 'string' || typeof c.percent !== 'number') return true;
  const [a, b] = [rank(next), rank(c as RebuildProgress)];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}

/** How long one progress update may hold the per-job lock, ms. */
const LOCK_MS = 5000;
/** Attempts to take the per-job lock, `RETRY_MS` apart (2 s in all). */
const LOCK_TRIES = 100;
const RETRY_MS = 20;
const COMPARE_AND_DELETE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * Writes rebuild progress that never moves back, though several processes report it: the
 * parent job during its steps and the shard workers as its children finish. Each update
 * takes a short per-job lock (`lock:rebuild-progress:<job id>`), reads the job's stored
 * progress and writes only a payload that is ahead of it.
 */
export class RebuildProgressReporter {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
    private readonly queue: MinimalQueue,
  ) {}

  /**
   * Sets the progress of rebuild job `jobId` to `next` when it is ahead of the stored one, or
   * to `compute(job)` (called under the lock with the job as stored; null = no update).
   * Returns true when it wrote. Gives up silently (false) if the lock stays busy for 2 s.
   */
  async advance(jobId: string, next: RebuildProgress | ((job: Job) => Promise<RebuildProgress | null>)): Promise<boolean> {
    const key = this.keys.lock(`rebuild-progress:${jobId}`);
    const token = randomBytes(8).toString('hex');
    for (let i = 0; (await this.redis.set(key, token, 'PX', LOCK_MS, 'NX')) !== 'OK'; i++) {
      if (i >= LOCK_TRIES) return false;
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
    try {
      const job = await Job.fromId(this.queue, jobId);
      if (!job) return false;
      const p = typeof next === 'function' ? await next(job) : next;
      if (p === null || !isAhead(p, job.progress)) return false;
      await job.updateProgress(p);
      return true;
    } finally {
      await this.redis.eval(COMPARE_AND_DELETE, 1, key, token);
    }
  }
}
