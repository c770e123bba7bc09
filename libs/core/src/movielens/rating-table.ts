/**
 * Building and combining columnar RatingTables: an append-only builder with doubling typed
 * arrays, last-wins deduplication of (user, movie) pairs, and the merge used by append mode.
 */
import type { RatingTable } from './types';

/** Appends ratings into growing typed-array columns (capacity doubles; amortized O(1)). */
export class RatingTableBuilder {
  length = 0;
  users: Int32Array;
  movies: Int32Array;
  ratings: Float32Array;
  timestamps: Uint32Array;
  /** 1-based source line of each row, for duplicate reports. */
  lines: Uint32Array;

  /** @param capacity - initial rows; default 65,536 */
  constructor(capacity = 65536) {
    this.users = new Int32Array(capacity);
    this.movies = new Int32Array(capacity);
    this.ratings = new Float32Array(capacity);
    this.timestamps = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
  }

  /** Appends one row. */
  add(user: number, movie: number, rating: number, timestamp: number, line: number): void {
    if (this.length === this.users.length) this.grow();
    const i = this.length++;
    this.users[i] = user;
    this.movies[i] = movie;
    this.ratings[i] = rating;
    this.timestamps[i] = timestamp;
    this.lines[i] = line;
  }

  /** The rows as a table (views on the builder's arrays, no copy). */
  table(): RatingTable {
    const n = this.length;
    return {
      length: n,
      users: this.users.subarray(0, n),
      movies: this.movies.subarray(0, n),
      ratings: this.ratings.subarray(0, n),
      timestamps: this.timestamps.subarray(0, n),
    };
  }

  private grow(): void {
    const cap = Math.max(16, this.users.length * 2);
    const grow = <T extends Int32Array | Float32Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.users = grow(this.users, (n) => new Int32Array(n));
    this.movies = grow(this.movies, (n) => new Int32Array(n));
    this.ratings = grow(this.ratings, (n) => new Float32Array(n));
    this.timestamps = grow(this.timestamps, (n) => new Uint32Array(n));
    this.lines = grow(this.lines, (n) => new Uint32Array(n));
  }
}

/** Where one duplicate (user, movie) pair was found. */
export interface DuplicatePair {
  /** Row that was dropped (the earlier one). */
  dropped: number;
  /** Row that replaced it (the later one). */
  kept: number;
}

/** Result of deduplicate(). */
export interface Deduplicated {
  /** The rows without dropped ones, original order otherwise (the input itself when nothing was dropped). */
  table: RatingTable;
  /** Rows dropped. */
  count: number;
  /** Kept row index of each dropped row; `dropped` lists the first few pairs. */
  examples: DuplicatePair[];
}

/**
 * Removes earlier ratings of a (user, movie) pair that is rated again later: the last one wins.
 * O(n): rows are visited user by user (in file order when the file is grouped by user, as
 * MovieLens dumps are; else through a stable counting sort), and a stamp array over movie ids
 * finds repeats within a user. Huge sparse ids go through a Map to dense indices.
 * @param maxExamples - duplicate pairs to describe; default 5
 */
