/**
 * What the WebAssembly kernels of this library share: their modules compiled once per thread
 * from the base64 that `tools/build-wasm.mjs` generates, and memories allocated at their final
 * size (growing a memory detaches the views on it; see dot-kernel.ts).
 */

/** Bytes per WebAssembly page. */
export const WASM_PAGE = 65536;

/** A WebAssembly memory (the compiler's ES lib has no WebAssembly values). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/** A shared WebAssembly memory: posted to other threads without a copy. */
export interface SharedWasmMemory {
  readonly buffer: SharedArrayBuffer;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Instance: new (module: object, imports: { env: { memory: WasmMemory | SharedWasmMemory } }) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const compiled = new Map<string, object>();

/**
 * The function `name` of the module in `base64`, instantiated over a new zeroed memory of at
 * least `bytes` bytes (one page at least), with that memory.
 */
export function instantiateKernel<F>(base64: string, name: string, bytes: number): { memory: WasmMemory; run: F } {
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / WASM_PAGE)) });
  return { memory, run: kernelOn<F>(base64, name, memory) };
}

/** The function `name` of the module in `base64` (compiled once per thread), instantiated over `memory`. */
export function kernelOn<F>(base64: string, name: string, memory: WasmMemory | SharedWasmMemory): F {
  let module = compiled.get(base64);
  if (module === undefined) {
    module = new wasm.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    compiled.set(base64, module);
  }
  return new wasm.Instance(module, { env: { memory } }).exports[name] as F;
}

/** Largest memory a 32-bit WebAssembly instance can address, bytes (65,536 pages). */
export const MAX_WASM_BYTES = 65536 * WASM_PAGE;

/**
 * A new zeroed shared memory of at least `bytes` bytes, at its final size (maximum = initial:
 * growing would change its buffer under every view).
 * @throws RangeError above MAX_WASM_BYTES
 */
export function sharedMemory(bytes: number): SharedWasmMemory {
  if (bytes > MAX_WASM_BYTES) throw new RangeError(`a memory of ${bytes} bytes exceeds the 4 GiB a WebAssembly instance can address`);
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
  return new wasm.Memory({ initial: pages, maximum: pages, shared: true }) as unknown as SharedWasmMemory;
}
