import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, loadAndBuild, versionsInKeys, type Fixture } from './harness/fixture';
import { syntheticDump } from './harness/datasets';
import { Poller } from './harness/poller';
import { API, requestRebuildHttp, startSystem, waitForJob } from './harness/system';

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
});
