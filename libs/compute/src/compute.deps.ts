import type { FlowProducer, Queue } from 'bullmq';
import type { Logger } from '@movielens/config';
import type { KeySchema, RedisClient } from '@movielens/store';
import type { KindLocks } from './kind-lock';
import type { KindRegistry } from './kinds/registry';
import type { RebuildProgressReporter } from './rebuild-progress';
import type { ComputeThread } from './thread/compute-thread';

/** What the rebuild processors need; built once per process by `startComputeWorkers`. */
export interface ComputeDeps {
  /** Redis client of the stores (datasets, models). */
  redis: RedisClient;
  keys: KeySchema;
  /** BullMQ prefix (see `bullPrefix`). */
  bullPrefix: string;
  /** The model kinds trained and published. */
  registry: KindRegistry;
  /** The rebuild queue (rebuild jobs report their progress there). */
  rebuildQueue: Queue;
  /** Adds kind jobs (children of a rebuild) and row jobs (children of a kind job). */
  flow: FlowProducer;
  /** One build per kind at a time (with heartbeats). */
  locks: KindLocks;
  /** Writes rebuild progress that never moves back (every kind job reports its kind's). */
  progress: RebuildProgressReporter;
  /** Runs the CPU-heavy steps off the main thread. */
  thread: ComputeThread;
  logger: Logger;
  /** Older set versions kept for rollback. Default 2. */
  keepVersions?: number;
  /** Cores this process computes on (its shard concurrency). */
  cores: number;
}
