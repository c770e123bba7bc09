import { createHash } from 'node:crypto';
import type { KeySchema } from './keys';
import type { RedisClient } from './connection';
import { ModelStore, ModelTable, type ModelMeta, type TableStamp } from './model.store';

/** Fields written per HSET call when filling a shard: bounds the size of one Redis command. */
const FIELDS_PER_HSET = 512;

/** Options of {@link ModelWriter.publish}. */
export interface PublishOptions {
  /** Older published versions kept for rollback besides the new one. Default 2. */
  keep?: number;
  /** Tables written only for the build (e.g. staged factors for shard jobs), deleted before publishing. */
  dropTables?: string[];
}

/**
 * Write side of the model store, used by the rebuild pipeline. A version is written under
 * its own keys while it is only in the staging marker; readers never see it until
 * {@link publish} switches `model:current`. Every table name is added to the version's
 * manifest before the table is written, so a crash at any point leaves keys that
 * `ModelStore.sweepStaging` can find and delete.
 */
export class ModelWriter {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
  ) {}

  /** Registers `ver` as being built (staging marker), so it is swept if the build dies. */
  async begin(ver: string, startedAt: number): Promise<void> {
    await this.redis.hset(this.keys.modelStaging(), ver, String(startedAt));
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
   * Writes shard `shard` of a sharded table: field `ids[i]` -> `values[i]`. Pipelined in
   * batches; a retried shard job overwrites the same fields, so the write is idempotent.
   */
  async putShard(ver: string, table: string, shard: number, ids: ArrayLike<number>, values: Buffer[]): Promise<TableStamp> {
    const key = this.keys.modelShard(ver, table, shard);
    await this.redis.sadd(this.keys.modelTable(ver, ModelTable.manifest), `${table}/${shard}`);
    const pipeline = this.redis.pipeline();
    for (let start = 0; start < values.length; start += FIELDS_PER_HSET) {
      const args: (string | Buffer)[] = [];
      for (let i = start; i < Math.min(values.length, start + FIELDS_PER_HSET); i++) args.push(String(ids[i]), values[i]);
      pipeline.hset(key, ...args);
    }
    const results = await pipeline.exec();
    for (const [err] of results ?? []) if (err) throw err;
    const stamp = stampOf(values);
    await this.redis.hset(this.keys.modelTable(ver, ModelTable.stamps), `${table}/${shard}`, JSON.stringify(stamp));
    return stamp;
  }

  /** Deletes one table of a version (staged inputs that readers do not need). */
  async dropTable(ver: string, name: string): Promise<void> {
    await this.redis.unlink(this.keys.modelTable(ver, name));
    await this.redis.srem(this.keys.modelTable(ver, ModelTable.manifest), name);
    await this.redis.hdel(this.keys.modelTable(ver, ModelTable.stamps), name);
  }

  /**
   * Publishes a fully written version: writes its meta (with the stamps of all tables),
   * adds it to the version list, switches `model:current`, announces `model <ver>` on the
   * events channel, then deletes versions beyond `keep`. The pointer switch is the last
   * write, so readers see either the old model or the complete new one.
   */
  async publish(meta: Omit<ModelMeta, 'tables' | 'publishedAt'>, options: PublishOptions = {}): Promise<ModelMeta> {
    const ver = meta.id;
    for (const name of options.dropTables ?? []) await this.dropTable(ver, name);
    const full: ModelMeta = { ...meta, publishedAt: Date.now(), tables: await this.collectStamps(ver) };
    await this.redis.set(this.keys.modelMeta(ver), JSON.stringify(full));
    await this.redis.zadd(this.keys.modelVersions(), meta.createdAt, ver);
    await this.redis.set(this.keys.modelCurrent(), ver);
    await this.redis.hdel(this.keys.modelStaging(), ver);
    await this.redis.publish(this.keys.events(), `model ${ver}`);
    await new ModelStore(this.redis, this.keys).prune(options.keep ?? 2);
    return full;
  }

  /** Stamps by table; shards of one table are combined into one stamp (digest of shard digests in shard order). */
  private async collectStamps(ver: string): Promise<Record<string, TableStamp>> {
    const raw = await this.redis.hgetall(this.keys.modelTable(ver, ModelTable.stamps));
    const tables: Record<string, TableStamp> = {};
    const shards = new Map<string, { shard: number; stamp: TableStamp }[]>();
    for (const [name, json] of Object.entries(raw)) {
      const stamp = JSON.parse(json) as TableStamp;
      const slash = name.lastIndexOf('/');
      if (slash < 0) {
        tables[name] = stamp;
        continue;
      }
      const table = name.slice(0, slash);
      shards.set(table, [...(shards.get(table) ?? []), { shard: Number(name.slice(slash + 1)), stamp }]);
    }
    for (const [table, parts] of shards) {
      parts.sort((a, b) => a.shard - b.shard);
      const hash = createHash('sha1');
      for (const p of parts) hash.update(p.stamp.digest);
      tables[table] = {
        digest: hash.digest('hex'),
        updatedAt: Math.max(...parts.map((p) => p.stamp.updatedAt)),
        bytes: parts.reduce((s, p) => s + p.stamp.bytes, 0),
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
