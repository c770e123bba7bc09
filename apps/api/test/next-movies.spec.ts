/**
 * Next-movie endpoints (LSTM inference in the API process) against a model whose LSTM was
 * trained by the real compute pipeline. Expected lists come from core `LstmPredictor.recommend`
 * on the stored model and histories ordered by timestamp in this file (the full recurrent
 * path), while the API serves known users from the per-user states the rebuild stored.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LstmPredictor, SESSION_MAX_STEPS } from '@movielens/core';
import { ModelLifecycle, ModelStore, ModelTable } from '@movielens/store';
import { eventually, harnessWithModel, syntheticDataset, type Harness, listedMovie } from './fixtures';

const data = syntheticDataset();
let h: Harness;
let version: string;
let predictor: LstmPredictor;
/** A second app whose model has no LSTM (the default). */
let plain: Harness;

/** Rows of a user's ratings, oldest first (ties keep table order), straight from the synthetic table. */
function rowsOf(userId: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < data.ratings.length; i++) if (data.ratings.users[i] === userId) rows.push(i);
  return rows.sort((a, b) => data.ratings.timestamps[a] - data.ratings.timestamps[b] || a - b);
}
/** Movie ids a user rated, oldest first. */
const historyOf = (userId: number): number[] => rowsOf(userId).map((i) => data.ratings.movies[i]);
/** The stars of those ratings, in the same order (what the LSTM reads with each movie). */
const starsOf = (userId: number): number[] => rowsOf(userId).map((i) => data.ratings.ratings[i]);

const titleOf = (movieId: number) => data.movies.find((m) => m.id === movieId)!.title;
const listed = (movieId: number) => listedMovie(data, movieId);
const expected = (history: number[], k: number, maxSteps?: number, stars: number[] | null = null) => {
  const next = predictor.recommend(history, k, maxSteps, stars);
  return Array.from(next.movieIds, (movieId, i) => ({ movieId, ...listed(movieId), score: next.scores[i] }));
};

beforeAll(async () => {
  ({ harness: h, version } = await harnessWithModel(data, { k: 5, topK: 20, recsN: 20, mf: false, lstm: true, lstmEpochs: 2 }));
  predictor = new LstmPredictor((await new ModelStore(h.redis, h.keys).lstm(version))!);
  ({ harness: plain } = await harnessWithModel(data, { k: 5, topK: 20, recsN: 20, mf: false }));
}, 120_000);
afterAll(async () => {
  await h?.close();
  await plain?.close();
});

