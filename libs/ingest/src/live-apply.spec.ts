import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { bullPrefix, LIVE_APPLY_JOB, QueueName, requestLiveApply, type LiveApplyJobData, type LiveApplyResult } from '@movielens/jobs';
import { DatasetWriter, LiveRatings } from '@movielens/store';
import { testRedisUrl } from '@movielens/test-support';
import { ingestFiles, moviesDat, useTestRedis } from './ingest.fixtures';
import { commitStaged } from './ingest.pipeline';
import { stagingOwnerIsLive } from './ingest.processor';
import { runLiveApply } from './live-apply.pipeline';
import { createLiveApplyProcessor } from './live-apply.processor';
import { LivePolicy } from './live-policy';

const t = useTestRedis('live');

/** The ratings of a dataset version as sorted `user:movie=stars` strings. */
async function ratingsOf(ver: string): Promise<string[]> {
  const table = await t.datasets.loadRatings(ver);
  return Array.from({ length: table.length }, (_, i) => `${table.users[i]}:${table.movies[i]}=${table.ratings[i]}`).sort();
}

/** A base dataset: users 1, 2 over movies 1..20 (described), ML-1M scale. */
async function base(): Promise<string> {
  const report = await ingestFiles(t, { 'ratings.dat': '1::10::1::100\n1::11::2::101\n2::10::3::102\n', 'movies.dat': moviesDat(20) });
  return report.datasetVersion;
}

