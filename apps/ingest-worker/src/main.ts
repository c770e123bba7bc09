/**
 * The ingest worker process: parses config, wires Redis, the ingest queue's Worker (uploads and
 * live-rating applies), the live-ratings threshold check and the rebuild queue, and closes them
 * on SIGTERM/SIGINT. The jobs themselves live in @movielens/ingest (createIngestProcessor,
 * createLiveApplyProcessor), so the CLI can run the very same processor in-process.
 */
import { z } from 'zod';
import { createLogger, envSchema, loadConfigOrExit } from '@movielens/config';
import { createIngestQueueProcessor, LivePolicy } from '@movielens/ingest';
import { createQueue, createWorker, QueueName, startHeartbeat } from '@movielens/jobs';
import { createRedis, KeySchema } from '@movielens/store';

const config = loadConfigOrExit(
  envSchema.extend({
    /** Ingest jobs processed at once by this process. Default 1 (an ingest is CPU-bound). */
    INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
    /** Debounce of the rebuild requested after each ingest, ms. Default 2000. */
    REBUILD_DEBOUNCE_MS: z.coerce.number().int().min(0).default(2000),
    /** Job lock duration and stall-check interval, ms: a killed worker's job is retaken within about twice this. Default 30000. */
    STALLED_INTERVAL_MS: z.coerce.number().int().min(1000).default(30_000),
    /** Pending live ratings (and deletes) that make a new dataset version, then a rebuild. Default 1000. */
    LIVE_APPLY_COUNT: z.coerce.number().int().min(1).default(1000),
    /** Age of the oldest pending live rating that makes a new dataset version anyway, ms. Default 300,000 (5 min). */
    LIVE_APPLY_AGE_MS: z.coerce.number().int().min(0).default(300_000),
    /** Interval of the live-ratings threshold check, ms. Default 1000. */
    LIVE_CHECK_MS: z.coerce.number().int().min(50).default(1000),
  }),
);
const logger = createLogger('ingest-worker', config.LOG_LEVEL);
const cluster = config.REDIS_CLUSTER;
// BullMQ blocks on its connection (no request timeout); the pipeline's own connection keeps
// the default retries so a Redis outage fails the attempt, which BullMQ then retries.
const bull = createRedis(config.REDIS_URL, { cluster, maxRetriesPerRequest: null, name: 'ingest-worker:bull' });
const redis = createRedis(config.REDIS_URL, { cluster, name: 'ingest-worker' });
const keyPrefix = config.KEY_PREFIX;
const rebuildQueue = createQueue(QueueName.rebuild, { connection: bull, keyPrefix });
const ingestQueue = createQueue(QueueName.ingest, { connection: bull, keyPrefix });
const keys = new KeySchema(keyPrefix);
const processor = createIngestQueueProcessor({ redis, keys, rebuildQueue, ingestQueue, rebuildDebounceMs: config.REBUILD_DEBOUNCE_MS, logger });
const livePolicy = new LivePolicy({ redis, keys, queue: ingestQueue, count: config.LIVE_APPLY_COUNT, ageMs: config.LIVE_APPLY_AGE_MS, pollMs: config.LIVE_CHECK_MS, logger });
const worker = createWorker(QueueName.ingest, processor, {
  connection: bull,
  keyPrefix,
  concurrency: config.INGEST_CONCURRENCY,
  lockDuration: config.STALLED_INTERVAL_MS,
  stalledInterval: config.STALLED_INTERVAL_MS,
});

worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade }, `ingest failed: ${err.message}`));
worker.on('error', (err) => logger.error({ err }, 'worker error'));
await worker.waitUntilReady();
const stopHeartbeat = config.HEARTBEAT_FILE ? startHeartbeat({ file: config.HEARTBEAT_FILE, connections: [redis, bull] }) : () => {};
livePolicy.start();
logger.info({ queue: QueueName.ingest, concurrency: config.INGEST_CONCURRENCY }, 'ingest worker ready');

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'closing: finishing the current job');
  stopHeartbeat();
  await livePolicy.stop();
  if (![redis, bull].every((c) => c.status === 'ready')) {
    // Closing would wait for Redis forever, and a running job cannot finish without it: its
    // lock expires and another worker takes it again (nothing is lost by exiting now).
    logger.warn('Redis is unreachable: exiting without waiting for it');
    process.exit(0);
  }
  await worker.close();
  await rebuildQueue.close();
  await ingestQueue.close();
  await Promise.all([bull.quit(), redis.quit()]);
  logger.info('closed');
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));
