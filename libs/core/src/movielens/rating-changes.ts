/**
 * Applying a list of single-rating changes (live ratings: sets and deletes, in the order they
 * were accepted) to a columnar RatingTable, as a new dataset version holds them: the last
 * change of a (user, movie) pair wins, a set overwrites an earlier rating as an append does,
 * and a delete removes it.
 */
import { deduplicate, mergeRatings, selectRows } from './rating-table';
import type { RatingTable } from './types';

/** Result of {@link applyRatingChanges}. */
export interface AppliedChanges {
  /** The new table: base rows not deleted nor overwritten (base order), then the set rows (change order). */
  table: RatingTable;
  /** Base ratings replaced by a set of the same (user, movie). */
  overwritten: number;
  /** Base ratings removed by a delete. */
  removed: number;
  /** Set rows that rated a pair the base did not have. */
  added: number;
  /** Changes superseded by a later change of the same pair (only the last one counts). */
  superseded: number;
}

/**
 * Applies `changes` to `base`. A change whose rating is NaN is a delete (deleting a pair the
 * base lacks does nothing). Neither input is modified. O(base + changes).
 * @param changes - rows in acceptance order; `ratings[i]` NaN marks a delete
 */
export function applyRatingChanges(base: RatingTable, changes: RatingTable): AppliedChanges {
  // Last change per pair: deduplicate keeps the later row of a repeated pair.
  const last = deduplicate(changes, 0);
  const c = last.table;
  const deletes = new Map<number, Set<number>>();
  let sets = 0;
  for (let i = 0; i < c.length; i++) {
    if (Number.isNaN(c.ratings[i])) {
      let movies = deletes.get(c.users[i]);
      if (movies === undefined) deletes.set(c.users[i], (movies = new Set()));
      movies.add(c.movies[i]);
    } else sets++;
  }
  // Base without deleted pairs (one pass; a Map per user keeps 64-bit id pairs exact).
  const kept = new Uint8Array(base.length);
  let keptCount = 0;
  for (let i = 0; i < base.length; i++) {
    const gone = deletes.size > 0 && deletes.get(base.users[i])?.has(base.movies[i]) === true;
    if (!gone) {
      kept[i] = 1;
      keptCount++;
    }
  }
  const trimmed = keptCount === base.length ? base : selectRows(base, kept, keptCount);
  const setRows = selectRows(c, Uint8Array.from({ length: c.length }, (_, i) => (Number.isNaN(c.ratings[i]) ? 0 : 1)), sets);
  const merged = mergeRatings(trimmed, setRows);
  return { table: merged.table, overwritten: merged.overwritten, removed: base.length - keptCount, added: sets - merged.overwritten, superseded: last.count };
}
