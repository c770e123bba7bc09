import { InputError } from '../errors';
import { denseIndex } from './sequences';
import { lstmLayout, ratingLevel, type LstmLayout } from './layout';
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

/**
 * Candidate steps of `LstmPredictor.driverStep`: the last 20 of the history. Each candidate
 * costs a re-run of the steps after it, so 20 bound the work at 20 x 19 / 2 + 20 = 210 steps
 * (about 2 ms); the forget gate makes older steps matter little anyway (docs/EVALUATION.md,
 * "History cap").
 */
export const DRIVER_CANDIDATES = 20;

/** The step of a history that drove a suggestion (`LstmPredictor.driverStep`). */
export interface DriverStep {
  /** Position in the history passed (0 = oldest). */
  position: number;
  /** Score of the suggested movie with the whole history minus its score without this step (logits; > 0: the step raised it). */
  drop: number;
}

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
  /** ratingLevels x 4H projections W_x ratingEmb[l] (no bias), lstm-v2 models only. */
  private levelProjection: Float64Array | undefined;
  /** One step's input projection (movie + rating level), lstm-v2 models only. */
  private readonly stepProjection: Float64Array;

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
    this.stepProjection = new Float64Array(4 * h);
  }

  /** True when the model reads a rating with each movie (format lstm-v2). */
  get readsRatings(): boolean {
    return this.layout.ratingLevels > 0;
  }

  /** Dense index of a movie id, or undefined when the model never saw it. */
  indexOf(movieId: number): number | undefined {
    return this.index.get(movieId);
  }

  /**
   * Runs the LSTM over the dense-index history `items[from..to)` from a zero state and
   * returns the offset in `this.h` of the final hidden state (zeros for an empty history).
   * `levels[p]` is the rating level read with items[p] by a rating-reading model (null: level 0,
   * rating unknown); a movies-only model ignores it. `skip` (a position) is left out.
   */
  private run(items: ArrayLike<number>, from: number, to: number, levels: ArrayLike<number> | null, skip = -1): number {
    const { h, c } = this;
    h.fill(0);
    c.fill(0);
    return this.advance(items, from, to, levels, skip, 0);
  }

  /** Continues the recurrence from the state at offset `cur` of h/c over items[from..to) (but `skip`); returns the final state's offset. */
  private advance(items: ArrayLike<number>, from: number, to: number, levels: ArrayLike<number> | null, skip: number, cur: number): number {
    const L = this.layout;
    const w = this.model.weights;
    const hd = this.model.shape.hidden;
    const { h, c } = this;
    if (to <= from) return cur;
    const xw = this.inputProjection();
    const lw = this.readsRatings ? this.ratingProjection() : undefined;
    const step = this.stepProjection;
    // Ping-pong between the two halves of h and c instead of copying.
    for (let p = from; p < to; p++) {
      if (p === skip) continue;
      const nxt = hd - cur;
      const mo = items[p] * 4 * hd;
      if (lw === undefined) {
        this.cell.forwardProjected(w, L.w, xw, mo, h, cur, c, cur, this.gates, 0, c, nxt, this.tanhC, 0, h, nxt);
      } else {
        // W_x (inEmb[m] + ratingEmb[l]) = W_x inEmb[m] + W_x ratingEmb[l]: both parts precomputed.
        const lo = (levels === null ? 0 : levels[p]) * 4 * hd;
        for (let r = 0; r < 4 * hd; r++) step[r] = xw[mo + r] + lw[lo + r];
        this.cell.forwardProjected(w, L.w, step, 0, h, cur, c, cur, this.gates, 0, c, nxt, this.tanhC, 0, h, nxt);
      }
      cur = nxt;
    }
    return cur;
  }

  /** W_x ratingEmb[l] for every rating level, computed on first use and kept. */
  private ratingProjection(): Float64Array {
    if (this.levelProjection === undefined) {
      const L = this.layout;
      const w = this.model.weights;
      const hd = this.model.shape.hidden;
      const out = new Float64Array(L.ratingLevels * 4 * hd);
      // The bias is in the movie's projection already: project against zeros.
      this.cell.projectInputs(w, L.w, new Float32Array(4 * hd), 0, w, L.ratingEmb, L.ratingLevels, out, 0);
      this.levelProjection = out;
    }
    return this.levelProjection;
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
   * Writes the final hidden state after the dense-index history `items[from..to)` (rating
   * levels `levels[from..to)`, null = unknown) to
   * `out[outOffset..outOffset+hidden)`: all a known user's next-movie scores depend on, so the
   * rebuild stores it once per user and serving skips the recurrence (see scoreHidden).
   */
  hiddenAfter(items: ArrayLike<number>, from: number, to: number, out: Float32Array, outOffset = 0, levels: ArrayLike<number> | null = null): void {
    const cur = this.run(items, from, to, levels);
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
   * Scores every movie after the dense-index history `items[from..to)` (rating levels
   * `levels[from..to)`, null = unknown) into `out` (length numMovies). Used by the evaluation,
   * which works on dense indices.
   */
  scoreDense(items: ArrayLike<number>, from: number, to: number, out: Float32Array, levels: ArrayLike<number> | null = null): void {
    this.scoreHidden(this.h, this.run(items, from, to, levels), out);
  }

  /**
   * Which step of the history `items[from..to)` drove the score of movie `target` (dense index):
   * leave-one-out over the last `DRIVER_CANDIDATES` steps. The state before them is computed
   * once; then for each candidate the remaining steps are run again without it, and the
   * candidate whose removal lowers target's score the most is returned, with that drop.
   * Exact (no gradient approximation) and cheap: at most 20 x 19 / 2 + 20 extra steps. Null
   * for an empty history. Positions are absolute indices into `items`.
   */
  driverStep(items: ArrayLike<number>, from: number, to: number, target: number, levels: ArrayLike<number> | null = null): DriverStep | null {
    if (to <= from) return null;
    const hd = this.model.shape.hidden;
    const L = this.layout;
    const w = this.model.weights;
    const score = (cur: number) => w[L.outBias + target] + dot(w, L.outEmb + target * hd, this.h, cur, hd);
    const first = Math.max(from, to - DRIVER_CANDIDATES);
    const mid = this.run(items, from, first, levels);
    const h0 = this.h.slice(mid, mid + hd);
    const c0 = this.c.slice(mid, mid + hd);
    const full = score(this.advance(items, first, to, levels, -1, mid));
    let best: DriverStep | null = null;
    for (let s = first; s < to; s++) {
      this.h.set(h0, 0);
      this.c.set(c0, 0);
      const drop = full - score(this.advance(items, first, to, levels, s, 0));
      if (best === null || drop > best.drop) best = { position: s, drop };
    }
    return best;
  }

  /**
   * The k best next movies after `history` (movie ids, oldest first), excluding the movies
   * in the history. Ids the model does not know are skipped. The LSTM reads only the last
   * `maxSteps` known movies (default: all), which bounds the cost of a long history; every
   * movie of the history is still excluded. k defaults to 10. `stars[i]`, when given, is the
   * rating of history[i] (a rating-reading model reads it; without it, rating unknown).
   */
  recommend(history: ArrayLike<number>, k = 10, maxSteps = Number.POSITIVE_INFINITY, stars: ArrayLike<number> | null = null): NextMovies {
    const dense: number[] = [];
    const levels: number[] = [];
    for (let i = 0; i < history.length; i++) {
      const m = this.index.get(history[i]);
      if (m === undefined) continue;
      dense.push(m);
      levels.push(stars === null ? 0 : ratingLevel(stars[i]));
    }
    this.scoreDense(dense, Math.max(0, dense.length - maxSteps), dense.length, this.scratchScores, levels);
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
