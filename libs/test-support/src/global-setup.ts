import type { TestProject } from 'vitest/node';
import { acquireTestRedis } from './redis-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the Redis server shared by this project's test run; tests isolate by key prefix. */
    redisUrl: string;
  }
}

/**
 * Vitest global setup: one real Redis per project test run. Each test then works under its
 * own random key prefix (see `testPrefix`) and removes its keys afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await acquireTestRedis();
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
