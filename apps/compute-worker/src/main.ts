// The compute worker: runs rebuild jobs and their shard jobs. Any number of these processes
// may run (on any machines sharing the Redis); shard jobs spread over all of them.
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { createLogger, envSchema, loadConfigOrExit } from '@movielens/config';
import { bullPrefix, QueueName, startHeartbeat } from '@movielens/jobs';
import { createRedis, KeySchema } from '@movielens/store';
import { computeWorkersReady, REBUILD_LOCK_TTL_MS, startComputeWorkers } from '@movielens/compute';

const config = loadConfigOrExit(
  envSchema.extend({
    /** Shard jobs run at once by this process (one compute thread each). Default: the number of CPUs. */
    SHARD_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
    /** Older model versions kept for rollback. Default 2. */
    KEEP_MODEL_VERSIONS: z.coerce.number().int().min(0).max(100).default(2),
    /** Comma-separated queues to take jobs from: `rebuild`, `rebuild-shard`. Default both. */
    COMPUTE_QUEUES: z
      .string()
      .default('rebuild,rebuild-shard')
      .transform((s) => s.split(',').map((q) => q.trim()))
      .pipe(z.array(z.enum([QueueName.rebuild, QueueName.rebuildShard])).min(1)),
    /** Job lock duration and stall-check interval, ms: a killed worker's job is retaken within about twice this. Default 30000. */
    STALLED_INTERVAL_MS: z.coerce.number().int().min(1000).default(30_000),
    /** Expiry of the one-rebuild lock, ms, renewed every third of it while the rebuild lives. Default 30 min. */
    REBUILD_LOCK_TTL_MS: z.coerce.number().int().min(1000).default(REBUILD_LOCK_TTL_MS),
  }),
);
const logger = createLogger('compute-worker', config.LOG_LEVEL);
const redis = createRedis(config.REDIS_URL, { cluster: config.REDIS_CLUSTER, name: 'compute-worker' });
const connection = createRedis(config.REDIS_URL, { cluster: config.REDIS_CLUSTER, maxRetriesPerRequest: null, name: 'compute-worker-bull' });
const workers = startComputeWorkers({
  redis,
  connection,
  keys: new KeySchema(config.KEY_PREFIX),
  bullPrefix: bullPrefix(config.KEY_PREFIX),
  logger,
  shardConcurrency: config.SHARD_CONCURRENCY,
  keepVersions: config.KEEP_MODEL_VERSIONS,
  queues: config.COMPUTE_QUEUES,
  stalledIntervalMs: config.STALLED_INTERVAL_MS,
  rebuildLockTtlMs: config.REBUILD_LOCK_TTL_MS,
});
await computeWorkersReady(workers);
const stopHeartbeat = config.HEARTBEAT_FILE ? startHeartbeat({ file: config.HEARTBEAT_FILE, connections: [redis, connection] }) : () => {};
logger.info({ keyPrefix: config.KEY_PREFIX, queues: config.COMPUTE_QUEUES, shardConcurrency: config.SHARD_CONCURRENCY }, 'compute worker ready');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing running jobs');
  stopHeartbeat();
  if (![redis, connection].every((c) => c.status === 'ready')) {
    // Closing would wait for Redis forever, and a running job cannot finish without it: its
    // lock expires and another worker takes it again (nothing is lost by exiting now).
    logger.warn('Redis is unreachable: exiting without waiting for it');
    process.exit(0);
  }
  await workers.close();
  await Promise.all([redis.quit(), connection.quit()]);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
