import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullPrefix, QueueName, requestRebuild } from '@movielens/jobs';
import { KeySchema, ModelStore } from '@movielens/store';
import { deleteKeysMatching, testPrefix, testRedisClient, testRedisUrl } from '@movielens/test-support';
import type { RebuildResult } from '@movielens/compute';
import { bullConnection, seedDataset, startInProcessWorkers, syntheticDataset, waitFor } from '@movielens/compute/testing';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** Big enough that shard jobs take a few ms each, so two idle workers both get some. */
const DATA = syntheticDataset({ users: 600, movies: 400, perUser: 40, seed: 11 });
/** The kinds this spec follows (svd and analytics); the other ranking kinds and selection are off. */
const ONLY_SVD = { mf: false, ease: false, ials: false, rp3beta: false, similarUsers: false, selection: false };
const PARAMS = { k: 8, topK: 20, recsN: 20, parts: 8, shards: 4, ...ONLY_SVD };

let redis: Redis;
let connection: Redis;
const prefixes: string[] = [];
const children: ChildProcess[] = [];

/** Starts a real compute-worker process on the test Redis. */
function spawnWorker(prefix: string, queues = 'rebuild,rebuild-shard'): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO,
    env: { ...process.env, REDIS_URL: testRedisUrl(), KEY_PREFIX: prefix, LOG_LEVEL: 'warn', COMPUTE_QUEUES: queues },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

async function workerCount(queue: Queue): Promise<number> {
  return (await queue.getWorkers()).length;
}

beforeEach(() => {
  redis = testRedisClient();
  connection = bullConnection();
});

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
  }
  for (const p of prefixes.splice(0)) await deleteKeysMatching(redis, p);
  await Promise.all([redis.quit(), connection.quit()]);
});

/** Queues and stores of a fresh prefix with the dataset seeded. */
async function deployment(label: string) {
  const prefix = testPrefix(label);
  prefixes.push(prefix);
  const keys = new KeySchema(prefix);
  await seedDataset(redis, keys, 'd1', DATA);
  const queue = new Queue(QueueName.rebuild, { connection, prefix: bullPrefix(prefix) });
  const shardQueue = new Queue(QueueName.rebuildShard, { connection, prefix: bullPrefix(prefix) });
  const events = new QueueEvents(QueueName.rebuild, { connection: connection.duplicate(), prefix: bullPrefix(prefix) });
  await events.waitUntilReady();
  const close = async () => Promise.all([queue.close(), shardQueue.close(), events.close()]);
  return { prefix, keys, queue, shardQueue, events, models: new ModelStore(redis, keys), close };
}

describe('compute-worker processes', () => {
  it('two worker processes share the kind and row jobs of one rebuild, and publish what a single worker builds', async () => {
    const two = await deployment('scale2');
    spawnWorker(two.prefix);
    spawnWorker(two.prefix);
    await waitFor(async () => (await workerCount(two.shardQueue)) >= 2, 'two shard workers', 60_000);
    const job = await requestRebuild(two.queue, { trigger: 'cli', params: PARAMS }, { debounceMs: 0 });
    const shared = (await job.waitUntilFinished(two.events, 120_000)) as RebuildResult & { modelVersion: string };
    expect(shared.shardWorkers.length).toBe(2);
    // The svd and analytics kind jobs (side by side), and 8 similar + 8 recs row blocks.
    expect(shared.shardWorkers.reduce((s, w) => s + w.jobs, 0)).toBe(18);

    const one = await deployment('scale1');
    const inProcess = await startInProcessWorkers(redis, connection, one.prefix);
    const single = (await (await requestRebuild(one.queue, { trigger: 'cli', params: PARAMS }, { debounceMs: 0 })).waitUntilFinished(one.events, 120_000)) as RebuildResult & { modelVersion: string };
    await inProcess.close();
    expect(single.shardWorkers.length).toBe(1);

    // Equal digests = byte-identical lists for every movie and user (digest of the parts' digests).
    const [a, b] = [await two.models.meta(shared.modelVersion), await one.models.meta(single.modelVersion)];
    for (const table of ['similar', 'recs', 'factors', 'movie-stats']) expect(a!.tables[table].digest).toBe(b!.tables[table].digest);
    expect(await two.models.similar(shared.modelVersion, 3)).toEqual(await one.models.similar(single.modelVersion, 3));
    await Promise.all([two.close(), one.close()]);
  });

  it('a rebuild whose worker process is killed mid-way is finished by another process; the old model serves meanwhile', async () => {
    const d = await deployment('killed');
    const first = spawnWorker(d.prefix);
    await waitFor(async () => (await workerCount(d.queue)) >= 1, 'a worker', 60_000);
    const old = (await (await requestRebuild(d.queue, { trigger: 'cli', params: { k: 4, parts: 2, ...ONLY_SVD } }, { debounceMs: 0 })).waitUntilFinished(d.events, 120_000)) as RebuildResult & { modelVersion: string };
    first.kill('SIGKILL');

    // A coordinator-only process plans the kind jobs, then dies.
    const coordinator = spawnWorker(d.prefix, 'rebuild');
    const job = await requestRebuild(d.queue, { trigger: 'cli', params: PARAMS }, { debounceMs: 0 });
    await waitFor(async () => (await job.getState()) === 'waiting-children', 'the build to wait for its kind jobs', 60_000);
    coordinator.kill('SIGKILL');
    expect(await d.models.currentVersion()).toBe(old.modelVersion);
    expect(await d.models.similar(old.modelVersion, 3)).not.toBeNull();

    spawnWorker(d.prefix);
    const result = (await job.waitUntilFinished(d.events, 120_000)) as RebuildResult & { modelVersion: string };
    expect(result.noop).toBe(false);
    expect(await d.models.currentVersion()).toBe(result.modelVersion);
    // Each kind published on its own (one set each); the last one serves both.
    const sets = (await d.models.listVersions()).map((v) => v.id);
    expect(sets[0]).toBe(old.modelVersion);
    expect(sets.at(-1)).toBe(result.modelVersion);
    await d.close();
  });
});
