import { Redis } from 'ioredis';
import type { Logger } from '@movielens/config';
import { createQueue, QueueName } from '@movielens/jobs';
import { defaultKinds, type KindRegistry } from '@movielens/compute';
import { DatasetStore, KeySchema, LiveRatings, ModelLifecycle, ModelStore, UploadStore, createRedis, type RedisClient } from '@movielens/store';
import type { ApiSettings, AppDeps } from '../deps';
import { LiveEpochs } from './live-epochs';
import { ReadModel, type ReadModelOptions } from './read-model';

/** What {@link wireDeps} needs. */
export interface WireOptions {
  redisUrl: string;
  cluster?: boolean;
  keyPrefix: string;
  settings: ApiSettings;
  logger: Logger;
  readModel?: ReadModelOptions;
  /** The model kinds served (their `?algorithm=` readers, parameters, set composition). Default: the default kinds. */
  kinds?: KindRegistry;
}

/** The dependencies plus a way to release them. */
export interface WiredDeps extends AppDeps {
  /** Stops the read model's subscriber and closes queues and Redis connections. */
  close(): Promise<void>;
}

/** Command timeout of the API's Redis client, ms: a hung server answers 503 instead of hanging requests. */
const COMMAND_TIMEOUT_MS = 3000;

/**
 * Makes the API's Redis client fail fast: with the offline queue off, a command issued while
 * disconnected is rejected at once (answered 503) instead of waiting for a reconnect, and a
 * command timeout bounds a hung server. Reconnection itself continues in the background, so
 * the API recovers without a restart.
 */
export function failFast(client: RedisClient): RedisClient {
  if (client instanceof Redis) {
    client.options.enableOfflineQueue = false;
    client.options.commandTimeout = COMMAND_TIMEOUT_MS;
  } else {
    client.options.enableOfflineQueue = false;
    client.options.redisOptions = { ...client.options.redisOptions, commandTimeout: COMMAND_TIMEOUT_MS };
  }
  return client;
}

/** Builds every dependency of the API on one Redis deployment (used by main.ts and tests). */
export function wireDeps({ redisUrl, cluster, keyPrefix, settings, logger, readModel, kinds = defaultKinds }: WireOptions): WiredDeps {
  const redis = failFast(createRedis(redisUrl, { cluster, name: 'api' }));
  // Commands issued in the same tick by concurrent requests go out in one socket write: a
  // profile of live ratings at ~1,000-2,000/s showed a fifth of the API's CPU in one socket write per command.
  redis.options.enableAutoPipelining = true;
  redis.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  // BullMQ gets its own connection (it may block or queue commands of its own).
  const queueConnection = createRedis(redisUrl, { cluster, name: 'api-queues' });
  queueConnection.on('error', () => undefined);
  const keys = new KeySchema(keyPrefix);
  const models = new ModelStore(redis, keys);
  const admin = new ModelLifecycle(redis, keys);
  const datasets = new DatasetStore(redis, keys);
  const queues = {
    ingest: createQueue(QueueName.ingest, { connection: queueConnection, keyPrefix }),
    rebuild: createQueue(QueueName.rebuild, { connection: queueConnection, keyPrefix }),
    rebuildShard: createQueue(QueueName.rebuildShard, { connection: queueConnection, keyPrefix }),
  };
  for (const q of Object.values(queues)) q.on('error', () => undefined);
  const view = new ReadModel(redis, keys, models, datasets, logger, readModel);
  view.start();
  const liveEpochs = new LiveEpochs(redis, keys, logger);
  liveEpochs.start();
  return {
    redis,
    keys,
    models,
    admin,
    kinds,
    datasets,
    uploads: new UploadStore(redis, keys),
    queues,
    readModel: view,
    live: new LiveRatings(redis, keys),
    liveEpochs,
    settings,
    logger,
    async close() {
      await view.stop();
      await liveEpochs.stop();
      await Promise.all(Object.values(queues).map((q) => q.close().catch(() => undefined)));
      await Promise.all([redis, queueConnection].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
