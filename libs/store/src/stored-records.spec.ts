/**
 * Corrupt values in Redis (hand-written here with the raw client, as a bad deploy, a manual
 * edit or a truncated write would leave them) are refused with a typed error naming the key,
 * never cast into a wrong value or left to crash later with a TypeError.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { DatasetStore } from './dataset.store';
import { DatasetWriter } from './dataset.writer';
import type { DatasetMeta } from './dataset.meta';
import type { KeySchema } from './keys';
import { columnOf, packColumns, unpackColumns, unpackScoredList } from './model-codec';
import type { SetComposition } from './model-lifecycle';
import { openModelStores, type ModelStores } from './model.fixtures';
import { ModelTableError } from './model.store';
import { CorruptRecordError, decodeJson, decodeStored } from './stored-json';
import { UploadStore } from './upload.store';

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.fail(`resolved with ${JSON.stringify(value)}`),
    (err: unknown) => err,
  );
}

/** Asserts a CorruptRecordError on `key` whose message matches `message`. */
function expectCorrupt(err: unknown, key: string, message: RegExp): void {
  expect(err).toBeInstanceOf(CorruptRecordError);
  const corrupt = err as CorruptRecordError;
  expect(corrupt.code).toBe('CORRUPT_RECORD');
  expect(corrupt.key).toBe(key);
  expect(corrupt.message).toContain(key);
  expect(corrupt.message).toMatch(message);
}

const meta: DatasetMeta = {
  version: 'd1',
  parent: null,
  createdAt: 1_700_000_000_000,
  release: 'ml-100k',
  ratingScale: { min: 1, max: 5, step: 1 },
  counts: { ratings: 3, users: 2, movies: 2, ratedUsers: 2, ratedMovies: 2 },
  chunks: 1,
  chunkSize: 1000,
  hasMovieInfo: true,
  hasUserInfo: false,
  contentHash: 'h',
  report: { mode: 'replace', unchanged: false, datasetVersion: 'd1', parentVersion: null, files: [], read: { ratings: 3, movies: 2, users: 0 }, skipped: [], skippedTotal: 0, duplicates: { count: 0, examples: [] }, overwritten: 0, durationMs: 4 },
  live: { upTo: '0-0', applied: 0 },
};

describe('decodeJson', () => {
  const schema = z.object({ n: z.number() });

  it('returns the parsed value when it has the shape', () => {
    expect(decodeJson(schema, '{"n":2}', 'a record', 'P:k')).toEqual({ n: 2 });
  });

  it('refuses text that is not JSON, naming the record and the key', () => {
    expectCorrupt(captured(() => decodeJson(schema, '{"n":', 'a record', 'P:k')), 'P:k', /^a record \(P:k\): not JSON$/);
  });

  it('refuses JSON of another shape, naming each bad path', () => {
    expectCorrupt(captured(() => decodeJson(schema, '{"n":"2"}', 'a record', 'P:k')), 'P:k', /: n: .*number/);
    expectCorrupt(captured(() => decodeJson(schema, 'null', 'a record', 'P:k')), 'P:k', /\(value\): /);
  });
});

describe('decodeStored', () => {
  it('validates an already-parsed value (a field a record leaves open), naming what it is and each bad path', () => {
    const schema = z.object({ k: z.number().int() });
    expect(decodeStored(schema, { k: 3 }, 'svd kind version v info')).toEqual({ k: 3 });
    const err = captured(() => decodeStored(schema, { k: 2.5 }, 'svd kind version v info'));
    expect(err).toBeInstanceOf(CorruptRecordError);
    expect((err as Error).message).toMatch(/^svd kind version v info: k: /);
  });
});

/** What `fn` throws (fails the test when it returns). */
function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return expect.fail('did not throw');
}

