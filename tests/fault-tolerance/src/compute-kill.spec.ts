import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, loadAndBuild, versionsInKeys, type Fixture } from './harness/fixture';
import { kindTrainingStarted, listedVersions, loggedAbout } from './harness/builds';
import { syntheticDump } from './harness/datasets';
import { Poller, type PolledAnswer } from './harness/poller';
import { createQueue, QueueName, ShardJobName } from '@movielens/jobs';
import { AppScript, READY_LINE } from './harness/processes';
import { API, rebuildResultOf, requestRebuildHttp, startSystem, waitFor, waitForJob } from './harness/system';

/** Lock duration and stall check of the workers in this test, ms (production default 30,000). */
const STALL_MS = 3000;

/**
 * What the API served during a rebuild that replaced only the svd kind: the old set with the old
 * svd kind version until the switch, then only the new set with the new one (never a mix, never back).
 */
function expectOneSwitch(answers: readonly PolledAnswer[], before: { set: string; svd: string }, after: { set: string; svd: string }): void {
  const firstNew = answers.findIndex((a) => a.model === after.set);
  const old = answers.slice(0, firstNew === -1 ? answers.length : firstNew);
  expect(old.every((a) => a.model === before.set && a.source === before.svd), JSON.stringify(old.find((a) => a.model !== before.set || a.source !== before.svd))).toBe(true);
  if (firstNew !== -1) {
    const switched = answers.slice(firstNew);
    expect(switched.every((a) => a.model === after.set && a.source === after.svd), JSON.stringify(switched.find((a) => a.model !== after.set || a.source !== after.svd))).toBe(true);
  }
}

