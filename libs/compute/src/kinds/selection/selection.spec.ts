import { describe, expect, it } from 'vitest';
import { evaluateFold, groupTest, indexRatings, LIKED_WEIGHTS, likedPrior, popularity, pureSvdAlgorithm, randomValidationSplit, validationSplit, withLikedPrior, type Algorithm } from '@movielens/core';
import { popularKind, syntheticDataset } from '../../../test/fixtures';
import { autoAlgorithm, evaluationCatalogue } from '../evaluation-catalogue';
import type { ModelKind } from '../model-kind';
import { KindRegistry } from '../registry';
import { easeKind } from '../ease/ease.kind';
import { svdKind } from '../svd/svd.kind';
import { KindBoundError } from '../../errors';
import { gridPoints, runSelectionSync, selectionCandidates } from './selection-grid';
import { createSelectionKind } from './selection.kind';

// Model selection over the kinds present: svd (grid k 10/25/50, its own ranking only: it does not
// train tuned) and a tuned variant of the test kind `popular` (popularity does not depend on its
// parameter, so its two points tie), ranked at each liked weight. Expected NDCGs come from core's
// own protocol run directly on the same validation split (the liked prior through withLikedPrior).

const ratings = syntheticDataset({ users: 120, movies: 80, perUser: 30, seed: 5 }).ratings;
const tunedPopular: ModelKind = { ...popularKind, tuning: { popularN: [10, 20] } };
const kinds: ModelKind[] = [svdKind, tunedPopular];
const registry = new KindRegistry([...kinds, createSelectionKind(() => kinds)]);
const params = registry.parseParams({ seed: 3 });

/** NDCG@10 of `algorithm` (with the liked prior at `liked`) on the default validation split (random, seed 3), straight from core's evaluation. */
function directNdcg(algorithm: Algorithm, liked = 0): number {
  const split = randomValidationSplit(ratings, 0.1, 3);
  const data = indexRatings(split.train);
  const model = withLikedPrior(algorithm.fit({ table: split.train, data, seed: 3 }), likedPrior(data), liked);
  return evaluateFold(model, data, groupTest(split.test, data), 1).ndcg;
}

