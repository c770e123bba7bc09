import { describe, expect, it } from 'vitest';
import { Random } from '../random';
import { multiplyGram, multiplyGramRows, type CsrMatrix } from './csr';
import { GramKernel } from './gram-kernel';

/** A random CSR matrix whose rows hold 0 to `longest` distinct columns (every tail length of the 4-wide loops). */
function randomCsr(rows: number, cols: number, longest: number, seed: number): CsrMatrix {
  const random = new Random(seed);
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    const picked = new Set<number>();
    const n = r % (longest + 1);
    while (picked.size < n) picked.add(random.int(cols));
    for (const c of [...picked].sort((a, b) => a - b)) {
      indices.push(c);
      values.push(random.gaussian());
    }
    indptr[r + 1] = indices.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}

/** Largest |a - b| over the entries, relative to the largest |b|. */
function relativeError(a: Float64Array, b: Float64Array): number {
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale;
}

describe('GramKernel (WebAssembly Gram pass)', () => {
  const a = randomCsr(500, 97, 13, 1);
  const random = new Random(2);
  const x = Float64Array.from({ length: a.cols }, () => random.gaussian());

  it('equals the scalar pass up to rounding on every row range, into the slice asked for, adding to it', () => {
    const kernel = GramKernel.forMatrix(a, 3);
    kernel.x.set(x);
    for (const [start, end] of [[0, 500], [0, 1], [7, 8], [13, 29], [250, 500], [499, 500], [10, 10]]) {
      const expected = new Float64Array(a.cols);
      multiplyGramRows(a, x, expected, start, end);
      kernel.out.fill(0);
      kernel.addRows(start, end, 2);
      const got = kernel.out.subarray(2 * a.cols, 3 * a.cols);
      if (end > start && expected.some((v) => v !== 0)) expect(relativeError(got, expected), `rows [${start}, ${end})`).toBeLessThan(1e-13);
      else expect(Array.from(got)).toEqual(Array.from(expected));
      // The other slices are untouched.
      expect(kernel.out.subarray(0, 2 * a.cols).every((v) => v === 0)).toBe(true);
    }
    // Not cleared: a second run of the same rows doubles the slice.
    kernel.out.fill(0);
    kernel.addRows(0, 500, 0);
    const once = Float64Array.from(kernel.out.subarray(0, a.cols));
    kernel.addRows(0, 500, 0);
    expect(relativeError(kernel.out.subarray(0, a.cols), once.map((v) => 2 * v))).toBeLessThan(1e-15);
  });

  it('multiply equals multiplyGram, and a kernel attached to its layout computes on the same memory', () => {
    const kernel = GramKernel.forMatrix(a);
    const expected = new Float64Array(a.cols);
    multiplyGram(a, x, expected);
    const out = new Float64Array(a.cols).fill(Number.NaN);
    kernel.multiply(x, out);
    expect(relativeError(out, expected)).toBeLessThan(1e-13);

    const attached = GramKernel.attach(kernel.layout);
    expect(attached.x.buffer).toBe(kernel.x.buffer);
    const again = new Float64Array(a.cols);
    attached.multiply(x, again);
    expect(Array.from(again)).toEqual(Array.from(out));
  });

  it('refuses rows or slices outside the matrix, and matrices past the 4 GiB it can address', () => {
    const kernel = GramKernel.forMatrix(a, 2);
    expect(() => kernel.addRows(0, 501)).toThrow(RangeError);
    expect(() => kernel.addRows(-1, 3)).toThrow(RangeError);
    expect(() => kernel.addRows(0, 3, 2)).toThrow(/slice 2/);
    // 400 million stored entries need 4.8 GB: only the row pointers are real here.
    const huge: CsrMatrix = { rows: 1, cols: 10, indptr: Int32Array.from([0, 400_000_000]), indices: new Int32Array(0), values: new Float64Array(0) };
    expect(GramKernel.fits(huge)).toBe(false);
    expect(() => GramKernel.forMatrix(huge)).toThrow(/4 GiB/);
    expect(GramKernel.fits(a)).toBe(true);
  });
});
