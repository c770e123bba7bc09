import { decodeMf, deserializeLstm, MovieLensError, NotFoundError, type LstmModel, type MfModel, type MovieStats } from '@movielens/core';
import { ModelTable, type KeySchema } from './keys';
import type { RedisClient } from './connection';
import { bytesOf, unpackColumns, unpackLstmUserState, unpackScoredList, type ColumnTable, type LstmUserState, type ScoredMovie } from './model-codec';

/** When and what a table of a model version was written: lets a reader detect a stale or torn table (Gorse-style). */
export interface TableStamp {
  /** sha1 (hex) of the stored bytes; for a sharded table, of the shard digests in shard order. */
  digest: string;
  /** Write time, ms since the epoch. */
  updatedAt: number;
  /** Stored size in bytes. */
  bytes: number;
}

/** Metadata of one published model version. */
export interface ModelMeta {
  /** Version id, e.g. `m1764082800000-3fa2`; ordered by creation time. */
  id: string;
  /** Dataset version the model was built from. */
  datasetVersion: string;
  /** Build parameters (k, topK, recsN, minCount, seed, mf, mfSamples, ...). */
  params: Record<string, number | boolean>;
  /**
   * Stage times, ms: `load`, `matrix`, `svd`, `stage` (writing the shard jobs' inputs), `mf` and
   * `lstm` + `lstmStates` (when trained), `analytics` (its compute time in the thread that ran
   * it), `similarity` and `recommendations` (wall time from the table's first shard job start to
   * its last job's end), `shards` (from adding the shard jobs to publishing), `publish`, `total`.
   */
  timings: Record<string, number>;
  /** Singular values, descending (stars). */
  singularValues: number[];
  /** Share of the centered matrix's squared Frobenius norm captured by the k factors, 0..1. */
  explainedVariance: number;
  /** Rows and columns of the rating matrix and number of ratings used. */
  counts: { users: number; movies: number; ratings: number };
  /** Number of hash shards of the `similar` and `recs` tables (movie id / user id modulo shards). */
  shards: number;
  /** Number of factors actually computed (min of params.k and the matrix rank bound). */
  k: number;
  /** Host that ran the build's parent job. */
  host: string;
  /** Build start, ms since the epoch. */
  createdAt: number;
  /** Publication (pointer switch) time, ms since the epoch. */
  publishedAt: number;
  /** Stamp of every table, by name (`factors`, `users`, `movie-stats`, `analytics:<name>`, `similar`, `recs`). */
  tables: Record<string, TableStamp>;
  /** Names of the analytics tables, for `analytics(ver, name)`. */
  analytics: string[];
}

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

/** Per-movie statistics as stored: the core `MovieStats` columns. */
export type MovieStatsTable = ColumnTable & MovieStats;

/** A version in the version list. */
export interface ModelVersionInfo {
  id: string;
  /** Creation time, ms since the epoch. */
  createdAt: number;
  /** True for the version being served. */
  current: boolean;
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

/** A staging marker value: JSON {owner, startedAt}; older builds stored the start time alone. */
export interface ModelStagingRecord {
  /** Id of the rebuild job building the version. */
  owner: string;
  /** Build start, ms since the epoch. */
  startedAt: number;
}

/** The owner of a staging marker value, or null when it has none (a bare start time). */
function stagingOwner(raw: string): string | null {
  try {
    const v = JSON.parse(raw) as Partial<ModelStagingRecord> | number;
    return typeof v === 'object' && v !== null && typeof v.owner === 'string' ? v.owner : null;
  } catch {
    return null;
  }
}

/** The hash shard of a movie or user id in a sharded table of `shards` shards. */
export function shardOf(id: number, shards: number): number {
  return ((id % shards) + shards) % shards;
}

/**
 * Read side of the model store, used by the API and the CLI, plus version administration
 * (rollback, deletion). Published versions are immutable, so metadata and factors are cached
 * per version in this instance.
 */
export class ModelStore {
  private readonly metaCache = new Map<string, ModelMeta>();
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

