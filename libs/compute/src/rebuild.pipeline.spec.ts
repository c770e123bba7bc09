import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueEvents, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullPrefix, QueueName, requestRebuild } from '@movielens/jobs';
import { DatasetStore, KeySchema, ModelStore, ModelTable } from '@movielens/store';
import { bullConnection, openRebuildHarness, type RebuildHarness, seedDataset, startInProcessWorkers, syntheticDataset } from '../test/fixtures';
import type { RebuildResult } from './processors/rebuild.processor';
import type { KindProgress, RebuildProgress } from './rebuild-progress';
import { defaultKinds } from './kinds/registry';
import { buildRatingMatrix, buildUserSequences, encodeMf, LstmPredictor, movieVectors, recommendUsers, topKSimilar, trainLstm, trainMf, truncatedSvd } from '@movielens/core';
import type { ComputeWorkers } from './compute-workers';

let h: RebuildHarness;
let redis: Redis;
let connection: Redis;
let prefix: string;
let keys: KeySchema;
let models: ModelStore;
let queue: Queue;
let events: QueueEvents;
let workers: ComputeWorkers;

beforeEach(async () => {
  h = await openRebuildHarness('compute');
  ({ redis, connection, prefix, keys, models, queue, events } = h);
  workers = await startInProcessWorkers(redis, connection, prefix);
});

afterEach(async () => {
  await workers.close();
  await h.close();
});

/** Requests a rebuild and waits for its result. */
const rebuild = (params: Record<string, number | boolean> = {}): Promise<RebuildResult & { modelVersion: string }> => h.rebuild(params) as Promise<RebuildResult & { modelVersion: string }>;

/** The key of table `table` of the served set `ver`: under the kind version that wrote it. */
async function tableKey(ver: string, table: string): Promise<string> {
  const home = await models.homeOf(ver, table);
  return keys.modelTable(home!.version, table);
}