describe('stored records read back from Redis', () => {
  let ctx: ModelStores;
  let redis: Redis;
  let keys: KeySchema;

  beforeEach(() => {
    ctx = openModelStores('corrupt');
    ({ redis, keys } = ctx);
  });
  afterEach(() => ctx.close());

  it('dataset meta: a valid one round-trips; a wrong field type or a truncated value is a CorruptRecordError on its key', async () => {
    const store = new DatasetStore(redis, keys);
    const key = keys.datasetMeta('d1');
    await redis.set(key, JSON.stringify(meta));
    expect(await store.meta('d1')).toEqual(meta);
    await redis.set(key, JSON.stringify({ ...meta, counts: { ...meta.counts, ratings: '3' } }));
    expectCorrupt(await rejection(store.meta('d1')), key, /counts\.ratings/);
    // loadRatings reads the chunk count from the meta: it fails on the meta, not on a chunk.
    expectCorrupt(await rejection(store.loadRatings('d1')), key, /counts\.ratings/);
    await redis.set(key, JSON.stringify(meta).slice(0, 40));
    expectCorrupt(await rejection(store.meta('d1')), key, /not JSON/);
    await redis.set(key, JSON.stringify({ ...meta, live: { upTo: 'yesterday', applied: 0 } }));
    expectCorrupt(await rejection(store.meta('d1')), key, /live\.upTo/);
    // The report is checked with the contracts' ingest report schema (the ingest job's result).
    const file = { name: 'u.data', kind: 'ratings', release: 'ml-100k', size: 8, sha256: 'ab', lines: 1, skipped: 0, encoding: 'ebcdic' };
    await redis.set(key, JSON.stringify({ ...meta, report: { ...meta.report, files: [file] } }));
    expectCorrupt(await rejection(store.meta('d1')), key, /report\.files\.0\.encoding/);
  });

  it('movies and users: a bad record, or one stored under another id, names its hash field', async () => {
    const store = new DatasetStore(redis, keys);
    await redis.set(keys.datasetMeta('d1'), JSON.stringify(meta));
    const movies = keys.datasetMovies('d1');
    const toyStory = { id: 1, title: 'Toy Story', year: 1995, genres: ['Animation'] };
    await redis.hset(movies, '1', JSON.stringify(toyStory), '2', JSON.stringify({ id: 2, title: 'GoldenEye', year: '1995', genres: [] }));
    expect(await store.getMovie('d1', 1)).toEqual(toyStory);
    expectCorrupt(await rejection(store.getMovie('d1', 2)), `${movies}#2`, /year/);
    expectCorrupt(await rejection(store.loadMovies('d1')), `${movies}#2`, /year/);
    await redis.hset(movies, '2', JSON.stringify({ ...toyStory, id: 7 }));
    expectCorrupt(await rejection(store.loadMovies('d1')), `${movies}#2`, /holds id 7/);
    const users = keys.datasetUsers('d1');
    await redis.hset(users, '5', JSON.stringify({ id: 5, gender: 'X', age: 25, ageGroup: null, occupation: null, zip: null }));
    expectCorrupt(await rejection(store.getUser('d1', 5)), `${users}#5`, /gender/);
  });

  it('dataset staging records: a bad one names its field, in the listing and in discard', async () => {
    const writer = new DatasetWriter(redis, keys);
    await writer.begin('d2', { owner: 'ingest:1', chunkBound: 4, startedAt: 5 });
    expect(await writer.staging()).toEqual(new Map([['d2', { owner: 'ingest:1', chunkBound: 4, startedAt: 5 }]]));
    const key = keys.datasetStaging();
    await redis.hset(key, 'd3', JSON.stringify({ owner: 'ingest:2', chunkBound: -1, startedAt: 5 }));
    expectCorrupt(await rejection(writer.staging()), `${key}#d3`, /chunkBound/);
    expectCorrupt(await rejection(writer.discard('d3')), `${key}#d3`, /chunkBound/);
  });

  it('upload manifests: a bad file record, one under another index, or a bad creation time names its field', async () => {
    const uploads = new UploadStore(redis, keys);
    const id = await uploads.create();
    const key = keys.uploadMeta(id);
    await uploads.stageFile(id, 'u.data', (async function* () {
      yield Buffer.from('1\t2\t3\t4\n');
    })());
    expect((await uploads.manifest(id))?.files.map((f) => [f.index, f.name, f.size])).toEqual([[0, 'u.data', 8]]);
    const good = await redis.hget(key, 'file:0');
    await redis.hset(key, 'file:0', JSON.stringify({ ...JSON.parse(good!), chunks: 'one' }));
    expectCorrupt(await rejection(uploads.manifest(id)), `${key}#file:0`, /chunks/);
    await redis.hset(key, 'file:0', JSON.stringify({ ...JSON.parse(good!), index: 3 }));
    expectCorrupt(await rejection(uploads.manifest(id)), `${key}#file:0`, /records index 3/);
    await redis.hset(key, 'file:0', good!, 'created', 'soon');
    expectCorrupt(await rejection(uploads.manifest(id)), `${key}#created`, /not a time/);
  });

  it('the rebuild recipe: a corrupt one counts as none (documented), a valid one is returned as written', async () => {
    const { lifecycle } = ctx;
    await lifecycle.setRecipe({ k: 20, lstm: true });
    expect(await lifecycle.recipe()).toEqual({ k: 20, lstm: true });
    await redis.set(keys.modelRecipe(), '{"k":"twenty"}');
    expect(await lifecycle.recipe()).toBeNull();
    await redis.set(keys.modelRecipe(), '{"k":');
    expect(await lifecycle.recipe()).toBeNull();
  });

  it('a column table whose column has another type than the reader expects, or an mf table that does not decode, is a ModelTableError naming the key', async () => {
    const { writer, lifecycle, store } = ctx;
    const ver = 'svd-1000-ab';
    await writer.begin(ver, 1000);
    // V written as Int32 instead of Float32: a cast would have served integers as factors.
    await writer.putTable(ver, 'factors', packColumns({ movieIds: Int32Array.of(1, 2), V: Int32Array.of(1, 0, 0, 1), S: Float64Array.of(2, 1) }));
    await writer.putTable(ver, 'users', packColumns({ userIds: Int32Array.of(10, 11), userMeans: Float32Array.of(3.5) }));
    // The MF codec's magic, then a header length past the end.
    await writer.putTable(ver, 'mf', Buffer.concat([Buffer.from('MFM1'), Buffer.from(Uint32Array.of(500).buffer)]));
    const composition: SetComposition = {
      kinds: ['svd'],
      required: ['svd'],
      compose: (kinds) => ({ datasetVersion: kinds.svd.datasetVersion, singularValues: [2, 1], explainedVariance: 1, counts: { users: 2, movies: 2, ratings: 4 }, shards: 1, k: 2, analytics: [] }),
    };
    const outcome = await lifecycle.publishKind({ id: ver, kind: 'svd', datasetVersion: 'd1', datasetCreatedAt: 1000, params: {}, timings: {}, shards: 1, tables: await writer.collectStamps(ver), info: {}, host: 'h', createdAt: 1000 }, composition);
    if (!outcome.published) throw new Error('not published');
    const set = outcome.set.id;
    const factors = await rejection(store.factors(set));
    expect(factors).toBeInstanceOf(ModelTableError);
    expect((factors as Error).message).toContain(keys.modelTable(ver, 'factors'));
    expect((factors as Error).message).toMatch(/column V is a Int32Array, not a Float32Array/);
    expect((await rejection(store.users(set)) as Error).message).toMatch(/2 user ids but 1 means/);
    const mf = await rejection(store.mf(set));
    expect(mf).toBeInstanceOf(ModelTableError);
    expect((mf as Error).message).toContain(keys.modelTable(ver, 'mf'));
    expect((mf as Error).message).toMatch(/not an MF model buffer: header longer than the buffer/);
  });
});

