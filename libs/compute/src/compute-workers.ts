import { FlowProducer, Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '@movielens/config';
import { z } from 'zod';
import { QueueName } from '@movielens/jobs';
import { ModelStore, type KeySchema, type RedisClient } from '@movielens/store';
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
}

/** The model version of any shard job's payload. */
const shardVersionSchema = z.object({ modelVersion: z.string() });

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
  const deps = { redis: options.redis, keys: options.keys, bullPrefix: prefix, flow, rebuildQueue, thread, logger, keepVersions: options.keepVersions };
  const queues = options.queues ?? [QueueName.rebuild, QueueName.rebuildShard];
  const stall = { lockDuration: options.stalledIntervalMs ?? 30_000, stalledInterval: options.stalledIntervalMs ?? 30_000 };
  const rebuild = queues.includes(QueueName.rebuild) ? new Worker(QueueName.rebuild, createRebuildProcessor(deps), { connection, prefix, concurrency: 1, ...stall }) : null;
  const shard = queues.includes(QueueName.rebuildShard) ? new Worker(QueueName.rebuildShard, createRebuildShardProcessor(deps), { connection, prefix, concurrency: options.shardConcurrency ?? 1, ...stall }) : null;
  const models = new ModelStore(options.redis, options.keys);

  // A shard job that failed for good fails its rebuild (failParentOnFailure), whose processor
  // then never runs again: delete the partial version here. Later shard jobs of that version
  // find it gone and fail fast; the next rebuild's sweep is the backstop if this process dies.
  shard?.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    const { modelVersion } = shardVersionSchema.parse(job.data);
    logger.warn({ jobId: job.id, modelVersion, final, err: err.message }, 'shard job failed');
    if (final) void models.deleteVersion(modelVersion).catch(() => undefined);
  });
  for (const w of [rebuild, shard]) w?.on('error', (err) => logger.error({ err }, 'worker error'));

  return {
    rebuild,
    shard,
    async close() {
      await Promise.all([rebuild?.close(), shard?.close()]);
      await Promise.all([flow.close(), rebuildQueue.close(), thread.close()]);
    },
  };
}

/** Resolves when this process's workers are connected. */
export async function computeWorkersReady(workers: ComputeWorkers): Promise<void> {
  await Promise.all([workers.rebuild?.waitUntilReady(), workers.shard?.waitUntilReady()]);
}
