import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deduplicate, mergeRatings } from './rating-table';
import { rows, table } from './rating-table.fixtures';

describe('mergeRatings', () => {
  it('appends new ratings and lets a re-rating overwrite the earlier one', () => {
    const base = table([
      [1, 10, 3, 100],
      [1, 11, 4, 101],
      [2, 10, 5, 102],
    ]);
    const delta = table([
      [1, 10, 1, 200],
      [3, 12, 2, 201],
    ]);
    const { table: merged, overwritten } = mergeRatings(base, delta);
    expect(overwritten).toBe(1);
    expect(rows(merged)).toEqual([
      [1, 11, 4, 101],
      [2, 10, 5, 102],
      [1, 10, 1, 200],
      [3, 12, 2, 201],
    ]);
  });

  it('returns the base unchanged in content when the delta is empty', () => {
    const base = table([[1, 10, 3, 100]]);
    const { table: merged, overwritten } = mergeRatings(base, table([]));
    expect(overwritten).toBe(0);
    expect(rows(merged)).toEqual([[1, 10, 3, 100]]);
  });
});

describe('deduplicate', () => {
  it('handles huge sparse ids through the map fallback', () => {
    const t = table([
      [2_000_000_000, 1_999_999_999, 3, 1],
      [5, 1_999_999_999, 4, 2],
      [2_000_000_000, 1_999_999_999, 5, 3],
    ]);
    const d = deduplicate(t);
    expect(d.count).toBe(1);
    expect(d.examples).toEqual([{ dropped: 0, kept: 2 }]);
    expect(rows(d.table)).toEqual([
      [5, 1_999_999_999, 4, 2],
      [2_000_000_000, 1_999_999_999, 5, 3],
    ]);
  });

  it('matches a naive last-wins reference on random tables, grouped by user or not', () => {
    const row = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 5 }));
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.boolean(), (raw, sortByUser) => {
        const input = (sortByUser ? [...raw].sort((a, b) => a[0] - b[0]) : raw).map(([u, m, r], i): [number, number, number, number] => [u, m, r, i]);
        // Reference: keep a row only if no later row has the same (user, movie).
        const expected = input.filter(([u, m], i) => !input.slice(i + 1).some(([u2, m2]) => u2 === u && m2 === m));
        const d = deduplicate(table(input));
        expect(rows(d.table)).toEqual(expected);
        expect(d.count).toBe(input.length - expected.length);
      }),
      { numRuns: 300 },
    );
  });
});
