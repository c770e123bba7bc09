import { chunkCount, packRatings, type Movie, type RatingTable, type User } from '@movielens/core';
import type { RedisClient } from './connection';
import { datasetChunksSchema, stagingRecordSchema, type DatasetMeta, type StagingRecord } from './dataset.meta';
import { ModelStore } from './model.store';
import type { KeySchema } from './keys';
import { decodeJson } from './stored-json';

/** Fields per HSET command: bounds one command's size (~100 KB of JSON). */
const FIELDS_PER_HSET = 1000;
/** Ratings chunks written at once (each ~1.6 MiB at the default chunk size). */
const CHUNKS_IN_FLIGHT = 4;

/** Default ratings per chunk: 131,072 ratings = 1.6 MiB packed, a cheap single GET. */
export const DEFAULT_CHUNK_SIZE = 131_072;

/**
 * Compare-and-set of the current pointer: switch to ARGV[2] only if it still holds ARGV[1]
 * ('' = no current version). One key, so it is valid in a Redis Cluster.
 */
const SWITCH_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if (cur == false and ARGV[1] == '') or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/**
 * Write side of the datasets. A version is written under its own keys while registered in
 * `dataset:staging`, and becomes visible only through {@link commit}'s pointer switch, so a
 * crash at any point leaves the current dataset intact and the staged keys findable.
 */
export class DatasetWriter {
  /**
   * @param chunkSize - ratings per packed chunk; default {@link DEFAULT_CHUNK_SIZE}
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
    readonly chunkSize = DEFAULT_CHUNK_SIZE,
  ) {}

  /** Registers `ver` as staging before anything of it is written. */
  async begin(ver: string, record: StagingRecord): Promise<void> {
    await this.redis.hset(this.keys.datasetStaging(), ver, JSON.stringify(record));
  }

  /** Owner of staged version `ver` (from its staging record), or null when it is not registered. */
  async stagingOwner(ver: string): Promise<string | null> {
    const key = this.keys.datasetStaging();
    const json = await this.redis.hget(key, ver);
    return json === null ? null : decodeJson(stagingRecordSchema, json, `staging record of dataset version ${ver}`, `${key}#${ver}`).owner;
  }

  /** True when `ver` was committed: it is current or listed (then its staging record, if any, is a crash leftover, not its keys). */
  async isCommitted(ver: string): Promise<boolean> {
    if ((await this.redis.zscore(this.keys.datasetVersions(), ver)) !== null) return true;
    return (await this.redis.get(this.keys.datasetCurrent())) === ver;
  }

  /**
   * Unregisters `ver` from staging without touching its keys: for a version that is already
   * committed (a crash between the pointer switch and the unregistering left its record).
   */
  async unregister(ver: string): Promise<void> {
    await this.redis.hdel(this.keys.datasetStaging(), ver);
  }

  /**
   * Versions registered as staging (written, or left behind by a crash).
   * @throws CorruptRecordError naming the hash field when a record is not a staging record
   */
  async staging(): Promise<Map<string, StagingRecord>> {
    const key = this.keys.datasetStaging();
    const hash = await this.redis.hgetall(key);
    return new Map(Object.entries(hash).map(([ver, json]) => [ver, decodeJson(stagingRecordSchema, json, `staging record of dataset version ${ver}`, `${key}#${ver}`)]));
  }

