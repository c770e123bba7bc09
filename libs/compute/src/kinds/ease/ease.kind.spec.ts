import { afterEach, describe, expect, it } from 'vitest';
import { crossValidate, kFoldSplits, trainEase } from '@movielens/core';
import { openRebuildHarness, type RebuildHarness, seedDataset, startInProcessWorkers, syntheticDataset } from '../../../test/fixtures';
import type { ComputeWorkers } from '../../compute-workers';
import { analyticsKind } from '../analytics/analytics.kind';
import { KindRegistry } from '../registry';
import { svdKind } from '../svd/svd.kind';
import { easeKind } from './ease.kind';
import { EASE_MOVIES_TABLE, easePartTable, easeRowsPerPart } from './ease.tables';

// The ease kind trained by a real rebuild (compute thread, real Redis), published, and served
// from the stored tables. B itself is checked against a direct dense solve in core
// (libs/core/src/ease/ease.spec.ts); here the served scores must equal core's model on the same
// ratings exactly (the stored Float32 B read back bit for bit), and sums of its rows by hand.

let h: RebuildHarness | undefined;
let workers: ComputeWorkers | undefined;
const registry = new KindRegistry([svdKind, analyticsKind, easeKind]);

async function start(label: string, data = syntheticDataset()): Promise<RebuildHarness> {
  h = await openRebuildHarness(label);
  await seedDataset(h.redis, h.keys, 'd1', data);
  workers = await startInProcessWorkers(h.redis, h.connection, h.prefix, undefined, { registry, shardConcurrency: 2 });
  return h;
}
afterEach(async () => {
  await workers?.close();
  await h?.close();
  workers = h = undefined;
});

/** Each user's rated movie ids in the synthetic set. */
function ratedBy(data: ReturnType<typeof syntheticDataset>): Map<number, number[]> {
  const byUser = new Map<number, number[]>();
  for (let i = 0; i < data.ratings.length; i++) {
    const list = byUser.get(data.ratings.users[i]) ?? [];
    list.push(data.ratings.movies[i]);
    byUser.set(data.ratings.users[i], list);
  }
  return byUser;
}

