import type { Random } from '../random';
import type { Floats, FloatsConstructor } from './floats';
import { lstmLayout, type LstmLayout, type LstmShape } from './layout';
import { LstmCell } from './lstm-cell';
import { SampledSoftmax } from './sampled-softmax';
import type { PopularitySampler } from './sampler';

/** Hyper-parameters of the training step (see LstmTrainOptions for defaults). */
export interface LstmStepOptions {
  /** Truncated-BPTT window: steps back-propagated through before the state is cut. */
  window: number;
  /** Windows per mini-batch (one Adam update per mini-batch). */
  batchWindows: number;
  /** Sampled negatives per window (shared by its steps). */
  negatives: number;
  /** Adam step size. */
  learningRate: number;
  /** Clip the mini-batch gradient (mean over its steps) to this L2 norm. */
  clipNorm: number;
  /** L2 penalty on the embedding rows a mini-batch touches (lazy weight decay). */
  l2: number;
}

/** The model parameters and Adam moments one trainer reads and writes (possibly shared with other threads). */
export interface LstmBuffers {
  params: Floats;
  adamM: Floats;
  adamV: Floats;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/**
 * The pure training step: forward/backward over one user's sequence in truncated-BPTT
 * windows, a sampled-softmax loss at every step (predict the next movie), and a lazy Adam
 * update every `batchWindows` windows. Dense weights (LSTM) are updated every mini-batch;
 * embedding rows only when touched (LazyAdam), so a step costs O(touched rows), not O(movies).
 *
 * All scratch space is allocated in the constructor. Several trainers in several threads
 * may share `buffers` (Hogwild, Niu et al. 2011): updates are not atomic, which is fine for
 * sparse SGD-like updates and is why multi-threaded runs are not bit-reproducible.
 */
export class LstmTrainer {
  readonly layout: LstmLayout;
  readonly options: LstmStepOptions;
  /** Gradient accumulator, same layout as params (only touched rows are non-zero). */
  readonly grad: Floats;
  /** The negatives of the current window (filled by trainSequence, or by a test). */
  readonly negatives: Int32Array;
  private readonly buffers: LstmBuffers;
  private readonly cell: LstmCell;
  private readonly softmax: SampledSoftmax;
  private readonly sampler: PopularitySampler;
  private readonly logQ: Float32Array;
  private readonly random: Random;
  // Per-window activations: hs/cs have window+1 rows (row 0 = carried state).
  private readonly hs: Floats;
  private readonly cs: Floats;
  private readonly gates: Floats;
  private readonly tanhC: Floats;
  private readonly dhs: Floats;
  private readonly dhNext: Floats;
  private readonly dcNext: Floats;
  private readonly dx: Floats;
  private readonly dzT: Floats;
  private readonly xhT: Floats;
  /** The window's inputs x_t = inEmb[movie] + ratingEmb[level] (window x D). */
  private readonly xs: Floats;
  // Touched embedding rows since the last update, with a stamp per movie to dedupe.
  private readonly inRows: Int32Array;
  private readonly outRows: Int32Array;
  private readonly inStamp: Uint8Array;
  private readonly outStamp: Uint8Array;
  private numIn = 0;
  private numOut = 0;
  private pendingSteps = 0;
  private pendingWindows = 0;
  private adamStep = 0;

  constructor(
    shape: LstmShape, buffers: LstmBuffers, sampler: PopularitySampler, random: Random,
    options: LstmStepOptions, Float: FloatsConstructor = Float32Array,
  ) {
    const layout = lstmLayout(shape);
    const { numMovies: m, embeddingDim: d, hidden: h } = layout;
    const t = options.window;
    this.layout = layout;
    this.options = { ...options };
    this.buffers = buffers;
    this.sampler = sampler;
    this.random = random;
    this.logQ = sampler.logExpectedCount(options.negatives);
    this.cell = new LstmCell(d, h, Float);
    this.softmax = new SampledSoftmax(h, options.negatives);
    this.grad = new Float(layout.size);
    this.negatives = new Int32Array(options.negatives);
    this.hs = new Float((t + 1) * h);
    this.cs = new Float((t + 1) * h);
    this.gates = new Float(t * 4 * h);
    this.tanhC = new Float(t * h);
    this.dhs = new Float(t * h);
    this.dhNext = new Float(h);
    this.dcNext = new Float(h);
    this.dx = new Float(d);
    this.dzT = new Float(4 * h * t);
    this.xhT = new Float((d + h) * t);
    this.xs = new Float(t * d);
    this.inRows = new Int32Array(m);
    this.outRows = new Int32Array(m);
    this.inStamp = new Uint8Array(m);
    this.outStamp = new Uint8Array(m);
  }

