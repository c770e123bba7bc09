import { createHash } from 'node:crypto';
import type { KeySchema } from './keys';
import type { RedisClient } from './connection';
import { ModelTable, shardOf } from './model.store';
import { tableStampSchema, type KindMeta, type ModelStagingRecord, type TableStamp } from './model.meta';
import { decodeJson } from './stored-json';

/** Fields written per HSET call when filling a shard: bounds the size of one Redis command. */
const FIELDS_PER_HSET = 512;

/**
 * Write side of the model store, used by the kind jobs. A kind version is written under its own
 * keys while it is only in the staging marker; readers never see it until
 * `ModelLifecycle.publishKind` puts it in a served set. Every table name is added to the
 * version's manifest before the table is written, so a crash at any point leaves keys that
 * `ModelLifecycle.sweepStaging` can find and delete.
 */
export class ModelWriter {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
  ) {}

  /**
   * Registers `ver` as being built (staging marker), so it is swept if the build dies. With
   * `owner` (the rebuild job id), a sweep leaves the version alone while that job lives.
   */
  async begin(ver: string, startedAt: number, owner?: string): Promise<void> {
    const record: Partial<ModelStagingRecord> = { owner, startedAt };
    await this.redis.hset(this.keys.modelStaging(), ver, JSON.stringify(record));
  }

  /** Writes a whole-version table (binary or JSON text) and records its stamp. */
  async putTable(ver: string, name: string, data: Buffer | string): Promise<TableStamp> {
    await this.redis.sadd(this.keys.modelTable(ver, ModelTable.manifest), name);
    await this.redis.set(this.keys.modelTable(ver, name), data);
    const stamp = stampOf([typeof data === 'string' ? Buffer.from(data) : data]);
    await this.redis.hset(this.keys.modelTable(ver, ModelTable.stamps), name, JSON.stringify(stamp));
    return stamp;
  }

  /** Reads a table of a version that may not be published yet (shard jobs read the staged factors). */
  async getTable(ver: string, name: string): Promise<Buffer | null> {
    return this.redis.getBuffer(this.keys.modelTable(ver, name));
  }

  /**
   * Writes one part (a block of rows computed by one shard job) of a sharded table: field
   * `ids[i]` -> `values[i]` goes to hash shard `ids[i] % shards`. Pipelined in batches; a
   * retried part overwrites the same fields, so the write is idempotent. The part's stamp is
   * recorded as `<table>#<part>`.
   */
  async putRows(ver: string, table: string, part: number, ids: ArrayLike<number>, values: Buffer[], shards: number): Promise<TableStamp> {
    const byShard = new Map<number, (string | Buffer)[]>();
    for (let i = 0; i < values.length; i++) {
      const shard = shardOf(ids[i], shards);
      let args = byShard.get(shard);
      if (args === undefined) byShard.set(shard, (args = []));
      args.push(String(ids[i]), values[i]);
    }
    if (byShard.size > 0) {
      await this.redis.sadd(this.keys.modelTable(ver, ModelTable.manifest), ...[...byShard.keys()].map((s) => `${table}/${s}`));
    }
    // Shards sit in different slots: separate commands sent without awaiting are pipelined on
    // the connection, and in a cluster each goes to its shard's node (a pipeline object would
    // need one slot and fails with "All keys in the pipeline should belong to the same slots").
    const pending: Promise<number>[] = [];
    for (const [shard, args] of byShard) {
      const key = this.keys.modelShard(ver, table, shard);
      for (let start = 0; start < args.length; start += 2 * FIELDS_PER_HSET) pending.push(this.redis.hset(key, ...args.slice(start, start + 2 * FIELDS_PER_HSET)));
    }
    await Promise.all(pending);
    const stamp = stampOf(values);
    await this.redis.hset(this.keys.modelTable(ver, ModelTable.stamps), `${table}#${part}`, JSON.stringify(stamp));
    return stamp;
  }

  /** Deletes one table of a version (staged inputs that readers do not need). */
  async dropTable(ver: string, name: string): Promise<void> {
    await this.redis.unlink(this.keys.modelTable(ver, name));
    await this.redis.srem(this.keys.modelTable(ver, ModelTable.manifest), name);
    await this.redis.hdel(this.keys.modelTable(ver, ModelTable.stamps), name);
  }

  /**
   * Deletes what one job wrote to an abandoned version (one that `ModelStore.deleteVersion`
   * removed while the job was writing): whole tables, every shard key of a sharded table, and
   * the version's manifest and stamps (which the job's writes may have created again).
   * Never use it on a version that is still being built or published.
   */
  async discard(ver: string, written: { tables?: readonly string[]; sharded?: { table: string; shards: number } }): Promise<void> {
    const keys = (written.tables ?? []).map((name) => this.keys.modelTable(ver, name));
    const sharded = written.sharded;
    if (sharded) for (let s = 0; s < sharded.shards; s++) keys.push(this.keys.modelShard(ver, sharded.table, s));
    keys.push(this.keys.modelTable(ver, ModelTable.manifest), this.keys.modelTable(ver, ModelTable.stamps));
    // One key per command: the keys span several cluster slots.
    for (const key of keys) await this.redis.unlink(key);
  }

  /** Writes the metadata of a finished kind version (before it is published). */
  async writeKindMeta(meta: KindMeta): Promise<void> {
    await this.redis.set(this.keys.modelKindMeta(meta.id), JSON.stringify(meta));
  }

  /** Stamps by table; the parts of a sharded table are combined into one stamp (digest of part digests in part order). */
  async collectStamps(ver: string): Promise<Record<string, TableStamp>> {
    const key = this.keys.modelTable(ver, ModelTable.stamps);
    const raw = await this.redis.hgetall(key);
    const tables: Record<string, TableStamp> = {};
    const parts = new Map<string, { part: number; stamp: TableStamp }[]>();
    for (const [name, json] of Object.entries(raw)) {
      const stamp = decodeJson(tableStampSchema, json, `stamp of ${ver}/${name}`, `${key}#${name}`);
      const hashMark = name.lastIndexOf('#');
      if (hashMark < 0) {
        tables[name] = stamp;
        continue;
      }
      const table = name.slice(0, hashMark);
      parts.set(table, [...(parts.get(table) ?? []), { part: Number(name.slice(hashMark + 1)), stamp }]);
    }
    for (const [table, list] of parts) {
      list.sort((a, b) => a.part - b.part);
      const hash = createHash('sha1');
      for (const p of list) hash.update(p.stamp.digest);
      tables[table] = {
        digest: hash.digest('hex'),
        updatedAt: Math.max(...list.map((p) => p.stamp.updatedAt)),
        bytes: list.reduce((s, p) => s + p.stamp.bytes, 0),
      };
    }
    return tables;
  }
}

/** The stamp of some bytes written now. */
function stampOf(parts: Buffer[]): TableStamp {
  const hash = createHash('sha1');
  let bytes = 0;
  for (const p of parts) {
    hash.update(p);
    bytes += p.length;
  }
  return { digest: hash.digest('hex'), updatedAt: Date.now(), bytes };
}
