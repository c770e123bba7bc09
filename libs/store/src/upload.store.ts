import { createHash, randomBytes } from 'node:crypto';
import { baseName, NotFoundError } from '@movielens/core';
import type { RedisClient } from './connection';
import { z } from 'zod';
import type { KeySchema } from './keys';
import { CorruptRecordError, decodeJson } from './stored-json';

/** One file of an upload, as recorded in its manifest (`file:<index>` field) once fully staged. */
export const uploadedFileSchema = z.object({
  /** Position in the upload (0-based), part of its chunk keys. */
  index: z.number().int().min(0),
  /** Base name as uploaded. */
  name: z.string(),
  /** Size in bytes. */
  size: z.number().int().min(0),
  /** Hex sha256 of the bytes. */
  sha256: z.string(),
  /** Number of chunks (`P:{u:<id>}:file:<index>:<k>`). */
  chunks: z.number().int().min(0),
});

/** One file of an upload, as recorded in its manifest once fully staged. */
export type UploadedFile = z.infer<typeof uploadedFileSchema>;

/** The manifest of an upload: its fully staged files in index order. */
export interface UploadManifest {
  id: string;
  /** Creation time, ms since the epoch. */
  createdAt: number;
  files: UploadedFile[];
}

/** Options of {@link UploadStore}. */
export interface UploadStoreOptions {
  /** Bytes per stored chunk. Default 1 MiB. */
  chunkBytes?: number;
  /** Lifetime of an upload's keys, seconds, refreshed by each staged file. Default 24 h. */
  ttlSeconds?: number;
  /** Largest accepted file, bytes. Default 2 GiB. */
  maxFileBytes?: number;
}

/** Chunk SETs in flight while staging, and GETs read ahead while streaming a file back. */
const IN_FLIGHT = 8;

/**
 * Uploaded files staged in Redis, so an ingest worker on any machine can read them: each
 * file is streamed in as fixed-size chunks (pipelined SETs with a TTL) and streamed back
 * out chunk by chunk. All keys of one upload share the hash tag `{u:<id>}` (one cluster slot).
 */
