import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { deleteKeysMatching, testPrefix, testRedisClient } from '@movielens/test-support';
import type {} from '@movielens/test-support/global-setup';
import { KeySchema } from '../keys';
import { CorruptRecordError } from '../stored-json';
import { compareEntryIds, entryTimeMs } from './live-entry';
import { LiveRatings } from './live-ratings.store';

describe('LiveRatings', () => {
  let redis: Redis;
  let prefix: string;
  let keys: KeySchema;
  let live: LiveRatings;

  beforeEach(() => {
    redis = testRedisClient();
    prefix = testPrefix('live');
    keys = new KeySchema(prefix);
    live = new LiveRatings(redis, keys, { idempotencyTtlMs: 60_000 });
  });
  afterEach(async () => {
    await deleteKeysMatching(redis, prefix);
    await redis.quit();
  });

  it('writes a request with an idempotency key once: a retry replays its entry, another body conflicts', async () => {
    const first = await live.append(7, [{ movieId: 3, rating: 4 }], 'req-1');
    expect(first.status).toBe('new');
    const retry = await live.append(7, [{ movieId: 3, rating: 4 }], 'req-1');
    expect(retry).toEqual({ status: 'replay', entry: first.entry });
    const other = await live.append(7, [{ movieId: 3, rating: 5 }], 'req-1');
    expect(other).toEqual({ status: 'conflict', entry: first.entry });
    // The same key of another user is another request.
    expect((await live.append(8, [{ movieId: 3, rating: 4 }], 'req-1')).status).toBe('new');
    expect(await redis.xlen(keys.liveLog())).toBe(2);
    expect(await live.accepted()).toBe(2);
  });

  it('refuses a corrupt idempotency record (raw SET) with a CorruptRecordError naming its key, writing nothing', async () => {
    await live.append(7, [{ movieId: 3, rating: 4 }], 'req-1');
    const [record] = await redis.keys(`${prefix}:{live}:idem:*`);
    const hash = (await redis.get(record))!.split('|')[0];
    // No separator: the script used to fail inside Lua (arithmetic on nil), a bare ReplyError.
    await redis.set(record, 'garbage');
    const err = await live.append(7, [{ movieId: 3, rating: 4 }], 'req-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptRecordError);
    expect((err as CorruptRecordError).key).toBe(record);
    expect((err as Error).message).toBe(`live idempotency record (${record}): not "<body hash>|<entry id>"`);
    // The body hash matches but the entry id is not one: the reply fails its schema, naming the key.
    await redis.set(record, `${hash}|not-an-id`);
    await expect(live.append(7, [{ movieId: 3, rating: 4 }], 'req-1')).rejects.toThrow(new CorruptRecordError(`live append reply (${record}): 1: not a stream entry id`, { key: record }));
    expect(await redis.xlen(keys.liveLog())).toBe(1);
  });

  it('keeps each accepted request once under 200 concurrent retries of 20 keys', async () => {
    const tries = Array.from({ length: 200 }, (_, i) => live.append(1, [{ movieId: 10 + (i % 20), rating: 3 }], `k${i % 20}`));
    const outcomes = await Promise.all(tries);
    expect(outcomes.filter((o) => o.status === 'new')).toHaveLength(20);
    expect(outcomes.filter((o) => o.status === 'replay')).toHaveLength(180);
    expect(await redis.xlen(keys.liveLog())).toBe(20);
  });

  it('overlays only the changes after a mark, the last change per movie, deletes as null', async () => {
    const a = await live.append(5, [{ movieId: 1, rating: 2, timestamp: 1000 }, { movieId: 2, rating: 5 }]);
    const b = await live.append(5, [{ movieId: 1, rating: null, timestamp: 2000 }]);
    const all = await live.overlay(5, '0-0');
    expect(all.get(1)).toEqual({ rating: null, timestamp: 2000, entry: b.entry });
    expect(all.get(2)).toEqual({ rating: 5, timestamp: Math.floor(entryTimeMs(a.entry) / 1000), entry: a.entry });
    const afterA = await live.overlay(5, a.entry);
    expect([...afterA.keys()]).toEqual([1]);
    expect((await live.overlay(6, '0-0')).size).toBe(0);
  });

  it('reads the log after a mark in order with timestamps resolved, and trims what every version has', async () => {
    const a = await live.append(5, [{ movieId: 1, rating: 2, timestamp: 1000 }]);
    const b = await live.append(6, [{ movieId: 9, rating: 1 }]);
    const c = await live.append(5, [{ movieId: 4, rating: 3, timestamp: 3000 }]);
    expect(compareEntryIds(a.entry, b.entry)).toBeLessThan(0);
    const entries = await live.read(a.entry, 10);
    expect(entries.map((e) => e.id)).toEqual([b.entry, c.entry]);
    expect(entries[0]).toEqual({ id: b.entry, userId: 6, changes: [{ movieId: 9, rating: 1, timestamp: Math.floor(entryTimeMs(b.entry) / 1000) }] });
    expect(await live.oldestAfter(b.entry)).toBe(c.entry);
    expect(await live.oldestAfter(c.entry)).toBeNull();
    expect(await live.trim(b.entry)).toBe(2);
    expect((await live.read('0-0', 10)).map((e) => e.id)).toEqual([c.entry]);
    expect([...(await live.overlay(5, '0-0')).keys()]).toEqual([4]);
    expect((await live.overlay(6, '0-0')).size).toBe(0);
  });
});
