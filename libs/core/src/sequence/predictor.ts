import { InputError } from '../errors';
import { denseIndex } from './sequences';
import { lstmLayout, type LstmLayout } from './layout';
import { dot, LstmCell } from './lstm-cell';
import type { LstmModel } from './model';

/**
 * How many of an anonymous session's most recent known movies the LSTM reads in
 * POST /sessions/next: 200. A step costs ~8 µs at the default shape on this machine even with
 * input projections, so a 1,000-movie session (the largest accepted) took 8.6 ms at p50;
 * 200 steps take ~1.9 ms, and reading only the last 200 training movies left leave-last-out
 * HR@10/NDCG@10 unchanged (docs/BENCHMARKS.md and docs/EVALUATION.md, "History cap").
 */
export const SESSION_MAX_STEPS = 200;

/** Top-k next movies: parallel arrays, best first. */
export interface NextMovies {
  movieIds: Int32Array;
  scores: Float32Array;
}

/**
 * Inference: runs the LSTM over a history and scores every movie as
 * h_T . outEmb[m] + outBias[m] (the final hidden state against the output embeddings).
 * Scratch buffers are allocated once per predictor, so a call allocates only its result.
 * The first recurrence also computes every movie's input projection b + W_x inEmb[m]
 * (numMovies x 4H float64: 3.8 MB for 3,706 movies at hidden 32, about 4H x D x numMovies
 * multiply-adds, once per predictor), so each step only adds W_h h_prev: about half the
 * multiply-adds of a full step, with the same results bit for bit.
 * Not thread-safe: use one predictor per thread (they can share the model).
 */
export class LstmPredictor {
  readonly model: LstmModel;
  private readonly layout: LstmLayout;
  private readonly cell: LstmCell;
  private readonly index: Map<number, number>;
  private readonly h: Float32Array;
  private readonly c: Float32Array;
  private readonly gates: Float32Array;
  private readonly tanhC: Float32Array;
  private readonly scratchScores: Float32Array;
  private readonly seen: Uint8Array;
  /** numMovies x 4H input projections (LstmCell.projectInputs), made on the first recurrence. */
  private projection: Float64Array | undefined;

  constructor(model: LstmModel) {
    this.model = model;
    this.layout = lstmLayout(model.shape);
    const { embeddingDim: d, hidden: h, numMovies: m } = model.shape;
    this.cell = new LstmCell(d, h);
    this.index = denseIndex(model.movieIds);
    this.h = new Float32Array(2 * h);
    this.c = new Float32Array(2 * h);
    this.gates = new Float32Array(4 * h);
    this.tanhC = new Float32Array(h);
    this.scratchScores = new Float32Array(m);
    this.seen = new Uint8Array(m);
  }

  /** Dense index of a movie id, or undefined when the model never saw it. */
  indexOf(movieId: number): number | undefined {
    return this.index.get(movieId);
  }

  /**
   * Runs the LSTM over the dense-index history `items[from..to)` from a zero state and
   * returns the offset in `this.h` of the final hidden state (zeros for an empty history).
   */
  private run(items: ArrayLike<number>, from: number, to: number): number {
    const L = this.layout;
    const w = this.model.weights;
    const hd = this.model.shape.hidden;
    const { h, c } = this;
    h.fill(0);
    c.fill(0);
    if (to <= from) return 0;
    const xw = this.inputProjection();
    // Ping-pong between the two halves of h and c instead of copying.
    let cur = 0;
    for (let p = from; p < to; p++) {
      const nxt = hd - cur;
      this.cell.forwardProjected(w, L.w, xw, items[p] * 4 * hd, h, cur, c, cur,
        this.gates, 0, c, nxt, this.tanhC, 0, h, nxt);
      cur = nxt;
    }
    return cur;
  }

  /** The input projection of every movie, computed on first use and kept (the model's weights never change). */
  private inputProjection(): Float64Array {
    if (this.projection === undefined) {
      const L = this.layout;
      const w = this.model.weights;
      const { hidden: hd, numMovies } = this.model.shape;
      const out = new Float64Array(numMovies * 4 * hd);
      this.cell.projectInputs(w, L.w, w, L.b, w, L.inEmb, numMovies, out, 0);
      this.projection = out;
    }
    return this.projection;
  }

