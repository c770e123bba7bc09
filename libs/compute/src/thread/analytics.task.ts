import type { Movie, RatingTable, User } from '@movielens/core';

/** Per-movie statistics (columns by dense movie index) and the named analytics tables (JSON). */
export interface AnalyticsTables {
  stats: { movieIds: Int32Array; counts: Int32Array; means: Float64Array };
  tables: Record<string, unknown>;
}

/** INTERIM until core/analytics lands: per-movie counts and means only. */
export function computeAnalytics(ratings: RatingTable, _movies: Movie[], _users: User[]): AnalyticsTables {
  const sums = new Map<number, { n: number; s: number }>();
  for (let i = 0; i < ratings.length; i++) {
    const e = sums.get(ratings.movies[i]) ?? { n: 0, s: 0 };
    e.n++;
    e.s += ratings.ratings[i];
    sums.set(ratings.movies[i], e);
  }
  const ids = Int32Array.from([...sums.keys()].sort((a, b) => a - b));
  const counts = new Int32Array(ids.length);
  const means = new Float64Array(ids.length);
  ids.forEach((id, i) => {
    const e = sums.get(id)!;
    counts[i] = e.n;
    means[i] = e.s / e.n;
  });
  return { stats: { movieIds: ids, counts, means }, tables: {} };
}
