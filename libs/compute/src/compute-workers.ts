import { FlowProducer, Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '@movielens/config';
import { QueueName, rebuildStepSchema } from '@movielens/jobs';
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
  /** Shard jobs run at once by this process. Default 1 (one compute thread per process). */
  shardConcurrency?: number;
  /** Older model versions kept for rollback. Default 2. */
  keepVersions?: number;
}

/** Running compute workers of one process. */
export interface ComputeWorkers {
  rebuild: Worker;
  shard: Worker;
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
  const thread = new ComputeThread();
  const flow = new FlowProducer({ connection, prefix });
  const rebuildQueue = new Queue(QueueName.rebuild, { connection, prefix });
  const deps = { redis: options.redis, keys: options.keys, bullPrefix: prefix, flow, rebuildQueue, thread, logger, keepVersions: options.keepVersions };
  const rebuild = new Worker(QueueName.rebuild, createRebuildProcessor(deps), { connection, prefix, concurrency: 1 });
  const shard = new Worker(QueueName.rebuildShard, createRebuildShardProcessor(deps), { connection, prefix, concurrency: options.shardConcurrency ?? 1 });
  const models = new ModelStore(options.redis, options.keys);

  // A rebuild that failed for good while waiting for its shards (a shard failed all its
  // attempts) never runs its processor again: delete its partial version here. The next
  // rebuild's sweep is the backstop if this process dies first.
  rebuild.on('failed', (job, err) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const { modelVersion } = rebuildStepSchema.parse(job.data);
    logger.error({ jobId: job.id, modelVersion, err: err.message }, 'rebuild failed for good');
    if (modelVersion) void models.deleteVersion(modelVersion).catch(() => undefined);
  });
  shard.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: err.message }, 'shard job failed'));
  for (const w of [rebuild, shard]) w.on('error', (err) => logger.error({ err }, 'worker error'));

  return {
    rebuild,
    shard,
    async close() {
      await Promise.all([rebuild.close(), shard.close()]);
      await Promise.all([flow.close(), rebuildQueue.close(), thread.close()]);
    },
  };
}