describe('the ease kind', () => {
  it('is trained, published, and its scorer sums the B rows of the rated movies exactly as core computes B', async () => {
    const data = syntheticDataset();
    const harness = await start('ease-kind', data);
    const result = await harness.rebuild({ k: 3, parts: 2, easeLambda: 20 });
    expect(result.kinds.ease).toMatchObject({ outcome: expect.stringMatching(/published|waiting/) });
    const set = (await harness.models.meta((await harness.models.currentVersion())!))!;
    expect(Object.keys(set.kinds!).sort()).toEqual(['analytics', 'ease', 'svd']);
    expect(set.params.easeLambda).toBe(20);
    const meta = (await harness.models.kindMeta(set.kinds!.ease.version))!;
    expect(meta.info).toMatchObject({ movies: 60, users: 90, interactions: 90 * 25, lambda: 20, parts: 1 });

    const model = trainEase(data.ratings, { lambda: 20 });
    const scorer = (await easeKind.recommender!.scorer!(harness.models, set.id))!;
    expect(Array.from(scorer.movieIds)).toEqual(Array.from(model.movieIds));
    const rated = ratedBy(data).get(1)!;
    const out = new Float32Array(60);
    expect(scorer.score({ userId: 1, movieIds: rated, ratings: rated.map(() => 2), changed: false }, out)).toBe(true);
    const index = (id: number) => model.movieIds.indexOf(id);
    for (let j = 0; j < 60; j++) {
      let want = 0;
      for (const i of rated) want += model.weights[index(i) * 60 + j];
      expect(out[j]).toBeCloseTo(want, 6);
    }
    // explain: the rated movies with the largest positive B[rated][movie], largest first.
    const target = model.movieIds[7];
    const reasons = scorer.explain!({ movieIds: rated, ratings: rated.map(() => 4), changed: true }, target, 3);
    const want = rated
      .map((i) => ({ movieId: i, weight: model.weights[index(i) * 60 + 7] }))
      .filter((c) => c.weight > 0)
      .sort((a, b) => b.weight - a.weight || a.movieId - b.movieId)
      .slice(0, 3);
    expect(reasons.map((r) => r.movieId)).toEqual(want.map((r) => r.movieId));
    reasons.forEach((r, n) => expect(r.weight).toBeCloseTo(want[n].weight, 6));
    // recommend: the best unrated movies by the same scores.
    const top = await easeKind.recommender!.recommend(harness.models, set.id, 1, 5, new Set(rated));
    const expected = Array.from(model.movieIds)
      .map((movieId, j) => ({ movieId, score: out[j] }))
      .filter((m) => !rated.includes(m.movieId))
      .sort((a, b) => b.score - a.score || a.movieId - b.movieId)
      .slice(0, 5);
    expect(top!.map((m) => m.movieId)).toEqual(expected.map((m) => m.movieId));
    // A visitor rating no movie the kind knows cannot be scored.
    expect(scorer.score({ movieIds: [999999], ratings: [5], changed: true }, out)).toBe(false);
  });

  it('stores B in row parts of at most 8 MB and reads them back whole (1,488 rated movies, 8.9 MB: 2 parts)', async () => {
    const data = syntheticDataset({ users: 120, movies: 1500, perUser: 60, seed: 3 });
    const harness = await start('ease-parts', data);
    await harness.rebuild({ k: 3, parts: 2, easeLambda: 5 });
    const set = (await harness.models.meta((await harness.models.currentVersion())!))!;
    const model = trainEase(data.ratings, { lambda: 5 });
    const n = model.movieIds.length;
    expect(n).toBeGreaterThan(1448); // over 8 MB of Float32 rows
    const parts = Math.ceil(n / easeRowsPerPart(n));
    expect(parts).toBe(2);
    expect((await harness.models.kindMeta(set.kinds!.ease.version))!.info.parts).toBe(parts);
    for (let part = 0; part < parts; part++) expect(set.tables[easePartTable(part)]).toBeDefined();
    const scorer = (await easeKind.recommender!.scorer!(harness.models, set.id))!;
    expect(scorer.bytes).toBe(4 * n + 4 * n * n);
    // One rated movie's scores are its row of B: check rows from the first and the last part.
    const out = new Float32Array(n);
    for (const i of [0, n - 1]) {
      scorer.score({ movieIds: [model.movieIds[i]], ratings: [4], changed: true }, out);
      expect(Array.from(out)).toEqual(Array.from(model.weights.subarray(i * n, (i + 1) * n)));
    }
  });

  it('keeps only the easeTopMovies most-rated movies, which brings a catalogue above easeMaxMovies under it', async () => {
    const data = syntheticDataset();
    const harness = await start('ease-top', data);
    // 60 movies would be skipped at easeMaxMovies 50; the 20 most rated are trained.
    await harness.rebuild({ k: 3, parts: 2, easeTopMovies: 20, easeMaxMovies: 50 });
    const scorer = (await easeKind.recommender!.scorer!(harness.models, (await harness.models.currentVersion())!))!;
    const counts = new Map<number, number>();
    for (let i = 0; i < data.ratings.length; i++) counts.set(data.ratings.movies[i], (counts.get(data.ratings.movies[i]) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 20).map(([m]) => m).sort((a, b) => a - b);
    expect(Array.from(scorer.movieIds)).toEqual(top);
  });

  it('is skipped above easeMaxMovies, with the reason in its kind metadata, without failing the rebuild', async () => {
    const harness = await start('ease-skip');
    const result = await harness.rebuild({ k: 3, parts: 2, easeMaxMovies: 50 });
    expect(result.kinds.ease).toMatchObject({ outcome: expect.stringMatching(/published|waiting/) });
    const set = (await harness.models.meta((await harness.models.currentVersion())!))!;
    const meta = (await harness.models.kindMeta(set.kinds!.ease.version))!;
    expect(meta.info).toMatchObject({ movies: 60, maxMovies: 50 });
    expect(String(meta.info.skipped)).toMatch(/60 movies exceed easeMaxMovies 50/);
    expect(set.tables[EASE_MOVIES_TABLE]).toBeUndefined();
    await expect(easeKind.recommender!.scorer!(harness.models, set.id)).rejects.toThrow(/ease kind version .* was skipped/);
    expect(await easeKind.recommender!.recommend(harness.models, set.id, 1, 5, new Set([3]))).toBeNull();
  });

  it('is evaluated through its adapter with the build parameters', () => {
    const data = syntheticDataset();
    const splits = kFoldSplits(data.ratings, 2, 1).slice(0, 1);
    const [row] = crossValidate(splits, [easeKind.evaluation!({ easeLambda: 20 })], { seed: 1, now: () => performance.now() });
    expect(row.algorithm).toBe('ease');
    expect(row['ndcg@10']).toBeGreaterThan(0);
    expect(easeKind.tuning).toEqual({ easeLambda: [250, 500, 1000] });
  });
});
