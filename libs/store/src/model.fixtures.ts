/** Test fixture of the model store specs: the stores on a fresh prefix of the test Redis. */
import type { Redis } from 'ioredis';
import { deleteKeysMatching, testPrefix, testRedisClient } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { KeySchema } from './keys';
import { ModelLifecycle } from './model-lifecycle';
import { ModelStore } from './model.store';
import { ModelWriter } from './model-writer';

/** The model stores of one test, on their own random prefix. */
export interface ModelStores {
  redis: Redis;
  prefix: string;
  keys: KeySchema;
  store: ModelStore;
  writer: ModelWriter;
  lifecycle: ModelLifecycle;
  /** Deletes every key of the prefix and closes the client. */
  close(): Promise<void>;
}

/** Opens {@link ModelStores}; `label` starts the prefix. */
export function openModelStores(label: string): ModelStores {
  const redis = testRedisClient();
  const prefix = testPrefix(label);
  const keys = new KeySchema(prefix);
  return {
    redis,
    prefix,
    keys,
    store: new ModelStore(redis, keys),
    writer: new ModelWriter(redis, keys),
    lifecycle: new ModelLifecycle(redis, keys),
    async close() {
      await deleteKeysMatching(redis, prefix);
      await redis.quit();
    },
  };
}