describe('analytics tables read back', () => {
  let ctx: ModelStores;
  beforeEach(() => {
    ctx = openModelStores('analytics');
  });
  afterEach(() => ctx.close());

  /** Publishes an analytics kind version holding `tables` (JSON text by table name) as the whole set; returns the set version. */
  async function publishTables(tables: Record<string, string>): Promise<string> {
    const { writer, lifecycle } = ctx;
    const ver = 'analytics-1000-ab';
    await writer.begin(ver, 1000);
    for (const [name, json] of Object.entries(tables)) await writer.putTable(ver, `analytics:${name}`, json);
    const composition: SetComposition = {
      kinds: ['analytics'],
      required: ['analytics'],
      compose: (kinds) => ({ datasetVersion: kinds.analytics.datasetVersion, singularValues: [], explainedVariance: 0, counts: { users: 0, movies: 0, ratings: 0 }, shards: 1, k: 0, analytics: Object.keys(tables) }),
    };
    const outcome = await lifecycle.publishKind({ id: ver, kind: 'analytics', datasetVersion: 'd1', datasetCreatedAt: 1000, params: {}, timings: {}, shards: 1, tables: await writer.collectStamps(ver), info: {}, host: 'h', createdAt: 1000 }, composition);
    if (!outcome.published) throw new Error('not published');
    return outcome.set.id;
  }

  it('a table of another shape is a CorruptRecordError naming its key and the bad path', async () => {
    const set = await publishTables({ 'by-genre': JSON.stringify([{ group: 'Drama', count: '2', mean: 4 }]), summary: JSON.stringify({ totalRatings: 3, globalMean: 3.5 }) });
    expect(await ctx.store.analytics(set, 'summary')).toEqual({ totalRatings: 3, globalMean: 3.5 });
    expectCorrupt(await rejection(ctx.store.analytics(set, 'by-genre')), ctx.keys.modelTable('analytics-1000-ab', 'analytics:by-genre'), /^analytics table by-genre of model version .*: 0\.count: /);
  });

  it('an older build\'s combined groups table answers for each table it holds, checked field by field', async () => {
    const groups = { totalRatings: 4, globalMean: 3, distribution: [{ stars: 1, count: 4 }], byGenre: [{ group: 'Comedy', count: 4, mean: 3 }], byAgeGroup: 'corrupt' };
    const set = await publishTables({ groups: JSON.stringify(groups) });
    expect(await ctx.store.analytics(set, 'summary')).toEqual({ totalRatings: 4, globalMean: 3 });
    expect(await ctx.store.analytics(set, 'by-genre')).toEqual([{ group: 'Comedy', count: 4, mean: 3 }]);
    expect(await ctx.store.analytics(set, 'by-occupation')).toBeNull();
    expectCorrupt(await rejection(ctx.store.analytics(set, 'by-age')), ctx.keys.modelTable('analytics-1000-ab', 'analytics:groups'), /^analytics table by-age in the groups table .*: \(value\): /);
  });
});

