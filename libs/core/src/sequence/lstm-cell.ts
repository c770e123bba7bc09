import { sigmoid, type Floats } from './floats';

/**
 * One LSTM cell (Hochreiter & Schmidhuber 1997, with forget gate, no peepholes), forward
 * and backward, on flat row-major arrays addressed by offsets so the training loop
 * allocates nothing:
 *
 *   z = W [x; h_prev] + b          W is 4H x (D+H), gate rows i, f, g, o
 *   i = sig(z_i)  f = sig(z_f)  g = tanh(z_g)  o = sig(z_o)
 *   c = f * c_prev + i * g         h = o * tanh(c)
 *
 * The forward step stores the gate activations and tanh(c); the backward step needs them
 * and c_prev to produce dx, dh_prev, dc_prev and dz; dW and db are formed from the dz and
 * [x; h_prev] of a whole window by accumulateWeightGrad.
 */
export class LstmCell {
  /** Input size D. */
  readonly inputDim: number;
  /** Hidden size H. */
  readonly hidden: number;
  /** Scratch for the pre-activation gradient dz (4H). */
  private readonly dz: Floats;
  /** W transposed ((D+H) x 4H), refreshed by transposeWeights. */
  private readonly wt: Floats;
  /** Scratch for one input projection (4H), float64 whatever `Float` is: see projectInputs. */
  private readonly xw: Float64Array;

  constructor(inputDim: number, hidden: number, Float: Float32ArrayConstructor | Float64ArrayConstructor = Float32Array) {
    this.inputDim = inputDim;
    this.hidden = hidden;
    this.dz = new Float(4 * hidden);
    this.wt = new Float(4 * hidden * (inputDim + hidden));
    this.xw = new Float64Array(4 * hidden);
  }

  /**
   * Forward step. Reads x[xo..xo+D), hPrev[ho..ho+H), cPrev[co..co+H); writes
   * gates[go..go+4H) (activations), c[cOut..cOut+H), tanhC[to..to+H), h[hOut..hOut+H).
   */
  forward(
    w: Floats, wo: number, b: Floats, bo: number,
    x: Floats, xo: number, hPrev: Floats, ho: number, cPrev: Floats, co: number,
    gates: Floats, go: number, c: Floats, cOut: number, tanhC: Floats, to: number, h: Floats, hOut: number,
  ): void {
    // The input part b + W_x x, then the recurrent part: the very arithmetic of inference's
    // forwardProjected, so the gradient checks of this step cover that path too.
    this.projectInputs(w, wo, b, bo, x, xo, 1, this.xw, 0);
    this.forwardProjected(w, wo, this.xw, 0, hPrev, ho, cPrev, co, gates, go, c, cOut, tanhC, to, h, hOut);
  }

  /**
   * Writes the input projection b + W_x x of `count` inputs (row n read from
   * x[xo+n*D..xo+(n+1)*D)) to out[oo+n*4H..oo+(n+1)*4H), gate rows i, f, g, o. Inference
   * feeds one row per step to forwardProjected instead of x: the 4H x D half of the step's
   * multiply-adds is then paid once per movie, not once per step. Float64 `out` keeps the
   * sum unrounded, so forwardProjected equals forward bit for bit.
   */
  projectInputs(w: Floats, wo: number, b: Floats, bo: number, x: Floats, xo: number, count: number, out: Floats, oo: number): void {
    const d = this.inputDim;
    const rows = 4 * this.hidden;
    const cols = d + this.hidden;
    for (let n = 0; n < count; n++) {
      const xn = xo + n * d;
      const on = oo + n * rows;
      for (let r = 0; r < rows; r++) out[on + r] = b[bo + r] + dot(w, wo + r * cols, x, xn, d);
    }
  }

  /**
   * Forward step from a precomputed input projection xw[xwo..xwo+4H) (projectInputs): adds
   * only the recurrent part W_h h_prev. Same outputs as forward on the input x the
   * projection was made from (bit for bit when xw is a Float64Array, as forward's own is).
   */
  forwardProjected(
    w: Floats, wo: number, xw: Floats, xwo: number, hPrev: Floats, ho: number, cPrev: Floats, co: number,
    gates: Floats, go: number, c: Floats, cOut: number, tanhC: Floats, to: number, h: Floats, hOut: number,
  ): void {
    const d = this.inputDim;
    const hd = this.hidden;
    const cols = d + hd;
    for (let r = 0; r < 4 * hd; r++) {
      gates[go + r] = xw[xwo + r] + dot(w, wo + r * cols + d, hPrev, ho, hd);
    }
    this.activate(cPrev, co, gates, go, c, cOut, tanhC, to, h, hOut);
  }

