import { AGE_GROUP_LABELS } from '../movielens/codes';
import type { Movie, RatingTable, User } from '../movielens/types';
import { idLookup } from '../sparse/id-index';
import { HISTOGRAM_BINS, HISTOGRAM_STARS, histogramBin } from './movie-stats';

/** Ratings of one group of users or movies. JSON-able: `mean` is null for an empty group. */
export interface GroupStat {
  /** Group label: `F`/`M`, an age group (`25-34`), an occupation or a genre. */
  group: string;
  /** Number of ratings. */
  count: number;
  /** Mean rating (stars), or null when count = 0. */
  mean: number | null;
}

/** Small, JSON-able aggregate tables over all ratings. */
export interface GroupAnalytics {
  /** Number of ratings. */
  totalRatings: number;
  /** Mean of all ratings (stars), or null when there are none. */
  globalMean: number | null;
  /** Count of ratings per half star (0.5 .. 5), every bin listed. */
  distribution: { stars: number; count: number }[];
  /** By the rater's gender; users of unknown gender are left out. */
  byGender: GroupStat[];
  /** By the rater's age group, youngest first. */
  byAgeGroup: GroupStat[];
  /** By the rater's occupation, by name. */
  byOccupation: GroupStat[];
  /** By genre, by name: a rating counts once for every genre of its movie. */
  byGenre: GroupStat[];
}

/** Accumulates count and sum per label. */
class Groups {
  private readonly sums = new Map<string, { count: number; sum: number }>();

  /** Registers a label so that it is listed even without ratings. */
  declare(label: string): void {
    if (!this.sums.has(label)) this.sums.set(label, { count: 0, sum: 0 });
  }

  /** Adds `count` ratings summing to `sum` stars to a group (none for a missing label). */
  add(label: string | null | undefined, count: number, sum: number): void {
    if (label === null || label === undefined || count === 0) return;
    const entry = this.sums.get(label) ?? { count: 0, sum: 0 };
    entry.count += count;
    entry.sum += sum;
    this.sums.set(label, entry);
  }

  /** The groups sorted by `order` (then by label). */
  list(order: (label: string) => number = () => 0): GroupStat[] {
    return [...this.sums.entries()]
      .map(([group, { count, sum }]) => ({ group, count, mean: count > 0 ? sum / count : null }))
      .sort((a, b) => order(a.group) - order(b.group) || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  }
}

/**
 * Rating counts and means by rater gender, age group and occupation, by movie genre, and the
 * global distribution of ratings. Ratings by users missing from `users` count only in the
 * totals, the distribution and the genres.
 */
export function computeGroupAnalytics(table: RatingTable, movies: readonly Movie[], users: readonly User[]): GroupAnalytics {
  // One pass over the ratings into per-user and per-movie totals (direct id tables), then the
  // groups from those totals: a few thousand Map updates instead of several per rating. Sums of
  // half-star ratings are exact in float64, so the order of addition changes nothing.
  const userRow = idLookup(users.map((u) => u.id));
  const movieRow = idLookup(movies.map((m) => m.id));
  const userCount = new Int32Array(users.length);
  const userSum = new Float64Array(users.length);
  const movieCount = new Int32Array(movies.length);
  const movieSum = new Float64Array(movies.length);
  const bins = new Array<number>(HISTOGRAM_BINS).fill(0);
  let sum = 0;
  for (let t = 0; t < table.length; t++) {
    const r = table.ratings[t];
    sum += r;
    bins[histogramBin(r)]++;
    const u = userRow(table.users[t]);
    if (u >= 0) {
      userCount[u]++;
      userSum[u] += r;
    }
    const m = movieRow(table.movies[t]);
    if (m >= 0) {
      movieCount[m]++;
      movieSum[m] += r;
    }
  }
  const gender = new Groups();
  const age = new Groups();
  const occupation = new Groups();
  const genre = new Groups();
  for (const m of movies) for (const g of m.genres) genre.declare(g);
  users.forEach((user, u) => {
    gender.add(user.gender, userCount[u], userSum[u]);
    age.add(user.ageGroup, userCount[u], userSum[u]);
    occupation.add(user.occupation, userCount[u], userSum[u]);
  });
  movies.forEach((movie, m) => {
    for (const g of movie.genres) genre.add(g, movieCount[m], movieSum[m]);
  });
  const ageRank = (label: string) => {
    const i = AGE_GROUP_LABELS.indexOf(label);
    return i < 0 ? AGE_GROUP_LABELS.length : i;
  };
  return {
    totalRatings: table.length,
    globalMean: table.length > 0 ? sum / table.length : null,
    distribution: HISTOGRAM_STARS.map((stars, i) => ({ stars, count: bins[i] })),
    byGender: gender.list(),
    byAgeGroup: age.list(ageRank),
    byOccupation: occupation.list(),
    byGenre: genre.list(),
  };
}
