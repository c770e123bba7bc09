import type { FoldInFactors, Movie, MovieStats } from '@movielens/core';
import type { ColumnTable, ModelFactors, ModelMeta } from '@movielens/store';
import { Lru } from './lru';
import { toMovieStats } from './movie-stats.adapter';
import type { DatasetReader, ModelReader } from './ports';
import { foldText } from './text';

/** A catalogue entry with its folded title, so search never re-normalizes per request. */
export interface CatalogueEntry {
  movie: Movie;
  /** `foldText(title)`. */
  folded: string;
}

/** Per-movie statistics with a row index by movie id. */
export interface StatsIndex {
  /** The stored columns, as stored (to check which exist). */
  raw: ColumnTable;
  /** The columns in the core `MovieStats` shape. */
  table: MovieStats;
  /** Row of each movie id. */
  rowOf: Map<number, number>;
}

/**
 * Everything the API keeps in process for one model version: the movie catalogue (titles
 * for every answer), lazily loaded stats, factors and user means, and an LRU of serialized
 * answers. A new model version gets a new snapshot, so nothing stale survives a switch.
 */
export class ModelSnapshot {
  /** Movies by id. */
  readonly movies = new Map<number, Movie>();
  /** Movies sorted by id with folded titles, for search. */
  readonly catalogue: CatalogueEntry[];
  /** Serialized answers keyed by resource (e.g. `similar:1:10`). */
  readonly answers: Lru<string, Buffer>;
  private readonly computed = new Map<string, Promise<unknown>>();

  constructor(
    /** Parameters, metrics and table stamps of the version. */
    readonly meta: ModelMeta,
    movies: Movie[],
    private readonly models: ModelReader,
    private readonly datasets: DatasetReader,
    /** Serialized answers kept per version. */
    cacheEntries: number,
  ) {
    for (const m of movies) this.movies.set(m.id, m);
    this.catalogue = movies.map((movie) => ({ movie, folded: foldText(movie.title) })).sort((a, b) => a.movie.id - b.movie.id);
    this.answers = new Lru(cacheEntries);
  }

  /** Model version id. */
  get version(): string {
    return this.meta.id;
  }

  /** Title of a movie, or null when the catalogue lacks it. */
  title(movieId: number): string | null {
    return this.movies.get(movieId)?.title ?? null;
  }

  /** Per-movie statistics, loaded from Redis once per version. */
  stats(): Promise<StatsIndex> {
    return this.memo('stats', async () => {
      const raw = await this.models.movieStats(this.version);
      const table = toMovieStats(raw);
      const rowOf = new Map<number, number>();
      for (let i = 0; i < table.movieIds.length; i++) rowOf.set(table.movieIds[i], i);
      return { raw, table, rowOf };
    });
  }

  /** SVD factors, loaded once per version (for folding in anonymous users). */
  factors(): Promise<ModelFactors> {
    return this.memo('factors', () => this.models.factors(this.version));
  }

  /**
   * The factors in the shape `foldIn` takes: V widened to Float64 once per version, and the
   * global mean rating, which the model does not store, derived from the per-movie stats
   * as sum(count x mean) / sum(count).
   */
  foldInFactors(): Promise<FoldInFactors> {
    return this.memo('fold-in', async () => {
      const [f, { table }] = await Promise.all([this.factors(), this.stats()]);
      let sum = 0;
      let n = 0;
      for (let i = 0; i < table.count.length; i++) {
        if (table.count[i] === 0) continue;
        sum += table.count[i] * table.mean[i];
        n += table.count[i];
      }
      return { movieIds: f.movieIds, k: f.k, V: Float64Array.from(f.V), S: f.S, globalMean: n > 0 ? sum / n : 3 };
    });
  }

  /** Mean rating and dense index of each user, loaded once per version. */
  userMeans(): Promise<Map<number, number>> {
    return this.memo('users', async () => {
      const { userIds, userMeans } = await this.models.users(this.version);
      const out = new Map<number, number>();
      for (let i = 0; i < userIds.length; i++) out.set(userIds[i], userMeans[i]);
      return out;
    });
  }

  /**
   * Number of ratings of a user (0 for a user without ratings). The model's `users` table
   * holds ids and means only, so the counts are taken once per version from the dataset's
   * ratings (one pass; the table is dropped afterwards, only the counts are kept).
   */
  async userRatingCount(userId: number): Promise<number> {
    const counts = await this.memo('user-counts', async () => {
      const table = await this.datasets.loadRatings(this.meta.datasetVersion);
      const out = new Map<number, number>();
      for (let i = 0; i < table.length; i++) out.set(table.users[i], (out.get(table.users[i]) ?? 0) + 1);
      return out;
    });
    return counts.get(userId) ?? 0;
  }

  /**
   * A value derived from this version's tables, computed once (tables, rankings). A failed
   * computation is forgotten so the next request retries it.
   */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.computed.get(key) as Promise<T> | undefined;
    if (p === undefined) {
      p = compute();
      this.computed.set(key, p);
      p.catch(() => this.computed.delete(key));
    }
    return p;
  }
}
