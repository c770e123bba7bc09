import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldInIals, ialsGram, indexRatings, trainIals, type IalsModel } from '@movielens/core';
import { ModelTable, unpackColumns } from '@movielens/store';
import { bullConnection, openRebuildHarness, type RebuildHarness, seedDataset, startInProcessWorkers, syntheticDataset } from '../../../test/fixtures';
import type { ComputeWorkers } from '../../compute-workers';
import { analyticsKind } from '../analytics/analytics.kind';
import type { ModelKind } from '../model-kind';
import { KindRegistry } from '../registry';
import { svdKind } from '../svd/svd.kind';
import { ialsKind } from './ials.kind';

// The sharded iALS build (each half-iteration a round of row jobs, shared by two workers on a
// real Redis) against core's single-process `trainIals` with the same seed and settings.

const PARAMS = { k: 3, parts: 2, ialsFactors: 4, ialsAlpha: 1, ialsReg: 5, ialsIterations: 3, ialsParts: 3, seed: 11 };

/**
 * Counts of one worker's ials calls. `failRound`: throw once from `nextRound` after that round;
 * `started` is called as each row job starts, and `holdFirst` holds the first one until it resolves.
 */
interface Counts {
  train: number;
  rows: number;
  failRound?: number;
  started?: () => void;
  holdFirst?: Promise<void>;
}

/** A registry of svd, analytics and an ials that counts its training steps and row jobs in this worker. */
function countingRegistry(counts: Counts): KindRegistry {
  const ials: ModelKind = {
    ...ialsKind,
    async train(ctx) {
      counts.train++;
      return ialsKind.train(ctx);
    },
    async writeRows(ctx, job) {
      counts.started?.();
      if (counts.rows++ === 0) await counts.holdFirst;
      return ialsKind.writeRows!(ctx, job);
    },
    async nextRound(ctx) {
      // A crash after a round's rows returned and before the next round is recorded.
      if (counts.failRound === ctx.round) {
        counts.failRound = undefined;
        throw new Error(`worker lost after round ${ctx.round}`);
      }
      return ialsKind.nextRound!(ctx);
    },
  };
  return new KindRegistry([svdKind, analyticsKind, ials]);
}

/** The published ials factors of the served set. */
async function servedFactors(h: RebuildHarness): Promise<{ userIds: Int32Array; X: Float32Array; movieIds: Int32Array; Y: Float32Array; version: string }> {
  const set = (await h.models.currentVersion())!;
  const home = (await h.models.homeOf(set, ModelTable.ialsUsers))!;
  const users = unpackColumns((await h.models.table(set, ModelTable.ialsUsers))!);
  const movies = unpackColumns((await h.models.table(set, ModelTable.ialsMovies))!);
  return { userIds: users.userIds as Int32Array, X: users.X as Float32Array, movieIds: movies.movieIds as Int32Array, Y: movies.Y as Float32Array, version: home.version };
}

