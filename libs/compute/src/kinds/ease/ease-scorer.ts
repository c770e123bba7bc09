/**
 * Serving `ease`: B is read once per kind version (its parts in parallel) and kept as one
 * Float32 movies x movies matrix; a user's score of movie j is the sum of B[i][j] over the movies
 * i they rated (stars are not used: the model was trained on the binary matrix). `explain` names
 * the rated movies i with the largest B[i][j].
 */
import { findIdIndex, NotReadyError, scoreEase } from '@movielens/core';
import { columnOf, unpackColumns } from '@movielens/store';
import type { Contribution, KindScorer, ModelReads, RankedMovie, UserRow } from '../model-kind';
import { denseUserRow, topContributions } from '../scorer-rows';
import { recommendByScorer, scorerMemo } from '../scorer-recommend';
import { EASE_MOVIES_TABLE, easePartTable } from './ease.tables';

/** The loaded B of one kind version. */
export class EaseScorer implements KindScorer {
  readonly bytes: number;

  /**
   * @param movieIds - the catalogue, ascending
   * @param weights - B, movies x movies, row-major (row i: movie i's weight towards every movie)
   */
  constructor(
    readonly movieIds: Int32Array,
    private readonly weights: Float32Array,
  ) {
    this.bytes = movieIds.byteLength + weights.byteLength;
  }

  /** Sums the B rows of the rated movies the kind knows; false when it knows none. */
  score(row: UserRow, out: Float32Array): boolean {
    const rated = denseUserRow(this.movieIds, row).movies;
    if (rated.length === 0) return false;
    scoreEase(this.weights, this.movieIds.length, rated, out);
    return true;
  }

  /** The rated movies with the largest positive B[rated][movieId], largest first. */
  explain(row: UserRow, movieId: number, top: number): Contribution[] {
    const j = findIdIndex(this.movieIds, movieId);
    const dense = denseUserRow(this.movieIds, row);
    const n = this.movieIds.length;
    const w = Float64Array.from(dense.movies, (i) => (j >= 0 ? this.weights[i * n + j] : 0));
    return topContributions(dense.movieIds, w, top);
  }
}

/**
 * Reads B of the `ease` kind version serving set `ver`; null when the set has no ease kind.
 * @throws NotReadyError when it has one that was skipped above `easeMaxMovies` (no tables)
 */
export async function loadEaseScorer(store: ModelReads, ver: string): Promise<EaseScorer | null> {
  const raw = await store.table(ver, EASE_MOVIES_TABLE);
  if (raw === null) {
    const kind = (await store.meta(ver))?.kinds?.ease;
    if (kind === undefined) return null;
    throw new NotReadyError(`the ease kind version ${kind.version} of model ${ver} was skipped: its catalogue exceeds easeMaxMovies (the reason is in GET /api/v1/models/kinds/ease)`);
  }
  const columns = unpackColumns(raw);
  const what = `model ${ver} ease movies table`;
  const movieIds = columnOf(columns, 'movieIds', Int32Array, what);
  const [movies, rowsPerPart, parts] = columnOf(columns, 'layout', Int32Array, what);
  const weights = new Float32Array(movies * movies);
  const buffers = await Promise.all(Array.from({ length: parts }, (_, part) => store.table(ver, easePartTable(part))));
  buffers.forEach((buf, part) => {
    const start = part * rowsPerPart * movies;
    const expected = Math.min(rowsPerPart * movies, weights.length - start) * 4;
    if (buf === null || buf.byteLength !== expected) throw new Error(`ease table ${easePartTable(part)} of ${ver} is ${buf === null ? 'missing' : `${buf.byteLength} bytes, not ${expected}`}`);
    // A copy through a byte view: the Buffer's offset in Node's pool need not be 4-aligned.
    new Uint8Array(weights.buffer, start * 4, expected).set(buf);
  });
  return new EaseScorer(movieIds, weights);
}

/** The scorer of set `ver`, loaded once per kind version and store. */
const cachedScorer = scorerMemo(EASE_MOVIES_TABLE, loadEaseScorer);

/** The best `k` movies not in `rated` by summed B rows; null when the user rated no movie the kind knows. */
export async function recommendEase(store: ModelReads, ver: string, _userId: number, k: number, rated: ReadonlySet<number>): Promise<RankedMovie[] | null> {
  const scorer = await cachedScorer(store, ver);
  return scorer === null ? null : recommendByScorer(scorer, k, rated);
}
