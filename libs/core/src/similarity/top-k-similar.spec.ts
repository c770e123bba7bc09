import { describe, expect, it } from 'vitest';
import type { DenseMatrix } from '../linalg/dense-matrix';
import { normalizeRows } from '../linalg/dense-matrix';
import { Random } from '../random';
import { movieVectors, topKSimilar } from './top-k-similar';

/** Random vectors with exact duplicates (rows 5 = 2 = 9, 7 = 3) and a zero row (11), to force ties. */
function vectorsWithTies(rows = 60, dim = 6): DenseMatrix {
  const random = new Random(5);
  const data = Float64Array.from({ length: rows * dim }, () => Math.round(random.gaussian() * 4) / 4);
  const copy = (from: number, to: number) => data.copyWithin(to * dim, from * dim, from * dim + dim);
  copy(2, 5);
  copy(2, 9);
  copy(3, 7);
  data.fill(0, 11 * dim, 12 * dim);
  return { rows, cols: dim, data };
}

/** All pairs, full sort: score descending, index ascending. Same dot-product order as the code under test. */
function bruteForce(v: DenseMatrix, k: number, eligible: (j: number) => boolean = () => true) {
  const unit = normalizeRows(v);
  return Array.from({ length: v.rows }, (_, i) => {
    if (!eligible(i)) return [];
    const all: { j: number; s: number }[] = [];
    for (let j = 0; j < v.rows; j++) {
      if (j === i || !eligible(j)) continue;
      let s = 0;
      for (let c = 0; c < v.cols; c++) s += unit.data[i * v.cols + c] * unit.data[j * v.cols + c];
      all.push({ j, s });
    }
    all.sort((a, b) => b.s - a.s || a.j - b.j);
    return all.slice(0, k);
  });
}

function rowsOf(result: ReturnType<typeof topKSimilar>) {
  const out: { j: number; s: number }[][] = [];
  for (let r = 0; r < result.rowEnd - result.rowStart; r++) {
    const row: { j: number; s: number }[] = [];
    for (let c = 0; c < result.k; c++) {
      const j = result.neighbours[r * result.k + c];
      if (j >= 0) row.push({ j, s: result.scores[r * result.k + c] });
      else expect(result.scores[r * result.k + c]).toBeNaN();
    }
    out.push(row);
  }
  return out;
}

describe('topKSimilar', () => {
  it('returns exactly the brute-force top-k lists, ties broken by index ascending, itself excluded', () => {
    const v = vectorsWithTies();
    const expected = bruteForce(v, 10);
    // Tiles of 6 targets: the tied duplicates of row 2 (5 and 9) fall in different tiles.
    const got = rowsOf(topKSimilar(v, { k: 10, blockSize: 7, tileSize: 6 }));
    got.forEach((row, i) => {
      expect(row.map((e) => e.j)).toEqual(expected[i].map((e) => e.j));
      // Scores are stored as float32: compare at float32 precision (2^-24 relative).
      row.forEach((e, c) => expect(e.s).toBeCloseTo(expected[i][c].s, 6));
      expect(row.map((e) => e.j)).not.toContain(i);
    });
    // The duplicates of row 2 are its two best neighbours, with cosine 1, in index order.
    expect(got[2].slice(0, 2).map((e) => e.j)).toEqual([5, 9]);
    expect(got[2][0].s).toBeCloseTo(1, 6);
  });

  it('gives the same answer when computed in shards and concatenated', () => {
    const v = vectorsWithTies();
    const whole = topKSimilar(v, { k: 8 });
    const cuts = [0, 13, 14, 40, 60];
    const parts = cuts.slice(1).map((end, s) => topKSimilar(v, { k: 8, rowStart: cuts[s], rowEnd: end }));
    const neighbours = new Int32Array(parts.flatMap((p) => Array.from(p.neighbours)));
    const scores = new Float32Array(parts.flatMap((p) => Array.from(p.scores)));
    expect(neighbours).toEqual(whole.neighbours);
    expect(scores).toEqual(whole.scores);
  });

  it('leaves out neighbours and query movies under minCount', () => {
    const v = vectorsWithTies();
    const counts = Int32Array.from({ length: v.rows }, (_, j) => (j * 7) % 30);
    const eligible = (j: number) => counts[j] >= 10;
    const expected = bruteForce(v, 5, eligible);
    const got = rowsOf(topKSimilar(v, { k: 5, counts, minCount: 10 }));
    got.forEach((row, i) => expect(row.map((e) => e.j)).toEqual(expected[i].map((e) => e.j)));
    expect(got[1]).toEqual([]);
  });

  it('pads with -1 when fewer than k other movies exist, and rejects bad ranges', () => {
    const v: DenseMatrix = { rows: 3, cols: 2, data: Float64Array.from([1, 0, 0, 1, 1, 1]) };
    const r = topKSimilar(v, { k: 50 });
    expect(r.k).toBe(2);
    expect(Array.from(r.neighbours.slice(0, 2))).toEqual([2, 1]);
    const counts = Int32Array.from([5, 5, 1]);
    const filtered = topKSimilar(v, { k: 2, counts, minCount: 2 });
    expect(Array.from(filtered.neighbours)).toEqual([1, -1, 0, -1, -1, -1]);
    expect(Array.from(filtered.neighbourCounts!)).toEqual([5, 0, 5, 0, 0, 0]);
    expect(r.neighbourCounts).toBeUndefined();
    expect(() => topKSimilar(v, { rowStart: 2, rowEnd: 5 })).toThrow(RangeError);
  });

  it('builds movie vectors as V scaled by the singular values', () => {
    const m = movieVectors(Float64Array.from([1, 2, 3, 4]), Float64Array.from([10, 100]), 2);
    expect(Array.from(m.data)).toEqual([10, 200, 30, 400]);
    expect(movieVectors(Float64Array.from([1, 2, 3, 4]), Float64Array.from([10, 100]), 1, 2).data).toEqual(Float64Array.from([10, 30]));
  });
});
