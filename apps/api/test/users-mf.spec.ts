/**
 * The MF-backed user endpoints (predictions, `?algorithm=mf` recommendations) and the user
 * profile (favourite genres, top rated), against models built by the real compute pipeline.
 * Expected values come from core `predictMf`/`recommendMf` on the stored model and from naive
 * passes over the synthetic ratings in this file.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findIdIndex, predictMf, recommendMf, type MfModel } from '@movielens/core';
import { ModelStore } from '@movielens/store';
import { harnessWithModel, syntheticDataset, type Harness, listedMovie } from './fixtures';

const data = syntheticDataset();
let h: Harness;
let version: string;
let model: MfModel;
/** A second app whose model was built with `mf: false`. */
let plain: Harness;

/** The ratings of one user straight from the synthetic table: movie id -> stars. */
function ratingsOf(userId: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < data.ratings.length; i++) if (data.ratings.users[i] === userId) out.set(data.ratings.movies[i], data.ratings.ratings[i]);
  return out;
}

const titleOf = (movieId: number) => data.movies.find((m) => m.id === movieId)!.title;
const listed = (movieId: number) => listedMovie(data, movieId);

beforeAll(async () => {
  ({ harness: h, version } = await harnessWithModel(data, { k: 5, topK: 20, recsN: 20, mfSamples: 8 }));
  model = (await new ModelStore(h.redis, h.keys).mf(version))!;
  ({ harness: plain } = await harnessWithModel(data, { k: 5, topK: 20, recsN: 20, mf: false }));
}, 120_000);
afterAll(async () => {
  await h?.close();
  await plain?.close();
});

describe('GET /users/:id/predictions', () => {
  it('returns predictMf of the stored model for each known movie, in request order, and lists unknown ids as ignored', async () => {
    const res = await request(h.app).get('/api/v1/users/7/predictions?movies=9,3,1,180,9,999').expect(200);
    expect(res.headers['x-model-version']).toBe(version);
    expect(res.body).toMatchObject({ userId: 7, model: version, ignored: [1, 999] });
    const u = findIdIndex(model.userIds, 7);
    // Same float32 model and the same function: equal to the last bit, and JSON round-trips doubles exactly.
    expect(res.body.predictions).toEqual([9, 3, 180].map((movieId) => ({ movieId, title: titleOf(movieId), rating: predictMf(model, u, findIdIndex(model.movieIds, movieId)) })));
    for (const p of res.body.predictions as { rating: number }[]) {
      // Clipped to the training range of the synthetic stars (1..5).
      expect(p.rating).toBeGreaterThanOrEqual(1);
      expect(p.rating).toBeLessThanOrEqual(5);
    }
  });

  it('carries an ETag of the model version and the request, and answers 304 to it', async () => {
    const first = await request(h.app).get('/api/v1/users/7/predictions?movies=9,3').expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(new RegExp(`^"${version}:`));
    const again = await request(h.app).get('/api/v1/users/7/predictions?movies=9,3').set('If-None-Match', etag).expect(304);
    expect(again.text).toBe('');
    expect(again.headers['x-model-version']).toBe(version);
    // Another movie list or user is another answer: the ETag does not match it.
    await request(h.app).get('/api/v1/users/7/predictions?movies=3,9').set('If-None-Match', etag).expect(200);
    await request(h.app).get('/api/v1/users/8/predictions?movies=9,3').set('If-None-Match', etag).expect(200);
    // An unknown user stays 404 even to If-None-Match: *.
    await request(h.app).get('/api/v1/users/10000/predictions?movies=3').set('If-None-Match', '*').expect(404);
  });

  it('answers 404 for a user the model does not know', async () => {
    const res = await request(h.app).get('/api/v1/users/10000/predictions?movies=3').expect(404);
    expect(res.body.error.message).toMatch(/User 10000/);
  });

  it.each(['', '?movies=', '?movies=a,b', '?movies=1,,2', '?movies=0'])('answers 400 naming query.movies for %s', async (query) => {
    const res = await request(h.app).get(`/api/v1/users/7/predictions${query}`).expect(400);
    expect(res.body.error.message).toContain('query.movies');
  });

  it('answers 503 NOT_READY saying why when the model was built without MF', async () => {
    const res = await request(plain.app).get('/api/v1/users/7/predictions?movies=3').expect(503);
    expect(res.body.error.code).toBe('NOT_READY');
    expect(res.body.error.message).toMatch(/no trained MF rating model.*mf: false/);
  });
});

