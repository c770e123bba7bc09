import { afterEach, describe, expect, it } from 'vitest';
import { createQueue, enqueueIngest, QueueName, requestRebuild, type IngestJobData, type IngestJobResult } from '@movielens/jobs';
import { createFixture, loadAndBuild, versionsInKeys, type Fixture } from './harness/fixture';
import { listedVersions, logRecord } from './harness/builds';
import { syntheticDump } from './harness/datasets';
import { rebuildResultOf, startSystem, upload, waitForJob, type System } from './harness/system';

describe('rebuild races and poison jobs', () => {
  let fx: Fixture;
  let system: System;
  afterEach(async () => fx.cleanup());

  it('two rebuilds requested at once on new data build each kind once: one new, complete version of every kind', async () => {
    fx = createFixture();
    system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 2 });
    const v1 = await loadAndBuild(fx, system, syntheticDump({ ratings: 15_000, users: 300, movies: 400 }));
    const before = (await fx.models.meta(v1))!.kinds!;
    const queue = createQueue(QueueName.rebuild, { connection: fx.redis, keyPrefix: fx.prefix });
    // New data, so that every kind is stale. Its own (debounced) rebuild is withdrawn while the
    // queue is paused: exactly the two requests below race.
    await queue.pause();
    const ingest = await waitForJob(system, await upload(system, syntheticDump({ ratings: 16_000, users: 300, movies: 400, seed: 8 }).files));
    expect(ingest.state, ingest.failedReason ?? '').toBe('completed');
    await queue.drain(true);
    const dataset = (await fx.datasets.currentVersion())!;
    // Two distinct jobs (no debounce), one per worker: only the kind locks keep their kind jobs apart.
    const params = { k: 16, parts: 4 };
    const requestedAt = Date.now();
    const jobs = await Promise.all([requestRebuild(queue, { trigger: 'cli', params }, { debounceMs: 0 }), requestRebuild(queue, { trigger: 'cli', params }, { debounceMs: 0 })]);
    await queue.resume();
    const done = await Promise.all(jobs.map((j) => waitForJob(system, `rebuild:${j.id}`, 120_000)));
    await queue.close();

    expect(done.map((j) => j.state), fx.procs.logs()).toEqual(['completed', 'completed']);
    const results = done.map(rebuildResultOf);
    const current = (await fx.models.currentVersion())!;
    const served = (await fx.models.meta(current))!;
    expect(results.map((r) => r.modelVersion)).toContain(current);
    expect(served.datasetVersion).toBe(dataset);
    expect(served.params.k).toBe(16);
    for (const kind of ['svd', 'analytics', 'mf']) {
      // One of the two built it; the other, if it planned the kind too, found it built (`current`).
      const outcomes = results.map((r) => r.kinds[kind]).filter((o) => o !== undefined);
      expect(outcomes.map((o) => o.outcome).sort(), kind).toEqual(outcomes.length === 2 ? ['current', 'published'] : ['published']);
      const built = outcomes.find((o) => o.outcome === 'published')!;
      expect(outcomes.every((o) => o.version === built.version), kind).toBe(true);
      expect(built.version).not.toBe(before[kind].version);
      expect(served.kinds![kind]).toMatchObject({ version: built.version, datasetVersion: dataset });
      // Trained once: one start line across both workers, and no other new version of the kind listed.
      const starts = fx.procs.all().flatMap((p) => p.lines.map(logRecord).filter((r) => r?.msg === `kind ${kind} training` && (r.time ?? 0) >= requestedAt));
      expect(starts.map((r) => r?.version), kind).toEqual([built.version]);
      const listed = await fx.redis.zrange(fx.keys.modelKindVersions(kind), 0, -1);
      expect(listed.filter((v) => v !== before[kind].version), kind).toEqual([built.version]);
    }
    // Every key belongs to a listed version; nothing is staged; the svd version's tables were
    // written by one build: one stamp per row part of each table, no more.
    const withKeys = await versionsInKeys(fx, 'm');
    expect(withKeys).toEqual(await listedVersions(fx.redis, fx.keys, withKeys));
    expect(await fx.redis.hlen(fx.keys.modelStaging())).toBe(0);
    const stamps = await fx.redis.hkeys(fx.keys.modelTable(served.kinds!.svd.version, 'stamps'));
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
