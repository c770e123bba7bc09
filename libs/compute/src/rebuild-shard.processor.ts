import { hostname } from 'node:os';
import { DelayedError, type Job } from 'bullmq';
import { QueueName, rebuildShardJobSchema, type RebuildShardJobData, type RebuildShardResult } from '@movielens/jobs';
import { DatasetStore, ModelStore, ModelTable, ModelWriter, packColumns, packScoredList } from '@movielens/store';
import type { ComputeDeps } from './compute.deps';
import { BuildAbandonedError, isPermanent, RebuildJobError, unrecoverable } from './errors';
import { loadStagedFactors, loadStagedUsers, type StagedFactors } from './staging';
import type { ListBlock } from './thread/tasks';

/**
 * Packs a block of ranked lists (dense indices, -1 padded) as MovieLens ids and scores,
 * one Buffer per row.
 */
export function packBlock(block: ListBlock, rows: number, movieIds: Int32Array): Buffer[] {
  const out: Buffer[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * block.width;
    let len = 0;
    while (len < block.width && block.ids[base + len] >= 0) len++;
    const ids = new Int32Array(len);
    for (let i = 0; i < len; i++) ids[i] = movieIds[block.ids[base + i]];
    out[r] = packScoredList(ids, block.scores.subarray(base, base + len));
  }
  return out;
}

/** How long a one-core process busy with a build step hands an analytics job back for, ms. */
const ANALYTICS_DEFER_MS = 250;

/**
 * The processor of `rebuild-shard` jobs: one block of similar-movie rows or of user
 * recommendations of a version being built, or its analytics. Row inputs come from the
 * version's staged tables (movie factors cached per version in this process); results go to
 * the version's hash shards. The analytics job reads the dataset itself. Any number of
 * compute-worker processes can share these jobs. Bad payloads and abandoned versions fail
 * without retry; anything else is retried.
 */
export function createRebuildShardProcessor(deps: ComputeDeps) {
  const writer = new ModelWriter(deps.redis, deps.keys);
  const models = new ModelStore(deps.redis, deps.keys);
  const datasets = new DatasetStore(deps.redis, deps.keys);
  let cache: { ver: string; factors: Promise<StagedFactors> } | null = null;

  return async function processShard(job: Job<RebuildShardJobData, RebuildShardResult>, token?: string): Promise<RebuildShardResult> {
    const parsed = rebuildShardJobSchema.safeParse(job.data);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
      throw unrecoverable(new RebuildJobError(`invalid rebuild-shard payload: ${reason}`, { cause: parsed.error }));
    }
    if (parsed.data.table === 'analytics' && deps.building.active && deps.cores === 1 && token !== undefined) {
      // This process's only core runs the SVD: sharing it would slow the build's critical path
      // by the analytics' whole compute time. Hand the job back; another worker takes it now, or
      // this one once its build step ends (same total work when it is the only worker).
      await job.moveToDelayed(Date.now() + ANALYTICS_DEFER_MS, token);
      throw new DelayedError();
    }
    try {
      return await writeShard(job, parsed.data);
    } catch (err) {
      if (isPermanent(err)) throw unrecoverable(err as Error);
      throw err;
    }
  };

  async function writeShard(job: Job, data: RebuildShardJobData): Promise<RebuildShardResult> {
    const startedAt = Date.now();
    const started = performance.now();
    const ver = data.modelVersion;
    const log = deps.logger.child({ jobId: job.id, queue: QueueName.rebuildShard, modelVersion: ver, table: data.table, part: data.table === 'analytics' ? 0 : data.part });
    // A version deleted after a failure (or swept) is no longer staged: writing would leak keys.
    if (!(await models.isStaged(ver))) throw new BuildAbandonedError(`model version ${ver} is no longer being built`);
    const result = (rows: number) => ({ modelVersion: ver, table: data.table, part: data.table === 'analytics' ? 0 : data.part, rows, host: hostname(), pid: process.pid, ms: performance.now() - started, startedAt, finishedAt: Date.now() });
    if (data.table === 'analytics') {
      const [ratings, movies, users] = await Promise.all([datasets.loadRatings(data.datasetVersion, undefined, true), datasets.loadMovies(data.datasetVersion), datasets.loadUsers(data.datasetVersion)]);
      const a = await deps.thread.run({ kind: 'analytics', ratings, movies, users });
      const tables = [ModelTable.movieStats, ...Object.keys(a.tables).map((name) => ModelTable.analytics(name))];
      await writer.putTable(ver, ModelTable.movieStats, packColumns({ ...a.stats }));
      for (const [name, table] of Object.entries(a.tables)) await writer.putTable(ver, ModelTable.analytics(name), JSON.stringify(table));
      await checkStillBuilding(ver, () => writer.discard(ver, { tables }));
      log.info({ movies: a.stats.movieIds.length, computeMs: Math.round(a.ms), ms: Math.round(performance.now() - started) }, 'analytics written');
      return { ...result(a.stats.movieIds.length), analytics: { tables: Object.keys(a.tables), ms: a.ms } };
    }
    if (cache?.ver !== ver) cache = { ver, factors: loadStagedFactors(writer, ver) };
    let factors: StagedFactors;
    try {
      factors = await cache.factors;
    } catch (err) {
      cache = null;
      throw err;
    }

    let ids: ArrayLike<number>;
    let lists: Buffer[];
    if (data.table === 'similar') {
      const block = await deps.thread.run({ kind: 'similar', V: factors.V, S: factors.S, k: factors.k, counts: factors.counts, n: data.n, minCount: data.minCount, rowStart: data.rowStart, rowEnd: data.rowEnd });
      ids = factors.movieIds.subarray(data.rowStart, data.rowEnd);
      lists = packBlock(block, data.rowEnd - data.rowStart, factors.movieIds);
    } else {
      const users = await loadStagedUsers(writer, ver, data.part);
      const block = await deps.thread.run({ kind: 'recommend', U: users.U, means: users.means, indptr: users.indptr, indices: users.indices, V: factors.V, S: factors.S, k: factors.k, n: data.n });
      ids = users.userIds;
      lists = packBlock(block, users.userIds.length, factors.movieIds);
    }
    const table = data.table === 'similar' ? ModelTable.similar : ModelTable.recs;
    await writer.putRows(ver, table, data.part, ids, lists, data.shards);
    await checkStillBuilding(ver, () => writer.discard(ver, { sharded: { table, shards: data.shards } }));
    log.info({ rows: lists.length, ms: Math.round(performance.now() - started) }, 'shard written');
    return result(lists.length);
  }

  /**
   * Checks again, after writing, that the version is still being built. If it was deleted
   * meanwhile (another shard job failed for good, or a sweep), the deletion may have missed
   * what this job wrote after it: `discard` deletes that, and the job fails without retry.
   */
  async function checkStillBuilding(ver: string, discard: () => Promise<void>): Promise<void> {
    if (await models.isStaged(ver)) return;
    // A stalled job retaken elsewhere can finish after its build was published: it rewrote the same rows.
    if (await models.isPublished(ver)) return;
    await discard();
    throw new BuildAbandonedError(`model version ${ver} was abandoned while this job wrote to it; its writes were deleted`);
  }
}