  /** The gate nonlinearities and the state update of a forward step, from the pre-activations in gates[go..go+4H). */
  private activate(cPrev: Floats, co: number, gates: Floats, go: number, c: Floats, cOut: number, tanhC: Floats, to: number, h: Floats, hOut: number): void {
    const hd = this.hidden;
    for (let j = 0; j < hd; j++) {
      const i = sigmoid(gates[go + j]);
      const f = sigmoid(gates[go + hd + j]);
      const g = Math.tanh(gates[go + 2 * hd + j]);
      const o = sigmoid(gates[go + 3 * hd + j]);
      gates[go + j] = i;
      gates[go + hd + j] = f;
      gates[go + 2 * hd + j] = g;
      gates[go + 3 * hd + j] = o;
      const cj = f * cPrev[co + j] + i * g;
      c[cOut + j] = cj;
      const tc = Math.tanh(cj);
      tanhC[to + j] = tc;
      h[hOut + j] = o * tc;
    }
  }

  /**
   * Copies W (4H x (D+H)) into its transpose, so that the backward step's W^T dz is a set
   * of contiguous dot products. Call whenever W changed (once per window in training).
   */
  transposeWeights(w: Floats, wo: number): void {
    const rows = 4 * this.hidden;
    const cols = this.inputDim + this.hidden;
    const wt = this.wt;
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < cols; k++) wt[k * rows + r] = w[wo + r * cols + k];
    }
  }

  /**
   * Backward step, using the transpose from transposeWeights. `dh[dho..)` is dL/dh_t (loss
   * at t plus what flows back from t+1) and `dc[dco..)` is dL/dc_t from t+1; on return dc
   * holds dL/dc_{t-1}. dx and dhPrev are overwritten with dL/dx_t and dL/dh_{t-1}. The gate
   * pre-activation gradient dz is written to column `col` of dzT (4H rows, stride `stride`);
   * accumulateWeightGrad turns those columns into dW and db for a whole window at once.
   */
  backward(
    cPrev: Floats, co: number, gates: Floats, go: number, tanhC: Floats, to: number,
    dh: Floats, dho: number, dc: Floats, dco: number,
    dzT: Floats, col: number, stride: number,
    dx: Floats, dxo: number, dhPrev: Floats, dhpo: number,
  ): void {
    const d = this.inputDim;
    const hd = this.hidden;
    const rows = 4 * hd;
    const dz = this.dz;
    for (let j = 0; j < hd; j++) {
      const i = gates[go + j];
      const f = gates[go + hd + j];
      const g = gates[go + 2 * hd + j];
      const o = gates[go + 3 * hd + j];
      const tc = tanhC[to + j];
      const dhj = dh[dho + j];
      const dcj = dc[dco + j] + dhj * o * (1 - tc * tc);
      dz[j] = dcj * g * i * (1 - i);
      dz[hd + j] = dcj * cPrev[co + j] * f * (1 - f);
      dz[2 * hd + j] = dcj * i * (1 - g * g);
      dz[3 * hd + j] = dhj * tc * o * (1 - o);
      dc[dco + j] = dcj * f;
    }
    for (let r = 0; r < rows; r++) dzT[r * stride + col] = dz[r];
    const wt = this.wt;
    for (let k = 0; k < d; k++) dx[dxo + k] = dot(wt, k * rows, dz, 0, rows);
    for (let k = 0; k < hd; k++) dhPrev[dhpo + k] = dot(wt, (d + k) * rows, dz, 0, rows);
  }

  /**
   * dW += dZ^T [X; H_prev] and db += sum_t dz_t over `len` steps: dzT is 4H x stride (one
   * column per step), xhT is (D+H) x stride (column t = [x_t; h_{t-1}]). Doing this once
   * per window instead of once per step turns 3 memory operations per multiply-add into ~1.
   */
  accumulateWeightGrad(dzT: Floats, xhT: Floats, stride: number, len: number, dw: Floats, dwo: number, db: Floats, dbo: number): void {
    const rows = 4 * this.hidden;
    const cols = this.inputDim + this.hidden;
    for (let r = 0; r < rows; r++) {
      let sb = 0;
      for (let t = 0; t < len; t++) sb += dzT[r * stride + t];
      db[dbo + r] += sb;
      const base = dwo + r * cols;
      for (let k = 0; k < cols; k++) dw[base + k] += dot(dzT, r * stride, xhT, k * stride, len);
    }
  }
}

/**
 * a[ao..ao+n) . b[bo..bo+n) with four independent accumulators: a single running sum is a
 * dependency chain bound by floating-point add latency; four chains keep the FPU busy
 * (about 2.5x faster in V8 on this machine).
 */
export function dot(a: Floats, ao: number, b: Floats, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += a[ao + j] * b[bo + j];
    s1 += a[ao + j + 1] * b[bo + j + 1];
    s2 += a[ao + j + 2] * b[bo + j + 2];
    s3 += a[ao + j + 3] * b[bo + j + 3];
  }
  for (; j < n; j++) s0 += a[ao + j] * b[bo + j];
  return s0 + s1 + s2 + s3;
}