export function deduplicate(table: RatingTable, maxExamples = 5): Deduplicated {
  const n = table.length;
  const { users, movies } = table;
  let grouped = true;
  let maxMovie = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && users[i] < users[i - 1]) grouped = false;
    if (movies[i] > maxMovie) maxMovie = movies[i];
  }
  // Movie keys: the id itself when the id range is small enough for a lookup table.
  const direct = maxMovie <= denseLimit(n);
  const movieIndex = direct ? null : denseIndex(movies, n);
  const stamp = new Int32Array(direct ? maxMovie + 1 : (movieIndex?.count ?? 0)).fill(-1);
  const lastRow = new Int32Array(stamp.length);
  let dropped: Uint8Array | null = null;
  let count = 0;
  const examples: DuplicatePair[] = [];
  // `group` numbers the runs of one user; a stamp equal to the current group is a repeat.
  const visit = (row: number, group: number): void => {
    const m = movieIndex === null ? movies[row] : movieIndex.of[row];
    if (stamp[m] === group) {
      dropped ??= new Uint8Array(n);
      dropped[lastRow[m]] = 1;
      count++;
      if (examples.length < maxExamples) examples.push({ dropped: lastRow[m], kept: row });
    }
    stamp[m] = group;
    lastRow[m] = row;
  };
  if (grouped) {
    let group = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && users[i] !== users[i - 1]) group++;
      visit(i, group);
    }
  } else {
    const userIndex = denseIndex(users, n);
    const start = new Int32Array(userIndex.count + 1);
    for (let i = 0; i < n; i++) start[userIndex.of[i] + 1]++;
    for (let u = 0; u < userIndex.count; u++) start[u + 1] += start[u];
    const fill = start.slice(0, userIndex.count);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[fill[userIndex.of[i]]++] = i;
    for (let u = 0; u < userIndex.count; u++) for (let k = start[u]; k < start[u + 1]; k++) visit(order[k], u);
  }
  if (dropped === null) return { table, count: 0, examples };
  // Examples were found user by user; report them in file order.
  examples.sort((a, b) => a.kept - b.kept);
  return { table: selectRows(table, dropped, n - count, 0), count, examples };
}

/** Largest id for which a direct lookup table (4 bytes per possible id) is used. */
function denseLimit(n: number): number {
  return Math.max(1 << 20, 4 * n);
}

/**
 * Copies, in order, the `count` rows of `table` whose flag in `flags` equals `keep` (1: the rows
 * flagged, 0: the rows not flagged).
 */
export function selectRows(table: RatingTable, flags: Uint8Array, count: number, keep: 0 | 1 = 1): RatingTable {
  const out: RatingTable = { length: count, users: new Int32Array(count), movies: new Int32Array(count), ratings: new Float32Array(count), timestamps: new Uint32Array(count) };
  let j = 0;
  for (let i = 0; i < table.length; i++) {
    if ((flags[i] === 0 ? 0 : 1) !== keep) continue;
    out.users[j] = table.users[i];
    out.movies[j] = table.movies[i];
    out.ratings[j] = table.ratings[i];
    out.timestamps[j] = table.timestamps[i];
    j++;
  }
  return out;
}

/** Maps each id to 0..count-1: a direct lookup table when ids are small, else a Map. */
function denseIndex(ids: Int32Array, n: number): { of: Int32Array; count: number } {
  let max = 0;
  for (let i = 0; i < n; i++) if (ids[i] > max) max = ids[i];
  const of = new Int32Array(n);
  let count = 0;
  if (max <= denseLimit(n)) {
    const lookup = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      let d = lookup[id];
      if (d < 0) d = lookup[id] = count++;
      of[i] = d;
    }
  } else {
    const lookup = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      let d = lookup.get(ids[i]);
      if (d === undefined) lookup.set(ids[i], (d = count++));
      of[i] = d;
    }
  }
  return { of, count };
}

/**
 * Appends `delta` to `base` for append mode: a re-rating of the same (user, movie) overwrites
 * the earlier one (the delta's row is kept, at its position after the base rows).
 * @returns the merged table and how many base ratings were overwritten
 */
export function mergeRatings(base: RatingTable, delta: RatingTable): { table: RatingTable; overwritten: number } {
  const n = base.length + delta.length;
  const joined: RatingTable = {
    length: n,
    users: new Int32Array(n),
    movies: new Int32Array(n),
    ratings: new Float32Array(n),
    timestamps: new Uint32Array(n),
  };
  joined.users.set(base.users.subarray(0, base.length));
  joined.users.set(delta.users.subarray(0, delta.length), base.length);
  joined.movies.set(base.movies.subarray(0, base.length));
  joined.movies.set(delta.movies.subarray(0, delta.length), base.length);
  joined.ratings.set(base.ratings.subarray(0, base.length));
  joined.ratings.set(delta.ratings.subarray(0, delta.length), base.length);
  joined.timestamps.set(base.timestamps.subarray(0, base.length));
  joined.timestamps.set(delta.timestamps.subarray(0, delta.length), base.length);
  const { table, count } = deduplicate(joined, 0);
  return { table, overwritten: count };
}
