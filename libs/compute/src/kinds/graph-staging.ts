/**
 * The rating graph staged for the row jobs of the neighbourhood kinds (`rp3beta`, `similarusers`):
 * the training step builds it once and writes it under its kind version (so a crashed build's
 * copy is swept with the version); every row job of the version reads it once per process
 * (`RowsContext.memo`) into shared memory and walks it in a compute thread, and the kind job
 * drops it before publishing. Column table:
 *
 *   staging:graph   { userIds Int32, movieIds Int32, userPtr Int32, userMovies Int32,
 *                     moviePtr Int32, movieUsers Int32, options Float64 (the kind's numeric params) }
 */
import { indexRatings, interactionGraph, type InteractionGraph, type RatingTable } from '@movielens/core';
import { columnOf, packColumns, unpackColumns, type ModelWriter } from '@movielens/store';
import { BuildAbandonedError } from '../errors';
import type { RowsContext } from './model-kind';
import { memoized } from './row-memo';

/** Name of the staged graph table (build only, dropped before publishing). */
export const STAGED_GRAPH_TABLE = 'staging:graph';

/** The rating graph with the MovieLens ids of its dense indices. */
export interface StagedGraph {
  graph: InteractionGraph;
  /** MovieLens id of each dense user index, ascending. */
  userIds: Int32Array;
  /** MovieLens id of each dense movie index, ascending. */
  movieIds: Int32Array;
  /** Numeric parameters the row jobs need beyond their payload (e.g. RP3beta's alpha and beta). */
  options: Float64Array;
}

/** Builds the graph of a rating table. O(ratings log ratings) for the id sort. */
export function graphOf(ratings: RatingTable, options: ArrayLike<number> = []): StagedGraph {
  const data = indexRatings(ratings);
  return { graph: interactionGraph(data), userIds: data.userIds, movieIds: data.movieIds, options: Float64Array.from(options) };
}

/** Writes the staged graph of version `ver`; returns the table name (to list as scratch). */
export async function stageGraph(writer: ModelWriter, ver: string, s: StagedGraph): Promise<string> {
  const { userPtr, userMovies, moviePtr, movieUsers } = s.graph;
  await writer.putTable(ver, STAGED_GRAPH_TABLE, packColumns({ userIds: s.userIds, movieIds: s.movieIds, userPtr, userMovies, moviePtr, movieUsers, options: s.options }));
  return STAGED_GRAPH_TABLE;
}

/**
 * The staged graph of version `ver`, read once per process while its row jobs run: one version
 * per kind is cached (the memo is shared by every kind's row jobs of the process, so only this
 * kind's older versions are dropped).
 */
export async function loadStagedGraph(ctx: RowsContext, ver: string): Promise<StagedGraph> {
  return memoized(ctx, `graph:${ver}`, `graph:${ver.slice(0, ver.indexOf('-') + 1)}`, () => readGraph(ctx.writer, ver));
}

async function readGraph(writer: ModelWriter, ver: string): Promise<StagedGraph> {
  const buf = await writer.getTable(ver, STAGED_GRAPH_TABLE);
  if (buf === null) throw new BuildAbandonedError(`model version ${ver}: the staged rating graph is missing (build abandoned or swept?)`);
  const t = unpackColumns(buf);
  const what = `model version ${ver} staged rating graph`;
  const userIds = columnOf(t, 'userIds', Int32Array, what);
  const movieIds = columnOf(t, 'movieIds', Int32Array, what);
  // In shared memory: every row job of this version hands the graph to a compute thread without a copy.
  const graph: InteractionGraph = {
    users: userIds.length,
    movies: movieIds.length,
    userPtr: shared(columnOf(t, 'userPtr', Int32Array, what)),
    userMovies: shared(columnOf(t, 'userMovies', Int32Array, what)),
    moviePtr: shared(columnOf(t, 'moviePtr', Int32Array, what)),
    movieUsers: shared(columnOf(t, 'movieUsers', Int32Array, what)),
  };
  return { graph, userIds, movieIds, options: columnOf(t, 'options', Float64Array, what) };
}

/** A copy of `a` in a SharedArrayBuffer. */
function shared(a: Int32Array): Int32Array {
  const out = new Int32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/**
 * Row jobs for `rows` rows whose total cost is `work` inner-loop steps: one per ~50 million
 * steps (a fraction of a second each), at least 4 so several workers share a table, at most 64.
 */
export function partsFor(rows: number, work: number): number {
  return Math.max(1, Math.min(rows, 64, Math.max(4, Math.ceil(work / 5e7))));
}

/** Sum over the rows of `ptr` of the squared row length: the cost of a walk two steps out and back. */
export function squaredDegrees(ptr: Int32Array): number {
  let s = 0;
  for (let r = 0; r + 1 < ptr.length; r++) s += (ptr[r + 1] - ptr[r]) ** 2;
  return s;
}