  /** Sets the Adam step size (the orchestrator decays it between epochs). */
  setLearningRate(rate: number): void {
    this.options.learningRate = rate;
  }

  /**
   * Trains on one sequence `items[start..end)` (dense movie indices, oldest first): the state
   * starts at zero, every position predicts the next one. `levels` (parallel to `items`, see
   * `ratingLevel`) are the ratings fed with each movie when the model reads them; null feeds
   * none. Returns the summed loss and the number of predicted steps. Applies an update whenever
   * a mini-batch is full.
   */
  trainSequence(items: Int32Array, start: number, end: number, levels: Uint8Array | null = null): { loss: number; steps: number } {
    const h = this.layout.hidden;
    this.hs.fill(0, 0, h);
    this.cs.fill(0, 0, h);
    let loss = 0;
    let steps = 0;
    for (let p = start; p < end - 1; p += this.options.window) {
      const len = Math.min(this.options.window, end - 1 - p);
      this.sampler.fill(this.random, this.negatives);
      loss += this.window(items, p, len, true, levels);
      steps += len;
      // Carry the final state into the next window (its gradient is truncated there).
      this.hs.copyWithin(0, len * h, (len + 1) * h);
      this.cs.copyWithin(0, len * h, (len + 1) * h);
      this.pendingSteps += len;
      if (++this.pendingWindows >= this.options.batchWindows) this.update();
    }
    return { loss, steps };
  }

  /** Resets the carried state to zero (for tests driving `window` directly). */
  resetState(): void {
    this.hs.fill(0);
    this.cs.fill(0);
  }

  /**
   * Sets the carried state (h, c) that the next `window` starts from, for tests that
   * gradient-check a window entered with a non-zero state as trainSequence carries it.
   */
  setState(h: ArrayLike<number>, c: ArrayLike<number>): void {
    this.hs.set(h, 0);
    this.cs.set(c, 0);
  }

  /**
   * Forward (and, if `withGrad`, backward) over inputs items[p..p+len) (with their rating
   * levels levels[p..p+len) when the model reads ratings and `levels` is given) and targets
   * items[p+1..p+len], from the state in row 0 of hs/cs, using `this.negatives`.
   * Gradients are accumulated into `this.grad`. Returns the summed loss.
   */
  window(items: Int32Array, p: number, len: number, withGrad: boolean, levels: Uint8Array | null = null): number {
    const { params } = this.buffers;
    const L = this.layout;
    const d = L.embeddingDim;
    const h = L.hidden;
    const { hs, cs, gates, tanhC, dhs, xs } = this;
    const grad = withGrad ? this.grad : null;
    const rated = levels !== null && L.ratingLevels > 0;
    let loss = 0;
    if (withGrad) dhs.fill(0, 0, len * h);
    for (let t = 0; t < len; t++) {
      const x = L.inEmb + items[p + t] * d;
      const r = rated ? L.ratingEmb + levels[p + t] * d : -1;
      for (let j = 0; j < d; j++) xs[t * d + j] = r < 0 ? params[x + j] : params[x + j] + params[r + j];
      this.cell.forward(params, L.w, params, L.b, xs, t * d, hs, t * h, cs, t * h,
        gates, t * 4 * h, cs, (t + 1) * h, tanhC, t * h, hs, (t + 1) * h);
      loss += this.softmax.lossAndGrad(params, L.outEmb, L.outBias, this.logQ,
        hs, (t + 1) * h, items[p + t + 1], this.negatives, grad, dhs, t * h);
    }
    if (grad === null) return loss;
    this.markOut(this.negatives, 0, this.negatives.length);
    this.markOut(items, p + 1, p + 1 + len);
    const { dhNext, dcNext, dx, dzT, xhT } = this;
    const stride = this.options.window;
    dhNext.fill(0);
    dcNext.fill(0);
    this.cell.transposeWeights(params, L.w);
    for (let t = len - 1; t >= 0; t--) {
      for (let j = 0; j < h; j++) dhs[t * h + j] += dhNext[j];
      const m = items[p + t];
      const x = L.inEmb + m * d;
      // Column t of [X; H_prev]^T for the window's weight gradient.
      for (let j = 0; j < d; j++) xhT[j * stride + t] = xs[t * d + j];
      for (let j = 0; j < h; j++) xhT[(d + j) * stride + t] = hs[t * h + j];
      this.cell.backward(cs, t * h, gates, t * 4 * h, tanhC, t * h,
        dhs, t * h, dcNext, 0, dzT, t, stride, dx, 0, dhNext, 0);
      for (let j = 0; j < d; j++) grad[x + j] += dx[j];
      if (rated) {
        // x_t is a sum, so the rating row gets the same gradient as the movie row.
        const r = L.ratingEmb + levels[p + t] * d;
        for (let j = 0; j < d; j++) grad[r + j] += dx[j];
      }
      if (this.inStamp[m] === 0) {
        this.inStamp[m] = 1;
        this.inRows[this.numIn++] = m;
      }
    }
    this.cell.accumulateWeightGrad(dzT, xhT, stride, len, grad, L.w, grad, L.b);
    return loss;
  }

