import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, loadAndBuild, versionsInKeys, type Fixture } from './harness/fixture';
import { syntheticDump } from './harness/datasets';
import { Poller } from './harness/poller';
import { createQueue, QueueName } from '@movielens/jobs';
import { AppScript, READY_LINE } from './harness/processes';
import { API, requestRebuildHttp, startSystem, waitFor, waitForJob } from './harness/system';

/** Lock duration and stall check of the workers in this test, ms (production default 30,000). */
const STALL_MS = 3000;

describe('kill -9 of a compute worker during a rebuild', () => {
  let fx: Fixture;
  afterEach(async () => fx.cleanup());

  it('another worker takes the rebuild over and publishes it; the API serves the previous model throughout without a failed request', async () => {
    fx = createFixture();
    const system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 2, env: { STALLED_INTERVAL_MS: String(STALL_MS) } });
    const dump = syntheticDump({ ratings: 30_000, users: 500, movies: 700 });
    const v1 = await loadAndBuild(fx, system, dump);

    const poller = new Poller(`${system.apiUrl}${API}/movies/1/similar?k=5`);
    const jobId = await requestRebuildHttp(system, { k: 24 });
    // The process that logs "dataset loaded" is the one running the rebuild's build step.
    const holder = await Promise.race(system.compute.map((c) => c.waitForLine(/dataset loaded/, 60_000).then(() => c)));
    await holder.kill('SIGKILL');
    const survivor = system.compute.find((c) => c !== holder)!;

    const job = await waitForJob(system, jobId, 120_000);
    const answers = await poller.stop();

    expect(job.state, `${job.failedReason}\n${fx.procs.logs()}`).toBe('completed');
    const result = job.result as { modelVersion: string; noop: boolean; shardWorkers: { pid: number }[] };
    expect(result.noop).toBe(false);
    expect(result.modelVersion).not.toBe(v1);
    expect(await fx.models.currentVersion()).toBe(result.modelVersion);
    expect((await fx.models.meta(result.modelVersion))?.params.k).toBe(24);
    // Every shard of the rebuild was computed by the surviving worker.
    expect(result.shardWorkers.map((w) => w.pid)).toEqual([survivor.pid]);
    expect(survivor.lines.some((l) => l.includes('model published'))).toBe(true);
    // The version the killed worker had begun was swept: only published versions have keys.
    expect(await fx.redis.hlen(fx.keys.modelStaging())).toBe(0);
    expect(await versionsInKeys(fx, 'm')).toEqual([v1, result.modelVersion].sort());

    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((a) => a.status !== 200), JSON.stringify(answers.filter((a) => a.status !== 200).slice(0, 3))).toEqual([]);
    // Before the switch only v1 was served; afterwards only the new version: never a mix.
    const served = answers.map((a) => a.model);
    const firstNew = served.indexOf(result.modelVersion);
    expect(served.slice(0, firstNew === -1 ? served.length : firstNew).every((m) => m === v1)).toBe(true);
    if (firstNew !== -1) expect(served.slice(firstNew).every((m) => m === result.modelVersion)).toBe(true);
  });

  it('a shard job of a worker killed mid-shard is retaken by another worker and the model is complete', async () => {
    fx = createFixture();
    // compute-1 only coordinates rebuilds; compute-2 only computes shards (so killing it kills shards, not the rebuild).
    const system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 0, env: { STALLED_INTERVAL_MS: String(STALL_MS) } });
    const coordinator = fx.procs.node('coordinator', AppScript.compute, { env: { ...system.env, COMPUTE_QUEUES: 'rebuild' } });
    const doomed = fx.procs.node('shards-1', AppScript.compute, { env: { ...system.env, COMPUTE_QUEUES: 'rebuild-shard' } });
    await Promise.all([coordinator, doomed].map((p) => p.waitForLine(READY_LINE.compute)));
    const v1 = await loadAndBuild(fx, system, syntheticDump({ ratings: 30_000, users: 800, movies: 700 }));

    const shardQueue = createQueue(QueueName.rebuildShard, { connection: fx.redis, keyPrefix: fx.prefix });
    const poller = new Poller(`${system.apiUrl}${API}/users/1/recommendations?k=5`);
    const jobId = await requestRebuildHttp(system, { k: 20, parts: 4 });
    await waitFor('a shard job to be running', async () => ((await shardQueue.getActiveCount()) > 0 ? true : undefined), 60_000, 5);
    await doomed.kill('SIGKILL');
    const rescuer = fx.procs.node('shards-2', AppScript.compute, { env: { ...system.env, COMPUTE_QUEUES: 'rebuild-shard' } });
    const job = await waitForJob(system, jobId, 120_000);
    const answers = await poller.stop();
    await shardQueue.close();

    expect(job.state, `${job.failedReason}\n${fx.procs.logs()}`).toBe('completed');
    const result = job.result as { modelVersion: string; shardWorkers: { pid: number }[] };
    expect(result.shardWorkers.map((w) => w.pid)).toContain(rescuer.pid);
    expect(await fx.models.currentVersion()).toBe(result.modelVersion);
    const stamps = await fx.redis.hkeys(fx.keys.modelTable(result.modelVersion, 'stamps'));
    expect(stamps.filter((s) => /^(similar|recs)#/.test(s)).sort()).toEqual(['recs#0', 'recs#1', 'recs#2', 'recs#3', 'similar#0', 'similar#1', 'similar#2', 'similar#3']);
    const meta = (await fx.models.meta(result.modelVersion))!;
    const factors = await fx.models.factors(result.modelVersion);
    for (const movieId of [factors.movieIds[0], factors.movieIds[factors.movieIds.length - 1]]) {
      expect((await fx.models.similar(result.modelVersion, movieId))?.length, `similar of ${movieId}`).toBeGreaterThan(0);
    }
    expect(meta.params.parts).toBe(4);
    // The rebuild could only complete because the shard the killed worker held was retaken
    // (a lost shard leaves its parent waiting for children forever).
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(answers.every((a) => a.model === v1 || a.model === result.modelVersion)).toBe(true);
  });
});