  /** Metadata of a published version, or null when the version does not exist (or is not published yet). */
  async meta(ver: string): Promise<ModelMeta | null> {
    const cached = this.metaCache.get(ver);
    if (cached) return cached;
    const raw = await this.redis.get(this.keys.modelMeta(ver));
    if (raw === null) return null;
    const meta = JSON.parse(raw) as ModelMeta;
    this.metaCache.set(ver, meta);
    return meta;
  }

  /** Published versions, oldest first. */
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
    const table = await this.columnTable(ver, ModelTable.factors);
    const factors: ModelFactors = {
      k: table.S.length,
      movieIds: table.movieIds as Int32Array,
      V: table.V as Float32Array,
      S: table.S as Float64Array,
    };
    this.factorsCache = { ver, factors };
    return factors;
  }

  /**
   * The trained MF rating model of version `ver` (decoded; cached for the last version
   * asked), or null when the version was built without one (`mf: false`, or before MF).
   */
  async mf(ver: string): Promise<MfModel | null> {
    if (this.mfCache?.ver === ver) return this.mfCache.model;
    const model = this.redis.getBuffer(this.keys.modelTable(ver, ModelTable.mf)).then((buf) => (buf === null ? null : decodeMf(buf)));
    const entry = { ver, model };
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
    if (this.lstmCache?.ver === ver) return this.lstmCache.model;
    const model = this.redis.getBuffer(this.keys.modelTable(ver, ModelTable.lstm)).then((buf) => {
      if (buf === null) return null;
      const t = unpackColumns(buf);
      if (t.format?.[0] !== 1 || t.shape?.length !== 3) throw new ModelTableError(`model version ${ver} has an lstm table of an unknown format`);
      const [numMovies, embeddingDim, hidden] = t.shape;
      return deserializeLstm({ format: 'lstm-v1', numMovies, embeddingDim, hidden }, bytesOf(t.movieIds), bytesOf(t.weights));
    });
    const entry = { ver, model };
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
    const table = await this.columnTable(ver, ModelTable.users);
    return { userIds: table.userIds as Int32Array, userMeans: table.userMeans as Float32Array };
  }

  /**
   * Per-movie statistics of version `ver`: the columns of core `MovieStats` (`movieIds`,
   * `count`, `mean`, `std`, `histogram`, per-gender counts and means; one row per movie,
   * ascending id), ready for `rankMovies` at request time.
   */
  async movieStats(ver: string): Promise<MovieStatsTable> {
    return (await this.columnTable(ver, ModelTable.movieStats)) as MovieStatsTable;
  }

  /** A precomputed analytics table (JSON) of version `ver`, or null when the version has no table of that name. */
  async analytics(ver: string, name: string): Promise<unknown> {
    const raw = await this.redis.get(this.keys.modelTable(ver, ModelTable.analytics(name)));
    return raw === null ? null : (JSON.parse(raw) as unknown);
  }

  /**
   * Makes a published version the one served (rollback or roll forward) and announces it
   * on the events channel. Throws when `ver` is not a published version.
   */
  async activate(ver: string): Promise<void> {
    const score = await this.redis.zscore(this.keys.modelVersions(), ver);
    if (score === null || (await this.meta(ver)) === null) throw new NotFoundError(`model version ${ver} is not published`);
    await this.redis.set(this.keys.modelCurrent(), ver);
    await this.redis.publish(this.keys.events(), `model ${ver}`);
  }

