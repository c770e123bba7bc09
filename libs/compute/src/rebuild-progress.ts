/**
 * Progress of a rebuild, reported by its kind jobs as they advance (on different workers), and
 * stored on the rebuild job so that `GET /jobs/:id`, the CLI and the web page can follow it.
 * It never moves back: each update is merged under a short per-job lock (`keys.progressLock`).
 */
import { Job, type MinimalQueue } from 'bullmq';
import { z } from 'zod';
import { withShortLock, type KeySchema, type RedisClient } from '@movielens/store';
import { RebuildJobError } from './errors';
import type { KindRegistry } from './kinds/registry';

/** Where one kind's job is: a stage of the kind, and 0..100 within the kind's whole job. */
export interface KindProgress {
  stage: string;
  /** 0..100 over the kind's stages. */
  percent: number;
}

/** Progress payload of a rebuild job (`job.progress`). */
export interface RebuildProgress {
  /** The stage of the kind furthest behind (`plan` before any kind started, `publish` when all are done). */
  stage: string;
  /** 0..100 over every planned kind (their mean). */
  percent: number;
  /** Each planned kind's progress. */
  kinds: Record<string, KindProgress>;
}

/** A kind's progress from a stage and the percent within it: stages count equally. */
export function kindProgress(stages: readonly string[], stage: string, withinStage: number): KindProgress {
  const i = Math.max(0, stages.indexOf(stage));
  return { stage, percent: Math.min(100, Math.floor((100 * i + Math.max(0, Math.min(100, withinStage))) / Math.max(1, stages.length))) };
}

/** The rebuild's progress from its kinds' (`planned` in order; a kind not heard from yet is at 0). */
export function rebuildProgress(registry: KindRegistry, planned: readonly string[], kinds: Record<string, KindProgress>): RebuildProgress {
  if (planned.length === 0) return { stage: 'publish', percent: 100, kinds };
  const percents = planned.map((k) => kinds[k]?.percent ?? 0);
  const percent = Math.floor(percents.reduce((a, b) => a + b, 0) / planned.length);
  if (percent >= 100) return { stage: 'publish', percent: 100, kinds };
  const behind = planned[percents.indexOf(Math.min(...percents))];
  const stage = kinds[behind]?.stage ?? 'plan';
  return { stage: registry.stages.includes(stage) ? stage : 'plan', percent, kinds };
}

/** A {@link KindProgress} as stored (a kind job's `job.progress`, a kind's entry in a rebuild's), for readers that validate it rather than cast it. */
export const kindProgressSchema = z.object({ stage: z.string(), percent: z.number() });

/**
 * A whole {@link RebuildProgress} payload, for readers of a rebuild job's progress (its
 * `progress` events, `job.progress`): they validate it rather than cast it.
 */
export const rebuildProgressSchema = z.object({ stage: z.string(), percent: z.number(), kinds: z.record(z.string(), kindProgressSchema) });

/** The parts of a stored rebuild progress (`job.progress`, read back from Redis by BullMQ) that an update merges with. */
const storedProgressSchema = z.object({ percent: z.number().optional(), kinds: z.record(z.string(), z.unknown()).optional() });

/**
 * The overall percent and the kinds' entries of a stored progress payload, validated. Anything
 * else (BullMQ's initial `0`, an entry of another shape) counts as not reported yet: progress is
 * advisory, and the next update writes a whole valid payload.
 */
function storedProgress(progress: unknown): { percent: number | null; kinds: Record<string, KindProgress> } {
  const parsed = storedProgressSchema.safeParse(progress);
  if (!parsed.success) return { percent: null, kinds: {} };
  const kinds: Record<string, KindProgress> = {};
  for (const [name, entry] of Object.entries(parsed.data.kinds ?? {})) {
    const kind = kindProgressSchema.safeParse(entry);
    if (kind.success) kinds[name] = kind.data;
  }
  return { percent: parsed.data.percent ?? null, kinds };
}

/**
 * Rebuild job `id`, or undefined when it is gone. BullMQ parses the stored data and progress
 * with JSON.parse and throws a bare SyntaxError on a corrupt one: that becomes a RebuildJobError
 * naming the job.
 */
async function readJob(queue: MinimalQueue, id: string): Promise<Job | undefined> {
  try {
    return await Job.fromId(queue, id);
  } catch (err) {
    if (err instanceof SyntaxError) throw new RebuildJobError(`rebuild job ${id}: its stored data or progress is not JSON (${err.message})`, { cause: err });
    throw err;
  }
}

/**
 * Writes rebuild progress that never moves back, though several processes report it (each kind
 * job for its kind). Each update takes the rebuild job's short progress lock, reads the stored
 * progress and merges the kind's entry only when it is ahead.
 */
export class RebuildProgressReporter {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
    /** The rebuild queue (where the rebuild job lives). */
    private readonly queue: MinimalQueue,
    private readonly registry: KindRegistry,
  ) {}

  /**
   * Records that `kind` of rebuild job `rebuildId` (planned: `planned`) reached `progress`.
   * Returns true when it wrote; false when the job is gone, the update is behind, or the lock
   * stayed busy for 2 s.
   */
  async advance(rebuildId: string, planned: readonly string[], kind: string | null, progress: KindProgress | null): Promise<boolean> {
    const outcome = await withShortLock(this.redis, this.keys.progressLock(rebuildId), async () => {
      const job = await readJob(this.queue, rebuildId);
      if (!job) return false;
      const stored = storedProgress(job.progress);
      const kinds = stored.kinds;
      if (kind !== null && progress !== null) {
        const before = kinds[kind];
        if (before !== undefined && before.percent >= progress.percent) return false;
        kinds[kind] = progress;
      }
      const next = rebuildProgress(this.registry, planned, kinds);
      if (stored.percent !== null && stored.percent > next.percent) return false;
      await job.updateProgress(next);
      return true;
    });
    return outcome.ran && outcome.value;
  }
}