function expectClose(got: Float32Array, want: Float32Array, tolerance: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

let h: RebuildHarness;
const workers: ComputeWorkers[] = [];
const single: IalsModel = trainIals(indexRatings(syntheticDataset().ratings), { factors: 4, alpha: 1, reg: 5, iterations: 3, seed: 11 });

beforeEach(async () => {
  h = await openRebuildHarness('ials');
  await seedDataset(h.redis, h.keys, 'd1');
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
  await h.close();
});

describe('the ials kind', () => {
  it('shares each half-iteration between two workers and equals the single-process result', async () => {
    // Each worker holds its first row job until the other has started one, so both share the
    // rounds however the machine schedules them (the equality below does not depend on who ran what).
    let aStarted!: () => void;
    let bStarted!: () => void;
    const aSeen = new Promise<void>((resolve) => (aStarted = resolve));
    const bSeen = new Promise<void>((resolve) => (bStarted = resolve));
    const a: Counts = { train: 0, rows: 0, started: aStarted, holdFirst: bSeen };
    const b: Counts = { train: 0, rows: 0, started: bStarted, holdFirst: aSeen };
    workers.push(await startInProcessWorkers(h.redis, h.connection, h.prefix, undefined, { registry: countingRegistry(a) }));
    workers.push(await startInProcessWorkers(h.redis, bullConnection(), h.prefix, undefined, { registry: countingRegistry(b) }));
    const result = await h.rebuild(PARAMS);
    expect(result.kinds.ials).toMatchObject({ outcome: expect.stringMatching(/published|waiting/) });
    // 3 iterations x 2 halves x 3 blocks, trained once, spread over both workers.
    expect(a.rows + b.rows).toBe(18);
    expect(a.train + b.train).toBe(1);
    expect(a.rows).toBeGreaterThan(0);
    expect(b.rows).toBeGreaterThan(0);
    const served = await servedFactors(h);
    expect([...served.userIds]).toEqual([...single.userIds]);
    expect([...served.movieIds]).toEqual([...single.movieIds]);
    // The same float operations in the same order: equal up to float32 storage (1e-6 of slack).
    expectClose(served.X, single.X, 1e-6);
    expectClose(served.Y, single.Y, 1e-6);
    // The staged inputs and every round's blocks were dropped before publishing.
    const keys = await h.redis.keys(`${h.prefix}:*`);
    expect(keys.filter((k) => k.includes(`{m:${served.version}`) && k.includes('staging'))).toEqual([]);
  }, 60_000);

  it('resumes a build at the round it was in when the worker is lost, without training again', async () => {
    const counts = { train: 0, rows: 0, failRound: 2 };
    workers.push(await startInProcessWorkers(h.redis, h.connection, h.prefix, undefined, { registry: countingRegistry(counts) }));
    const result = await h.rebuild(PARAMS);
    expect(result.kinds.ials).toMatchObject({ outcome: expect.stringMatching(/published|waiting/) });
    expect(counts.train).toBe(1);
    expect(counts.failRound).toBeUndefined();
    // No round ran twice: 18 row jobs, as without the failure.
    expect(counts.rows).toBe(18);
    const served = await servedFactors(h);
    expect(served.version).toBe(result.kinds.ials.version);
    expectClose(served.X, single.X, 1e-6);
  }, 60_000);

  it('is served through the store: stored users, folded-in rows, explanations and recommendations', async () => {
    workers.push(await startInProcessWorkers(h.redis, h.connection, h.prefix, undefined, { registry: countingRegistry({ train: 0, rows: 0 }), shardConcurrency: 2 }));
    await h.rebuild(PARAMS);
    const set = (await h.models.currentVersion())!;
    const scorer = (await ialsKind.recommender!.scorer!(h.models, set))!;
    expect([...scorer.movieIds]).toEqual([...single.movieIds]);
    const k = 4;
    const movies = single.movieIds.length;
    // A stored, unchanged user: x_u . y_j with the single-process factors (dense user 4 = id 5).
    const out = new Float32Array(movies);
    expect(scorer.score({ userId: 5, movieIds: [], ratings: [], changed: false }, out)).toBe(true);
    for (let j = 0; j < movies; j++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += single.X[4 * k + c] * single.Y[j * k + c];
      expect(out[j]).toBeCloseTo(s, 5);
    }
    // A visitor: the exact fold-in against the stored movie factors (alpha 1: c - 1 = stars).
    const row = { movieIds: [single.movieIds[0], single.movieIds[5], 99_999], ratings: [5, 2, 4], changed: true };
    expect(scorer.score(row, out)).toBe(true);
    const folded = foldInIals(single.Y, ialsGram(single.Y, movies, k), k, 5, { indices: [0, 5], extra: [5, 2] });
    for (let j = 0; j < movies; j++) expect(out[j]).toBeCloseTo(folded.x.reduce((s, v, c) => s + v * single.Y[j * k + c], 0), 4);
    expect(scorer.score({ movieIds: [99_999], ratings: [5], changed: true }, out)).toBe(false);
    // Explanations: the positive shares of the two rated movies, largest first, summing to at most the score.
    scorer.score(row, out);
    const best = out.indexOf(Math.max(...out));
    const why = scorer.explain!(row, single.movieIds[best], 3);
    expect(why.length).toBeGreaterThan(0);
    for (let i = 1; i < why.length; i++) expect(why[i].weight).toBeLessThanOrEqual(why[i - 1].weight);
    for (const c of why) expect([single.movieIds[0], single.movieIds[5]]).toContain(c.movieId);
    // recommend(): the user's top movies by the stored factors, rated ones left out.
    const rated = new Set([single.movieIds[0], single.movieIds[1]]);
    const recs = (await ialsKind.recommender!.recommend(h.models, set, 5, 5, rated))!;
    scorer.score({ userId: 5, movieIds: [], ratings: [], changed: false }, out);
    const want = [...single.movieIds].map((id, j) => ({ id, s: out[j] })).filter((m) => !rated.has(m.id)).sort((x, y) => y.s - x.s || x.id - y.id).slice(0, 5).map((m) => m.id);
    expect(recs.map((r) => r.movieId)).toEqual(want);
    expect(await ialsKind.recommender!.recommend(h.models, set, 123_456, 5, new Set())).toBeNull();
  }, 60_000);
});
