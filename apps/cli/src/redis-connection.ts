/**
 * Which Redis a command talks to: `--redis URL`, else REDIS_URL, else the local server in
 * `./.movielens/redis/` (started on first use). Commands get both connections they may need.
 */
import { envSchema, loadConfig } from '@movielens/config';
import { createRedis, KeySchema, type RedisClient } from '@movielens/store';
import type { CommandContext } from './command';
import { ensureLocalRedis } from './local-redis';

/** Connections of one command run; `close()` them before returning. */
export interface CliRedis {
  url: string;
  /** Data commands (stores): fail after 3 retries instead of hanging. */
  redis: RedisClient;
  /** BullMQ queues, workers and events (blocking: no request retry limit). */
  bull: RedisClient;
  keys: KeySchema;
  /** KEY_PREFIX (default `ml`), for queue helpers. */
  keyPrefix: string;
  close(): Promise<void>;
}

/** Opens the Redis connections of a command (starting the local server when needed). */
export async function connectRedis(ctx: CommandContext): Promise<CliRedis> {
  const config = loadConfig(envSchema);
  const url = ctx.redisUrl ?? (await ensureLocalRedis({ log: (line) => (ctx.json ? undefined : console.error(line)) }));
  const cluster = config.REDIS_CLUSTER;
  const redis = createRedis(url, { cluster, name: 'movielens-cli' });
  redis.on('error', () => undefined); // reported by the failing command instead
  // Fail fast with one line when nothing answers (the BullMQ connection would wait forever).
  // The timer is cleared at once: left pending, it kept every command alive for 3 s after its work.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(r, 3000, false)));
  const reachable = await Promise.race([redis.ping().then(() => true, () => false), timeout]);
  clearTimeout(timer);
  if (!reachable) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${url} (is it running? pass --redis URL or set REDIS_URL)`);
  }
  const bull = createRedis(url, { cluster, maxRetriesPerRequest: null, name: 'movielens-cli:bull' });
  return {
    url,
    redis,
    bull,
    keys: new KeySchema(config.KEY_PREFIX),
    keyPrefix: config.KEY_PREFIX,
    async close() {
      await Promise.all([redis.quit(), bull.quit()]);
    },
  };
}
