import { FlowProducer, Job, Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from '@movielens/config';
import { QueueName, rowsJobSchema, ShardJobName } from '@movielens/jobs';
import type { KeySchema, RedisClient } from '@movielens/store';
import type { ComputeDeps } from './compute.deps';
import { decodeKindRowsState, decodeRowResults } from './kind-job-state';
import { KindLocks } from './kind-lock';
import { defaultKinds, type KindRegistry } from './kinds/registry';
import { createKindProcessor } from './processors/kind.processor';
import { createRebuildProcessor } from './processors/rebuild.processor';
import { createRowsProcessor } from './processors/rows.processor';
import { kindProgress, RebuildProgressReporter } from './rebuild-progress';
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
   * Expiry of a kind's build lock, ms, renewed every third of it while the build lives. Only
   * matters when a holder vanishes with its job record. Default 30 min (REBUILD_LOCK_TTL_MS).
   */
  rebuildLockTtlMs?: number;
  /** The model kinds trained and published. Default: the default kinds (svd, analytics, mf, lstm). */
  registry?: KindRegistry;
}

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
 * Starts the `rebuild` worker (thin orchestrators) and the `rebuild-shard` worker (kind jobs and
 * their row jobs, `shardConcurrency` at once) in this process, sharing one pool of compute
 * threads. Used by the compute-worker app and by the CLI when no compute worker is listening.
 */
export function startComputeWorkers(options: ComputeWorkersOptions): ComputeWorkers {
  const { connection, bullPrefix: prefix, logger } = options;
  const registry = options.registry ?? defaultKinds;
  const thread = new ComputeThread(Math.max(2, options.shardConcurrency ?? 1));
  thread.start();
  const flow = new FlowProducer({ connection, prefix });
  const rebuildQueue = new Queue(QueueName.rebuild, { connection, prefix });
  const shardQueue = new Queue(QueueName.rebuildShard, { connection, prefix });
  const locks = new KindLocks(options.redis, options.keys, shardQueue, options.rebuildLockTtlMs);
  const progress = new RebuildProgressReporter(options.redis, options.keys, rebuildQueue, registry);
  const deps: ComputeDeps = { redis: options.redis, keys: options.keys, bullPrefix: prefix, registry, flow, rebuildQueue, locks, progress, thread, logger, keepVersions: options.keepVersions, cores: options.shardConcurrency ?? 1 };
  const queues = options.queues ?? [QueueName.rebuild, QueueName.rebuildShard];
  const stall = { lockDuration: options.stalledIntervalMs ?? 30_000, stalledInterval: options.stalledIntervalMs ?? 30_000 };
  const processKind = createKindProcessor(deps);
  const processRows = createRowsProcessor(deps);
  const processShardQueue = async (job: Job, token?: string) => {
    if (job.name === ShardJobName.kind) return processKind(job, token);
    if (job.name === ShardJobName.rows) return processRows(job);
    throw new UnrecoverableError(`unknown job ${job.name} on ${QueueName.rebuildShard} (jobs of an older version?)`);
  };
  const rebuild = queues.includes(QueueName.rebuild) ? new Worker(QueueName.rebuild, createRebuildProcessor(deps), { connection, prefix, concurrency: 1, ...stall }) : null;
  const shard = queues.includes(QueueName.rebuildShard) ? new Worker(QueueName.rebuildShard, processShardQueue, { connection, prefix, concurrency: options.shardConcurrency ?? 1, ...stall }) : null;

  // A row job that failed for good is added again by its kind job when it finishes (a failover
  // can outlast the job's own retries); the kind job deletes its version if it gives up.
  shard?.on('failed', (job, err) => {
    if (!job || job.name !== ShardJobName.rows) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    logger.warn({ jobId: job.id, version: rowsJobSchema.safeParse(job.data).data?.modelVersion, final, err: err.message }, 'row job failed');
  });
  // Reports still in flight are awaited by close(), so none writes to a connection closed under it.
  const reporting = new Set<Promise<void>>();
  shard?.on('completed', (job) => {
    if (job.name !== ShardJobName.rows || job.parent?.id === undefined) return;
    const report = advanceRows(deps, shardQueue, job.parent.id).catch((err: unknown) => logger.warn({ err, jobId: job.id }, 'could not report row progress'));
    reporting.add(report);
    void report.finally(() => reporting.delete(report));
  });
  for (const w of [rebuild, shard]) w?.on('error', (err) => logger.error({ err }, 'worker error'));

  return {
    rebuild,
    shard,
    async close() {
      await Promise.all([rebuild?.close(), shard?.close()]);
      await Promise.allSettled([...reporting]);
      locks.close();
      await Promise.all([flow.close(), rebuildQueue.close(), shardQueue.close(), thread.close()]);
    },
  };
}

/**
 * Reports a kind job's progress through its row stages from the row jobs of its current round
 * finished so far (a multi-round kind's rounds share its row stage: round r of R is r/R of it).
 */
async function advanceRows(deps: ComputeDeps, shardQueue: Queue, kindJobId: string): Promise<void> {
  const kindJob = await Job.fromId(shardQueue, kindJobId);
  if (kindJob === undefined) return;
  const { kind: name, planned, trained } = decodeKindRowsState(kindJob.data, kindJobId);
  const kind = deps.registry.get(name);
  if (kind === undefined || trained === undefined) return;
  const { expected, round } = trained;
  const rounds = Math.max(round + 1, trained.roundsTotal);
  const done = decodeRowResults(await kindJob.getChildrenValues<unknown>(), kindJobId).filter((r) => r.round === round);
  const tables = Object.keys(expected);
  const share = (t: string) => Math.floor((100 * Math.min(expected[t], done.filter((r) => r.table === t).length)) / Math.max(1, expected[t]));
  const table = tables.find((t) => share(t) < 100) ?? tables[tables.length - 1];
  // The kind's last stage ends with publishing, so the rows reach at most 99 of it.
  const p = kindProgress(kind.stages, kind.rowStages?.[table] ?? table, Math.min(99, Math.floor((100 * round + share(table)) / rounds)));
  await kindJob.updateProgress(p);
  const rebuildId = kindJob.parent?.id;
  if (rebuildId !== undefined) await deps.progress.advance(rebuildId, planned.length ? planned : [kind.name], kind.name, p);
}

/** Resolves when this process's workers are connected. */
export async function computeWorkersReady(workers: ComputeWorkers): Promise<void> {
  await Promise.all([workers.rebuild?.waitUntilReady(), workers.shard?.waitUntilReady()]);
}
