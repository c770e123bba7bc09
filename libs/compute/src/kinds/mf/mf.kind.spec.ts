import { afterEach, describe, expect, it } from 'vitest';
import { trainMf } from '@movielens/core';
import { DatasetStore } from '@movielens/store';
import { openRebuildHarness, type RebuildHarness, seedDataset, startInProcessWorkers } from '../../../test/fixtures';
import type { ComputeWorkers } from '../../compute-workers';
import { analyticsKind } from '../analytics/analytics.kind';
import { KindRegistry } from '../registry';
import { svdKind } from '../svd/svd.kind';
import { mfKind } from './mf.kind';

// The mf kind trained by a real rebuild on a worker with two cores: the compute thread starts a
// helper thread of the Gibbs sampler (core mf-gibbs-pool.ts) and the stored model must still be
// core trainMf's on one thread, bit for bit (rows draw from per-row random streams).

let h: RebuildHarness | undefined;
let workers: ComputeWorkers | undefined;
afterEach(async () => {
  await workers?.close();
  await h?.close();
  workers = h = undefined;
});

describe('the mf kind', () => {
  it('on a two-core worker stores exactly the model core trains on one thread', async () => {
    h = await openRebuildHarness('mf-kind');
    await seedDataset(h.redis, h.keys, 'd1');
    const registry = new KindRegistry([svdKind, analyticsKind, mfKind]);
    workers = await startInProcessWorkers(h.redis, h.connection, h.prefix, undefined, { registry, shardConcurrency: 2 });
    await h.rebuild({ k: 3, parts: 2, mfSamples: 3, mfImplicit: true, seed: 9 });
    const set = (await h.models.currentVersion())!;
    const stored = (await h.models.mf(set))!;
    // Reference: the same training in this thread, one thread, on the ratings the build loaded.
    const ratings = await new DatasetStore(h.redis, h.keys).loadRatings('d1');
    const want = trainMf(ratings, { burnIn: 20, samples: 3, implicit: 'both', seed: 9, threads: 1 });
    expect(stored.factors).toBe(want.factors);
    expect(Array.from(stored.P)).toEqual(Array.from(want.P));
    expect(Array.from(stored.Q)).toEqual(Array.from(want.Q));
    expect(Array.from(stored.userBias)).toEqual(Array.from(want.userBias));
    expect(Array.from(stored.movieBias)).toEqual(Array.from(want.movieBias));
  }, 120_000);
});