  /**
   * Writes the final hidden state after the dense-index history `items[from..to)` to
   * `out[outOffset..outOffset+hidden)`: all a known user's next-movie scores depend on, so the
   * rebuild stores it once per user and serving skips the recurrence (see scoreHidden).
   */
  hiddenAfter(items: ArrayLike<number>, from: number, to: number, out: Float32Array, outOffset = 0): void {
    const cur = this.run(items, from, to);
    out.set(this.h.subarray(cur, cur + this.model.shape.hidden), outOffset);
  }

  /**
   * Scores every movie from the hidden state `h[ho..ho+hidden)` into `out` (length
   * numMovies): the output layer h . outEmb[m] + outBias[m], O(numMovies x hidden).
   */
  scoreHidden(h: Float32Array, ho: number, out: Float32Array): void {
    const L = this.layout;
    const w = this.model.weights;
    const { hidden: hd, numMovies } = this.model.shape;
    for (let m = 0; m < numMovies; m++) {
      out[m] = w[L.outBias + m] + dot(w, L.outEmb + m * hd, h, ho, hd);
    }
  }

  /**
   * Scores every movie after the dense-index history `items[from..to)` into `out`
   * (length numMovies). Used by the evaluation, which works on dense indices.
   */
  scoreDense(items: ArrayLike<number>, from: number, to: number, out: Float32Array): void {
    this.scoreHidden(this.h, this.run(items, from, to), out);
  }

  /**
   * The k best next movies after `history` (movie ids, oldest first), excluding the movies
   * in the history. Ids the model does not know are skipped. The LSTM reads only the last
   * `maxSteps` known movies (default: all), which bounds the cost of a long history; every
   * movie of the history is still excluded. k defaults to 10.
   */
  recommend(history: ArrayLike<number>, k = 10, maxSteps = Number.POSITIVE_INFINITY): NextMovies {
    const dense: number[] = [];
    for (let i = 0; i < history.length; i++) {
      const m = this.index.get(history[i]);
      if (m !== undefined) dense.push(m);
    }
    this.scoreDense(dense, Math.max(0, dense.length - maxSteps), dense.length, this.scratchScores);
    return this.best(dense, k);
  }

  /**
   * The k best next movies from a stored final hidden state (hiddenAfter of the user's whole
   * history), excluding the dense movie indices `seen`. Equals `recommend` on that history,
   * bit for bit, at the cost of the output layer alone. k defaults to 10.
   */
  recommendFromHidden(hidden: Float32Array, seen: ArrayLike<number>, k = 10): NextMovies {
    if (hidden.length !== this.model.shape.hidden) {
      throw new InputError(`LSTM state has ${hidden.length} floats, the model's hidden size is ${this.model.shape.hidden}`);
    }
    this.scoreHidden(hidden, 0, this.scratchScores);
    return this.best(seen, k);
  }

  /** Top k of the scratch scores excluding the dense indices `seen`, mapped to movie ids. */
  private best(seen: ArrayLike<number>, k: number): NextMovies {
    const scores = this.scratchScores;
    const numMovies = this.model.shape.numMovies;
    for (let i = 0; i < seen.length; i++) if (seen[i] >= 0 && seen[i] < numMovies) this.seen[seen[i]] = 1;
    const top = topK(scores, this.seen, k);
    for (let i = 0; i < seen.length; i++) if (seen[i] >= 0 && seen[i] < numMovies) this.seen[seen[i]] = 0;
    const movieIds = new Int32Array(top.length);
    const out = new Float32Array(top.length);
    for (let i = 0; i < top.length; i++) {
      movieIds[i] = this.model.movieIds[top[i]];
      out[i] = scores[top[i]];
    }
    return { movieIds, scores: out };
  }
}

/**
 * Indices of the k largest scores whose `excluded` flag is 0, best first (ties: lower index
 * first). Keeps a small sorted buffer: O(n k) worst case, ~O(n) for k = 10.
 */
export function topK(scores: Float32Array, excluded: Uint8Array, k: number): Int32Array {
  if (!(k >= 1)) return new Int32Array(0);
  k = Math.floor(k);
  const idx = new Int32Array(k);
  const val = new Float64Array(k);
  let size = 0;
  for (let m = 0; m < scores.length; m++) {
    if (excluded[m] !== 0) continue;
    const s = scores[m];
    if (size === k && s <= val[k - 1]) continue;
    let pos = size < k ? size++ : k - 1;
    while (pos > 0 && val[pos - 1] < s) {
      val[pos] = val[pos - 1];
      idx[pos] = idx[pos - 1];
      pos--;
    }
    val[pos] = s;
    idx[pos] = m;
  }
  return idx.slice(0, size);
}
