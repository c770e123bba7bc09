import { WASM_BASE64 } from './gemm.wasm';

/** Bytes per WebAssembly page. */
const PAGE = 65536;
/** Largest memory a 32-bit WebAssembly instance can address, bytes (65,536 pages). */
export const MAX_KERNEL_BYTES = 65536 * PAGE;

/** The part of the WebAssembly API used here (the compiler's ES lib has no WebAssembly values). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type GemmFunction = (q: number, qs: number, t: number, ts: number, out: number, os: number, nq: number, nt: number, len: number) => void;
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Instance: new (module: object, imports: { env: { memory: WasmMemory } }) => { exports: { gemmNt: GemmFunction } };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;

/** The kernel module, compiled once per thread (about 1 KB). */
function kernelModule(): object {
  compiled ??= new wasm.Module(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)));
  return compiled;
}

/**
 * A Float64 workspace in WebAssembly memory and the SIMD kernel that works on it (gemm.wat):
 * `out -= Q T^T` for blocks of rows that lie anywhere in the workspace. Measured on this
 * project's 2-core Xeon: 12-23 GFLOPS in one thread for dot lengths of 128-256, where the
 * scalar loops of V8 reach about 1.5.
 *
 * Offsets, strides and lengths are in doubles (entries of `data`), not bytes.
 * One instance per thread; not for concurrent use.
 */
export class GemmKernel {
  /** The whole workspace; the caller lays out its matrices in it. */
  readonly data: Float64Array;
  private readonly gemm: GemmFunction;

  /** @param doubles - workspace size in Float64 entries (allocated once at its final size, zeroed) */
  constructor(doubles: number) {
    const bytes = doubles * 8;
    if (bytes > MAX_KERNEL_BYTES) throw new RangeError(`a workspace of ${bytes} bytes exceeds the 4 GiB a WebAssembly memory can address`);
    // Never grown: growing detaches the old ArrayBuffer, and one detached buffer makes V8 drop
    // a fast path for typed-array access in the whole thread (see linalg/dot-kernel.ts).
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    this.gemm = new wasm.Instance(kernelModule(), { env: { memory } }).exports.gemmNt;
    this.data = new Float64Array(memory.buffer, 0, doubles);
  }

  /**
   * `out[b][j] -= sum_{c < len} q[b][c] * t[j][c]` for `b < nq`, `j < nt`, where row `b` of a
   * block starts at `offset + b * stride`. `len` must be even (pad rows with a zero column);
   * `out` must not overlap `q` or `t` rows that are still read.
   */
  subtractProducts(q: number, qStride: number, t: number, tStride: number, out: number, outStride: number, nq: number, nt: number, len: number): void {
    if ((len & 1) !== 0) throw new RangeError(`dot length ${len} is odd: pad rows to an even length`);
    if (nq <= 0 || nt <= 0 || len <= 0) return;
    this.gemm(q * 8, qStride * 8, t * 8, tStride * 8, out * 8, outStride * 8, nq, nt, len * 8);
  }
}
