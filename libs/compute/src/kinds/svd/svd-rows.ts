/**
 * The `svd` kind's row jobs: a block of similar-movie lists or of user recommendations of a
 * version being built, from the inputs its training step staged (movie factors cached per version
 * in this process), written to the version's hash shards.
 */
import type { RowsJobData } from '@movielens/jobs';
import { ModelTable, packScoredList } from '@movielens/store';
import type { RowsContext } from '../model-kind';
import type { ListBlock } from '../../thread/tasks';
import { loadStagedFactors, loadStagedUsers, type StagedFactors } from './staging';

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

/** Computes and writes one `similar` or `recs` block; returns the rows written. */
export async function writeSvdRows(ctx: RowsContext, data: RowsJobData): Promise<number> {
  const ver = data.modelVersion;
  const key = `svd-factors:${ver}`;
  let pending = ctx.memo.get(key) as Promise<StagedFactors> | undefined;
  if (pending === undefined) {
    // One version at a time is cached: a new one replaces the last.
    ctx.memo.clear();
    pending = loadStagedFactors(ctx.writer, ver);
    ctx.memo.set(key, pending);
  }
  let factors: StagedFactors;
  try {
    factors = await pending;
  } catch (err) {
    ctx.memo.delete(key);
    throw err;
  }
  let ids: ArrayLike<number>;
  let lists: Buffer[];
  if (data.table === ModelTable.similar) {
    const block = await ctx.thread.run({ kind: 'similar', V: factors.V, S: factors.S, k: factors.k, counts: factors.counts, n: data.n, minCount: data.minCount, rowStart: data.rowStart, rowEnd: data.rowEnd });
    ids = factors.movieIds.subarray(data.rowStart, data.rowEnd);
    lists = packBlock(block, data.rowEnd - data.rowStart, factors.movieIds);
  } else if (data.table === ModelTable.recs) {
    const users = await loadStagedUsers(ctx.writer, ver, data.part);
    const block = await ctx.thread.run({ kind: 'recommend', U: users.U, means: users.means, indptr: users.indptr, indices: users.indices, V: factors.V, S: factors.S, k: factors.k, n: data.n });
    ids = users.userIds;
    lists = packBlock(block, users.userIds.length, factors.movieIds);
  } else {
    throw new Error(`svd has no row table ${data.table}`);
  }
  await ctx.writer.putRows(ver, data.table, data.part, ids, lists, data.shards);
  return lists.length;
}
