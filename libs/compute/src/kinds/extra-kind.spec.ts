import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crossValidate, kFoldSplits } from '@movielens/core';
import { popularKind } from '../../test/popular.kind';
import { openRebuildHarness, type RebuildHarness, seedDataset, startInProcessWorkers, syntheticDataset } from '../../test/fixtures';
import type { ComputeWorkers } from '../compute-workers';
import type { RebuildResult } from '../processors/rebuild.processor';
import { evaluationCatalogue } from './evaluation-catalogue';
import { DEFAULT_KINDS, KindRegistry } from './registry';

// Adding a kind is one declaration and one registry entry: the extra `popular` kind (test/popular.kind.ts)
// is planned, trained as its own job after its dependency, published, served and evaluated.

let h: RebuildHarness;
let workers: ComputeWorkers;
const registry = new KindRegistry([...DEFAULT_KINDS, popularKind]);

beforeEach(async () => {
  h = await openRebuildHarness('extra-kind');
  await seedDataset(h.redis, h.keys, 'd1');
  workers = await startInProcessWorkers(h.redis, h.connection, h.prefix, undefined, { registry, shardConcurrency: 2 });
});
afterEach(async () => {
  await workers.close();
  await h.close();
});

describe('an extra model kind', () => {
  it('is planned, trained after svd, published in the served set, and its parameters join the rebuild schema', async () => {
    expect(Object.keys(registry.paramsSchema.shape)).toContain('popularN');
    expect(registry.stages).toContain('popular');
    const result = (await h.rebuild({ k: 3, parts: 2, mf: false, popularN: 5 })) as RebuildResult & { modelVersion: string };
    expect(result.kinds.popular).toMatchObject({ kind: 'popular', outcome: expect.stringMatching(/published|waiting/) });
    const set = (await h.models.meta((await h.models.currentVersion())!))!;
    expect(Object.keys(set.kinds!).sort()).toEqual(['analytics', 'ease', 'ials', 'popular', 'rp3beta', 'selection', 'similarusers', 'svd']);
    expect(set.params.popularN).toBe(5);
    // It waited for its dependency: svd for the same dataset was ready before it trained.
    const svd = (await h.models.kindMeta(set.kinds!.svd.version))!;
    const popular = (await h.models.kindMeta(set.kinds!.popular.version))!;
    expect(popular.createdAt).toBeGreaterThanOrEqual(svd.createdAt);
    expect(popular.datasetVersion).toBe('d1');
  });

  it('serves ?algorithm=popular through its recommender: most-rated movies the user has not rated', async () => {
    await h.rebuild({ k: 3, parts: 2, mf: false, popularN: 60 });
    const set = (await h.models.currentVersion())!;
    const { kind, recommender } = registry.recommenders().get('popular')!;
    expect(kind).toBe('popular');
    const data = syntheticDataset();
    const counts = new Map<number, number>();
    const rated = new Set<number>();
    for (let i = 0; i < data.ratings.length; i++) {
      counts.set(data.ratings.movies[i], (counts.get(data.ratings.movies[i]) ?? 0) + 1);
      if (data.ratings.users[i] === 1) rated.add(data.ratings.movies[i]);
    }
    const want = [...counts].filter(([m]) => !rated.has(m)).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5).map(([m]) => m);
    const got = await recommender.recommend(h.models, set, 1, 5, rated);
    expect(got!.map((r) => r.movieId)).toEqual(want);
  });

  it('is evaluated by name through its adapter, beside the default kinds', () => {
    const catalogue = evaluationCatalogue(registry);
    expect([...catalogue.keys()]).toEqual(expect.arrayContaining(['puresvd', 'mf', 'popular', 'global-mean']));
    const data = syntheticDataset();
    const [row] = crossValidate(kFoldSplits(data.ratings, 2, 1).slice(0, 1), [catalogue.get('popular')!()], { seed: 1, now: () => performance.now() });
    expect(row.algorithm).toBe('popular');
    expect(row['ndcg@10']).toBeGreaterThan(0);
  });
});
