import { afterEach, describe, expect, it } from 'vitest';
import { createQueue, QueueName, ShardJobName } from '@movielens/jobs';
import { ModelTable, unpackColumns } from '@movielens/store';
import { createFixture, loadAndBuild, type Fixture } from './harness/fixture';
import { kindTrainingStarted, loggedAbout, logRecord, waitForBuildsIdle } from './harness/builds';
import { syntheticDump } from './harness/datasets';
import { rebuildResultOf, requestRebuildHttp, startSystem, waitFor, waitForJob } from './harness/system';

/** Lock duration and stall check of the workers in this test, ms (production default 30,000). */
const STALL_MS = 3000;

describe('kill -9 of a compute worker during the rounds of the ials kind', () => {
  let fx: Fixture;
  afterEach(async () => fx.cleanup());

  it('the other worker finishes the same kind version from the round it was in, without training it again', async () => {
    fx = createFixture();
    const system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 2, env: { STALLED_INTERVAL_MS: String(STALL_MS) } });
    await loadAndBuild(fx, system, syntheticDump({ ratings: 30_000, users: 500, movies: 700 }));

    const shardQueue = createQueue(QueueName.rebuildShard, { connection: fx.redis, keyPrefix: fx.prefix });
    const requestedAt = Date.now();
    // An ials parameter only: ials is the kind to build (20 rounds of row jobs at the defaults).
    const jobId = await requestRebuildHttp(system, { ialsReg: 41 });
    const { process: trainer, version } = await kindTrainingStarted(system.compute, 'ials', requestedAt);
    // Killed while round 2 or later runs: its state says which round, the row jobs of it are in flight.
    const round = await waitFor(
      'the ials kind job to be in round 2 or later',
      async () => {
        const jobs = await shardQueue.getJobs(['waiting-children', 'active', 'wait', 'prioritized']);
        const data = jobs.filter((j) => j.name === ShardJobName.kind).map((j) => j.data as { version?: string; trained?: { round?: number } });
        const r = data.find((d) => d.version === version)?.trained?.round;
        return r !== undefined && r >= 2 ? r : undefined;
      },
      60_000,
      20,
    );
    await trainer.kill('SIGKILL');
    const survivor = system.compute.find((c) => c !== trainer)!;

    const job = await waitForJob(system, jobId, 180_000);
    await shardQueue.close();
    expect(job.state, `${job.failedReason}\n${fx.procs.logs()}`).toBe('completed');
    const ials = rebuildResultOf(job).kinds.ials;
    // The version the killed worker began is the one published: resumed, not trained again.
    expect(ials).toMatchObject({ outcome: 'published', version });
    expect(loggedAbout(survivor, 'kind ials published', version), survivor.tail()).toBe(true);
    const trainingLines = [trainer, survivor].flatMap((p) => p.lines.map(logRecord)).filter((r) => r?.msg === 'kind ials training' && (r.time ?? 0) >= requestedAt);
    expect(trainingLines.map((r) => r!.version)).toEqual([version]);
    // The survivor added the later rounds' row jobs itself.
    const rounds = survivor.lines.map(logRecord).filter((r) => r?.msg === 'row jobs added' && r.version === version).map((r) => (r as { round?: number }).round ?? 0);
    expect(Math.max(...rounds)).toBeGreaterThan(round);
    expect(Math.max(...rounds)).toBe(19);
    // Nothing is left staged once every build ended, and the stored factors are whole.
    await waitForBuildsIdle(fx.redis, fx.prefix, 120_000);
    expect(await fx.redis.hlen(fx.keys.modelStaging())).toBe(0);
    const set = (await fx.models.currentVersion())!;
    const users = unpackColumns((await fx.models.table(set, ModelTable.ialsUsers))!);
    expect(users.userIds.length).toBeGreaterThan(0);
    expect(users.X.length).toBe(users.userIds.length * 64);
  });
});
