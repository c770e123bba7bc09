/**
 * @movielens/core: the pure domain. No Redis, no process.env, no clock: callers pass them in.
 */
export * from './errors';
export { Random } from './random';
export * from './movielens/index';
export * from './synthetic/index';
export * from './sparse/index';
export * from './linalg/index';
export * from './factorization/index';
export * from './similarity/index';
export * from './recommend/index';
export * from './analytics/index';
export * from './evaluation/index';
export * from './sequence/index';
export { startThread } from './threads/start-thread';
export * from './ials/index';
export * from './neighbourhood/index';
export * from './ease/index';
