/**
 * The WebAssembly kernel of iALS's row solves (ials-rows.wat): the two passes over a row's
 * observed factors that each conjugate-gradient step makes, with 128-bit SIMD: a whole iALS fit on
 * the ML-1M shape took 2.5x less time than with the scalar loops (docs/BENCHMARKS.md, iALS). One instance per block of rows (and thread): its memory
 * holds the gathered factors of the longest row of the block and the CG vectors, which the solve
 * reads and writes through the typed-array views below.
 */
import { instantiateKernel } from '../linalg/wasm-module';
import { WASM_BASE64 } from './ials-rows.wasm';

type AccumulateFunction = (g: number, n: number, k: number, a: number, b: number, v: number, out: number) => void;

/** Memory and views of one block's row solves (see the file comment). */
export class IalsRowKernel {
  /** Row length in the kernel's memory: k rounded up to even (a zero column pads an odd k). */
  readonly stride: number;
  /** The row's observed factors, gathered: row q at `q * stride`. */
  readonly g: Float64Array;
  /** e_q = c_q - 1 of each gathered entry. */
  readonly e: Float64Array;
  /** 1 + e_q, and -e_q: the residual's coefficients. */
  readonly onePlus: Float64Array;
  readonly minus: Float64Array;
  /** CG vectors (`stride` long; entries from k on stay 0). */
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly ap: Float64Array;
  private readonly accumulate: AccumulateFunction;
  private readonly at: { g: number; e: number; onePlus: number; minus: number; zeros: number; x: number; r: number; p: number; ap: number };

  /** For rows of at most `longest` entries and `k` factors. */
  constructor(longest: number, k: number) {
    this.stride = k + (k & 1);
    const n = Math.max(1, longest);
    const vec = this.stride * 8;
    const at = { g: 0, e: n * vec, onePlus: 0, minus: 0, zeros: 0, x: 0, r: 0, p: 0, ap: 0 };
    at.onePlus = at.e + n * 8;
    at.minus = at.onePlus + n * 8;
    at.zeros = at.minus + n * 8;
    at.x = at.zeros + n * 8;
    at.r = at.x + vec;
    at.p = at.r + vec;
    at.ap = at.p + vec;
    const bytes = at.ap + vec;
    this.at = at;
    // Allocated at its final size and never grown (growing detaches the views; see dot-kernel.ts).
    const { memory, run } = instantiateKernel<AccumulateFunction>(WASM_BASE64, 'accumulate', bytes);
    this.accumulate = run;
    const view = (offset: number, length: number) => new Float64Array(memory.buffer, offset, length);
    this.g = view(at.g, n * this.stride);
    this.e = view(at.e, n);
    this.onePlus = view(at.onePlus, n);
    this.minus = view(at.minus, n);
    this.x = view(at.x, this.stride);
    this.r = view(at.r, this.stride);
    this.p = view(at.p, this.stride);
    this.ap = view(at.ap, this.stride);
  }

  /** r += sum_q (1 + e_q - e_q (g_q . x)) g_q over the first `n` gathered entries. */
  addResidual(n: number): void {
    const { at } = this;
    this.accumulate(at.g, n, this.stride, at.onePlus, at.minus, at.x, at.r);
  }

  /** ap += sum_q e_q (g_q . p) g_q over the first `n` gathered entries. */
  addProduct(n: number): void {
    const { at } = this;
    this.accumulate(at.g, n, this.stride, at.zeros, at.e, at.p, at.ap);
  }
}
