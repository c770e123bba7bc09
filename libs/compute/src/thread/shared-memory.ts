type Typed = Int32Array | Uint32Array | Float32Array | Float64Array;

/** A copy of the first `length` entries of `a` (default all) in a SharedArrayBuffer: posted to a thread by reference, not copied. */
export function sharedCopy<T extends Typed>(a: T, length = a.length): T {
  const out = new (a.constructor as { new (b: SharedArrayBuffer): T })(new SharedArrayBuffer(length * a.BYTES_PER_ELEMENT));
  out.set(a.subarray(0, length) as T);
  return out;
}
