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

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Instance: new (module: object, imports: { env: { memory: WasmMemory } }) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const compiled = new Map<string, object>();

/**
 * The function `name` of the module in `base64`, instantiated over a new zeroed memory of at
 * least `bytes` bytes (one page at least), with that memory.
 */
export function instantiateKernel<F>(base64: string, name: string, bytes: number): { memory: WasmMemory; run: F } {
  let module = compiled.get(base64);
  if (module === undefined) {
    module = new wasm.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    compiled.set(base64, module);
  }
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / WASM_PAGE)) });
  return { memory, run: new wasm.Instance(module, { env: { memory } }).exports[name] as F };
}
