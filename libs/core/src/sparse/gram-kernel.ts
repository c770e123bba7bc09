/**
 * The Gram pass of the Lanczos SVD (`out += g_r^T (g_r . x)` over a range of rows r of a CSR
 * matrix g) in WebAssembly with 128-bit SIMD (gram-rows.wat): on the ML-1M shape one pass takes
 * 1.1 ms against 2.9 ms for the scalar `multiplyGramRows` (docs/BENCHMARKS.md). The matrix, the
 * input vector and `slices` output vectors live in one shared memory, laid out once; kernels of
 * other threads attach to the same layout (`GramKernel.attach`) and run other row ranges of the
 * same pass into other slices, with no copy.
 */
import { kernelOn, MAX_WASM_BYTES, sharedMemory, type SharedWasmMemory } from '../linalg/wasm-module';
import type { CsrMatrix } from './csr';
import { WASM_BASE64 } from './gram-rows.wasm';

type GramRowsFunction = (indptr: number, indices: number, values: number, rowStart: number, rowEnd: number, x: number, out: number) => void;

/** Where everything is in the kernel's memory (byte offsets), and its sizes. Posted to helper threads as is. */
export interface GramLayout {
  memory: SharedWasmMemory;
  rows: number;
  cols: number;
  nnz: number;
  /** Output vectors (each `cols` long) after `out`. */
  slices: number;
  indptr: number;
  indices: number;
  values: number;
  x: number;
  out: number;
}

/** Rounds a byte offset up to 16 (the SIMD loads' natural alignment). */
const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** The layout for `a` with `slices` output vectors (memory not allocated yet), and its size in bytes. */
function plan(a: CsrMatrix, slices: number): { layout: Omit<GramLayout, 'memory'>; bytes: number } {
  const nnz = a.indptr[a.rows];
  const indptr = 0;
  const indices = align(indptr + (a.rows + 1) * 4);
  const values = align(indices + nnz * 4);
  const x = align(values + nnz * 8);
  const out = align(x + a.cols * 8);
  return { layout: { rows: a.rows, cols: a.cols, nnz, slices, indptr, indices, values, x, out }, bytes: out + slices * a.cols * 8 };
}

export class GramKernel {
  /** The input vector of the pass (write it before running rows). */
  readonly x: Float64Array;
  /** The `slices` output vectors, one after the other (`slice s` at `s * cols`). */
  readonly out: Float64Array;
  private readonly run: GramRowsFunction;

  private constructor(readonly layout: GramLayout) {
    const { memory, cols } = layout;
    this.run = kernelOn<GramRowsFunction>(WASM_BASE64, 'gramRows', memory);
    this.x = new Float64Array(memory.buffer, layout.x, cols);
    this.out = new Float64Array(memory.buffer, layout.out, layout.slices * cols);
  }

  /** True when `a` with `slices` output vectors fits the 4 GiB a WebAssembly memory can address. */
  static fits(a: CsrMatrix, slices = 1): boolean {
    return plan(a, slices).bytes <= MAX_WASM_BYTES;
  }

  /**
   * A kernel holding a copy of `a` and `slices` zeroed output vectors.
   * @throws RangeError when it does not fit (check with {@link GramKernel.fits})
   */
  static forMatrix(a: CsrMatrix, slices = 1): GramKernel {
    const { layout, bytes } = plan(a, Math.max(1, slices));
    const memory = sharedMemory(bytes);
    new Int32Array(memory.buffer, layout.indptr, a.rows + 1).set(a.indptr.subarray(0, a.rows + 1));
    new Int32Array(memory.buffer, layout.indices, layout.nnz).set(a.indices.subarray(0, layout.nnz));
    new Float64Array(memory.buffer, layout.values, layout.nnz).set(a.values.subarray(0, layout.nnz));
    return new GramKernel({ ...layout, memory });
  }

  /** A kernel of this thread on another thread's layout (same memory: nothing is copied). */
  static attach(layout: GramLayout): GramKernel {
    return new GramKernel(layout);
  }

  /** Adds the contribution of rows `[rowStart, rowEnd)` to output slice `slice` (not cleared): `out_s += sum_r g_r^T (g_r . x)`. */
  addRows(rowStart: number, rowEnd: number, slice = 0): void {
    const { layout } = this;
    if (rowStart < 0 || rowEnd > layout.rows || slice < 0 || slice >= layout.slices) {
      throw new RangeError(`rows [${rowStart}, ${rowEnd}) or slice ${slice} outside a ${layout.rows}-row matrix with ${layout.slices} slices`);
    }
    this.run(layout.indptr, layout.indices, layout.values, rowStart, rowEnd, layout.x, layout.out + slice * layout.cols * 8);
  }

  /** `out = g^T g x` over every row, in slice 0 (`out` overwritten). */
  multiply(x: Float64Array, out: Float64Array): void {
    const { cols, rows } = this.layout;
    this.x.set(x.subarray(0, cols));
    const slice = this.out.subarray(0, cols);
    slice.fill(0);
    this.addRows(0, rows, 0);
    out.set(slice);
  }
}
