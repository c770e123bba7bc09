import { allocateRatingTable, NotFoundError, unpackRatingsInto, type Movie, type RatingTable, type User } from '@movielens/core';
import type { z } from 'zod';
import type { RedisClient } from './connection';
import { datasetMetaSchema, movieSchema, userSchema, type DatasetMeta, type DatasetVersionInfo } from './dataset.meta';
import type { KeySchema } from './keys';
import { CorruptRecordError, decodeJson } from './stored-json';

/** Chunks requested at once by {@link DatasetStore.loadRatings}: bounds buffered bytes to ~13 MiB. */
const CHUNKS_IN_FLIGHT = 8;

/** Progress of a ratings load: ratings unpacked so far and in total. */
export type LoadProgress = (done: number, total: number) => void;

/**
 * Read side of the datasets in Redis, shared by the compute worker and the API. A version
 * is immutable once current, so readers may cache by version id; the current version can
 * change at any time (`dataset:current` is switched atomically by the ingest).
 */
export class DatasetStore {
  /**
   * @param redis - a single Redis or a Redis Cluster client
   * @param keys - the deployment's key schema
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
  ) {}

  /** Id of the dataset version being served, or null when nothing was ingested yet. */
  async currentVersion(): Promise<string | null> {
    return this.redis.get(this.keys.datasetCurrent());
  }

  /**
   * Metadata of a version, or null when the version does not exist (never made or pruned).
   * @throws CorruptRecordError naming the key when the stored value is not a dataset meta
   */
  async meta(ver: string): Promise<DatasetMeta | null> {
    const key = this.keys.datasetMeta(ver);
    const json = await this.redis.get(key);
    return json === null ? null : decodeJson(datasetMetaSchema, json, `dataset version ${ver} meta`, key);
  }

  /** Metadata of a version; throws NotFoundError when it does not exist. */
  async requireMeta(ver: string): Promise<DatasetMeta> {
    const meta = await this.meta(ver);
    if (meta === null) throw new NotFoundError(`dataset version ${ver} does not exist (never created, or pruned)`);
    return meta;
  }

  /**
   * All ratings of a version as one columnar table, in stored order. The columns are
   * allocated once at the final size and each chunk (a Buffer from a pipelined GET, up to
   * {@link CHUNKS_IN_FLIGHT} in flight) is copied straight into place.
   * Throws NotFoundError when the version, or one of its chunks, is gone.
   * @param onProgress - called after each chunk with (ratings done, total)
   * @param shared - allocate the columns in shared memory (for compute threads)
   */
  async loadRatings(ver: string, onProgress?: LoadProgress, shared = false): Promise<RatingTable> {
    const meta = await this.requireMeta(ver);
    const total = meta.counts.ratings;
    const table = allocateRatingTable(total, shared);
    for (let first = 0; first < meta.chunks; first += CHUNKS_IN_FLIGHT) {
      const last = Math.min(meta.chunks, first + CHUNKS_IN_FLIGHT);
      // Separate commands sent without awaiting are pipelined on the connection, and in a
      // cluster each goes to its own chunk's node (a pipeline object would need one slot).
      const pending: Promise<Buffer | null>[] = [];
      for (let c = first; c < last; c++) pending.push(this.redis.getBuffer(this.keys.datasetRatingsChunk(ver, c)));
      const bufs = await Promise.all(pending);
      bufs.forEach((buf, i) => {
        if (buf === null) throw new NotFoundError(`dataset version ${ver}: ratings chunk ${first + i} is missing (version pruned while loading?)`);
        table.length += unpackRatingsInto(buf, table, (first + i) * meta.chunkSize);
      });
      onProgress?.(table.length, total);
    }
    if (table.length !== total) throw new NotFoundError(`dataset version ${ver}: chunks hold ${table.length} ratings, meta says ${total}`);
    return table;
  }

  /**
   * Every movie of a version, by ascending id; empty when the version has no movie info.
   * @throws CorruptRecordError naming the hash field of a movie that is not one
   */
  async loadMovies(ver: string): Promise<Movie[]> {
    await this.requireMeta(ver);
    const key = this.keys.datasetMovies(ver);
    return parseHash(movieSchema, await this.redis.hgetall(key), key, `dataset version ${ver} movie`);
  }

  /**
   * Every user of a version, by ascending id; empty when the version has no user info.
   * @throws CorruptRecordError naming the hash field of a user that is not one
   */
  async loadUsers(ver: string): Promise<User[]> {
    await this.requireMeta(ver);
    const key = this.keys.datasetUsers(ver);
    return parseHash(userSchema, await this.redis.hgetall(key), key, `dataset version ${ver} user`);
  }

  /** One movie of a version, or null when the version has no such movie. @throws CorruptRecordError */
  async getMovie(ver: string, id: number): Promise<Movie | null> {
    const key = this.keys.datasetMovies(ver);
    const json = await this.redis.hget(key, String(id));
    return json === null ? null : decodeJson(movieSchema, json, `dataset version ${ver} movie ${id}`, `${key}#${id}`);
  }

  /** One user of a version, or null when the version has no such user. @throws CorruptRecordError */
  async getUser(ver: string, id: number): Promise<User | null> {
    const key = this.keys.datasetUsers(ver);
    const json = await this.redis.hget(key, String(id));
    return json === null ? null : decodeJson(userSchema, json, `dataset version ${ver} user ${id}`, `${key}#${id}`);
  }

  /** The kept dataset versions (current and the previous ones), newest first. */
  async listVersions(): Promise<DatasetVersionInfo[]> {
    const flat = await this.redis.zrange(this.keys.datasetVersions(), 0, -1, 'REV', 'WITHSCORES');
    const out: DatasetVersionInfo[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ version: flat[i], createdAt: Number(flat[i + 1]) });
    return out;
  }
}

/**
 * Values of an id -> JSON hash, validated by `schema` and sorted by numeric id. A value whose
 * id is not its field is corrupt too (a reader looks movies up by the field).
 * @throws CorruptRecordError naming `key#field`
 */
function parseHash<T extends { id: number }>(schema: z.ZodType<T>, hash: Record<string, string>, key: string, what: string): T[] {
  return Object.entries(hash)
    .map(([field, json]) => {
      const value = decodeJson(schema, json, `${what} ${field}`, `${key}#${field}`);
      if (String(value.id) !== field) throw new CorruptRecordError(`${what} ${field} (${key}#${field}): holds id ${value.id}`, { key: `${key}#${field}` });
      return value;
    })
    .sort((a, b) => a.id - b.id);
}
