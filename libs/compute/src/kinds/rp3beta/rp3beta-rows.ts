/**
 * The `rp3beta` kind's row jobs: a block of W's movie rows (core `rp3betaRows`, in a compute
 * thread) from the rating graph its training step staged, written to the version's `rp3` hash
 * shards as one packed scored list per movie (neighbour MovieLens ids, weights).
 */
import type { RowsJobData } from '@movielens/jobs';
import { RebuildJobError } from '../../errors';
import { loadStagedGraph } from '../graph-staging';
import type { RowsContext } from '../model-kind';
import { packBlock } from '../svd/svd-rows';
import { RP3_TABLE } from './rp3beta.tables';

/** Computes and writes the W rows [rowStart, rowEnd) of a version; returns the rows written. */
export async function writeRp3betaRows(ctx: RowsContext, data: RowsJobData): Promise<number> {
  if (data.table !== RP3_TABLE) throw new RebuildJobError(`rp3beta has no row table ${data.table}`);
  const { graph, movieIds, options } = await loadStagedGraph(ctx, data.modelVersion);
  const block = await ctx.thread.run({ kind: 'rp3beta-rows', graph, alpha: options[0], beta: options[1], neighbours: data.n, rowStart: data.rowStart, rowEnd: data.rowEnd });
  const rows = data.rowEnd - data.rowStart;
  const lists = packBlock(block, rows, movieIds);
  await ctx.writer.putRows(data.modelVersion, RP3_TABLE, data.part, movieIds.subarray(data.rowStart, data.rowEnd), lists, data.shards);
  return rows;
}
