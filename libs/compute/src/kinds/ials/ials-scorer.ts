/**
 * The `ials` kind's serving: scores x . y_j (the preference the model predicts, 0..about 1).
 * A dataset user's unchanged row uses their stored factors; a changed row or a visitor is folded
 * in by one exact solve against the fixed movie factors (core `foldInIals`). Explanations split
 * the folded-in score into one exact share per rated movie (Hu et al. 2008, section 5); for a
 * stored user that is the fold-in of their own row, which their stored (CG) factors approximate.
 */
import { extraConfidence, findIdIndex, foldInIals, ialsContributions, ialsGram, type IalsConfidence, type IalsRowEntries } from '@movielens/core';
import { columnOf, ModelTable, unpackColumns } from '@movielens/store';
import type { KindScorer, ModelReads, RankedMovie, UserRow } from '../model-kind';
import { denseUserRow, topContributions } from '../scorer-rows';
import { CONFIDENCE_CODE } from './ials-rows';

/** A published ials version in memory. */
interface IalsFactors {
  userIds: Int32Array;
  X: Float32Array;
  movieIds: Int32Array;
  Y: Float32Array;
  k: number;
  /** Y^T Y, k x k. */
  gram: Float64Array;
  alpha: number;
  reg: number;
  confidence: IalsConfidence;
}

/** Reads the kind's two tables of set version `ver`; null when the set has no ials version. */
async function loadFactors(store: ModelReads, ver: string): Promise<IalsFactors | null> {
  const [users, movies] = await Promise.all([store.table(ver, ModelTable.ialsUsers), store.table(ver, ModelTable.ialsMovies)]);
  if (users === null || movies === null) return null;
  const u = unpackColumns(users);
  const m = unpackColumns(movies);
  const movieIds = columnOf(m, 'movieIds', Int32Array, `model ${ver} ials movies table`);
  const Y = columnOf(m, 'Y', Float32Array, `model ${ver} ials movies table`);
  const k = Y.length / Math.max(1, movieIds.length);
  const [alpha, reg, code] = columnOf(m, 'settings', Float64Array, `model ${ver} ials movies table`);
  return { userIds: columnOf(u, 'userIds', Int32Array, `model ${ver} ials users table`), X: columnOf(u, 'X', Float32Array, `model ${ver} ials users table`), movieIds, Y, k, gram: ialsGram(Y, movieIds.length, k), alpha, reg, confidence: code === CONFIDENCE_CODE.binary ? 'binary' : 'rating' };
}

/** The row's known movies as fold-in entries (dense indices, c - 1), with their MovieLens ids. */
function entriesOf(f: IalsFactors, row: UserRow): IalsRowEntries & { movieIds: Int32Array } {
  const dense = denseUserRow(f.movieIds, row);
  return { indices: dense.movies, extra: Float64Array.from(dense.ratings, (r) => extraConfidence(r, f.alpha, f.confidence)), movieIds: dense.movieIds };
}

/** Writes x . y_j for every movie j. */
function scoreWith(f: IalsFactors, x: ArrayLike<number>, out: Float32Array): void {
  const k = f.k;
  for (let j = 0, o = 0; j < f.movieIds.length; j++, o += k) {
    let s = 0;
    for (let c = 0; c < k; c++) s += x[c] * f.Y[o + c];
    out[j] = s;
  }
}

/** Loads the ials scorer of set version `ver`; null when the set has no ials version. */
export async function ialsScorer(store: ModelReads, ver: string): Promise<KindScorer | null> {
  const f = await loadFactors(store, ver);
  if (f === null) return null;
  const k = f.k;
  return {
    movieIds: f.movieIds,
    bytes: f.X.byteLength + f.Y.byteLength + f.userIds.byteLength + f.movieIds.byteLength + f.gram.byteLength,
    score(row, out) {
      const u = !row.changed && row.userId !== undefined ? findIdIndex(f.userIds, row.userId) : -1;
      if (u >= 0) {
        scoreWith(f, f.X.subarray(u * k, (u + 1) * k), out);
        return true;
      }
      const entries = entriesOf(f, row);
      if (entries.indices.length === 0) return false;
      scoreWith(f, foldInIals(f.Y, f.gram, k, f.reg, entries).x, out);
      return true;
    },
    explain(row, movieId, top) {
      const j = findIdIndex(f.movieIds, movieId);
      const entries = entriesOf(f, row);
      if (j < 0 || entries.indices.length === 0) return [];
      return topContributions(entries.movieIds, ialsContributions(f.Y, k, foldInIals(f.Y, f.gram, k, f.reg, entries), entries, j), top);
    },
  };
}

/**
 * A stored user's top `k` unrated movies by x_u . y_j; null when the user is not in the kind's
 * model. The factors are read once per kind version and kept (one version at a time).
 */
export async function recommendIals(store: ModelReads, ver: string, userId: number, k: number, rated: ReadonlySet<number>): Promise<RankedMovie[] | null> {
  const home = await store.homeOf(ver, ModelTable.ialsMovies);
  if (home === null) return null;
  if (cached?.version !== home.version) cached = { version: home.version, scorer: ialsScorer(store, ver) };
  const mine = cached;
  const scorer = await mine.scorer.catch((err: unknown) => {
    // A failed read is not kept: the next request reads again.
    if (cached === mine) cached = undefined;
    throw err;
  });
  if (scorer === null) return null;
  const out = new Float32Array(scorer.movieIds.length);
  if (!scorer.score({ userId, movieIds: [], ratings: [], changed: false }, out)) return null;
  const ranked: RankedMovie[] = [];
  for (let j = 0; j < out.length; j++) if (!rated.has(scorer.movieIds[j])) ranked.push({ movieId: scorer.movieIds[j], score: out[j] });
  ranked.sort((a, b) => b.score - a.score || a.movieId - b.movieId);
  return ranked.slice(0, k);
}

/** The scorer of the last kind version `recommendIals` served. */
let cached: { version: string; scorer: Promise<KindScorer | null> } | undefined;
