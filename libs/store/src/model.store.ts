import { decodeMf, deserializeLstm, MovieLensError, NotFoundError, type LstmHeader, type LstmModel, type MfModel } from '@movielens/core';
import { ModelTable, type KeySchema } from './keys';
import { kindMetaSchema, modelMetaSchema, type KindMeta, type ModelMeta, type ModelVersionInfo, type TableHome } from './model.meta';
import { ANALYTICS_TABLES, LEGACY_GROUP_FIELDS, LEGACY_GROUPS_TABLE, legacyGroupsSchema, type AnalyticsTable, type AnalyticsTableName } from './analytics-tables';
import { CorruptRecordError, decodeJson, decodeStored } from './stored-json';
import { decodeMovieStats, type MovieStatsTable } from './movie-stats.table';
import type { RedisClient } from './connection';
import { bytesOf, columnOf, unpackColumns, unpackLstmUserState, unpackScoredList, type ColumnTable, type LstmUserState, type ScoredMovie } from './model-codec';

/** SVD factors needed to score a new user at request time (folding-in). */
export interface ModelFactors {
  /** Number of factors. */
  k: number;
  /** MovieLens id of each dense movie index, ascending. */
  movieIds: Int32Array;
  /** Right singular vectors, movies x k, row-major. */
  V: Float32Array;
  /** Singular values, length k, descending. */
  S: Float64Array;
}


/** Table names inside a version: defined beside the key builders (keys.ts). */
export { ModelTable };

/** A model table is missing or unreadable: the version is incomplete or corrupt (retrying does not help). */
export class ModelTableError extends MovieLensError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_TABLE', message, options);
  }
}

/** The version to delete is the one being served. */
export class ModelInUseError extends MovieLensError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_IN_USE', message, options);
  }
}