describe('kill -9 of a compute worker during a rebuild', () => {
  let fx: Fixture;
  afterEach(async () => fx.cleanup());

  it('another worker takes the svd kind job over, trains and publishes it; the API serves the previous set throughout without a failed request', async () => {
    fx = createFixture();
    const system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 2, env: { STALLED_INTERVAL_MS: String(STALL_MS) } });
    const dump = syntheticDump({ ratings: 30_000, users: 500, movies: 700 });
    const v1 = await loadAndBuild(fx, system, dump);
    const svd1 = (await fx.models.meta(v1))!.kinds!.svd.version;

    const poller = new Poller(`${system.apiUrl}${API}/movies/1/similar?k=5`);
    const requestedAt = Date.now();
    const jobId = await requestRebuildHttp(system, { k: 24 });
    // Killed while it trains the svd kind: after its start line, before its row jobs exist.
    const { process: holder, version: killed } = await kindTrainingStarted(system.compute, 'svd', requestedAt);
    await holder.kill('SIGKILL');
    const survivor = system.compute.find((c) => c !== holder)!;

    const job = await waitForJob(system, jobId, 120_000);
    const answers = await poller.stop();

    expect(job.state, `${job.failedReason}\n${fx.procs.logs()}`).toBe('completed');
    expect(loggedAbout(holder, 'row jobs added', killed), 'the kill landed after the training').toBe(false);
    const result = rebuildResultOf(job);
    expect(result.noop).toBe(false);
    // `k` is the svd kind's parameter: the other kinds were up to date, so one set was published.
    expect(Object.keys(result.kinds)).toEqual(['svd']);
    const svd = result.kinds.svd;
    expect(svd.outcome).toBe('published');
    expect([svd1, killed]).not.toContain(svd.version);
    // The survivor took the kind job over: trained it again, ran every row job, published it.
    expect(svd.pid).toBe(survivor.pid);
    expect(svd.workers.map((w) => w.pid)).toEqual([survivor.pid]);
    expect(result.shardWorkers.map((w) => w.pid)).toEqual([survivor.pid]);
    expect(loggedAbout(survivor, 'kind svd published', svd.version), survivor.tail()).toBe(true);
    expect(result.modelVersion).not.toBe(v1);
    expect(await fx.models.currentVersion()).toBe(result.modelVersion);
    const meta = (await fx.models.meta(result.modelVersion!))!;
    expect(meta.kinds!.svd.version).toBe(svd.version);
    expect(meta.params.k).toBe(24);
    // The version the killed worker had begun was swept by the survivor: nothing is staged, and
    // every model key belongs to a listed set or kind version.
    expect(survivor.lines.some((l) => l.includes('swept abandoned builds') && l.includes(killed)), survivor.tail()).toBe(true);
    expect(await fx.redis.hlen(fx.keys.modelStaging())).toBe(0);
    const withKeys = await versionsInKeys(fx, 'm');
    expect(withKeys).not.toContain(killed);
    expect(withKeys).toEqual(await listedVersions(fx.redis, fx.keys, withKeys));

    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((a) => a.status !== 200), JSON.stringify(answers.filter((a) => a.status !== 200).slice(0, 3))).toEqual([]);
    expectOneSwitch(answers, { set: v1, svd: svd1 }, { set: result.modelVersion!, svd: svd.version });
  });

  it('a row job of a worker killed mid-row is retaken by another worker and the svd kind version is complete', async () => {
    fx = createFixture();
    // The coordinator only orchestrates rebuilds; rows-1 takes the kind and row jobs (so killing it
    // kills row jobs, not the orchestrator).
    const system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 0, env: { STALLED_INTERVAL_MS: String(STALL_MS) } });
    const coordinator = fx.procs.node('coordinator', AppScript.compute, { env: { ...system.env, COMPUTE_QUEUES: 'rebuild' } });
    const doomed = fx.procs.node('rows-1', AppScript.compute, { env: { ...system.env, COMPUTE_QUEUES: 'rebuild-shard' } });
    await Promise.all([coordinator, doomed].map((p) => p.waitForLine(READY_LINE.compute)));
    const v1 = await loadAndBuild(fx, system, syntheticDump({ ratings: 30_000, users: 800, movies: 700 }));
    const svd1 = (await fx.models.meta(v1))!.kinds!.svd.version;

    const shardQueue = createQueue(QueueName.rebuildShard, { connection: fx.redis, keyPrefix: fx.prefix });
    // The svd kind's stored lists by name: without `algorithm` the set's selected kind answers (model selection).
    const poller = new Poller(`${system.apiUrl}${API}/users/1/recommendations?k=5&algorithm=puresvd`);
    const jobId = await requestRebuildHttp(system, { k: 20, parts: 4 });
    const running = await waitFor('a row job to be running', async () => (await shardQueue.getActive()).find((j) => j.name === ShardJobName.rows), 60_000, 5);
    await doomed.kill('SIGKILL');
    const rescuer = fx.procs.node('rows-2', AppScript.compute, { env: { ...system.env, COMPUTE_QUEUES: 'rebuild-shard' } });
    const job = await waitForJob(system, jobId, 120_000);
    const answers = await poller.stop();
    await shardQueue.close();

    expect(job.state, `${job.failedReason}\n${fx.procs.logs()}`).toBe('completed');
    const result = rebuildResultOf(job);
    expect(Object.keys(result.kinds)).toEqual(['svd']);
    const svd = result.kinds.svd;
    expect(svd.outcome).toBe('published');
    // The row job the killed worker held was run again by the rescuer, which then finished the kind job.
    expect(svd.workers.map((w) => w.pid)).toContain(rescuer.pid);
    expect(svd.pid).toBe(rescuer.pid);
    expect(result.shardWorkers.map((w) => w.pid)).toContain(rescuer.pid);
    expect(await fx.models.currentVersion()).toBe(result.modelVersion);
    const meta = (await fx.models.meta(result.modelVersion!))!;
    // The sharded tables live under the svd kind version, with one stamp per row part, all present.
    expect(meta.tableHomes!.similar.version).toBe(svd.version);
    expect(meta.tableHomes!.recs.version).toBe(svd.version);
    expect((running.data as { modelVersion?: string }).modelVersion).toBe(svd.version);
    const stamps = await fx.redis.hkeys(fx.keys.modelTable(svd.version, 'stamps'));
    expect(stamps.filter((s) => /^(similar|recs)#/.test(s)).sort()).toEqual(['recs#0', 'recs#1', 'recs#2', 'recs#3', 'similar#0', 'similar#1', 'similar#2', 'similar#3']);
    const factors = await fx.models.factors(result.modelVersion!);
    for (const movieId of [factors.movieIds[0], factors.movieIds[factors.movieIds.length - 1]]) {
      expect((await fx.models.similar(result.modelVersion!, movieId))?.length, `similar of ${movieId}`).toBeGreaterThan(0);
    }
    expect(meta.params.parts).toBe(4);
    expect((await fx.models.kindMeta(svd.version))?.params.parts).toBe(4);
    // The rebuild could only complete because the row job the killed worker held was retaken
    // (a lost row job leaves its kind job waiting for children forever).
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expectOneSwitch(answers, { set: v1, svd: svd1 }, { set: result.modelVersion!, svd: svd.version });
  });
});
