import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A Redis connection: a single server or a Redis Cluster. Stores accept either. */
export type RedisClient = Redis | Cluster;

/** Options of {@link createRedis}. */
export interface CreateRedisOptions {
  /** Treat `url` as comma-separated cluster seed nodes. Default false. */
  cluster?: boolean;
  /**
   * BullMQ needs `maxRetriesPerRequest: null` on worker connections. Default 3 for
   * ordinary clients, so a request fails (and the API answers 503) instead of hanging.
   */
  maxRetriesPerRequest?: number | null;
  /** Connection name shown by `CLIENT LIST`. */
  name?: string;
}

/**
 * Opens a Redis connection from a URL. Reconnects forever with a capped backoff, so a
 * process survives a Redis restart without being restarted itself.
 */
export function createRedis(url: string, options: CreateRedisOptions = {}): RedisClient {
  const base: RedisOptions = {
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 3 : options.maxRetriesPerRequest,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    enableReadyCheck: true,
    connectionName: options.name,
  };
  if (options.cluster) {
    const nodes = url.split(',').map((u) => {
      const parsed = new URL(u.trim());
      return { host: parsed.hostname, port: Number(parsed.port || 6379) };
    });
    return new Cluster(nodes, { redisOptions: base, clusterRetryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000) });
  }
  return new Redis(url, base);
}