describe('runLiveApply', () => {
  it('makes a new version with the pending changes, its mark moved with it, and applies each once', async () => {
    const parent = await base();
    const live = new LiveRatings(t.redis, t.keys);
    await live.append(1, [{ movieId: 10, rating: 5, timestamp: 200 }]); // re-rating overwrites
    await live.append(2, [{ movieId: 10, rating: null }]); // delete removes
    const last = await live.append(3, [{ movieId: 12, rating: 4, timestamp: 300 }, { movieId: 13, rating: 2 }]); // a new user
    const result = await runLiveApply({ redis: t.redis, keys: t.keys, chunkSize: 2 }, { version: 'l1', owner: 'test:l1' });
    expect(result).toEqual({ datasetVersion: 'l1', created: true, entries: 3, changes: 4, skipped: 0, upTo: last.entry });
    expect(await t.datasets.currentVersion()).toBe('l1');
    // Expected by hand from the base rows and the four changes above.
    expect(await ratingsOf('l1')).toEqual(['1:10=5', '1:11=2', '3:12=4', '3:13=2']);
    const meta = (await t.datasets.meta('l1'))!;
    expect(meta).toMatchObject({ parent, live: { upTo: last.entry, applied: 4 }, counts: { ratings: 4, ratedUsers: 2 }, report: { mode: 'append', overwritten: 1 } });
    // Nothing pending: no version; a retry of the same job finds its version and deletes nothing.
    expect(await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l2', owner: 'test:l2' })).toMatchObject({ datasetVersion: 'l1', created: false, entries: 0 });
    expect(await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l1', owner: 'test:l1' })).toMatchObject({ datasetVersion: 'l1', created: false });
    expect(await ratingsOf('l1')).toEqual(['1:10=5', '1:11=2', '3:12=4', '3:13=2']);
    // Later changes go on top of l1 only.
    await live.append(1, [{ movieId: 11, rating: null }]);
    await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l3', owner: 'test:l3' });
    expect(await ratingsOf('l3')).toEqual(['1:10=5', '3:12=4', '3:13=2']);
    expect((await t.datasets.meta('l3'))!.live!.applied).toBe(5);
  });

  it('applies a long log in bounded versions: about maxChanges changes each, in log order', async () => {
    await base();
    const live = new LiveRatings(t.redis, t.keys);
    for (let i = 0; i < 2500; i++) await live.append(100 + (i % 50), [{ movieId: 1 + (i % 20), rating: 1 + (i % 5) }]);
    const first = await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l1', owner: 'test:l1', maxChanges: 1200 });
    expect(first).toMatchObject({ created: true, entries: 1200, changes: 1200 });
    const second = await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l2', owner: 'test:l2', maxChanges: 1200 });
    const third = await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l3', owner: 'test:l3', maxChanges: 1200 });
    expect([second.entries, third.entries]).toEqual([1200, 100]);
    expect((await t.datasets.meta('l3'))!.live!.applied).toBe(2500);
    // Pairs repeat every 100 entries (lcm of 50 users and 20 movies): each is rated 25 times; the last one (log order) wins.
    const last = new Map<string, number>();
    for (let i = 0; i < 2500; i++) last.set(`${100 + (i % 50)}:${1 + (i % 20)}`, 1 + (i % 5));
    const rows = (await ratingsOf('l3')).filter((r) => Number(r.split(':')[0]) >= 100);
    expect(rows).toEqual([...last].map(([pair, stars]) => `${pair}=${stars}`).sort());
  });

  it('after a replace upload, applies only what was pending, skipping changes the new dataset cannot take', async () => {
    await base();
    const live = new LiveRatings(t.redis, t.keys);
    await live.append(1, [{ movieId: 12, rating: 3 }]);
    await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l1', owner: 'test:l1' });
    await live.append(1, [{ movieId: 15, rating: 4 }, { movieId: 5, rating: 5 }]);
    // The replace keeps the mark of l1: movie 12's rating (applied) is gone with the old data, the pending ones stay pending.
    const replaced = await ingestFiles(t, { 'ratings.dat': '7::1::2::100\n', 'movies.dat': moviesDat(10) });
    expect((await t.datasets.meta(replaced.datasetVersion))!.live).toEqual((await t.datasets.meta('l1'))!.live);
    const result = await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l2', owner: 'test:l2' });
    // Movie 15 is not in the 10-movie replacement: skipped and counted.
    expect(result).toMatchObject({ created: true, changes: 2, skipped: 1 });
    expect(await ratingsOf('l2')).toEqual(['1:5=5', '7:1=2']);
  });
});

describe('the apply-live job', () => {
  it('makes the version of its job id and asks for one debounced rebuild of it, as an upload does; its retry asks again without a second version', async () => {
    await base();
    await new LiveRatings(t.redis, t.keys).append(1, [{ movieId: 12, rating: 3 }]);
    const connection = { url: testRedisUrl() };
    const ingestQueue = new Queue<LiveApplyJobData, LiveApplyResult>(QueueName.ingest, { connection, prefix: bullPrefix(t.prefix) });
    const rebuildQueue = new Queue(QueueName.rebuild, { connection, prefix: bullPrefix(t.prefix) });
    try {
      const job = await requestLiveApply(ingestQueue, { trigger: 'manual', pending: 1 });
      const process = createLiveApplyProcessor({ redis: t.redis, keys: t.keys, rebuildQueue, rebuildDebounceMs: 60_000 });
      const result = await process(job);
      expect(result).toMatchObject({ created: true, changes: 1 });
      const again = await process(job);
      expect(again).toMatchObject({ created: false, datasetVersion: result.datasetVersion });
      const rebuilds = await rebuildQueue.getJobs(['delayed', 'waiting']);
      expect(rebuilds.map((j) => j.data)).toEqual([{ trigger: 'ingest', datasetVersion: result.datasetVersion, params: {} }]);
    } finally {
      await ingestQueue.obliterate({ force: true });
      await rebuildQueue.obliterate({ force: true });
      await Promise.all([ingestQueue.close(), rebuildQueue.close()]);
    }
  });
});

describe('runIngest retried after its pointer switch', () => {
  it('reports the version it made instead of sweeping it as a leftover', async () => {
    const first = await ingestFiles(t, { 'ratings.dat': '1::10::1::100\n' }, { version: 'up1', owner: 'test:up1' });
    const retry = await ingestFiles(t, { 'ratings.dat': '1::10::1::100\n2::11::3::101\n' }, { version: 'up1', owner: 'test:up1' });
    expect(retry).toEqual(first);
    expect(await t.datasets.currentVersion()).toBe('up1');
    expect(await ratingsOf('up1')).toEqual(['1:10=1']);
  });
});

describe('staged versions left by a job that died', () => {
  it('a committed version whose process died before unregistering it is unregistered by its retry, its keys kept', async () => {
    await base();
    await new LiveRatings(t.redis, t.keys).append(1, [{ movieId: 12, rating: 3 }]);
    await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l1', owner: 'live:1' });
    // The crash: switched and listed, the staging record still there.
    await new DatasetWriter(t.redis, t.keys).begin('l1', { owner: 'live:1', chunkBound: 1, startedAt: Date.now() });
    const retry = await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l1', owner: 'live:1' });
    expect(retry).toMatchObject({ created: false, datasetVersion: 'l1' });
    expect(await t.redis.hlen(t.keys.datasetStaging())).toBe(0);
    expect(await ratingsOf('l1')).toEqual(['1:10=1', '1:11=2', '1:12=3', '2:10=3']);
  });

  it("sweeps a version staged by a job that has ended at once, and keeps one whose job may still run", async () => {
    const parent = await base();
    const connection = { url: testRedisUrl() };
    const ingestQueue = new Queue<LiveApplyJobData, LiveApplyResult>(QueueName.ingest, { connection, prefix: bullPrefix(t.prefix) });
    try {
      const waiting = await requestLiveApply(ingestQueue, { trigger: 'manual', pending: 1 });
      const writer = new DatasetWriter(t.redis, t.keys, 1000);
      // Both staged just now (far from stale), with a chunk written: one by the waiting job, one by a job that is gone.
      const ratings = await t.datasets.loadRatings(parent);
      for (const [ver, owner] of [['dead', 'live:no-such-job'], ['alive', `live:${waiting.id}`]]) {
        await writer.begin(ver, { owner, chunkBound: 1, startedAt: Date.now() });
        await writer.writeRatings(ver, ratings);
      }
      // And the committed current version with a record left by a job that died after switching to it: its keys are the dataset.
      await writer.begin(parent, { owner: 'live:no-such-job', chunkBound: 1, startedAt: Date.now() });
      await new LiveRatings(t.redis, t.keys).append(1, [{ movieId: 12, rating: 3 }]);
      const ownerIsLive = stagingOwnerIsLive(ingestQueue);
      expect(await ownerIsLive('live:no-such-job')).toBe(false);
      expect(await ownerIsLive(`live:${waiting.id}`)).toBe(true);
      await runLiveApply({ redis: t.redis, keys: t.keys, ownerIsLive }, { version: 'l1', owner: 'live:other' });
      expect([...(await writer.staging()).keys()]).toEqual(['alive']);
      expect(await t.redis.exists(t.keys.datasetRatingsChunk('dead', 0), t.keys.datasetRatingsChunk('alive', 0))).toBe(1);
      expect(await ratingsOf(parent)).toEqual(['1:10=1', '1:11=2', '2:10=3']);
      expect(await ratingsOf('l1')).toEqual(['1:10=1', '1:11=2', '1:12=3', '2:10=3']);
      // Without the queue (the default), only stale versions of other owners are swept.
      await writer.begin('dead', { owner: 'live:no-such-job', chunkBound: 1, startedAt: Date.now() });
      await new LiveRatings(t.redis, t.keys).append(1, [{ movieId: 13, rating: 4 }]);
      await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l2', owner: 'live:other2' });
      expect([...(await writer.staging()).keys()].sort()).toEqual(['alive', 'dead']);
    } finally {
      await ingestQueue.obliterate({ force: true });
      await ingestQueue.close();
    }
  });

  it('an attempt whose staged version was swept meanwhile does not switch to it', async () => {
    const parent = await base();
    const writer = new DatasetWriter(t.redis, t.keys, 1000);
    await writer.begin('z1', { owner: 'live:z', chunkBound: 0, startedAt: Date.now() });
    await writer.discard('z1'); // another job swept it
    await expect(commitStaged(writer, { version: 'z1', owner: 'live:z' }, parent, Date.now())).rejects.toThrow(/no longer registered to live:z \(swept\)/);
    await writer.begin('z1', { owner: 'live:y', chunkBound: 0, startedAt: Date.now() });
    await expect(commitStaged(writer, { version: 'z1', owner: 'live:z' }, parent, Date.now())).rejects.toThrow(/now live:y/);
    expect(await t.datasets.currentVersion()).toBe(parent);
  });
});

describe('LivePolicy', () => {
  it('asks for one apply once the pending count or the oldest age crosses its threshold, and trims the log', async () => {
    await base();
    const live = new LiveRatings(t.redis, t.keys);
    const queue = new Queue(QueueName.ingest, { connection: { url: testRedisUrl() }, prefix: bullPrefix(t.prefix) });
    try {
      let now = Date.now();
      const policy = new LivePolicy({ redis: t.redis, keys: t.keys, queue, count: 3, ageMs: 60_000, now: () => now });
      const first = await live.append(1, [{ movieId: 12, rating: 3 }, { movieId: 13, rating: 3 }]);
      expect(await policy.check()).toEqual({ pending: 2, trigger: null, trimmed: 0 });
      now = Number(first.entry.split('-')[0]) + 60_000;
      expect((await policy.check()).trigger).toBe('age');
      await live.append(1, [{ movieId: 14, rating: 3 }]);
      now = Date.now();
      expect(await policy.check()).toMatchObject({ pending: 3, trigger: 'count' });
      // Deduplicated: asked twice, one job waits.
      expect((await queue.getJobs(['waiting'])).filter((j) => j.name === LIVE_APPLY_JOB)).toHaveLength(1);
      // Applied, and served (a model set on the new version): the log is trimmed of both entries.
      const applied = await runLiveApply({ redis: t.redis, keys: t.keys }, { version: 'l1', owner: 'test:l1' });
      const set = { id: 'm1', datasetVersion: applied.datasetVersion, params: {}, timings: {}, singularValues: [], explainedVariance: 0, counts: { users: 0, movies: 0, ratings: 0 }, shards: 1, k: 0, host: 'h', createdAt: 1, publishedAt: 1, tables: {}, analytics: [] };
      await t.redis.set(t.keys.modelMeta('m1'), JSON.stringify(set));
      await t.redis.set(t.keys.modelCurrent(), 'm1');
      expect(await policy.check()).toEqual({ pending: 0, trigger: null, trimmed: 2 });
      expect(await t.redis.xlen(t.keys.liveLog())).toBe(0);
      expect(await t.redis.exists(t.keys.liveUser(1))).toBe(0);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