  /**
   * Deletes every key of a version (UNLINK key by key: the keys span several cluster slots)
   * and removes it from the version list and the staging marker. Refuses the current version.
   * The staging marker goes first: a shard job that writes to the version afterwards sees it
   * gone when it checks again after its writes, and deletes what it wrote itself (a job that
   * checked before this point wrote before it, so its keys are in the manifest read here).
   */
  async deleteVersion(ver: string): Promise<number> {
    if ((await this.currentVersion()) === ver) throw new ModelInUseError(`model version ${ver} is being served; activate another first`);
    await this.redis.hdel(this.keys.modelStaging(), ver);
    const manifest = await this.redis.smembers(this.keys.modelTable(ver, ModelTable.manifest));
    const keys = manifest.map((name) => this.keyOfManifestEntry(ver, name));
    keys.push(this.keys.modelMeta(ver), this.keys.modelTable(ver, ModelTable.stamps), this.keys.modelTable(ver, ModelTable.manifest));
    let deleted = 0;
    for (const key of keys) deleted += await this.redis.unlink(key);
    await this.redis.zrem(this.keys.modelVersions(), ver);
    this.metaCache.delete(ver);
    if (this.factorsCache?.ver === ver) this.factorsCache = null;
    if (this.mfCache?.ver === ver) this.mfCache = null;
    if (this.lstmCache?.ver === ver) this.lstmCache = null;
    return deleted;
  }

  /**
   * Keeps the current version and the `keep` newest other published versions; deletes the
   * rest. Returns the deleted version ids.
   */
  async prune(keep = 2): Promise<string[]> {
    const current = await this.currentVersion();
    const newestFirst = (await this.redis.zrange(this.keys.modelVersions(), 0, -1)).reverse().filter((v) => v !== current);
    const doomed = newestFirst.slice(keep);
    for (const ver of doomed) await this.deleteVersion(ver);
    return doomed;
  }

  /** True when `ver` is in the published version list (served now or kept for rollback). */
  async isPublished(ver: string): Promise<boolean> {
    return (await this.redis.zscore(this.keys.modelVersions(), ver)) !== null;
  }

  /** True when `ver` is in the staging marker: being built, not yet published or deleted. */
  async isStaged(ver: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.modelStaging(), ver)) === 1;
  }

  /**
   * Deletes the partial keys of abandoned builds: versions in the staging marker that were
   * never published, except `activeVer` (the build in progress) and versions whose owner
   * (the rebuild job that began them) `isLive` says is still running, waiting for its shard
   * jobs or retrying. Returns the swept ids.
   */
  async sweepStaging(activeVer?: string, isLive: (owner: string) => Promise<boolean> = async () => false): Promise<string[]> {
    const staged = await this.redis.hgetall(this.keys.modelStaging());
    const swept: string[] = [];
    for (const [ver, raw] of Object.entries(staged)) {
      if (ver === activeVer) continue;
      if (await this.isPublished(ver)) {
        await this.redis.hdel(this.keys.modelStaging(), ver);
        continue;
      }
      const owner = stagingOwner(raw);
      if (owner !== null && (await isLive(owner))) continue;
      await this.deleteVersion(ver);
      swept.push(ver);
    }
    return swept;
  }

  /** The key of a manifest entry: `<table>/<shard>` for shards, a plain table name otherwise. */
  private keyOfManifestEntry(ver: string, name: string): string {
    const slash = name.lastIndexOf('/');
    return slash > 0 ? this.keys.modelShard(ver, name.slice(0, slash), Number(name.slice(slash + 1))) : this.keys.modelTable(ver, name);
  }

  private async scoredList(ver: string, table: string, id: number): Promise<ScoredMovie[] | null> {
    const buf = await this.shardField(ver, table, id);
    return buf === null ? null : unpackScoredList(buf);
  }

  /** The raw value of row `id` of a sharded table, or null when absent. */
  private async shardField(ver: string, table: string, id: number): Promise<Buffer | null> {
    const meta = await this.meta(ver);
    if (meta === null) throw new NotFoundError(`model version ${ver} does not exist`);
    return this.redis.hgetBuffer(this.keys.modelShard(ver, table, shardOf(id, meta.shards)), String(id));
  }

  private async columnTable(ver: string, name: string): Promise<ColumnTable> {
    const buf = await this.redis.getBuffer(this.keys.modelTable(ver, name));
    if (buf === null) throw new ModelTableError(`model version ${ver} has no ${name} table`);
    try {
      return unpackColumns(buf);
    } catch (err) {
      throw new ModelTableError(`model version ${ver}: the ${name} table cannot be decoded`, { cause: err });
    }
  }
}
