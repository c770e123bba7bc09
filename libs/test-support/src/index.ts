/** Test harness shared by every project: a real Redis, isolation by key prefix, fixtures. */
export { acquireTestRedis, freePort, hasRedisServerBinary, startRedisServer } from './redis-server';
export type { StartRedisOptions, TestRedis } from './redis-server';
export { deleteKeysMatching, testPrefix, testRedisClient, testRedisUrl } from './isolation';
export { sharedDataDir, skipReason } from './shared-data';
export { buildZip } from './zip';
export type { TestZipEntry, TestZipOptions } from './zip';
