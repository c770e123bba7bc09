import { describe, expect, it } from 'vitest';
import { applyRatingChanges } from './rating-changes';
import { rows, table } from './rating-table.fixtures';

describe('applyRatingChanges', () => {
  // Expected tables worked out by hand: base rows kept in order, then the surviving sets in change order.
  it('overwrites a re-rated pair, removes a deleted one and appends new ones', () => {
    const base = table([
      [1, 10, 3, 100],
      [1, 11, 4, 101],
      [2, 10, 5, 102],
    ]);
    const changes = table([
      [1, 10, 1, 200],
      [2, 10, NaN, 201],
      [3, 12, 2, 202],
    ]);
    const out = applyRatingChanges(base, changes);
    expect(rows(out.table)).toEqual([
      [1, 11, 4, 101],
      [1, 10, 1, 200],
      [3, 12, 2, 202],
    ]);
    expect(out).toMatchObject({ overwritten: 1, removed: 1, added: 1, superseded: 0 });
  });

  it('lets the last change of a pair win: a set after a delete restores, a delete after a set removes', () => {
    const base = table([
      [1, 10, 3, 100],
      [1, 11, 4, 101],
    ]);
    const changes = table([
      [1, 10, NaN, 200],
      [1, 10, 5, 201],
      [1, 11, 2, 202],
      [1, 11, NaN, 203],
      [4, 40, 1, 204],
      [4, 40, NaN, 205],
    ]);
    const out = applyRatingChanges(base, changes);
    expect(rows(out.table)).toEqual([[1, 10, 5, 201]]);
    expect(out).toMatchObject({ overwritten: 1, removed: 1, added: 0, superseded: 3 });
  });

  it('ignores a delete of a pair the base lacks and leaves both inputs unchanged', () => {
    const base = table([[1, 10, 3, 100]]);
    const changes = table([[9, 90, NaN, 200]]);
    const out = applyRatingChanges(base, changes);
    expect(rows(out.table)).toEqual([[1, 10, 3, 100]]);
    expect(out).toMatchObject({ overwritten: 0, removed: 0, added: 0 });
    expect(rows(base)).toEqual([[1, 10, 3, 100]]);
    expect(Number.isNaN(changes.ratings[0])).toBe(true);
  });
});
