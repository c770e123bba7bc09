import { kernelOn, MAX_WASM_BYTES, sharedMemory, type SharedWasmMemory } from '../linalg/wasm-module';
import { WASM_BASE64 } from './gemm.wasm';

/** Dot-length chunk of one kernel call, doubles (even). */
const CHUNK = 512;
/** Query rows of one kernel call. */
const QUERY_BLOCK = 64;
/** Target rows of one kernel call. */
const TARGET_BLOCK = 256;
/** Largest workspace, bytes: what a 32-bit WebAssembly instance can address. */
export const MAX_KERNEL_BYTES = MAX_WASM_BYTES;

/** The workspace's shared memory (posted to helper threads). */
export type WasmMemory = SharedWasmMemory;
type GemmFunction = (q: number, qs: number, t: number, ts: number, out: number, os: number, nq: number, nt: number, len: number) => void;

/**
 * A Float64 workspace in shared WebAssembly memory and the SIMD kernel that works on it (gemm.wat):
 * `out -= Q T^T` for blocks of rows that lie anywhere in the workspace. Measured on this
 * project's 2-core Xeon (loaded by other runs): 10-25 GFLOPS in one thread.
 *
 * Offsets, strides and lengths are in doubles (entries of `data`), not bytes. The memory is
 * shared, so kernels of other threads (`new GemmKernel(memory)`, gemm-batch.ts) can work on
 * the same workspace; one instance per thread.
 */
export class GemmKernel {
  /** The whole workspace; the caller lays out its matrices in it. */
  readonly data: Float64Array;
  /** The workspace's memory (posted to helper threads: shared, not copied). */
  readonly memory: WasmMemory;
  private readonly gemm: GemmFunction;

  /**
   * @param workspace - size in Float64 entries (allocated once at its final size, zeroed), or
   *   the memory of another thread's kernel to work on
   */
  constructor(workspace: number | WasmMemory) {
    // Never grown: growing a memory changes its buffer under every view, and a grown shared
    // memory cannot shrink back; at its final size from the start, it needs neither.
    const memory = typeof workspace === 'number' ? sharedMemory(workspace * 8) : workspace;
    this.memory = memory;
    this.gemm = kernelOn<GemmFunction>(WASM_BASE64, 'gemmNt', memory);
    this.data = new Float64Array(memory.buffer, 0, Math.floor(memory.buffer.byteLength / 8));
  }

  /**
   * `out[b][j] -= sum_{c < len} q[b][c] * t[j][c]` for `b < nq`, `j < nt`, where row `b` of a
   * block starts at `offset + b * stride`. `len` must be even (pad rows with a zero column);
   * `out` must not overlap `q` or `t` rows that are still read.
   */
  subtractProducts(q: number, qStride: number, t: number, tStride: number, out: number, outStride: number, nq: number, nt: number, len: number): void {
    if ((len & 1) !== 0) throw new RangeError(`dot length ${len} is odd: pad rows to an even length`);
    if (nq <= 0 || nt <= 0 || len <= 0) return;
    // Cache blocks: a 64-row by 512-column piece of Q (256 KB) stays in L2 while target rows
    // stream past it in groups of four 4 KB pieces (L1). Unblocked, Q and T of the solve's
    // larger products (128 rows of 3,706 columns) fall out of cache: the ML-1M solve took 4.2-4.4
    // s of CPU instead of 3.3-3.5. Each product is then the sum of its chunks in this fixed order.
    for (let c = 0; c < len; c += CHUNK) {
      const lc = Math.min(CHUNK, len - c);
      for (let b = 0; b < nq; b += QUERY_BLOCK) {
        const nb = Math.min(QUERY_BLOCK, nq - b);
        for (let j = 0; j < nt; j += TARGET_BLOCK) {
          this.gemm((q + b * qStride + c) * 8, qStride * 8, (t + j * tStride + c) * 8, tStride * 8, (out + b * outStride + j) * 8, outStride * 8, nb, Math.min(TARGET_BLOCK, nt - j), lc * 8);
        }
      }
    }
  }
}
