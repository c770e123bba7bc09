import { findIdIndex, indexRatings, LstmPredictor, type FoldInFactors, type IndexedRatings, type MfModel, type Movie, type MovieStats } from '@movielens/core';
import { completeMovieStats, type LstmUserState, type ModelFactors, type ModelMeta, type MovieStatsTable } from '@movielens/store';
import { Lru } from './lru';
import type { DatasetReader, ModelReader } from './ports';
import { foldText } from './text';

/** A catalogue entry with its folded title, so search never re-normalizes per request. */
export interface CatalogueEntry {
  movie: Movie;
  /** `foldText(title)`. */
  folded: string;
}

/** A movie as every list entry carries it, beside its `movieId` and its own number. */
export interface ListedMovie {
  title: string | null;
  year: number | null;
  genres: string[];
}

/** Per-movie statistics with a row index by movie id. */
export interface StatsIndex {
  /** The stored columns: those an older build lacks are undefined (to check which exist). */
  raw: MovieStatsTable;
  /** Every column in the core `MovieStats` shape, absent ones filled (zero counts, NaN means: rankings leave them out). */
  table: MovieStats;
  /** Row of each movie id. */
  rowOf: Map<number, number>;
}

/** How much a model version's answer caches may hold. */
export interface AnswerCacheLimits {
  /** Entries per cache (by resource, by URL). Default 20,000. */
  entries: number;
  /** Bytes of both caches together (keys, bodies, per-entry overhead). Default 64 MiB. */
  bytes: number;
}

/** Rough fixed cost of one cache entry beyond its key and body (Map slot, wrapper objects), bytes. */
const ENTRY_OVERHEAD_BYTES = 200;

/** Estimated bytes of one cached answer: its key (UTF-16 in memory), its body and the entry overhead. */
export function cachedBytes(key: string, body: Buffer): number {
  return 2 * key.length + body.length + ENTRY_OVERHEAD_BYTES;
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
    /** Bounds of the version's answer caches; half the bytes go to {@link answers}, half to the by-URL cache. */
    readonly cache: AnswerCacheLimits,
  ) {
    for (const m of movies) this.movies.set(m.id, m);
    this.catalogue = movies.map((movie) => ({ movie, folded: foldText(movie.title) })).sort((a, b) => a.movie.id - b.movie.id);
    this.answers = new Lru(cache.entries, { maxBytes: cache.bytes / 2, sizeOf: (resource, body) => cachedBytes(resource, body) });
  }

  /** Model version id. */
  get version(): string {
    return this.meta.id;
  }

  /**
   * Where answers of model kind `kind` come from in this set: its kind version and the dataset
   * version it was trained on (kinds may lag behind the newest data while they train). Null when
   * the set has no such kind.
   */
  source(kind: string): { kind: string; version: string; datasetVersion: string } | null {
    const ref = this.meta.kinds?.[kind];
    return ref === undefined ? null : { kind, version: ref.version, datasetVersion: ref.datasetVersion };
  }

  /**
   * What the set's version of kind `kind` recorded about itself (its kind meta's `info`), read
   * once per set version; null when the set has no such kind or its meta is gone.
   */
  kindInfo(kind: string): Promise<Record<string, unknown> | null> {
    return this.memo(`kind-info:${kind}`, async () => {
      const source = this.source(kind);
      return source === null ? null : ((await this.models.kindMeta(source.version))?.info ?? null);
    });
  }

  /** Title of a movie, or null when the catalogue lacks it. */
  title(movieId: number): string | null {
    return this.movies.get(movieId)?.title ?? null;
  }

  /**
   * What every list entry shows of its movie: title (null when the catalogue lacks the
   * movie), year (null when the title had none) and genres (empty when unknown).
   */
  listed(movieId: number): ListedMovie {
    const movie = this.movies.get(movieId);
    return movie === undefined ? { title: null, year: null, genres: [] } : { title: movie.title, year: movie.year, genres: movie.genres };
  }

  /** Per-movie statistics, loaded from Redis once per version. */
  stats(): Promise<StatsIndex> {
    return this.memo('stats', async () => {
      const raw = await this.models.movieStats(this.version);
      const table = completeMovieStats(raw);
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
   * The global mean rating, which the model does not store, derived from the per-movie stats
   * as sum(count x mean) / sum(count); 3 when no movie has a rating. Once per version.
   */
  globalMean(): Promise<number> {
    return this.memo('global-mean', async () => {
      const { table } = await this.stats();
      let sum = 0;
      let n = 0;
      for (let i = 0; i < table.count.length; i++) {
        if (table.count[i] === 0) continue;
        sum += table.count[i] * table.mean[i];
        n += table.count[i];
      }
      return n > 0 ? sum / n : 3;
    });
  }

  /** The factors in the shape `foldIn` takes: V widened to Float64 once per version, and the {@link globalMean}. */
  foldInFactors(): Promise<FoldInFactors> {
    return this.memo('fold-in', async () => {
      const [f, globalMean] = await Promise.all([this.factors(), this.globalMean()]);
      return { movieIds: f.movieIds, k: f.k, V: Float64Array.from(f.V), S: f.S, globalMean };
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
   * Every rating of the dataset grouped by user (core `indexRatings`: CSR on dense indices,
   * ~8 bytes a rating), built once per version from one load of the ratings. It answers
   * "what did this user rate" in O(their ratings): rating counts, profiles, and the movies to
   * exclude from MF recommendations. Null for a dataset without ratings.
   */
  ratingsByUser(): Promise<IndexedRatings | null> {
    return this.memo('ratings-by-user', async () => {
      const table = await this.datasets.loadRatings(this.meta.datasetVersion);
      return table.length === 0 ? null : indexRatings(table);
    });
  }

  /** A user's ratings (MovieLens movie ids and stars, in input order), or null when they rated nothing. */
  async userRatings(userId: number): Promise<{ movieIds: Int32Array; ratings: Float32Array } | null> {
    const index = await this.ratingsByUser();
    const u = index === null ? -1 : findIdIndex(index.userIds, userId);
    if (index === null || u < 0) return null;
    const from = index.userStart[u];
    const to = index.userStart[u + 1];
    const movieIds = new Int32Array(to - from);
    for (let p = from; p < to; p++) movieIds[p - from] = index.movieIds[index.movies[p]];
    return { movieIds, ratings: index.ratings.subarray(from, to) };
  }

  /** Number of ratings of a user (0 for a user without ratings). */
  async userRatingCount(userId: number): Promise<number> {
    return (await this.userRatings(userId))?.movieIds.length ?? 0;
  }

  /**
   * A user's stored LSTM state (final hidden state and dense history, written by the
   * rebuild), or null when the user is not in the version's LSTM table. One HGET, not cached:
   * the answer cache keeps the served lists.
   */
  lstmState(userId: number): Promise<LstmUserState | null> {
    return this.models.lstmState(this.version, userId);
  }

  /** A predictor over the next-movie LSTM, built once per version; null when the version has none (built without `lstm`). */
  lstm(): Promise<LstmPredictor | null> {
    return this.memo('lstm', async () => {
      const model = await this.models.lstm(this.version);
      return model === null ? null : new LstmPredictor(model);
    });
  }

  /** The trained MF rating model, decoded once per version; null when the version has none (built with `mf: false`). */
  mf(): Promise<MfModel | null> {
    return this.memo('mf', () => this.models.mf(this.version));
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
