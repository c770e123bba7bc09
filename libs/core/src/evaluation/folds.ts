import type { RatingTable } from '../movielens/types';
import { allocateRatingTable } from '../movielens/packing';
import { Random } from '../random';

/** One train/test split of a rating table. */
export interface Split {
  train: RatingTable;
  test: RatingTable;
}

/** The rows of `table` at `rows` (in that order) as a new, compact table. */
export function selectRows(table: RatingTable, rows: Int32Array): RatingTable {
  const n = rows.length;
  const out = allocateRatingTable(n);
  out.length = n;
  for (let k = 0; k < n; k++) {
    const t = rows[k];
    out.users[k] = table.users[t];
    out.movies[k] = table.movies[t];
    out.ratings[k] = table.ratings[t];
    out.timestamps[k] = table.timestamps[t];
  }
  return out;
}

/**
 * K-fold cross-validation splits: the ratings are shuffled with `seed` (Fisher-Yates), cut into
 * `folds` contiguous parts of equal size (+-1), and split f tests on part f and trains on the
 * rest, as Surprise's KFold(shuffle=True). Every rating is tested exactly once.
 * Throws RangeError unless 2 <= folds <= number of ratings.
 */
export function kFoldSplits(table: RatingTable, folds: number, seed: number): Split[] {
  const n = table.length;
  if (!Number.isInteger(folds) || folds < 2 || folds > n) {
    throw new RangeError(`folds must be an integer from 2 to the number of ratings (${n}), got ${folds}`);
  }
  const order = new Int32Array(n);
  for (let t = 0; t < n; t++) order[t] = t;
  new Random(seed).shuffle(order);
  const splits: Split[] = [];
  for (let f = 0; f < folds; f++) {
    const from = Math.floor((f * n) / folds);
    const to = Math.floor(((f + 1) * n) / folds);
    const trainRows = new Int32Array(n - (to - from));
    trainRows.set(order.subarray(0, from), 0);
    trainRows.set(order.subarray(to), from);
    splits.push({ train: selectRows(table, trainRows), test: selectRows(table, order.slice(from, to)) });
  }
  return splits;
}
