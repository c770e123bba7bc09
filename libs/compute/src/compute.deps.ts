import type { FlowProducer, Queue } from 'bullmq';
import type { Logger } from '@movielens/config';
import type { KeySchema, RedisClient } from '@movielens/store';
import type { RebuildLock } from './rebuild-lock';
import type { RebuildProgressReporter } from './rebuild-progress';
import type { ComputeThread } from './thread/compute-thread';

/** What the rebuild processors need; built once per process by `startComputeWorkers`. */
export interface ComputeDeps {
  /** Redis client of the stores (datasets, models). */
  redis: RedisClient;
  keys: KeySchema;
  /** BullMQ prefix (see `bullPrefix`). */
  bullPrefix: string;
  /** The rebuild queue (the rebuild lock looks up the state of the job holding it). */
  rebuildQueue: Queue;
  /** Adds the shard jobs of a rebuild. */
  flow: FlowProducer;
  /** The one-rebuild-at-a-time lock (with its heartbeat). */
  lock: RebuildLock;
  /** Writes rebuild progress that never moves back (the parent and the shard workers report it). */
  progress: RebuildProgressReporter;
  /** Runs the CPU-heavy steps off the main thread. */
  thread: ComputeThread;
  logger: Logger;
  /** Older model versions kept for rollback. Default 2. */
  keepVersions?: number;
  /**
   * Set while this process runs a rebuild's build step (load, matrix, SVD, MF, LSTM), which
   * keeps one core busy: a one-core process then leaves the analytics job to other workers
   * instead of sharing that core with the SVD (rebuild-shard.processor.ts).
   */
  building: { active: boolean };
  /** Cores this process computes on (its shard concurrency). */
  cores: number;
}