describe('binary codecs', () => {
  const table = packColumns({ ids: Int32Array.of(1, 2, 3), w: Float32Array.of(0.5, 1.5, 2.5) });

  it('decode what they encoded', () => {
    const t = unpackColumns(table);
    expect([...columnOf(t, 'ids', Int32Array, 't')]).toEqual([1, 2, 3]);
    expect([...columnOf(t, 'w', Float32Array, 't')]).toEqual([0.5, 1.5, 2.5]);
  });

  it('refuse a truncated column table, a header that is not one, and a missing or mistyped column', () => {
    // Columns are padded to 8 bytes: w (3 x 4 bytes) is last, so cutting 8 bytes cuts into it.
    const end = table.length - 4;
    expect(() => unpackColumns(table.subarray(0, table.length - 8))).toThrow(`column w (3 x Float32Array) ends at byte ${end} of ${end - 4}`);
    expect(() => unpackColumns(table.subarray(0, 2))).toThrow(CorruptRecordError);
    const header = Buffer.from('[{"name":"x","type":"BigInt64Array","length":1,"offset":0}]');
    const bad = Buffer.concat([Buffer.from(Uint32Array.of(header.length).buffer), header, Buffer.alloc(16)]);
    expect(() => unpackColumns(bad)).toThrow(/column table header: 0\.type/);
    const t = unpackColumns(table);
    expect(() => columnOf(t, 'nope', Int32Array, 'table t')).toThrow(/table t: column nope is missing/);
    expect(() => columnOf(t, 'w', Float64Array, 'table t')).toThrow(/column w is a Float32Array, not a Float64Array/);
  });

  it('refuse a scored list whose length is not 8 bytes per entry', () => {
    expect(() => unpackScoredList(Buffer.alloc(12))).toThrow(CorruptRecordError);
    expect(unpackScoredList(Buffer.alloc(16))).toEqual([
      { movieId: 0, score: 0 },
      { movieId: 0, score: 0 },
    ]);
  });
});