  /** Applies one Adam update from the accumulated gradient (mean over pending steps), then clears it. */
  update(): void {
    if (this.pendingSteps === 0) return;
    const L = this.layout;
    const { grad } = this;
    const d = L.embeddingDim;
    const h = L.hidden;
    const inv = 1 / this.pendingSteps;
    const l2 = this.options.l2;
    // Lazy L2 on the touched embedding rows, then the global norm for clipping.
    let sq = 0;
    // The rating block (11 rows) is updated whole, like the LSTM weights: nearly every step touches it.
    for (let k = L.w; k < L.outEmb; k++) sq += grad[k] * grad[k];
    for (let k = L.ratingEmb; k < L.size; k++) sq += grad[k] * grad[k];
    sq *= inv * inv;
    for (let r = 0; r < this.numIn; r++) sq += this.decayRow(L.inEmb + this.inRows[r] * d, d, inv, l2);
    for (let r = 0; r < this.numOut; r++) {
      const m = this.outRows[r];
      sq += this.decayRow(L.outEmb + m * h, h, inv, l2);
      const gb = grad[L.outBias + m] * inv;
      grad[L.outBias + m] = gb;
      sq += gb * gb;
    }
    const clip = Math.sqrt(sq) > this.options.clipNorm ? this.options.clipNorm / Math.sqrt(sq) : 1;
    this.adamStep++;
    const t = this.adamStep;
    const rate = this.options.learningRate * Math.sqrt(1 - BETA2 ** t) / (1 - BETA1 ** t);
    this.adam(L.w, L.outEmb, inv * clip, rate);
    this.adam(L.ratingEmb, L.size, inv * clip, rate);
    for (let r = 0; r < this.numIn; r++) {
      const m = this.inRows[r];
      this.adam(L.inEmb + m * d, L.inEmb + (m + 1) * d, clip, rate);
      this.inStamp[m] = 0;
    }
    for (let r = 0; r < this.numOut; r++) {
      const m = this.outRows[r];
      this.adam(L.outEmb + m * h, L.outEmb + (m + 1) * h, clip, rate);
      this.adam(L.outBias + m, L.outBias + m + 1, clip, rate);
      this.outStamp[m] = 0;
    }
    this.numIn = 0;
    this.numOut = 0;
    this.pendingSteps = 0;
    this.pendingWindows = 0;
  }

  /** Scales a gradient row to the batch mean, adds l2 * param, returns the row's squared norm. */
  private decayRow(offset: number, size: number, inv: number, l2: number): number {
    const { grad } = this;
    const { params } = this.buffers;
    let sq = 0;
    for (let k = offset; k < offset + size; k++) {
      const g = grad[k] * inv + l2 * params[k];
      grad[k] = g;
      sq += g * g;
    }
    return sq;
  }

  /** Adam on params[from..to) with gradient grad * scale; clears the gradient there. */
  private adam(from: number, to: number, scale: number, rate: number): void {
    const { grad } = this;
    const { params, adamM, adamV } = this.buffers;
    for (let k = from; k < to; k++) {
      const g = grad[k] * scale;
      grad[k] = 0;
      const m = BETA1 * adamM[k] + (1 - BETA1) * g;
      const v = BETA2 * adamV[k] + (1 - BETA2) * g * g;
      adamM[k] = m;
      adamV[k] = v;
      params[k] -= (rate * m) / (Math.sqrt(v) + EPS);
    }
  }

  private markOut(items: Int32Array, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const m = items[i];
      if (this.outStamp[m] === 0) {
        this.outStamp[m] = 1;
        this.outRows[this.numOut++] = m;
      }
    }
  }
}