describe('GET /users/:id/next', () => {
  it('returns the LSTM next movies after the user history ordered by time, excluding seen movies', async () => {
    for (const id of [1, 7, 42]) {
      const res = await request(h.app).get(`/api/v1/users/${id}/next?k=5`).expect(200);
      expect(res.body).toMatchObject({ userId: id, model: version });
      const history = historyOf(id);
      expect(res.body.next).toEqual(expected(history, 5, undefined, starsOf(id)));
      expect(res.body.lastWatched).toEqual({ movieId: history[history.length - 1], title: titleOf(history[history.length - 1]) });
      for (const n of res.body.next as { movieId: number }[]) expect(history).not.toContain(n.movieId);
    }
  });

  it('serves every user, from the stored state, the list LstmPredictor.recommend gives on their whole history', async () => {
    const users = [...new Set(data.ratings.users)].sort((a, b) => a - b);
    expect(users).toHaveLength(90);
    for (const id of users) {
      const res = await request(h.app).get(`/api/v1/users/${id}/next?k=10`).expect(200);
      const want = expected(historyOf(id), 10, undefined, starsOf(id));
      expect(res.body.next.map((n: { movieId: number }) => n.movieId)).toEqual(want.map((n) => n.movieId));
      // The state is the predictor's own float32 hidden vector, so scores agree to float32
      // rounding at worst (2^-24 relative ~ 6e-8 of logits of size ~10): 5 decimals is ample.
      (res.body.next as { score: number }[]).forEach((n, i) => expect(n.score).toBeCloseTo(want[i].score, 5));
    }
  });

  it('names the step that drove the first suggestion: the one whose removal lowers its score most, re-scoring each shortened history', async () => {
    expect(predictor.readsRatings).toBe(true);
    for (const id of [1, 7, 42]) {
      const res = await request(h.app).get(`/api/v1/users/${id}/next?k=3`).expect(200);
      const history = historyOf(id);
      const stars = starsOf(id);
      const top = res.body.next[0].movieId as number;
      // Reference by brute force: drop each of the last 20 steps, score the top movie again.
      const scoreOf = (ids: number[], r: number[]) => {
        const all = predictor.recommend(ids, predictor.model.shape.numMovies, undefined, r);
        return all.scores[Array.from(all.movieIds).indexOf(top)];
      };
      const full = scoreOf(history, stars);
      let want = { position: -1, drop: Number.NEGATIVE_INFINITY };
      for (let s = Math.max(0, history.length - 20); s < history.length; s++) {
        const drop = full - scoreOf(history.filter((_, i) => i !== s), stars.filter((_, i) => i !== s));
        if (drop > want.drop) want = { position: s, drop };
      }
      const movieId = history[want.position];
      expect(res.body.drivenBy).toMatchObject({ movieId, title: titleOf(movieId), rating: stars[want.position], stepsAgo: history.length - 1 - want.position });
      expect(res.body.drivenBy.scoreDrop).toBeCloseTo(want.drop, 4);
    }
  });

  it('answers 404 for a user missing from the model and 503 NOT_READY when the model has no LSTM', async () => {
    const missing = await request(h.app).get('/api/v1/users/10000/next').expect(404);
    expect(missing.body.error.message).toMatch(/User 10000 has no ratings in model/);
    const res = await request(plain.app).get('/api/v1/users/7/next').expect(503);
    expect(res.body.error.code).toBe('NOT_READY');
    expect(res.body.error.message).toMatch(/no next-movie LSTM.*lstm: true/);
  });

  it('answers 503 NOT_READY naming the rebuild when a version has an LSTM but predates the stored user states', async () => {
    const store = new ModelStore(h.redis, h.keys);
    const lifecycle = new ModelLifecycle(h.redis, h.keys);
    const meta = (await store.meta(version))!;
    // A set as written before per-user states existed: the same LSTM table, no `lstm-state`.
    const old = `${version}-old`;
    const { [ModelTable.lstmState]: _states, ...tables } = meta.tables;
    const { [ModelTable.lstmState]: _home, ...tableHomes } = meta.tableHomes!;
    await h.redis.set(h.keys.modelMeta(old), JSON.stringify({ ...meta, id: old, tables, tableHomes }));
    await h.redis.zadd(h.keys.modelVersions(), meta.createdAt + 1, old);
    try {
      await lifecycle.activate(old);
      await eventually(async () => (await h.deps.readModel.current()).version === old);
      const res = await request(h.app).get('/api/v1/users/7/next').expect(503);
      expect(res.body.error.code).toBe('NOT_READY');
      expect(res.body.error.message).toMatch(/no per-user LSTM states.*lstm: true/);
    } finally {
      await lifecycle.activate(version);
      await eventually(async () => (await h.deps.readModel.current()).version === version);
      await lifecycle.deleteVersion(old);
    }
  });
});

describe('POST /sessions/next', () => {
  it('returns the LSTM next movies after an anonymous session, listing unknown ids as ignored', async () => {
    const res = await request(h.app).post('/api/v1/sessions/next').send({ movies: [9, 1, 30, 3], k: 4 }).expect(200);
    expect(res.headers['x-model-version']).toBe(version);
    expect(res.body.ignored).toEqual([1]);
    expect(res.body.moviesRead).toBe(3);
    expect(res.body.next).toEqual(expected([9, 30, 3], 4));
    expect(res.body.next.map((n: { movieId: number }) => n.movieId)).not.toContain(30);
  });

  it(`reads only the last ${SESSION_MAX_STEPS} known movies of a long session but excludes all of them`, async () => {
    // 10 early movies, an unknown id, then 240 movies cycling over 19 others: 250 known in all.
    const early = Array.from({ length: 10 }, (_, i) => 3 * (i + 1));
    const late = Array.from({ length: 240 }, (_, i) => 3 * (11 + (i % 19)));
    const movies = [...early, 1, ...late];
    const res = await request(h.app).post('/api/v1/sessions/next').send({ movies, k: 30 }).expect(200);
    expect(res.body.ignored).toEqual([1]);
    expect(res.body.moviesRead).toBe(SESSION_MAX_STEPS);
    expect(res.body.next).toEqual(expected(movies, 30, SESSION_MAX_STEPS));
    // 60 movies, 29 seen: the 30 answers are exactly the 31 unseen minus the lowest-scored one.
    expect(res.body.next).toHaveLength(30);
    for (const n of res.body.next as { movieId: number }[]) expect(movies).not.toContain(n.movieId);
  });

  it.each([[{}], [{ movies: [] }], [{ movies: ['a'] }], [{ movies: [3], k: 0 }], [{ movies: [3], extra: 1 }]])('answers 400 naming the field for %j', async (payload) => {
    const res = await request(h.app).post('/api/v1/sessions/next').send(payload).expect(400);
    expect(res.body.error.message).toMatch(/body/);
  });

  it('answers 503 NOT_READY when the model has no LSTM', async () => {
    const res = await request(plain.app).post('/api/v1/sessions/next').send({ movies: [3] }).expect(503);
    expect(res.body.error.code).toBe('NOT_READY');
  });
});