describe('model selection', () => {
  it('selectionRandomSplit: false holds out each user\'s latest 10% instead of a random 10%, and says so', () => {
    const info = runSelectionSync(ratings, registry.kinds, registry.parseParams({ seed: 3, selectionRandomSplit: false }), { seed: 3, now: () => 0 });
    const split = validationSplit(ratings);
    expect(info.split).toMatchObject({ rule: expect.stringMatching(/^each user's last 10% of ratings by time/), trainRatings: split.train.length, heldOutRatings: split.test.length });
    const data = indexRatings(split.train);
    const want = evaluateFold(pureSvdAlgorithm(10).fit({ table: split.train, data, seed: 3 }), data, groupTest(split.test, data), 1).ndcg;
    expect(info.grid[0].ndcg).toBeCloseTo(want, 12);
  });

  it('selectionLiked: false ranks every kind by its own scores only (one grid row per fit, liked 0)', () => {
    const info = runSelectionSync(ratings, registry.kinds, registry.parseParams({ seed: 3, selectionLiked: false }), { seed: 3, now: () => 0 });
    expect(info.grid.map((g) => g.params.liked)).toEqual([0, 0, 0, 0, 0]);
    expect(info.grid[3].ndcg).toBeCloseTo(directNdcg(popularity), 12);
  });

  it('skips the candidates of a kind beyond its bound (EASE above easeMaxMovies) and still picks among the others', () => {
    const bounded = [svdKind, easeKind];
    const reg = new KindRegistry([...bounded, createSelectionKind(() => bounded)]);
    // 80 movies in the data, at most 50 for EASE: its adapter refuses to fit, selection goes on.
    const p = reg.parseParams({ seed: 3, easeMaxMovies: 50 });
    expect(() => easeKind.evaluation!(p).fit({ table: ratings, data: indexRatings(ratings), seed: 3 })).toThrow(KindBoundError);
    const info = runSelectionSync(ratings, reg.kinds, p, { seed: 3, now: () => 0 });
    const ease = info.grid.filter((g) => g.kind === 'ease');
    expect(ease.length).toBe(easeKind.tuning!.easeLambda.length * LIKED_WEIGHTS.length);
    expect(ease.every((g) => g.ndcg === null && g.precision === null)).toBe(true);
    expect(info.tuned.ease).toBeUndefined();
    expect(info.winner?.kind).toBe('svd');
    // Within the bound, EASE is fitted and scored.
    const within = runSelectionSync(ratings, reg.kinds, reg.parseParams({ seed: 3 }), { seed: 3, now: () => 0 });
    expect(within.grid.filter((g) => g.kind === 'ease').every((g) => g.ndcg !== null)).toBe(true);
  });

  it('tries every point of every competing kind grid, in order', () => {
    expect(gridPoints({ a: [1, 2], b: [5, 6, 7] })).toEqual([
      { a: 1, b: 5 }, { a: 1, b: 6 }, { a: 1, b: 7 },
      { a: 2, b: 5 }, { a: 2, b: 6 }, { a: 2, b: 7 },
    ]);
    const c = selectionCandidates(registry.kinds, params);
    expect(c.map((x) => [x.name, x.served, x.params, x.likedWeights])).toEqual([
      ['svd', 'puresvd', { k: 10 }, [0]], ['svd', 'puresvd', { k: 25 }, [0]], ['svd', 'puresvd', { k: 50 }, [0]],
      ['popular', 'popular', { popularN: 10 }, LIKED_WEIGHTS], ['popular', 'popular', { popularN: 20 }, LIKED_WEIGHTS],
    ]);
    // A kind turned off in the build does not compete.
    const off: ModelKind = { ...tunedPopular, enabled: (p) => p.popularN !== 10 };
    expect(selectionCandidates([svdKind, off], registry.parseParams({ popularN: 10 })).map((x) => x.name)).toEqual(['svd', 'svd', 'svd']);
  });

  it('scores each candidate as core evaluation does on the documented split, names each kind best point and the winner, reproducibly', () => {
    const info = runSelectionSync(ratings, registry.kinds, params, { seed: 3, now: () => 0 });
    const want = [10, 25, 50].map((k) => directNdcg(pureSvdAlgorithm(k)));
    const pop = LIKED_WEIGHTS.map((w) => directNdcg(popularity, w));
    expect(info.grid.map((g) => g.ndcg)).toEqual([...want, ...pop, ...pop].map((x) => expect.closeTo(x, 12)));
    expect(info.grid.map((g) => g.params.liked)).toEqual([0, 0, 0, ...LIKED_WEIGHTS, ...LIKED_WEIGHTS]);
    // The prior changes popularity's ranking on this data (else the weights would test nothing).
    expect(new Set(pop).size).toBeGreaterThan(1);
    const split = randomValidationSplit(ratings, 0.1, 3);
    expect(info.split).toMatchObject({ fraction: 0.1, trainRatings: split.train.length, heldOutRatings: split.test.length });
    const bestSvd = [10, 25, 50][want.indexOf(Math.max(...want))];
    const bestLiked = LIKED_WEIGHTS[pop.indexOf(Math.max(...pop))];
    expect(info.tuned).toEqual({ svd: { k: bestSvd, liked: 0 }, popular: { popularN: 10, liked: bestLiked } });
    const all = [...want, Math.max(...pop)];
    const best = all.indexOf(Math.max(...all));
    expect(info.winner).toEqual(best < 3 ? { kind: 'svd', algorithm: 'puresvd', params: { k: bestSvd, liked: 0 }, ndcg: want[best] } : { kind: 'popular', algorithm: 'popular', params: { popularN: 10, liked: bestLiked }, ndcg: Math.max(...pop) });
    const again = runSelectionSync(ratings, registry.kinds, params, { seed: 3, now: () => 0 });
    expect(again).toEqual(info);
  });

  it("evaluate's auto runs the selection inside its training data and fits the winner with its tuned parameters and liked weight", () => {
    expect(evaluationCatalogue(registry).has('auto')).toBe(true);
    expect(evaluationCatalogue(registry).get('auto-time')!().name).toBe('auto-time');
    const data = indexRatings(ratings);
    const info = runSelectionSync(ratings, registry.kinds, params, { seed: 3, now: () => 0 });
    const { liked, ...point } = info.winner!.params;
    const winner = registry.get(info.winner!.kind)!.evaluation!({ ...params, ...point });
    const auto = autoAlgorithm(registry).fit({ table: ratings, data, seed: 3 });
    const direct = withLikedPrior(winner.fit({ table: ratings, data, seed: 3 }), likedPrior(data), liked);
    const a = new Float64Array(data.movieIds.length);
    const b = new Float64Array(data.movieIds.length);
    auto.scoreAll(4, a);
    direct.scoreAll(4, b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