describe('rebuild pipeline', () => {
  it('publishes a version whose similar lists and recommendations equal the direct computation', async () => {
    const data = syntheticDataset();
    await seedDataset(redis, keys, 'd1', data);
    const reports: RebuildProgress[] = [];
    events.on('progress', ({ data: p }) => reports.push(p as RebuildProgress));
    const result = await rebuild({ k: 5, topK: 10, recsN: 8, parts: 3, shards: 4 });

    expect(result.noop).toBe(false);
    expect(await models.currentVersion()).toBe(result.modelVersion);
    // Never backwards; every planned kind reported; publish 100 last. The row stages advance as
    // row jobs finish (3 parts: 33 and 66 on the way, unless two finish before one report).
    for (let i = 1; i < reports.length; i++) expect(reports[i].percent, JSON.stringify(reports)).toBeGreaterThanOrEqual(reports[i - 1].percent);
    expect(reports.at(-1)).toMatchObject({ stage: 'publish', percent: 100 });
    expect(Object.keys(reports.at(-1)!.kinds).sort()).toEqual(['analytics', 'ease', 'ials', 'mf', 'rp3beta', 'selection', 'similarusers', 'svd']);
    for (const p of reports) expect(defaultKinds.stages).toContain(p.stage);
    const between = reports.filter((p) => (p.kinds.svd?.stage === 'similarity' || p.kinds.svd?.stage === 'recommendations'));
    expect(between.length, JSON.stringify(reports)).toBeGreaterThan(0);
    expect(result.kinds.svd).toMatchObject({ kind: 'svd', outcome: expect.stringMatching(/^(published|waiting)$/) });

    // Reference: the core functions on the same ratings, whole matrix at once, no sharding.
    const m = buildRatingMatrix(data.ratings);
    const f = truncatedSvd(m.matrix, { k: 5, seed: 42 });
    const sim = topKSimilar(movieVectors(f.V, f.S, f.k), { k: 10 });
    for (let r = 0; r < m.movieIds.length; r++) {
      const got = await models.similar(result.modelVersion, m.movieIds[r]);
      const want = [...sim.neighbours.subarray(r * 10, r * 10 + 10)].map((i) => m.movieIds[i]);
      expect(got!.map((s) => s.movieId)).toEqual(want);
      // Scores are stored as Float32: 1e-6 relative is float32 rounding (2^-24 ~ 6e-8) with margin.
      got!.forEach((s, i) => expect(s.score).toBeCloseTo(sim.scores[r * 10 + i], 6));
    }
    const recs = recommendUsers(f, m, { n: 8 });
    for (let u = 0; u < m.userIds.length; u++) {
      const got = await models.recommendations(result.modelVersion, m.userIds[u]);
      expect(got!.map((s) => s.movieId)).toEqual([...recs.movies.subarray(u * 8, u * 8 + 8)].map((i) => m.movieIds[i]));
      got!.forEach((s, i) => expect(s.score).toBeCloseTo(recs.scores[u * 8 + i], 5));
    }
    expect(await models.similar(result.modelVersion, 1)).toBeNull();
    expect(await models.recommendations(result.modelVersion, 10_000)).toBeNull();

    const meta = (await models.meta(result.modelVersion))!;
    expect(meta.datasetVersion).toBe('d1');
    expect(meta.counts).toEqual({ users: 90, movies: 60, ratings: data.ratings.length });
    expect(meta.k).toBe(5);
    expect(meta.singularValues).toHaveLength(5);
    expect(meta.singularValues[0]).toBeCloseTo(f.S[0], 9);
    expect(meta.explainedVariance).toBeGreaterThan(0);
    expect(meta.shards).toBe(4);
    expect(meta.params).toMatchObject({ k: 5, topK: 10, recsN: 8, parts: 3, shards: 4, seed: 42 });
    for (const stage of ['load', 'matrix', 'svd', 'analytics', 'rows', 'similarity', 'recommendations', 'total']) expect(meta.timings[stage]).toBeGreaterThanOrEqual(0);
    expect(Object.keys(meta.kinds!).sort()).toEqual(['analytics', 'ease', 'ials', 'mf', 'rp3beta', 'selection', 'similarusers', 'svd']);
    for (const ref of Object.values(meta.kinds!)) expect(ref.datasetVersion).toBe('d1');
    for (const table of ['factors', 'users', 'movie-stats', 'similar', 'recs']) expect(meta.tables[table].digest).toMatch(/^[0-9a-f]{40}$/);
    expect(Object.keys(meta.tables).some((t) => t.startsWith('staging'))).toBe(false);
    expect(meta.host).toBeTruthy();
    const factors = await models.factors(result.modelVersion);
    expect(factors.V).toHaveLength(60 * 5);
    expect((await models.movieStats(result.modelVersion)).movieIds).toHaveLength(60);
  });

  it('stores the MF model trained by core trainMf on the loaded ratings (same seed, samples and implicit terms), decoded by ModelStore.mf', async () => {
    await seedDataset(redis, keys, 'd1');
    const result = await rebuild({ k: 4, parts: 2, mfSamples: 6, mfImplicit: false, seed: 9 });
    const meta = (await models.meta(result.modelVersion))!;
    expect(meta.params).toMatchObject({ mf: true, mfSamples: 6, mfImplicit: false });
    expect(meta.timings.mf).toBeGreaterThan(0);
    expect(meta.tables[ModelTable.mf].digest).toMatch(/^[0-9a-f]{40}$/);
    // Reference: the same training in this thread on the ratings the build loaded. Gibbs
    // sampling is deterministic for a seed, so the encoded bytes must be identical.
    const ratings = await new DatasetStore(redis, keys).loadRatings('d1');
    const want = encodeMf(trainMf(ratings, { burnIn: 20, samples: 6, implicit: 'none', seed: 9 }));
    const stored = await redis.getBuffer(await tableKey(result.modelVersion, ModelTable.mf));
    expect(stored!.equals(Buffer.from(want))).toBe(true);
    const model = (await models.mf(result.modelVersion))!;
    expect(model.factors).toBe(10 * 6);
    expect(model.userIds).toHaveLength(90);
  });

  it('stores the next-movie LSTM trained by core trainLstm (one thread, same seed) when built with lstm: true', async () => {
    await seedDataset(redis, keys, 'd1');
    const result = await rebuild({ k: 4, parts: 2, mf: false, lstm: true, lstmEpochs: 1, lstmThreads: 1, seed: 5 });
    const meta = (await models.meta(result.modelVersion))!;
    expect(meta.timings.lstm).toBeGreaterThan(0);
    const ratings = await new DatasetStore(redis, keys).loadRatings('d1');
    // Single-threaded training is bit-reproducible for a seed (core sequence/train.ts).
    const want = await trainLstm(ratings, { epochs: 1, seed: 5, threads: 1 });
    const got = (await models.lstm(result.modelVersion))!;
    expect(got.shape).toEqual(want.shape);
    expect(got.movieIds).toEqual(want.movieIds);
    expect(got.weights).toEqual(want.weights);

    // Per-user states: the hidden state after the whole time-ordered history, and that history.
    expect(meta.tables['lstm-state'].bytes).toBeGreaterThan(0);
    expect(meta.timings.lstmStates).toBeGreaterThan(0);
    const seqs = buildUserSequences(ratings);
    const predictor = new LstmPredictor(got);
    const expected = new Float32Array(got.shape.hidden);
    for (let u = 0; u < seqs.userIds.length; u++) {
      const state = (await models.lstmState(result.modelVersion, seqs.userIds[u]))!;
      expect([...state.history]).toEqual([...seqs.items.subarray(seqs.offsets[u], seqs.offsets[u + 1])]);
      predictor.hiddenAfter(seqs.items, seqs.offsets[u], seqs.offsets[u + 1], expected, 0, seqs.levels);
      // The same float32 forward code on the same weights: equal bit for bit.
      expect(state.hidden).toEqual(expected);
    }
    expect(await models.lstmState(result.modelVersion, 10_000)).toBeNull();
  });

  it('trains the LSTM on lstmThreads worker threads started from the compute thread, reporting each epoch', async () => {
    await seedDataset(redis, keys, 'd1');
    const lstm: number[] = [];
    const shard = new QueueEvents(QueueName.rebuildShard, { connection: bullConnection(), prefix: bullPrefix(prefix) });
    await shard.waitUntilReady();
    // The lstm kind's own job reports its stage: 0..100 over its one stage.
    shard.on('progress', ({ data: p }) => (p as KindProgress).stage === 'lstm' && lstm.push((p as KindProgress).percent));
    const result = await rebuild({ k: 4, parts: 2, mf: false, lstm: true, lstmEpochs: 3, lstmThreads: 2, seed: 5 });
    const meta = (await models.meta(result.modelVersion))!;
    expect(meta.params).toMatchObject({ lstmThreads: 2, lstmEpochs: 3 });
    // Training is 0..90% of the stage, one step per epoch, then the user states.
    expect(lstm).toEqual([0, 30, 60, 90, 100]);
    await shard.close();
    const got = (await models.lstm(result.modelVersion))!;
    const ratings = await new DatasetStore(redis, keys).loadRatings('d1');
    const oneThread = await trainLstm(ratings, { epochs: 3, seed: 5, threads: 1 });
    expect(got.shape).toEqual(oneThread.shape);
    expect(got.weights.every(Number.isFinite)).toBe(true);
    // Two Hogwild threads (seeds seed+1 and seed+2) cannot reproduce the one-thread weights:
    // equal weights would mean the build trained on one thread.
    expect(got.weights).not.toEqual(oneThread.weights);
  });

  it('records the wall time of each row table (first row job start to last end) within the rows stage', async () => {
    await seedDataset(redis, keys, 'd1');
    const result = await rebuild({ k: 4, parts: 3, mf: false });
    for (const t of ['similarity', 'recommendations']) {
      expect(result.timings[t]).toBeGreaterThan(0);
      expect(result.timings[t]).toBeLessThanOrEqual(result.timings.rows + 50);
    }
  });

  it('stores no MF model when built with mf: false', async () => {
    await seedDataset(redis, keys, 'd1');
    const result = await rebuild({ k: 4, parts: 2, mf: false });
    const meta = (await models.meta(result.modelVersion))!;
    expect(meta.timings.mf).toBeUndefined();
    expect(meta.tables[ModelTable.mf]).toBeUndefined();
    expect(await models.mf(result.modelVersion)).toBeNull();
    expect(await models.lstm(result.modelVersion)).toBeNull();
    expect(await models.lstmState(result.modelVersion, 1)).toBeNull();
  });

  it('is a no-op when the current model already has this dataset and these params', async () => {
    await seedDataset(redis, keys, 'd1');
    // Without model selection: its follow-up (tuned parameters) would retrain kinds meanwhile.
    const first = await rebuild({ k: 4, parts: 2, selection: false });
    const sets = (await models.listVersions()).map((v) => v.id);
    const second = await rebuild({ k: 4, parts: 2, selection: false });
    expect(second).toMatchObject({ noop: true, modelVersion: first.modelVersion });
    expect((await models.listVersions()).map((v) => v.id)).toEqual(sets);
  });

  it('fails without retry and with a clear message when no dataset was ingested', async () => {
    const job = await requestRebuild(queue, { trigger: 'cli' }, { debounceMs: 0 });
    await expect(job.waitUntilFinished(events, 60_000)).rejects.toThrow(/no dataset has been ingested/);
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(await models.currentVersion()).toBeNull();
  });
});
