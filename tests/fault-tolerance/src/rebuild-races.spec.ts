import { afterEach, describe, expect, it } from 'vitest';
import { createQueue, enqueueIngest, QueueName, requestRebuild, type IngestJobData, type IngestJobResult } from '@movielens/jobs';
import { createFixture, loadAndBuild, versionsInKeys, type Fixture } from './harness/fixture';
import { syntheticDump } from './harness/datasets';
import { startSystem, waitForJob, type System } from './harness/system';

describe('rebuild races and poison jobs', () => {
  let fx: Fixture;
  let system: System;
  afterEach(async () => fx.cleanup());

  it('two rebuilds requested at once give exactly one new, complete model version', async () => {
    fx = createFixture();
    system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 2 });
    const v1 = await loadAndBuild(fx, system, syntheticDump({ ratings: 15_000, users: 300, movies: 400 }));
    const queue = createQueue(QueueName.rebuild, { connection: fx.redis, keyPrefix: fx.prefix });
    // Two distinct jobs (no debounce), one per worker: only the rebuild lock keeps them apart.
    const params = { k: 16, parts: 4 };
    const jobs = await Promise.all([requestRebuild(queue, { trigger: 'cli', params }, { debounceMs: 0 }), requestRebuild(queue, { trigger: 'cli', params }, { debounceMs: 0 })]);
    const done = await Promise.all(jobs.map((j) => waitForJob(system, `rebuild:${j.id}`, 120_000)));
    await queue.close();

    expect(done.map((j) => j.state), fx.procs.logs()).toEqual(['completed', 'completed']);
    const results = done.map((j) => j.result as { modelVersion: string; noop: boolean });
    expect(results.filter((r) => !r.noop)).toHaveLength(1);
    expect(results[0].modelVersion).toBe(results[1].modelVersion);
    const v2 = results[0].modelVersion;
    expect(v2).not.toBe(v1);
    expect((await fx.models.listVersions()).map((v) => v.id).sort()).toEqual([v1, v2].sort());
    expect(await fx.models.currentVersion()).toBe(v2);
    // Every key belongs to a published version; nothing is staged; the new version's tables
    // were written by one build: one stamp per shard-job part of each table, no more.
    expect(await versionsInKeys(fx, 'm')).toEqual([v1, v2].sort());
    expect(await fx.redis.hlen(fx.keys.modelStaging())).toBe(0);
    const meta = (await fx.models.meta(v2))!;
    expect(meta.params.k).toBe(16);
    const stamps = await fx.redis.hkeys(fx.keys.modelTable(v2, 'stamps'));
    expect(stamps.filter((s) => s.startsWith('similar#')).sort()).toEqual(['similar#0', 'similar#1', 'similar#2', 'similar#3']);
    expect(stamps.filter((s) => s.startsWith('recs#')).sort()).toEqual(['recs#0', 'recs#1', 'recs#2', 'recs#3']);
  });

  it('poison jobs fail with a clear reason after bounded attempts, and later jobs still run', async () => {
    fx = createFixture();
    system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 1 });
    const ingestQueue = createQueue<IngestJobData, IngestJobResult>(QueueName.ingest, { connection: fx.redis, keyPrefix: fx.prefix });
    const rebuildQueue = createQueue(QueueName.rebuild, { connection: fx.redis, keyPrefix: fx.prefix });

    // A crafted ingest payload that fails validation: rejected at once, not retried.
    const badIngest = await ingestQueue.add('ingest', { uploadId: '../../etc/passwd', mode: 'replace', maxErrors: 0 }, { attempts: 3 });
    // An ingest of an upload that does not exist: bad input, also final at once.
    const missing = await enqueueIngest(ingestQueue, { uploadId: 'nosuchupload' });
    // A rebuild before any dataset exists (compute has nothing to factorize), and one with a payload compute cannot parse.
    const noData = await requestRebuild(rebuildQueue, { trigger: 'cli' }, { debounceMs: 0 });
    const badParams = await rebuildQueue.add('rebuild', { trigger: 'cli', params: { k: -3 } }, { attempts: 3, backoff: { type: 'fixed', delay: 100 } });

    const failedIngest = await waitForJob(system, `ingest:${badIngest.id}`);
    expect(failedIngest.state).toBe('failed');
    expect(failedIngest.failedReason).toMatch(/invalid ingest payload: uploadId/);
    expect(failedIngest.attemptsMade).toBe(1);
    const failedMissing = await waitForJob(system, `ingest:${missing.id}`);
    expect(failedMissing.state).toBe('failed');
    expect(failedMissing.failedReason).toMatch(/upload nosuchupload does not exist/);
    expect(failedMissing.attemptsMade).toBe(1);
    const failedNoData = await waitForJob(system, `rebuild:${noData.id}`);
    expect(failedNoData.state).toBe('failed');
    expect(failedNoData.failedReason).toMatch(/no dataset has been ingested yet/);
    expect(failedNoData.attemptsMade).toBe(1);
    const failedParams = await waitForJob(system, `rebuild:${badParams.id}`);
    expect(failedParams.state).toBe('failed');
    expect(failedParams.failedReason, JSON.stringify(failedParams)).toMatch(/^invalid rebuild payload: params\.k: Too small/);
    expect(failedParams.attemptsMade).toBe(1);

    // The workers are still alive and take the next jobs.
    const v = await loadAndBuild(fx, system, syntheticDump({ ratings: 8_000, users: 200, movies: 300 }));
    expect(await fx.models.currentVersion()).toBe(v);
    for (const p of fx.procs.all()) expect(p.running, p.tail()).toBe(true);
    await Promise.all([ingestQueue.close(), rebuildQueue.close()]);
  });
});
