import { describe, expect, it } from 'vitest';
import type { RatingTable } from '../movielens/types';
import { kFoldSplits } from './folds';

const n = 103;
const source: RatingTable = {
  length: n,
  users: Int32Array.from({ length: n }, (_, t) => t),
  movies: Int32Array.from({ length: n }, (_, t) => t % 7),
  ratings: Float32Array.from({ length: n }, (_, t) => 1 + (t % 5)),
  timestamps: new Uint32Array(n),
};

describe('kFoldSplits', () => {
  it('tests every rating exactly once and trains on the rest', () => {
    const splits = kFoldSplits(source, 5, 1);
    const seen = new Uint8Array(n);
    for (const { train, test } of splits) {
      expect(train.length + test.length).toBe(n);
      expect([20, 21]).toContain(test.length);
      for (let t = 0; t < test.length; t++) seen[test.users[t]]++;
      const inTrain = new Set(train.users);
      for (let t = 0; t < test.length; t++) expect(inTrain.has(test.users[t])).toBe(false);
    }
    expect(seen.every((c) => c === 1)).toBe(true);
  });

  it('gives the same folds for the same seed and different folds for another seed', () => {
    const a = kFoldSplits(source, 3, 9).map((s) => Array.from(s.test.users));
    const b = kFoldSplits(source, 3, 9).map((s) => Array.from(s.test.users));
    const c = kFoldSplits(source, 3, 10).map((s) => Array.from(s.test.users));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('rejects fewer than 2 folds', () => {
    expect(() => kFoldSplits(source, 1, 1)).toThrow(RangeError);
  });
});
