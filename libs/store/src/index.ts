/** @movielens/store: the Redis key schema and the stores built on it. */
export { KeySchema } from './keys';
export { createRedis } from './connection';
export type { CreateRedisOptions, RedisClient } from './connection';
