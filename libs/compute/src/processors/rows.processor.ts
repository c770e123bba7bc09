import { hostname } from 'node:os';
import type { Job } from 'bullmq';
import { QueueName, rowsJobSchema, type RowsJobData, type RowsJobResult } from '@movielens/jobs';
import { ModelLifecycle, ModelWriter } from '@movielens/store';
import type { ComputeDeps } from '../compute.deps';
import { BuildAbandonedError, isPermanent, RebuildJobError, unrecoverable } from '../errors';
import { issuesOf } from './job-helpers';

/**
 * The processor of `rows` jobs: one block of rows of a sharded table of a kind version being
 * built, written by the kind's `writeRows` from what its training step staged. Any number of
 * compute-worker processes share these jobs. Bad payloads and abandoned versions fail without
 * retry; anything else is retried.
 */
export function createRowsProcessor(deps: ComputeDeps) {
  const writer = new ModelWriter(deps.redis, deps.keys);
  const lifecycle = new ModelLifecycle(deps.redis, deps.keys);
  const memo = new Map<string, Promise<unknown>>();

  return async function processRows(job: Job<RowsJobData, RowsJobResult>): Promise<RowsJobResult> {
    const parsed = rowsJobSchema.safeParse(job.data);
    if (!parsed.success) throw unrecoverable(new RebuildJobError(`invalid rows job: ${issuesOf(parsed.error)}`, { cause: parsed.error }));
    const data = parsed.data;
    const kind = deps.registry.get(data.kind);
    if (kind?.writeRows === undefined) throw unrecoverable(new RebuildJobError(`kind ${data.kind} has no row jobs`));
    const startedAt = Date.now();
    const started = performance.now();
    const ver = data.modelVersion;
    const log = deps.logger.child({ jobId: job.id, queue: QueueName.rebuildShard, version: ver, table: data.table, part: data.part });
    try {
      // A version deleted after a failure (or swept) is no longer staged: writing would leak keys.
      if (!(await lifecycle.isStaged(ver))) throw new BuildAbandonedError(`kind version ${ver} is no longer being built`);
      const rows = await kind.writeRows({ thread: deps.thread, writer, memo, logger: log }, data);
      await checkStillBuilding(ver, () => writer.discard(ver, { tables: kind.rowTables?.(data), sharded: { table: data.table, shards: data.shards } }));
      log.info({ rows, ms: Math.round(performance.now() - started) }, 'rows written');
      return { modelVersion: ver, table: data.table, part: data.part, round: data.round ?? 0, rows, host: hostname(), pid: process.pid, ms: performance.now() - started, startedAt, finishedAt: Date.now() };
    } catch (err) {
      if (isPermanent(err)) throw unrecoverable(err as Error);
      throw err;
    }
  };

  /**
   * Checks again, after writing, that the version is still being built. If it was deleted
   * meanwhile (another row job failed for good, or a sweep), the deletion may have missed what
   * this job wrote after it: `discard` deletes that, and the job fails without retry.
   */
  async function checkStillBuilding(ver: string, discard: () => Promise<void>): Promise<void> {
    if (await lifecycle.isStaged(ver)) return;
    // A stalled job retaken elsewhere can finish after its build was published: it rewrote the same rows.
    if (await lifecycle.isPublished(ver)) return;
    await discard();
    throw new BuildAbandonedError(`kind version ${ver} was abandoned while this job wrote to it; its writes were deleted`);
  }
}
