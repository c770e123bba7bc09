import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Random } from '../random';
import { orthogonalizeAgainst } from './basis';
import { DotKernel } from './dot-kernel';
import { symmetricEigen } from './symmetric-eigen';
import { TopN } from './top-n';

describe('DotKernel', () => {
  const random = new Random(5);
  const matrix = (rows: number, cols: number) => ({ rows, cols, data: Float64Array.from({ length: rows * cols }, () => random.gaussian()) });
  /** The kernel's summation order: even columns and odd columns apart, each in order, then added. */
  const pairwise = (a: Float64Array, ao: number, b: Float64Array, bo: number, dim: number) => {
    let even = 0;
    let odd = 0;
    for (let c = 0; c < dim; c += 2) even += a[ao + c] * b[bo + c];
    for (let c = 1; c < dim; c += 2) odd += a[ao + c] * b[bo + c];
    return even + odd;
  };

  it('computes every product of a query block and a target range in its fixed order, odd sizes and dimensions included', () => {
    // 9 queries (pairs + 1 left over), 11 targets (groups of 4 + 3 left over), odd dimension 13 (padded with a zero column).
    for (const dim of [13, 50]) {
      const queries = matrix(9, dim);
      const targets = matrix(11, dim);
      const kernel = new DotKernel(targets, 8, 11);
      for (const [start, count, t0, t1] of [
        [1, 7, 0, 11],
        [0, 1, 2, 9],
        [1, 8, 5, 6],
      ]) {
        kernel.setQueries(queries, start, count);
        const out = kernel.products(t0, t1);
        expect(out.length).toBe(count * (t1 - t0));
        for (let b = 0; b < count; b++) {
          for (let j = t0; j < t1; j++) {
            const got = out[b * (t1 - t0) + j - t0];
            expect(got).toBe(pairwise(queries.data, (start + b) * dim, targets.data, j * dim, dim));
            let plain = 0;
            for (let c = 0; c < dim; c++) plain += queries.data[(start + b) * dim + c] * targets.data[j * dim + c];
            expect(Math.abs(got - plain)).toBeLessThan(1e-12 * (1 + Math.abs(plain)));
          }
        }
      }
    }
  });

  it('refuses blocks and ranges larger than it was sized for', () => {
    const kernel = new DotKernel(matrix(6, 4), 2, 3);
    expect(() => kernel.setQueries(matrix(3, 4), 0, 3)).toThrow(RangeError);
    expect(() => kernel.setQueries(matrix(2, 5), 0, 2)).toThrow(RangeError);
    expect(() => kernel.setQueries(matrix(2, 4), 1, 2)).toThrow(RangeError);
    kernel.setQueries(matrix(2, 4), 0, 2);
    expect(() => kernel.products(0, 4)).toThrow(RangeError);
    expect(() => kernel.products(4, 7)).toThrow(RangeError);
  });
});

describe('symmetricEigen', () => {
  /** Max |A - V diag(w) V^T| and max |V^T V - I|. */
  const errors = (a: Float64Array, n: number, values: Float64Array, V: Float64Array) => {
    let recon = 0;
    let ortho = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let x = 0;
        let g = 0;
        for (let c = 0; c < n; c++) {
          x += V[i * n + c] * values[c] * V[j * n + c];
          g += V[c * n + i] * V[c * n + j];
        }
        recon = Math.max(recon, Math.abs(x - a[i * n + j]));
        ortho = Math.max(ortho, Math.abs(g - (i === j ? 1 : 0)));
      }
    }
    return { recon, ortho };
  };

  it('matches ml-matrix eigenvalues to 1e-12 and reconstructs a random symmetric 40 x 40 matrix with orthonormal vectors', () => {
    const random = new Random(11);
    const n = 40;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = random.gaussian();
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    // Reference: ml-matrix's EigenvalueDecomposition (JAMA's tred2/tql2), ascending.
    const exact = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)))), { assumeSymmetric: true });
    const reference = [...exact.realEigenvalues].sort((x, y) => y - x);
    reference.forEach((w, i) => expect(Math.abs(values[i] - w)).toBeLessThan(1e-12 * Math.abs(reference[0])));
    const { recon, ortho } = errors(a, n, values, vectors);
    expect(recon).toBeLessThan(1e-12);
    expect(ortho).toBeLessThan(1e-12);
  });

  it('handles repeated eigenvalues, a diagonal matrix and the zero matrix', () => {
    // diag(3, 3, 1) rotated: a repeated eigenvalue.
    const q = [
      [2 / 3, -2 / 3, 1 / 3],
      [2 / 3, 1 / 3, -2 / 3],
      [1 / 3, 2 / 3, 2 / 3],
    ];
    const w = [3, 3, 1];
    const a = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let c = 0; c < 3; c++) a[i * 3 + j] += q[i][c] * w[c] * q[j][c];
    const r = symmetricEigen(a, 3);
    Array.from(r.values).forEach((v, i) => expect(v).toBeCloseTo(w[i], 13));
    expect(errors(a, 3, r.values, r.vectors).ortho).toBeLessThan(1e-13);
    expect(Array.from(symmetricEigen(Float64Array.of(2, 0, 0, 5), 2).values)).toEqual([5, 2]);
    const zero = symmetricEigen(new Float64Array(16), 4);
    expect(Array.from(zero.values)).toEqual([0, 0, 0, 0]);
    expect(errors(new Float64Array(16), 4, zero.values, zero.vectors).ortho).toBeLessThan(1e-15);
  });
});

describe('orthogonalizeAgainst', () => {
  it('leaves a vector orthogonal to the basis to working precision and returns its norm', () => {
    const random = new Random(4);
    const length = 50;
    const basis = new Float64Array(3 * length);
    for (let i = 0; i < 3; i++) {
      const v = Float64Array.from({ length }, () => random.gaussian());
      const r = orthogonalizeAgainst(v, basis, i);
      basis.set(v.map((x) => x / r), i * length);
    }
    // Nearly parallel to basis vector 0: a cancellation-heavy case that needs the second pass.
    const x = Float64Array.from({ length }, (_, r) => basis[r] + 1e-9 * random.gaussian());
    const coefficients = new Float64Array(3);
    const normAfter = orthogonalizeAgainst(x, basis, 3, coefficients);
    expect(coefficients[0]).toBeCloseTo(1, 8);
    for (let i = 0; i < 3; i++) {
      let dot = 0;
      for (let r = 0; r < length; r++) dot += x[r] * basis[i * length + r];
      expect(Math.abs(dot) / normAfter).toBeLessThan(1e-12);
    }
  });
});

describe('TopN', () => {
  it('keeps the best n by score then index and pads with -1 / NaN', () => {
    const heap = new TopN(4);
    [0.5, 0.9, 0.5, Number.NaN, 0.1, 0.9].forEach((s, i) => heap.offer(i, s));
    const idx = new Int32Array(4);
    const sc = new Float64Array(4);
    heap.drainInto(idx, sc, 0);
    expect(Array.from(idx)).toEqual([1, 5, 0, 2]);
    const small = new TopN(3);
    small.offer(7, 1);
    small.drainInto(idx, sc, 1);
    expect(Array.from(idx.subarray(1))).toEqual([7, -1, -1]);
    expect(sc[3]).toBeNaN();
  });
});