describe('GET /users/:id/recommendations?algorithm=mf', () => {
  it('ranks the movies the user has not rated by the MF model, scores are predictMf stars', async () => {
    const res = await request(h.app).get('/api/v1/users/7/recommendations?k=6&algorithm=mf').expect(200);
    expect(res.body).toMatchObject({ userId: 7, model: version, algorithm: 'mf' });
    const rated = ratingsOf(7);
    const u = findIdIndex(model.userIds, 7);
    const want = recommendMf(model, u, [...rated.keys()].map((id) => findIdIndex(model.movieIds, id)), 6);
    expect(res.body.recommendations).toEqual(want.map(({ movieIndex }) => ({ movieId: model.movieIds[movieIndex], ...listed(model.movieIds[movieIndex]), score: predictMf(model, u, movieIndex) })));
    expect(res.body.recommendations).toHaveLength(6);
    for (const r of res.body.recommendations as { movieId: number }[]) expect(rated.has(r.movieId)).toBe(false);
  });

  it('still serves the stored PureSVD list under ?algorithm=puresvd, under a different ETag', async () => {
    const svd = await request(h.app).get('/api/v1/users/7/recommendations?k=6&algorithm=puresvd').expect(200);
    const stored = (await new ModelStore(h.redis, h.keys).recommendations(version, 7))!.slice(0, 6);
    expect(svd.body.algorithm).toBe('puresvd');
    expect(svd.body.recommendations.map((r: { movieId: number }) => r.movieId)).toEqual(stored.map((s) => s.movieId));
    const mf = await request(h.app).get('/api/v1/users/7/recommendations?k=6&algorithm=mf').expect(200);
    expect(mf.headers.etag).not.toBe(svd.headers.etag);
  });

  it('answers 503 without an MF model, 404 for an unknown user, 400 for an unknown algorithm', async () => {
    expect((await request(plain.app).get('/api/v1/users/7/recommendations?algorithm=mf').expect(503)).body.error.code).toBe('NOT_READY');
    await request(plain.app).get('/api/v1/users/7/recommendations').expect(200);
    await request(h.app).get('/api/v1/users/10000/recommendations?algorithm=mf').expect(404);
    const bad = await request(h.app).get('/api/v1/users/7/recommendations?algorithm=svd').expect(400);
    expect(bad.body.error.message).toContain('query.algorithm');
  });
});

describe('GET /users/:id profile', () => {
  it('returns favourite genres equal to a naive count over the ratings, and the highest-rated movies', async () => {
    for (const id of [1, 7, 42]) {
      const res = await request(h.app).get(`/api/v1/users/${id}`).expect(200);
      const rated = ratingsOf(id);
      const naive = new Map<string, { count: number; sum: number }>();
      for (const [movieId, stars] of rated) {
        for (const genre of data.movies.find((m) => m.id === movieId)!.genres) {
          const g = naive.get(genre) ?? { count: 0, sum: 0 };
          naive.set(genre, { count: g.count + 1, sum: g.sum + stars });
        }
      }
      const want = [...naive].map(([genre, g]) => ({ genre, count: g.count, mean: g.sum / g.count })).sort((a, b) => b.count - a.count || b.mean - a.mean || a.genre.localeCompare(b.genre));
      expect(res.body.ratingCount).toBe(rated.size);
      expect(res.body.favouriteGenres.map((g: { genre: string; count: number }) => [g.genre, g.count])).toEqual(want.slice(0, 5).map((g) => [g.genre, g.count]));
      // Means of whole stars over at most 25 ratings: float64 sums in a different order agree to ~1e-15.
      res.body.favouriteGenres.forEach((g: { mean: number }, i: number) => expect(g.mean).toBeCloseTo(want[i].mean, 12));
      const top = [...rated].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 10);
      expect(res.body.topRated).toEqual(top.map(([movieId, rating]) => ({ movieId, ...listed(movieId), rating })));
    }
  });
});
