import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createQueue, QueueName, requestRebuild } from '@movielens/jobs';
import { deleteKeysMatching, testPrefix, testRedisUrl } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { runCli } from './cli-runner.fixtures';

// `movielens status` against the test Redis under a private prefix, with a rebuild that
// trains an LSTM waiting in the queue (no compute worker listens there, so it stays waiting).
let prefix: string;
let redis: Redis;
let connection: Redis;

beforeAll(() => {
  prefix = testPrefix('cli-status');
  redis = new Redis(testRedisUrl());
  connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await deleteKeysMatching(redis, prefix);
  await Promise.all([redis.quit(), connection.quit()]);
});

describe('movielens status (child process)', () => {
  it('lists the rebuilds waiting or running (LSTM or not, stage, since when) and the queues, in tables with headers', async () => {
    const queue = createQueue(QueueName.rebuild, { connection, keyPrefix: prefix });
    const job = await requestRebuild(queue, { trigger: 'api', params: { lstm: true } }, { debounceMs: 0 });
    try {
      const run = runCli(['status'], { redisUrl: testRedisUrl(), keyPrefix: prefix });
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout.split('\n');
      const builds = lines.indexOf('builds');
      expect(builds).toBeGreaterThan(0);
      expect(lines[builds + 1]).toMatch(/^\s+job\s+state\s+done\s+slowest stage\s+LSTM\s+asked by\s+for$/);
      expect(lines[builds + 2]).toMatch(new RegExp(`^\\s+rebuild:${job.id}\\s+waiting\\s+-\\s+-\\s+yes\\s+api\\s+queued \\d+ s$`));
      const queues = lines.indexOf('queues');
      expect(lines[queues + 1]).toMatch(/^\s+queue\s+waiting\s+active\s+delayed\s+failed\s+workers$/);
      expect(lines[queues + 2]).toMatch(/^\s+ingest\s+0\s+0\s+0\s+0\s+0$/);

      const json = JSON.parse(runCli(['status', '--json'], { redisUrl: testRedisUrl(), keyPrefix: prefix }).stdout);
      expect(json.builds).toEqual([expect.objectContaining({ id: `rebuild:${job.id}`, state: 'waiting', lstm: true, trigger: 'api', startedAt: null })]);
      expect(json.queues.rebuild.waiting).toBe(1);
    } finally {
      await job.remove();
      await queue.close();
    }
    const idle = runCli(['status'], { redisUrl: testRedisUrl(), keyPrefix: prefix });
    expect(idle.stdout).toContain('builds   none waiting or running');
  });
});
