import { Queue, QueueEvents, Worker, type Job, type Processor } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { bullPrefix, type QueueName } from './queues';

/** Where queues live. */
export interface QueueConnection {
  /**
   * A Redis or Cluster client. Workers and QueueEvents block on Redis and need a client made
   * with `maxRetriesPerRequest: null` (createRedis(url, { maxRetriesPerRequest: null })).
   */
  connection: Redis | Cluster;
  /** The deployment's key prefix (KEY_PREFIX); BullMQ keys go under `{<prefix>-bull}`. Default `ml`. */
  keyPrefix?: string;
}

/** Options of {@link createWorker}. */
export interface WorkerFactoryOptions extends QueueConnection {
  /** Jobs processed at once by this worker. Default 1. */
  concurrency?: number;
  /** Lock duration of a job being processed, ms; renewed while the process is alive. Default 30000. */
  lockDuration?: number;
  /**
   * How often this worker looks for jobs whose lock expired (their worker died), ms.
   * Such a job is retaken after at most lockDuration + stalledInterval. Default 30000.
   */
  stalledInterval?: number;
}

/** A queue handle (for adding jobs, counting, listing workers). */
export function createQueue<D = unknown, R = unknown>(name: QueueName, { connection, keyPrefix }: QueueConnection): Queue<D, R> {
  return new Queue<D, R>(name, { connection, prefix: bullPrefix(keyPrefix) });
}

/** A worker running `processor` for the jobs of `name`. */
export function createWorker<D, R>(name: QueueName, processor: Processor<D, R>, options: WorkerFactoryOptions): Worker<D, R> {
  return new Worker<D, R>(name, processor, {
    connection: options.connection,
    prefix: bullPrefix(options.keyPrefix),
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
  });
}

/** A listener of a queue's job events (progress, completed, failed). Uses its own duplicated connection. */
export function createQueueEvents(name: QueueName, { connection, keyPrefix }: QueueConnection): QueueEvents {
  return new QueueEvents(name, { connection, prefix: bullPrefix(keyPrefix) });
}

/** True when at least one worker is connected to the queue (BullMQ names worker connections). */
export async function hasActiveWorkers(queue: Queue): Promise<boolean> {
  return (await queue.getWorkers()).length > 0;
}

/** Options of {@link runInProcess}. */
export interface RunInProcessOptions extends QueueConnection {
  /** Listener used to wait for the job; created (and closed) here when absent. */
  events?: QueueEvents;
}

/**
 * Runs an already-queued job in this process through `processor`, the same function a
 * worker process runs, for when no worker listens on the queue (a CLI without a cluster).
 * A temporary Worker takes jobs from the queue until this job has finished, so retries,
 * progress events and results behave exactly as with a remote worker. Resolves with the
 * job's result as read back from Redis, unchecked like a remote worker's: validate it with
 * `decodeJobResult` and the processor's result schema. Rejects with its failure reason once no
 * attempt is left.
 */
export async function runInProcess<D, R>(queue: Queue<D, R>, job: Job<D, R>, processor: Processor<D, R>, options: RunInProcessOptions): Promise<unknown> {
  const events = options.events ?? createQueueEvents(queue.name as QueueName, options);
  await events.waitUntilReady();
  const worker = createWorker(queue.name as QueueName, processor, options);
  try {
    return await job.waitUntilFinished(events);
  } finally {
    await worker.close();
    if (options.events === undefined) await events.close();
  }
}
