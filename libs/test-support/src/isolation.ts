import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

/** A fresh random key prefix, so tests sharing one Redis never see each other's keys. */
export function testPrefix(label = 't'): string {
  return `${label}-${randomBytes(5).toString('hex')}`;
}

/** The URL of the Redis provided by the global setup. */
export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A new ioredis client on the test Redis; the caller quits it. */
export function testRedisClient(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** Deletes every key that contains `prefix` (keys and BullMQ queues of one test). */
export async function deleteKeysMatching(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
