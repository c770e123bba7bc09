/** Test helpers for rating tables: a table from literal rows, and rows back out for `toEqual`. */
import { RatingTableBuilder } from './rating-table';
import type { RatingTable } from './types';

/** A table of `[user, movie, stars, timestamp]` rows, in order (lines numbered from 1). */
export function table(rows: [number, number, number, number][]): RatingTable {
  const b = new RatingTableBuilder(2);
  rows.forEach(([u, m, r, t], i) => b.add(u, m, r, t, i + 1));
  return b.table();
}

/** The rows of a table as `[user, movie, stars, timestamp]` arrays. */
export const rows = (t: RatingTable) => Array.from({ length: t.length }, (_, i) => [t.users[i], t.movies[i], t.ratings[i], t.timestamps[i]]);
