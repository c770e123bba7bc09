import { FlowProducer, Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '@movielens/config';
import { z } from 'zod';
import { QueueName, type RebuildShardResult } from '@movielens/jobs';
import { ModelStore, type KeySchema, type RedisClient } from '@movielens/store';
import { RebuildLock } from './rebuild-lock';
import { childrenProgress, RebuildProgressReporter } from './rebuild-progress';
import { createRebuildProcessor } from './rebuild.processor';
import { createRebuildShardProcessor } from './rebuild-shard.processor';
import { ComputeThread } from './thread/compute-thread';

/** Options of {@link startComputeWorkers}. */
export interface ComputeWorkersOptions {
  /** Client of the stores. */
  redis: RedisClient;
  /** BullMQ connection (an ioredis client with `maxRetriesPerRequest: null`, or options). */
  connection: ConnectionOptions;
  keys: KeySchema;
  /** BullMQ prefix (`bullPrefix(keyPrefix)`). */
  bullPrefix: string;
  logger: Logger;
  /**
   * Shard jobs run at once by this process, and compute threads of the process (at least 2,
   * so a rebuild's analytics run beside its SVD). Default 1.
   */
  shardConcurrency?: number;
  /** Older model versions kept for rollback. Default 2. */
  keepVersions?: number;
  /**
   * Queues this process takes jobs from. Default both: one process can do a whole rebuild.
   * A process with only `rebuild-shard` adds compute capacity to the rebuilds of others.
   */
  queues?: readonly ComputeQueue[];
  /**
   * Lock duration and stall-check interval of both workers, ms: a job whose worker died
   * (kill -9) is retaken by another after at most twice this. Default 30000 (BullMQ's).
   */
  stalledIntervalMs?: number;
  /**
   * Expiry of the rebuild lock, ms, renewed every third of it while the build lives. Only
   * matters when a holder vanishes with its job record. Default 30 min (REBUILD_LOCK_TTL_MS).
   */
  rebuildLockTtlMs?: number;
}

/** The model version of any shard job's payload. */
const shardVersionSchema = z.object({ modelVersion: z.string() });

/** What a finished child needs from its parent's data to report the parent's progress. */
const parentStateSchema = z.object({
  step: z.literal('children'),
  modelVersion: z.string(),
  build: z.object({ expected: z.object({ similar: z.number().int(), recs: z.number().int() }) }),
});

/** A queue a compute worker can listen to. */
export type ComputeQueue = typeof QueueName.rebuild | typeof QueueName.rebuildShard;

/** Running compute workers of one process. */
export interface ComputeWorkers {
  /** Null when this process does not take rebuild jobs. */
  rebuild: Worker | null;
  /** Null when this process does not take shard jobs. */
  shard: Worker | null;
  /** Closes the workers (finishing running jobs), the flow producer, queue and thread. */
  close(): Promise<void>;
}

/**
 * Starts the `rebuild` worker (concurrency 1; the rebuild lock makes it one per deployment)
 * and the `rebuild-shard` worker in this process, sharing one compute thread. Used by the
 * compute-worker app and by the CLI when no compute worker is listening.
 */
export function startComputeWorkers(options: ComputeWorkersOptions): ComputeWorkers {
  const { connection, bullPrefix: prefix, logger } = options;
  const thread = new ComputeThread(Math.max(2, options.shardConcurrency ?? 1));
  thread.start();
  const flow = new FlowProducer({ connection, prefix });
  const rebuildQueue = new Queue(QueueName.rebuild, { connection, prefix });
  const lock = new RebuildLock(options.redis, options.keys, rebuildQueue, { ttlMs: options.rebuildLockTtlMs });
  const progress = new RebuildProgressReporter(options.redis, options.keys, rebuildQueue);
  const deps = { redis: options.redis, keys: options.keys, bullPrefix: prefix, flow, rebuildQueue, lock, progress, thread, logger, keepVersions: options.keepVersions, building: { active: false }, cores: options.shardConcurrency ?? 1 };
  const queues = options.queues ?? [QueueName.rebuild, QueueName.rebuildShard];
  const stall = { lockDuration: options.stalledIntervalMs ?? 30_000, stalledInterval: options.stalledIntervalMs ?? 30_000 };
  const rebuild = queues.includes(QueueName.rebuild) ? new Worker(QueueName.rebuild, createRebuildProcessor(deps), { connection, prefix, concurrency: 1, ...stall }) : null;
  const shard = queues.includes(QueueName.rebuildShard) ? new Worker(QueueName.rebuildShard, createRebuildShardProcessor(deps), { connection, prefix, concurrency: options.shardConcurrency ?? 1, ...stall }) : null;
  const models = new ModelStore(options.redis, options.keys);

  // A shard job that failed for good fails its rebuild (failParentOnFailure), whose processor
  // then never runs again: delete the partial version here (only while it is still being
  // built: a stalled job that fails after its build was published leaves that alone). Later
  // shard jobs of that version find it gone and fail fast, and one that was already writing
  // deletes its own writes (rebuild-shard.processor.ts); the next rebuild's sweep is the
  // backstop if this process dies.
  shard?.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    const modelVersion = shardVersionSchema.safeParse(job.data).data?.modelVersion;
    logger.warn({ jobId: job.id, modelVersion, final, err: err.message }, 'shard job failed');
    if (final && modelVersion !== undefined) {
      void (async () => {
        if (await models.isStaged(modelVersion)) await models.deleteVersion(modelVersion);
      })().catch((e: unknown) => logger.warn({ err: e, modelVersion }, 'could not delete the failed version'));
    }
  });
  // A finished child advances its parent's progress (stage and percent of each table's jobs).
  shard?.on('completed', (job) => {
    const parentId = job.parent?.id;
    if (parentId === undefined) return;
    void progress.advance(parentId, parentProgress).catch((err: unknown) => logger.warn({ err, parentId }, 'could not report rebuild progress'));
  });
  for (const w of [rebuild, shard]) w?.on('error', (err) => logger.error({ err }, 'worker error'));

  return {
    rebuild,
    shard,
    async close() {
      await Promise.all([rebuild?.close(), shard?.close()]);
      lock.close();
      await Promise.all([flow.close(), rebuildQueue.close(), thread.close()]);
    },
  };
}

/** Resolves when this process's workers are connected. */
export async function computeWorkersReady(workers: ComputeWorkers): Promise<void> {
  await Promise.all([workers.rebuild?.waitUntilReady(), workers.shard?.waitUntilReady()]);
}

/** The progress of a parent waiting for its children, from the results returned so far; null before that step. */
async function parentProgress(parent: Job<unknown>) {
  const state = parentStateSchema.safeParse(parent.data);
  if (!state.success) return null;
  return childrenProgress(Object.values(await parent.getChildrenValues<RebuildShardResult>()), state.data.modelVersion, state.data.build.expected);
}