/** Runs a decoder of stored bytes; whatever it throws becomes a ModelTableError naming `what` (the table and its key). */
function decoded<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw new ModelTableError(`${what} cannot be decoded: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The hash shard of a movie or user id in a sharded table of `shards` shards. */
export function shardOf(id: number, shards: number): number {
  return ((id % shards) + shards) % shards;
}

/**
 * Serving reads of the model store, used by the API and the CLI (lifecycle administration is
 * `ModelLifecycle`). A set version's tables are read where their kind version wrote them
 * (`meta.tableHomes`). Published versions are immutable, so metadata and decoded models are
 * cached per version in this instance; decoded models by the kind version holding them, so a
 * new set that only swapped another kind reuses them.
 */
export class ModelStore {
  private readonly metaCache = new Map<string, ModelMeta>();
  private readonly kindMetaCache = new Map<string, KindMeta>();
  private factorsCache: { ver: string; factors: ModelFactors } | null = null;
  private mfCache: { ver: string; model: Promise<MfModel | null> } | null = null;
  private lstmCache: { ver: string; model: Promise<LstmModel | null> } | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
  ) {}

  /** Id of the model version being served, or null when none has been published. */
  async currentVersion(): Promise<string | null> {
    return this.redis.get(this.keys.modelCurrent());
  }

  /** Metadata of a published set version, or null when the version does not exist (or is not published yet). */
  async meta(ver: string): Promise<ModelMeta | null> {
    const cached = this.metaCache.get(ver);
    if (cached) return cached;
    const key = this.keys.modelMeta(ver);
    const raw = await this.redis.get(key);
    if (raw === null) return null;
    const meta = decodeJson(modelMetaSchema, raw, `model version ${ver} meta`, key);
    this.metaCache.set(ver, meta);
    return meta;
  }

  /** Metadata of a kind version, or null when it does not exist (or its training has not finished). */
  async kindMeta(ver: string): Promise<KindMeta | null> {
    const cached = this.kindMetaCache.get(ver);
    if (cached) return cached;
    const key = this.keys.modelKindMeta(ver);
    const raw = await this.redis.get(key);
    if (raw === null) return null;
    const meta = decodeJson(kindMetaSchema, raw, `kind version ${ver} meta`, key);
    this.kindMetaCache.set(ver, meta);
    return meta;
  }

  /**
   * Where table `table` of set version `ver` lives: its kind version and shard count (the set
   * itself for versions written before kinds). Null when the set has no such table.
   */
  async homeOf(ver: string, table: string): Promise<TableHome | null> {
    const meta = await this.meta(ver);
    if (meta === null) throw new NotFoundError(`model version ${ver} does not exist`);
    if (meta.tableHomes === undefined) return { version: ver, shards: meta.shards };
    return meta.tableHomes[table] ?? null;
  }

  /** Published set versions, oldest first. */
  async listVersions(): Promise<ModelVersionInfo[]> {
    const [flat, current] = await Promise.all([this.redis.zrange(this.keys.modelVersions(), 0, -1, 'WITHSCORES'), this.currentVersion()]);
    const out: ModelVersionInfo[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ id: flat[i], createdAt: Number(flat[i + 1]), current: flat[i] === current });
    return out;
  }

  /**
   * The similar movies of `movieId` in version `ver`, most similar first (cosine of the
   * movie factor vectors). Null when the movie is not in the model; an empty list when it is
   * but has no neighbour (e.g. every candidate was filtered by minCount).
   */
  async similar(ver: string, movieId: number): Promise<ScoredMovie[] | null> {
    return this.scoredList(ver, ModelTable.similar, movieId);
  }

  /**
   * Precomputed recommendations of `userId` in version `ver`, best first; scores are
   * predicted ratings (stars). Movies the user rated are excluded. Null when the user is not
   * in the model.
   */
  async recommendations(ver: string, userId: number): Promise<ScoredMovie[] | null> {
    return this.scoredList(ver, ModelTable.recs, userId);
  }

  /** The factors of version `ver` for folding-in new users. Throws when the version has no factors. */
  async factors(ver: string): Promise<ModelFactors> {
    if (this.factorsCache?.ver === ver) return this.factorsCache.factors;
    const factors = await this.decodedTable(ver, ModelTable.factors, (table, what) => {
      const S = columnOf(table, 'S', Float64Array, what);
      const movieIds = columnOf(table, 'movieIds', Int32Array, what);
      const V = columnOf(table, 'V', Float32Array, what);
      if (V.length !== movieIds.length * S.length) throw new CorruptRecordError(`${what}: V has ${V.length} values, not ${movieIds.length} movies x ${S.length} factors`);
      return { k: S.length, movieIds, V, S };
    });
    this.factorsCache = { ver, factors };
    return factors;
  }

  /**
   * The trained MF rating model of version `ver` (decoded; cached for the last version
   * asked), or null when the version was built without one (`mf: false`, or before MF).
   */
  async mf(ver: string): Promise<MfModel | null> {
    const home = await this.homeOf(ver, ModelTable.mf);
    if (home === null) return null;
    if (this.mfCache?.ver === home.version) return this.mfCache.model;
    const key = this.keys.modelTable(home.version, ModelTable.mf);
    const model = this.redis.getBuffer(key).then((buf) => (buf === null ? null : decoded(`the mf table of model version ${ver} (${key})`, () => decodeMf(buf))));
    const entry = { ver: home.version, model };
    this.mfCache = entry;
    // A failed read is not cached: the next call tries again.
    model.catch(() => {
      if (this.mfCache === entry) this.mfCache = null;
    });
    return model;
  }

  /**
   * The next-movie LSTM of version `ver` (decoded; cached for the last version asked), or
   * null when the version was built without one (`lstm: false`, the default).
   */
  async lstm(ver: string): Promise<LstmModel | null> {
    const home = await this.homeOf(ver, ModelTable.lstm);
    if (home === null) return null;
    if (this.lstmCache?.ver === home.version) return this.lstmCache.model;
    const key = this.keys.modelTable(home.version, ModelTable.lstm);
    const model = this.redis.getBuffer(key).then((buf) => {
      if (buf === null) return null;
      const what = `the lstm table of model version ${ver} (${key})`;
      return decoded(what, () => {
        const t = unpackColumns(buf);
        // format 1 = core lstm-v1 (shape: movies, embedding, hidden); 2 = lstm-v2 (+ rating levels).
        const format = t.format?.[0];
        if ((format !== 1 && format !== 2) || t.shape?.length !== format + 2) {
          throw new CorruptRecordError(`${what}: an unknown format ${String(format)} (this code reads 1 = lstm-v1 and 2 = lstm-v2; retrain the LSTM with this code)`);
        }
        const [numMovies, embeddingDim, hidden, ratingLevels] = t.shape;
        const header: LstmHeader = format === 1 ? { format: 'lstm-v1', numMovies, embeddingDim, hidden } : { format: 'lstm-v2', numMovies, embeddingDim, hidden, ratingLevels };
        return deserializeLstm(header, bytesOf(columnOf(t, 'movieIds', Int32Array, what)), bytesOf(columnOf(t, 'weights', Float32Array, what)));
      });
    });
    const entry = { ver: home.version, model };
    this.lstmCache = entry;
    model.catch(() => {
      if (this.lstmCache === entry) this.lstmCache = null;
    });
    return model;
  }

  /**
   * A user's stored LSTM state in version `ver` (one HGET): the hidden state after their
   * whole history and that history as dense movie indices. Null when the user is not in the
   * version's LSTM table, or the version has none (check `meta.tables['lstm-state']`).
   */
  async lstmState(ver: string, userId: number): Promise<LstmUserState | null> {
    const buf = await this.shardField(ver, ModelTable.lstmState, userId);
    return buf === null ? null : unpackLstmUserState(buf);
  }

  /** User ids (dense order) and mean ratings (stars) of version `ver`: the mean is added back when predicting. */
  async users(ver: string): Promise<{ userIds: Int32Array; userMeans: Float32Array }> {
    return this.decodedTable(ver, ModelTable.users, (table, what) => {
      const userIds = columnOf(table, 'userIds', Int32Array, what);
      const userMeans = columnOf(table, 'userMeans', Float32Array, what);
      if (userMeans.length !== userIds.length) throw new CorruptRecordError(`${what}: ${userIds.length} user ids but ${userMeans.length} means`);
      return { userIds, userMeans };
    });
  }

  /**
   * Per-movie statistics of version `ver` (one row per movie, ascending id), ready for
   * `rankMovies` once complete: `movieIds` always, the other core `MovieStats` columns only when
   * the build wrote them (older builds lack the spread and per-gender columns, or spell some in
   * the plural). Readers check `hasMovieStatsColumns` or fill the gaps with `completeMovieStats`.
   * @throws ModelTableError naming the key when the table does not decode or a column has the wrong length
   */
  async movieStats(ver: string): Promise<MovieStatsTable> {
    return this.decodedTable(ver, ModelTable.movieStats, (table, what) => decodeMovieStats(table, what));
  }

  /**
   * The stored bytes of whole table `name` of set version `ver`, read where its kind wrote it;
   * null when the set has no such table. For kinds that keep their own table formats.
   */
  async table(ver: string, name: string): Promise<Buffer | null> {
    const home = await this.homeOf(ver, name);
    return home === null ? null : this.redis.getBuffer(this.keys.modelTable(home.version, name));
  }

  /** The stored bytes of row `id` of sharded table `name` of set version `ver`; null when absent. */
  async row(ver: string, name: string, id: number): Promise<Buffer | null> {
    return this.shardField(ver, name, id);
  }

  /**
   * Analytics table `name` of set version `ver`, decoded with its schema (`ANALYTICS_TABLES`);
   * in a build from before the per-name tables, read from its combined `groups` table. Null
   * when the version has neither (or its `groups` table lacks that one).
   * @throws CorruptRecordError naming the key when the stored value is not of the table's shape
   */
  async analytics<N extends AnalyticsTableName>(ver: string, name: N): Promise<AnalyticsTable<N> | null> {
    const schema = ANALYTICS_TABLES[name];
    const own = await this.analyticsJson(ver, ModelTable.analytics(name));
    if (own !== null) return decodeJson(schema, own.raw, `analytics table ${name} of model version ${ver}`, own.key);
    const legacy = await this.analyticsJson(ver, ModelTable.analytics(LEGACY_GROUPS_TABLE));
    if (legacy === null) return null;
    const groups = decodeJson(legacyGroupsSchema, legacy.raw, `analytics groups table of model version ${ver}`, legacy.key);
    const field = LEGACY_GROUP_FIELDS[name](groups);
    return field === undefined ? null : decodeStored(schema, field, `analytics table ${name} in the groups table of model version ${ver}`, legacy.key);
  }

  /** The stored JSON of whole table `table` of set version `ver` and its key, or null when the set has none. */
  private async analyticsJson(ver: string, table: string): Promise<{ raw: string; key: string } | null> {
    const home = await this.homeOf(ver, table);
    if (home === null) return null;
    const key = this.keys.modelTable(home.version, table);
    const raw = await this.redis.get(key);
    return raw === null ? null : { raw, key };
  }

  private async scoredList(ver: string, table: string, id: number): Promise<ScoredMovie[] | null> {
    const buf = await this.shardField(ver, table, id);
    return buf === null ? null : unpackScoredList(buf);
  }

  /** The raw value of row `id` of a sharded table, or null when absent (or the set has no such table). */
  private async shardField(ver: string, table: string, id: number): Promise<Buffer | null> {
    const home = await this.homeOf(ver, table);
    if (home === null) return null;
    return this.redis.hgetBuffer(this.keys.modelShard(home.version, table, shardOf(id, home.shards)), String(id));
  }

  /**
   * Column table `name` of set version `ver`, decoded and turned into what the reader needs by
   * `read` (which checks its columns' types). A missing table or one that does not decode is a
   * ModelTableError naming the key.
   */
  private async decodedTable<T>(ver: string, name: string, read: (table: ColumnTable, what: string) => T): Promise<T> {
    const home = await this.homeOf(ver, name);
    if (home === null) throw new ModelTableError(`model version ${ver} has no ${name} table`);
    const key = this.keys.modelTable(home.version, name);
    const buf = await this.redis.getBuffer(key);
    if (buf === null) throw new ModelTableError(`model version ${ver} has no ${name} table`);
    const what = `the ${name} table of model version ${ver} (${key})`;
    return decoded(what, () => read(unpackColumns(buf), what));
  }
}
