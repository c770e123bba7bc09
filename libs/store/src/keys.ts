/**
 * Every Redis key this system writes is built here, and only here.
 *
 * Layout (P = configurable prefix, default `ml`). A `{...}` part is a Redis Cluster hash
 * tag: keys with the same tag live in one slot, so a pipeline or script over them stays on
 * one node. Big data is split over several tags (ratings chunks, model shards) so a cluster
 * spreads it; nothing ever needs keys from two tags in one command.
 *
 *   P:dataset:current                      string  id of the dataset version being served
 *   P:dataset:versions                     zset    dataset version -> created (ms)
 *   P:dataset:staging                      hash    version being written -> JSON {owner, chunkBound, startedAt};
 *                                                  lets a retry or a later ingest delete what a crash left
 *   P:{d:<ver>}:meta                       string  JSON DatasetMeta (counts, chunk count, content hashes)
 *   P:{d:<ver>}:movies                     hash    movieId -> JSON Movie
 *   P:{d:<ver>}:users                      hash    userId -> JSON User
 *   P:{d:<ver>/<c>}:ratings                string  packed ratings chunk c (see core/movielens packing)
 *
 *   P:{u:<id>}:meta                        hash    upload manifest: created, nfiles, file:<n> -> JSON
 *                                                  {name, size, sha256, chunks}; TTL
 *   P:{u:<id>}:file:<n>:<k>                string  bytes of uploaded file n, chunk k; TTL
 *
 *   P:model:current                        string  id of the set version being served (m<ms>-<hex>)
 *   P:model:versions                       zset    set version -> created (ms)
 *   P:model:kind:<kind>:versions           zset    published kind version (<kind>-<ms>-<hex>) -> created (ms);
 *                                                  kept while a listed set serves it
 *   P:model:recipe                         string  JSON build parameters set explicitly by the last rebuild request (not
 *                                                  its defaults): what an ingest- or selection-triggered rebuild inherits
 *   P:model:staging                        hash    kind version being built -> JSON {owner, startedAt}
 *                                                  (owner: its job id); swept once its build is dead
 *   P:{m:<ver>}:meta                       string  JSON ModelMeta of a set version (written once)
 *   P:{m:<ver>}:kind                       string  JSON KindMeta of a kind version
 *   P:{m:<ver>}:<table>                    string/hash  whole-model tables, names in `ModelTable`: factors, users,
 *                                                  movie-stats, mf, lstm, analytics:<name>, manifest, stamps
 *   P:{m:<ver>}:staging:factors            string  build only: movie factors staged for the shard jobs
 *   P:{m:<ver>}:staging:users:<part>       string  build only: user block <part> staged for a recs shard job
 *                                                  (both dropped before publishing, swept with the version)
 *   P:{m:<ver>/<s>}:<table>                hash    sharded tables: similar movies, user recommendations,
 *                                                  per-user LSTM states (`lstm-state`)
 *
 *   P:{live}:log                           stream  live ratings, one entry per accepted request: fields `u` (user id),
 *                                                  `ops` (JSON [[movieId, stars or null for a delete, unix s or -1]]);
 *                                                  the entry id orders them and is what dataset versions record as applied
 *   P:{live}:stats                         hash    `ops`: ratings and deletes ever accepted (pending = ops - a version's `live.applied`)
 *   P:{live}:user:<id>                     hash    movieId -> `<entry id>|<stars or d>|<unix s>`: a user's latest live change
 *                                                  per movie (the overlay read by serving); trimmed once applied and served
 *   P:{live}:idem:<sha256>                 string  `<body sha256>|<entry id>` of an Idempotency-Key (key: sha256 of user + key); TTL
 *                                                  (all `{live}` keys share one slot: one script writes a request exactly once)
 *
 *   P:lock:<name>                          string  short-lived locks (token value, PX expiry): `model-publish`,
 *                                                  `kind:<kind>` (one build per kind), `rebuild-progress:<job>`
 *   P:events                               pub/sub channel: `dataset <ver>` / `model <ver>` switches, `live <user> <entry>`
 *                                                  (a user's live ratings changed: API processes drop that user's cached answers)
 */

/**
 * Table names inside a model version: the `<table>` of `modelTable(ver, table)` and
 * `modelShard(ver, table, shard)`.
 */
export const ModelTable = {
  factors: 'factors',
  users: 'users',
  movieStats: 'movie-stats',
  similar: 'similar',
  recs: 'recs',
  /** The trained MF rating model, core `encodeMf` bytes (absent when built with `mf: false`). */
  mf: 'mf',
  /** The next-movie LSTM: column table `format` (Int32 [1] = core lstm-v1, [2] = lstm-v2, which reads ratings), `shape` (Int32 [movies, embedding, hidden], plus rating levels in v2), `movieIds`, `weights` (absent unless built with `lstm: true`). */
  lstm: 'lstm',
  /**
   * Sharded by user id: each user's final LSTM hidden state and dense history (model-codec
   * `packLstmUserState`), written with `lstm` so serving a known user skips the recurrence.
   */
  lstmState: 'lstm-state',
  /** Set of every table key suffix written for the version, written before the table: what to delete. */
  manifest: 'manifest',
  /** Hash of table stamps: `<table>` or `<table>#<part>` (one per shard job) -> JSON TableStamp. */
  stamps: 'stamps',
  analytics: (name: string) => `analytics:${name}`,
  /** Build only: the movie factors staged for the shard jobs (movieIds, counts, V, S); dropped before publishing. */
  stagedFactors: 'staging:factors',
  /** Build only: the user block of recommendations part `part` staged for its shard job; dropped before publishing. */
  stagedUsers: (part: number) => `staging:users:${part}`,
  /** The `ials` kind's user factors: column table { userIds Int32, X Float32 (users x k) }. */
  ialsUsers: 'ials-users',
  /** The `ials` kind's movie factors and solve settings: column table { movieIds Int32, Y Float32 (movies x k), settings Float64 [alpha, reg, confidence 0 binary / 1 rating] }. */
  ialsMovies: 'ials-movies',
  /**
   * Build only, the `ials` kind's row jobs (dropped before publishing): `config` (JSON), `users`
   * / `movies` (CSR of each side), and `<side>:<iteration>:<part>` (a block of factors after
   * that iteration).
   */
  ialsStaged: (name: string) => `staging:ials:${name}`,
} as const;

