/**
 * Serving `rp3beta`: W's kept rows are read once per kind version into one CSR on the kind's
 * dense movie indices (8 bytes a weight), and a user's score of movie j is the sum of W[i][j]
 * over the movies i they rated (the stars are not used: the model was trained on the binary
 * graph). `explain` names the rated movies i with the largest W[i][j].
 */
import { findIdIndex } from '@movielens/core';
import { columnOf, unpackColumns, unpackScoredList } from '@movielens/store';
import type { Contribution, KindScorer, ModelReads, RankedMovie, UserRow } from '../model-kind';
import { recommendByScorer, scorerMemo } from '../scorer-recommend';
import { RP3_MOVIES_TABLE, RP3_TABLE } from './rp3beta.tables';

/** W rows read per batch of concurrent HGETs while loading (bounds the commands in flight). */
const LOAD_BATCH = 512;

/** The loaded W of one kind version. */
export class Rp3betaScorer implements KindScorer {
  readonly bytes: number;

  /**
   * @param movieIds - the catalogue, ascending
   * @param ptr - row pointers of W by dense movie index (length movies + 1)
   * @param neighbours - dense index of each kept weight's target movie
   * @param weights - W[i][j] of each kept entry
   */
  constructor(
    readonly movieIds: Int32Array,
    private readonly ptr: Int32Array,
    private readonly neighbours: Int32Array,
    private readonly weights: Float32Array,
  ) {
    this.bytes = movieIds.byteLength + ptr.byteLength + neighbours.byteLength + weights.byteLength;
  }

  /** Sums the W rows of the rated movies the kind knows; false when it knows none. */
  score(row: UserRow, out: Float32Array): boolean {
    out.fill(0);
    let known = 0;
    for (let r = 0; r < row.movieIds.length; r++) {
      const i = findIdIndex(this.movieIds, row.movieIds[r]);
      if (i < 0) continue;
      known++;
      for (let p = this.ptr[i], end = this.ptr[i + 1]; p < end; p++) out[this.neighbours[p]] += this.weights[p];
    }
    return known > 0;
  }

  /** The rated movies with the largest W[rated][movieId], largest first (ties: smaller id); movies with no weight to it are left out. */
  explain(row: UserRow, movieId: number, top: number): Contribution[] {
    const j = findIdIndex(this.movieIds, movieId);
    if (j < 0) return [];
    const reasons: Contribution[] = [];
    for (let r = 0; r < row.movieIds.length; r++) {
      const i = findIdIndex(this.movieIds, row.movieIds[r]);
      if (i < 0) continue;
      // A kept row is short (rp3Neighbours entries): a scan beats an index per request.
      for (let p = this.ptr[i], end = this.ptr[i + 1]; p < end; p++) if (this.neighbours[p] === j) reasons.push({ movieId: row.movieIds[r], weight: this.weights[p] });
    }
    return reasons.sort((a, b) => b.weight - a.weight || a.movieId - b.movieId).slice(0, Math.max(0, top));
  }
}

/** Reads the W of the `rp3beta` kind version serving set `ver`; null when the set has none. */
export async function loadRp3betaScorer(store: ModelReads, ver: string): Promise<Rp3betaScorer | null> {
  const raw = await store.table(ver, RP3_MOVIES_TABLE);
  if (raw === null) return null;
  const movieIds = columnOf(unpackColumns(raw), 'movieIds', Int32Array, `model ${ver} rp3beta movies table`);
  const rows: ReturnType<typeof unpackScoredList>[] = [];
  for (let start = 0; start < movieIds.length; start += LOAD_BATCH) {
    const batch = Array.from(movieIds.subarray(start, start + LOAD_BATCH), (id) => store.row(ver, RP3_TABLE, id));
    for (const buf of await Promise.all(batch)) rows.push(buf === null ? [] : unpackScoredList(buf));
  }
  const ptr = new Int32Array(movieIds.length + 1);
  for (let i = 0; i < rows.length; i++) ptr[i + 1] = ptr[i] + rows[i].length;
  const neighbours = new Int32Array(ptr[movieIds.length]);
  const weights = new Float32Array(ptr[movieIds.length]);
  for (let i = 0, p = 0; i < rows.length; i++) {
    for (const { movieId, score } of rows[i]) {
      neighbours[p] = findIdIndex(movieIds, movieId);
      weights[p++] = score;
    }
  }
  return new Rp3betaScorer(movieIds, ptr, neighbours, weights);
}

/** The scorer of set `ver`, loaded once per kind version and store: `recommend` is called per request. */
const cachedScorer = scorerMemo(RP3_MOVIES_TABLE, loadRp3betaScorer);

/** The best `k` movies not in `rated` (ties by lower id); null when the user rated no movie the kind knows. */
export async function recommendRp3beta(store: ModelReads, ver: string, _userId: number, k: number, rated: ReadonlySet<number>): Promise<RankedMovie[] | null> {
  const scorer = await cachedScorer(store, ver);
  return scorer === null ? null : recommendByScorer(scorer, k, rated);
}
