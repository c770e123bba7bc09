/**
 * Tables the `svd` kind writes for its own row jobs, under its kind version's keys (so a crashed
 * build's leftovers are swept with the version), and dropped before publishing. Names:
 * `ModelTable.stagedFactors` / `ModelTable.stagedUsers(part)` (store keys.ts). Columns:
 *
 *   staged factors          { movieIds Int32, counts Int32, V Float64 (movies x k), S Float64 }
 *   staged users of a part  { userIds Int32, means Float64, U Float64 (block x k), indptr Int32, indices Int32 }
 */
import { columnOf, ModelTable, packColumns, unpackColumns, type ModelWriter } from '@movielens/store';
import { BuildAbandonedError } from '../../errors';
import type { Factorization } from '../../thread/tasks';

/** A contiguous block of dense rows [start, end). */
export interface RowBlock {
  part: number;
  start: number;
  end: number;
}

/** Splits `rows` rows into at most `parts` contiguous blocks of near-equal size (none empty). */
export function rowBlocks(rows: number, parts: number): RowBlock[] {
  const n = Math.max(1, Math.min(parts, rows));
  const blocks: RowBlock[] = [];
  for (let p = 0; p < n; p++) blocks.push({ part: p, start: Math.floor((p * rows) / n), end: Math.floor(((p + 1) * rows) / n) });
  return blocks.filter((b) => b.end > b.start);
}

/** Inputs of a similar-movies part (same for every part of a version). */
export interface StagedFactors {
  movieIds: Int32Array;
  counts: Int32Array;
  /** movies x k, row-major, in a SharedArrayBuffer: handed to the compute thread without a copy. */
  V: Float64Array;
  S: Float64Array;
  k: number;
}

/** Inputs of a recommendations part. */
export interface StagedUsers {
  userIds: Int32Array;
  means: Float64Array;
  U: Float64Array;
  indptr: Int32Array;
  indices: Int32Array;
}

/** Writes the shard jobs' inputs; returns the staged table names. */
export async function stageInputs(writer: ModelWriter, ver: string, f: Factorization, userBlocks: RowBlock[]): Promise<string[]> {
  await writer.putTable(ver, ModelTable.stagedFactors, packColumns({ movieIds: f.movieIds, counts: f.movieCounts, V: f.V, S: f.S }));
  const names: string[] = [ModelTable.stagedFactors];
  for (const b of userBlocks) {
    const first = f.indptr[b.start];
    const last = f.indptr[b.end];
    const indptr = new Int32Array(b.end - b.start + 1);
    for (let r = b.start; r <= b.end; r++) indptr[r - b.start] = f.indptr[r] - first;
    const table = {
      userIds: f.userIds.subarray(b.start, b.end),
      means: f.userMeans.subarray(b.start, b.end),
      U: f.U.subarray(b.start * f.k, b.end * f.k),
      indptr,
      indices: f.indices.subarray(first, last),
    };
    await writer.putTable(ver, ModelTable.stagedUsers(b.part), packColumns(table));
    names.push(ModelTable.stagedUsers(b.part));
  }
  return names;
}

/** Reads the staged movie factors; V is copied into shared memory. */
export async function loadStagedFactors(writer: ModelWriter, ver: string): Promise<StagedFactors> {
  const buf = await writer.getTable(ver, ModelTable.stagedFactors);
  if (buf === null) throw new BuildAbandonedError(`model version ${ver}: staged factors are missing (build abandoned or swept?)`);
  const t = unpackColumns(buf);
  const what = `model version ${ver} staged factors`;
  const staged = columnOf(t, 'V', Float64Array, what);
  const V = new Float64Array(new SharedArrayBuffer(staged.byteLength));
  V.set(staged);
  const S = columnOf(t, 'S', Float64Array, what);
  return { movieIds: columnOf(t, 'movieIds', Int32Array, what), counts: columnOf(t, 'counts', Int32Array, what), V, S, k: S.length };
}

/** Reads the staged users of one recommendations part. */
export async function loadStagedUsers(writer: ModelWriter, ver: string, part: number): Promise<StagedUsers> {
  const buf = await writer.getTable(ver, ModelTable.stagedUsers(part));
  if (buf === null) throw new BuildAbandonedError(`model version ${ver}: staged users of part ${part} are missing (build abandoned or swept?)`);
  const t = unpackColumns(buf);
  const what = `model version ${ver} staged users of part ${part}`;
  return { userIds: columnOf(t, 'userIds', Int32Array, what), means: columnOf(t, 'means', Float64Array, what), U: columnOf(t, 'U', Float64Array, what), indptr: columnOf(t, 'indptr', Int32Array, what), indices: columnOf(t, 'indices', Int32Array, what) };
}
