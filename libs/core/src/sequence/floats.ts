/**
 * The float arrays the sequence model runs on. Production code uses Float32Array (half the
 * memory, shareable through SharedArrayBuffer); the gradient-check tests run the very same
 * functions on Float64Array so that finite differences are accurate to ~1e-7.
 */
export type Floats = Float32Array<ArrayBufferLike> | Float64Array<ArrayBufferLike>;

/** A constructor of one of the two float array types. */
export type FloatsConstructor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Logistic sigmoid, written to stay finite for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