  /**
   * Writes the ratings as packed chunks (`chunkSize` each, in table order); returns the
   * chunk count. Each chunk is its own key (own cluster slot), written by a plain SET.
   * @param onChunk - called after each written chunk with (chunks done, chunks total)
   */
  async writeRatings(ver: string, table: RatingTable, onChunk?: (done: number, total: number) => void): Promise<number> {
    const chunks = chunkCount(table.length, this.chunkSize);
    let done = 0;
    for (let first = 0; first < chunks; first += CHUNKS_IN_FLIGHT) {
      const pending: Promise<unknown>[] = [];
      for (let c = first; c < Math.min(chunks, first + CHUNKS_IN_FLIGHT); c++) {
        const packed = packRatings(table, c * this.chunkSize, Math.min(table.length, (c + 1) * this.chunkSize));
        pending.push(this.redis.set(this.keys.datasetRatingsChunk(ver, c), Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength)));
      }
      await Promise.all(pending);
      done += pending.length;
      onChunk?.(done, chunks);
    }
    return chunks;
  }

  /** Writes movies into the version's movies hash (id -> JSON), pipelined HSETs. */
  async writeMovies(ver: string, movies: Iterable<Movie>): Promise<void> {
    await this.writeHash(this.keys.datasetMovies(ver), movies);
  }

  /** Writes users into the version's users hash (id -> JSON), pipelined HSETs. */
  async writeUsers(ver: string, users: Iterable<User>): Promise<void> {
    await this.writeHash(this.keys.datasetUsers(ver), users);
  }

  /** Writes the version's meta; the last write before {@link commit}. */
  async writeMeta(meta: DatasetMeta): Promise<void> {
    await this.redis.set(this.keys.datasetMeta(meta.version), JSON.stringify(meta));
  }

  /**
   * Makes `ver` current if the current pointer still equals `expected` (null = none);
   * returns false, changing nothing, when another ingest switched it meanwhile. On success
   * the version is listed, unregistered from staging and announced on the events channel.
   * @param createdAt - the version's creation time (its score in `dataset:versions`), ms
   */
  async commit(ver: string, expected: string | null, createdAt: number): Promise<boolean> {
    const switched = await this.redis.eval(SWITCH_SCRIPT, 1, this.keys.datasetCurrent(), expected ?? '', ver);
    if (switched !== 1) return false;
    // After the switch: a crash here leaves a current version missing from the list, which
    // the next ingest repairs (see `ensureListed`); never a listed version that is not complete.
    await this.redis.zadd(this.keys.datasetVersions(), createdAt, ver);
    await this.redis.hdel(this.keys.datasetStaging(), ver);
    await this.redis.publish(this.keys.events(), `dataset ${ver}`);
    return true;
  }

  /** Adds `ver` to the version list if a crash after its switch left it out. */
  async ensureListed(ver: string, createdAt: number): Promise<void> {
    await this.redis.zadd(this.keys.datasetVersions(), 'NX', createdAt, ver);
  }

  /**
   * Deletes every key a staged (uncommitted) version may have: meta, movies, users and
   * chunks 0..chunkBound-1 (from its staging record), then unregisters it. Idempotent.
   */
  async discard(ver: string): Promise<void> {
    const key = this.keys.datasetStaging();
    const json = await this.redis.hget(key, ver);
    const bound = json === null ? 0 : decodeJson(stagingRecordSchema, json, `staging record of dataset version ${ver}`, `${key}#${ver}`).chunkBound;
    await this.deleteVersionKeys(ver, bound);
    await this.redis.hdel(this.keys.datasetStaging(), ver);
  }

  /**
   * Deletes listed versions beyond the current one and the `keepPrevious` newest others,
   * except any version a listed model version (the served one, or one kept for rollback)
   * was built from: that model's every read needs its dataset's catalogue, so pruning by
   * age alone could leave the served model unable to answer. Returns the deleted ids.
   * Readers still loading a deleted version get NotFoundError.
   * @param keepPrevious - previous versions kept for rollback and in-flight readers; default 2
   */
  async prune(keepPrevious = 2): Promise<string[]> {
    const current = await this.redis.get(this.keys.datasetCurrent());
    const newestFirst = await this.redis.zrange(this.keys.datasetVersions(), 0, -1, 'REV');
    const inUse = await this.usedByModels();
    const doomed = newestFirst
      .filter((v) => v !== current)
      .slice(keepPrevious)
      .filter((v) => !inUse.has(v));
    for (const ver of doomed) {
      const key = this.keys.datasetMeta(ver);
      const json = await this.redis.get(key);
      const chunks = json === null ? 0 : decodeJson(datasetChunksSchema, json, `dataset version ${ver} meta`, key).chunks;
      await this.deleteVersionKeys(ver, chunks);
      await this.redis.zrem(this.keys.datasetVersions(), ver);
    }
    return doomed;
  }

  /**
   * Dataset versions that listed set versions (and the current one) were built from, read from
   * each set's meta (`datasetVersion` and each kind's). One GET per set: metas sit in their own
   * slots, and only a few versions are kept.
   */
  private async usedByModels(): Promise<Set<string>> {
    const models = new Set(await this.redis.zrange(this.keys.modelVersions(), 0, -1));
    const currentModel = await this.redis.get(this.keys.modelCurrent());
    if (currentModel !== null) models.add(currentModel);
    const used = new Set<string>();
    const store = new ModelStore(this.redis, this.keys);
    for (const ver of models) {
      const meta = await store.meta(ver);
      if (meta === null) continue;
      used.add(meta.datasetVersion);
      // A set's kinds may come from older data (one still training on the new data).
      for (const kind of Object.values(meta.kinds ?? {})) used.add(kind.datasetVersion);
    }
    return used;
  }

  /** Unlinks a version's keys. Chunk keys sit in different slots: one UNLINK each, sent together. */
  private async deleteVersionKeys(ver: string, chunks: number): Promise<void> {
    const pending: Promise<number>[] = [this.redis.unlink(this.keys.datasetMeta(ver), this.keys.datasetMovies(ver), this.keys.datasetUsers(ver))];
    for (let c = 0; c < chunks; c++) pending.push(this.redis.unlink(this.keys.datasetRatingsChunk(ver, c)));
    await Promise.all(pending);
  }

  /** HSETs `FIELDS_PER_HSET` entities per command into one hash (one slot), as one pipeline. */
  private async writeHash(key: string, rows: Iterable<{ id: number }>): Promise<void> {
    const pipeline = this.redis.pipeline();
    let args: string[] = [];
    for (const row of rows) {
      args.push(String(row.id), JSON.stringify(row));
      if (args.length >= 2 * FIELDS_PER_HSET) {
        pipeline.hset(key, ...args);
        args = [];
      }
    }
    if (args.length > 0) pipeline.hset(key, ...args);
    if (pipeline.length === 0) return;
    const results = await pipeline.exec();
    for (const [err] of results ?? []) if (err) throw err;
  }
}
