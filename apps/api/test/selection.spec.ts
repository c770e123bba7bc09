/**
 * Model selection through the API: a set built by the real compute workers with the selection
 * kind serves the selection's winner as the default ?algorithm= (user and visitor), shows the
 * grid and the choice in GET /models, and any kind stays reachable by ?algorithm=. The only
 * competing kind is a tuned variant of the test kind `popular` (svd's grid is left out here), so
 * the winner differs from the fallback `puresvd`; svd's grid is checked in the compute tests.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelectionKind, DEFAULT_KINDS, KindRegistry, selectionInfoSchema, type ModelKind, type SelectionInfo } from '@movielens/compute';
import { LIKED_WEIGHTS } from '@movielens/core';
import { popularKind } from '@movielens/compute/testing';
import { ModelStore } from '@movielens/store';
import { testRedisUrl } from '@movielens/test-support';
import { buildModel, eventually, seedDataset, startHarness, syntheticDataset, type Harness } from './fixtures';

const base = DEFAULT_KINDS.filter((k) => k.name === 'svd' || k.name === 'analytics').map((k) => ({ ...k, tuning: undefined }));
const kinds: ModelKind[] = [...base, { ...popularKind, tuning: { popularN: [10, 30] } }];
const registry = new KindRegistry([...kinds, createSelectionKind(() => kinds)]);

let h: Harness;
let info: SelectionInfo;

beforeAll(async () => {
  h = await startHarness({ kinds: registry });
  await seedDataset(h.redis, h.keys, 'd1', syntheticDataset());
  const set = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10, popularN: 30 }, registry);
  await eventually(async () => (await h.deps.readModel.current()).version === set);
  const store = new ModelStore(h.redis, h.keys);
  const meta = (await store.meta(set))!;
  info = selectionInfoSchema.parse((await store.kindMeta(meta.kinds!.selection.version))!.info);
}, 120_000);
afterAll(async () => h?.close());

describe('model selection over HTTP', () => {
  it('records every grid point with its NDCG@10, and the winner is the best of them', () => {
    // Each point ranked at each liked weight (one fit per point).
    expect(info.grid.map((g) => [g.kind, g.params])).toEqual([10, 30].flatMap((popularN) => LIKED_WEIGHTS.map((liked) => ['popular', { popularN, liked }])));
    // Popularity does not depend on popularN: a tie between the points, won by the first.
    expect(info.grid[0].ndcg).toBeGreaterThan(0);
    const w = LIKED_WEIGHTS.length;
    expect(info.grid.slice(w).map((g) => g.ndcg)).toEqual(info.grid.slice(0, w).map((g) => g.ndcg));
    const best = info.grid.reduce((b, g, i) => (g.ndcg! > info.grid[b].ndcg! ? i : b), 0);
    expect(best).toBeLessThan(w);
    expect(info.winner).toEqual({ kind: 'popular', algorithm: 'popular', params: info.grid[best].params, ndcg: info.grid[best].ndcg });
    expect(info.split.rule).toMatch(/^a random 10% of each user's ratings/);
  });

  it('serves the winner by default; ?algorithm= still picks any kind', async () => {
    const res = await request(h.app).get('/api/v1/users/7/recommendations?k=5').expect(200);
    expect(res.body.algorithm).toBe('popular');
    expect(res.body.source.kind).toBe('popular');
    const svd = await request(h.app).get('/api/v1/users/7/recommendations?k=5&algorithm=puresvd').expect(200);
    expect(svd.body.algorithm).toBe('puresvd');
    const popular = await request(h.app).get('/api/v1/users/7/recommendations?k=5&algorithm=popular').expect(200);
    expect(popular.body.algorithm).toBe('popular');
  });

  it("gives visitors the winner when it can score them, else PureSVD's folding-in", async () => {
    const res = await request(h.app).post('/api/v1/recommendations').send({ liked: [3, 6], k: 5 }).expect(200);
    // The winner (popular) has no scorer: the visitor is folded into PureSVD.
    expect(res.body.algorithm).toBe('puresvd');
    // The test kind has no scorer: asked for by name, it is a 400 that says so.
    const named = await request(h.app).post('/api/v1/recommendations?algorithm=popular').send({ liked: [3, 6], k: 5 }).expect(400);
    expect(named.body.error.message).toMatch(/popular cannot score a visitor/);
  });

  it('shows the grid, the scores and the choice in GET /models', async () => {
    const res = await request(h.app).get('/api/v1/models').expect(200);
    expect(selectionInfoSchema.parse(res.body.selection)).toEqual(info);
  });
});