/** Builds the keys of one deployment (one prefix). */
export class KeySchema {
  /**
   * @param prefix - prefix of every key; letters, digits, `_ . -` (default `ml`)
   */
  constructor(readonly prefix = 'ml') {
    if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new Error(`invalid key prefix: ${prefix}`);
  }

  // ---- datasets -------------------------------------------------------------------------
  /** Pointer to the current dataset version. */
  datasetCurrent(): string {
    return `${this.prefix}:dataset:current`;
  }
  /** Sorted set of dataset versions by creation time. */
  datasetVersions(): string {
    return `${this.prefix}:dataset:versions`;
  }
  /** Hash of dataset versions being staged (not yet current) -> JSON staging record. */
  datasetStaging(): string {
    return `${this.prefix}:dataset:staging`;
  }
  /** JSON metadata of one dataset version. */
  datasetMeta(ver: string): string {
    return `${this.prefix}:{d:${ver}}:meta`;
  }
  /** Hash movieId -> JSON Movie of one dataset version. */
  datasetMovies(ver: string): string {
    return `${this.prefix}:{d:${ver}}:movies`;
  }
  /** Hash userId -> JSON User of one dataset version. */
  datasetUsers(ver: string): string {
    return `${this.prefix}:{d:${ver}}:users`;
  }
  /** Packed ratings chunk `chunk` of one dataset version (its own slot). */
  datasetRatingsChunk(ver: string, chunk: number): string {
    return `${this.prefix}:{d:${ver}/${chunk}}:ratings`;
  }

  // ---- uploads --------------------------------------------------------------------------
  /** Manifest of an upload (file names, sizes, hashes, chunk counts). */
  uploadMeta(id: string): string {
    return `${this.prefix}:{u:${id}}:meta`;
  }
  /** Chunk `chunk` of file `file` of an upload. */
  uploadChunk(id: string, file: number, chunk: number): string {
    return `${this.prefix}:{u:${id}}:file:${file}:${chunk}`;
  }

  // ---- models ---------------------------------------------------------------------------
  /** Pointer to the model version being served. */
  modelCurrent(): string {
    return `${this.prefix}:model:current`;
  }
  /** Sorted set of model versions by creation time. */
  modelVersions(): string {
    return `${this.prefix}:model:versions`;
  }
  /** Hash of model versions being built (version -> JSON {owner, startedAt}): what to sweep after a crashed rebuild. */
  modelStaging(): string {
    return `${this.prefix}:model:staging`;
  }
  /** JSON metadata of one set version. */
  modelMeta(ver: string): string {
    return `${this.prefix}:{m:${ver}}:meta`;
  }
  /** JSON metadata of one kind version. */
  modelKindMeta(ver: string): string {
    return `${this.prefix}:{m:${ver}}:kind`;
  }
  /** JSON build parameters of the last explicit rebuild request (inherited by ingest-triggered rebuilds). */
  modelRecipe(): string {
    return `${this.prefix}:model:recipe`;
  }
  /** Sorted set of the published versions of one model kind by creation time. */
  modelKindVersions(kind: string): string {
    return `${this.prefix}:model:kind:${kind}:versions`;
  }
  /** A whole-model table, e.g. `factors:V`, `movie-stats`, `analytics:gender-gap`. */
  modelTable(ver: string, table: string): string {
    return `${this.prefix}:{m:${ver}}:${table}`;
  }
  /** Shard `shard` of a sharded model table, e.g. `similar`, `recs`. */
  modelShard(ver: string, table: string, shard: number): string {
    return `${this.prefix}:{m:${ver}/${shard}}:${table}`;
  }

  // ---- live ratings ---------------------------------------------------------------------
  /** Stream of accepted live ratings (one entry per request), in the `{live}` slot. */
  liveLog(): string {
    return `${this.prefix}:{live}:log`;
  }
  /** Counters of the live log (`ops`: ratings and deletes accepted ever). */
  liveStats(): string {
    return `${this.prefix}:{live}:stats`;
  }
  /** Hash movieId -> latest live change of user `userId` (the serving overlay). */
  liveUser(userId: number): string {
    return `${this.prefix}:{live}:user:${userId}`;
  }
  /** Record of one Idempotency-Key; `digest` is the hex sha256 of the user id and the key. */
  liveIdempotency(digest: string): string {
    return `${this.prefix}:{live}:idem:${digest}`;
  }

  // ---- coordination ---------------------------------------------------------------------
  /** A named lock. */
  lock(name: string): string {
    return `${this.prefix}:lock:${name}`;
  }
  /** The lock held while a set version is composed and published (one publish at a time). */
  modelPublishLock(): string {
    return this.lock('model-publish');
  }
  /** The lock held by the one build of model kind `kind` running at a time. */
  kindLock(kind: string): string {
    return this.lock(`kind:${kind}`);
  }
  /** The short per-job lock of progress updates of job `jobId`. */
  progressLock(jobId: string): string {
    return this.lock(`rebuild-progress:${jobId}`);
  }
  /** Pub/sub channel announcing pointer switches. */
  events(): string {
    return `${this.prefix}:events`;
  }
}