export class UploadStore {
  private readonly chunkBytes: number;
  private readonly ttlSeconds: number;
  private readonly maxFileBytes: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
    options: UploadStoreOptions = {},
  ) {
    this.chunkBytes = options.chunkBytes ?? 1 << 20;
    this.ttlSeconds = options.ttlSeconds ?? 24 * 3600;
    this.maxFileBytes = options.maxFileBytes ?? 2 ** 31;
  }

  /** Starts an empty upload and returns its id (random, 16 hex digits). */
  async create(now = Date.now()): Promise<string> {
    const id = randomBytes(8).toString('hex');
    const key = this.keys.uploadMeta(id);
    await this.redis.multi().hset(key, 'created', String(now), 'nfiles', '0').expire(key, this.ttlSeconds).exec();
    return id;
  }

  /**
   * Streams one file into the upload: chunks of `chunkBytes`, SET with the upload's TTL,
   * up to 8 in flight, hashing as it goes. The file enters the manifest only once all its
   * chunks are written; if `source` fails, its chunks are deleted and the error rethrown.
   * @throws NotFoundError when the upload does not exist (or expired)
   */
  async stageFile(uploadId: string, fileName: string, source: AsyncIterable<Uint8Array>): Promise<UploadedFile> {
    const metaKey = this.keys.uploadMeta(uploadId);
    if ((await this.redis.exists(metaKey)) === 0) throw new NotFoundError(`upload ${uploadId} does not exist or expired`);
    const index = (await this.redis.hincrby(metaKey, 'nfiles', 1)) - 1;
    const hash = createHash('sha256');
    let size = 0;
    let chunks = 0;
    let pending: Promise<unknown>[] = [];
    let buf = Buffer.allocUnsafe(this.chunkBytes);
    let filled = 0;
    const flush = async (): Promise<void> => {
      if (filled === 0) return;
      pending.push(this.redis.set(this.keys.uploadChunk(uploadId, index, chunks++), buf.subarray(0, filled), 'EX', this.ttlSeconds));
      buf = Buffer.allocUnsafe(this.chunkBytes);
      filled = 0;
      if (pending.length >= IN_FLIGHT) {
        const batch = pending;
        pending = [];
        await Promise.all(batch);
      }
    };
    try {
      for await (const part of source) {
        hash.update(part);
        size += part.byteLength;
        if (size > this.maxFileBytes) throw new RangeError(`${baseName(fileName)}: larger than the ${this.maxFileBytes}-byte limit`);
        for (let at = 0; at < part.byteLength; ) {
          const n = Math.min(part.byteLength - at, this.chunkBytes - filled);
          buf.set(part.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === this.chunkBytes) await flush();
        }
      }
      await flush();
      await Promise.all(pending);
    } catch (err) {
      await Promise.allSettled(pending);
      await this.deleteChunks(uploadId, index, chunks);
      throw err;
    }
    const file: UploadedFile = { index, name: baseName(fileName), size, sha256: hash.digest('hex'), chunks };
    await this.redis.multi().hset(metaKey, `file:${index}`, JSON.stringify(file)).expire(metaKey, this.ttlSeconds).exec();
    return file;
  }

  /**
   * The manifest of an upload, or null when it does not exist (never created, expired, deleted).
   * @throws CorruptRecordError naming `key#field` when a file record, or the creation time, is not one
   */
  async manifest(uploadId: string): Promise<UploadManifest | null> {
    const key = this.keys.uploadMeta(uploadId);
    const hash = await this.redis.hgetall(key);
    if (hash.created === undefined) return null;
    const createdAt = Number(hash.created);
    if (!Number.isSafeInteger(createdAt)) throw new CorruptRecordError(`upload ${uploadId} (${key}#created): creation time '${hash.created}' is not a time in ms`, { key: `${key}#created` });
    const files = Object.entries(hash)
      .filter(([field]) => field.startsWith('file:'))
      .map(([field, json]) => {
        const file = decodeJson(uploadedFileSchema, json, `upload ${uploadId} ${field}`, `${key}#${field}`);
        // The index names the file's chunk keys: one that is not its field's would read another file's bytes.
        if (field !== `file:${file.index}`) throw new CorruptRecordError(`upload ${uploadId} ${field} (${key}#${field}): records index ${file.index}`, { key: `${key}#${field}` });
        return file;
      })
      .sort((a, b) => a.index - b.index);
    return { id: uploadId, createdAt, files };
  }

  /**
   * Streams a staged file back, chunk by chunk, reading up to 8 chunks ahead.
   * @throws NotFoundError when a chunk is gone (the upload expired or was deleted)
   */
  async *readFile(uploadId: string, file: UploadedFile): AsyncGenerator<Buffer> {
    const ahead: Promise<Buffer | null>[] = [];
    let next = 0;
    while (next < file.chunks || ahead.length > 0) {
      while (next < file.chunks && ahead.length < IN_FLIGHT) {
        const read = this.redis.getBuffer(this.keys.uploadChunk(uploadId, file.index, next++));
        read.catch(() => undefined); // a consumer that stops early never awaits the reads ahead
        ahead.push(read);
      }
      const chunk = await ahead.shift();
      if (chunk === null || chunk === undefined) throw new NotFoundError(`upload ${uploadId}: ${file.name} is no longer staged (expired or deleted)`);
      yield chunk;
    }
  }

  /** Deletes an upload and all its staged chunks. Idempotent. */
  async delete(uploadId: string): Promise<void> {
    const manifest = await this.manifest(uploadId);
    for (const file of manifest?.files ?? []) await this.deleteChunks(uploadId, file.index, file.chunks);
    await this.redis.unlink(this.keys.uploadMeta(uploadId));
  }

  /** Unlinks chunks 0..count-1 of one file, 512 keys per command (one slot: multi-key is fine). */
  private async deleteChunks(uploadId: string, index: number, count: number): Promise<void> {
    for (let first = 0; first < count; first += 512) {
      const batch: string[] = [];
      for (let k = first; k < Math.min(count, first + 512); k++) batch.push(this.keys.uploadChunk(uploadId, index, k));
      await this.redis.unlink(...batch);
    }
  }
}
