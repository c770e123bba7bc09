/**
 * Next-movie endpoints (LSTM inference in the API process) against a model whose LSTM was
 * trained by the real compute pipeline. Expected lists come from core `LstmPredictor` on the
 * stored model and histories ordered by timestamp in this file.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LstmPredictor } from '@movielens/core';
import { ModelStore } from '@movielens/store';
import { harnessWithModel, syntheticDataset, type Harness } from './fixtures';

const data = syntheticDataset();
let h: Harness;
let version: string;
let predictor: LstmPredictor;
/** A second app whose model has no LSTM (the default). */
let plain: Harness;

/** Movie ids a user rated, oldest first (ties keep table order), straight from the synthetic table. */
function historyOf(userId: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < data.ratings.length; i++) if (data.ratings.users[i] === userId) rows.push(i);
  return rows.sort((a, b) => data.ratings.timestamps[a] - data.ratings.timestamps[b] || a - b).map((i) => data.ratings.movies[i]);
}

const titleOf = (movieId: number) => data.movies.find((m) => m.id === movieId)!.title;
const expected = (history: number[], k: number) => {
  const next = predictor.recommend(history, k);
  return Array.from(next.movieIds, (movieId, i) => ({ movieId, title: titleOf(movieId), score: next.scores[i] }));
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
      // Same float32 weights and the same predictor code: identical lists and scores.
      expect(res.body.next).toEqual(expected(history, 5));
      expect(res.body.lastWatched.movieId).toBe(history[history.length - 1]);
      for (const n of res.body.next as { movieId: number }[]) expect(history).not.toContain(n.movieId);
    }
  });

  it('answers 404 for a user without ratings and 503 NOT_READY when the model has no LSTM', async () => {
    await request(h.app).get('/api/v1/users/10000/next').expect(404);
    const res = await request(plain.app).get('/api/v1/users/7/next').expect(503);
    expect(res.body.error.code).toBe('NOT_READY');
    expect(res.body.error.message).toMatch(/no next-movie LSTM.*lstm: true/);
  });
});

describe('POST /sessions/next', () => {
  it('returns the LSTM next movies after an anonymous session, listing unknown ids as ignored', async () => {
    const res = await request(h.app).post('/api/v1/sessions/next').send({ movies: [9, 1, 30, 3], k: 4 }).expect(200);
    expect(res.headers['x-model-version']).toBe(version);
    expect(res.body.ignored).toEqual([1]);
    expect(res.body.next).toEqual(expected([9, 30, 3], 4));
    expect(res.body.next.map((n: { movieId: number }) => n.movieId)).not.toContain(30);
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
