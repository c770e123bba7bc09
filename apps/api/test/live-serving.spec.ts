import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LstmPredictor } from '@movielens/core';
import { ModelStore } from '@movielens/store';
import { harnessWithModel, syntheticDataset, type Harness } from './fixtures';

// Live ratings shown at once: the user's next answers (served through the hot path, as main.ts
// serves them) read their row with the live changes laid over it; other users' cached answers stay.

const KEY = 'test-key-0123456789';
const data = syntheticDataset();

let h: Harness;
let version: string;
beforeAll(async () => {
  ({ harness: h, version } = await harnessWithModel(data, { k: 5, topK: 20, recsN: 20, lstm: true, lstmEpochs: 2 }));
}, 180_000);
afterAll(() => h.close());

const get = (path: string, etag?: string) => {
  const r = request(h.handler).get(path);
  return etag === undefined ? r : r.set('If-None-Match', etag);
};
const rate = (user: number, body: object) => request(h.handler).post(`/api/v1/users/${user}/ratings`).set('X-API-Key', KEY).send(body).expect(202);

/** The stars of those ratings, in the same order. */
function starsBy(u: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.ratings.length; i++) if (data.ratings.users[i] === u) out.push(data.ratings.ratings[i]);
  return out;
}

/** Movies user `u` rated in the synthetic dataset. */
function ratedBy(u: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.ratings.length; i++) if (data.ratings.users[i] === u) out.push(data.ratings.movies[i]);
  return out;
}

describe('live ratings in the served answers', () => {
  it('the next recommendations exclude a movie rated now, with a new ETag; another user keeps theirs', async () => {
    const before = await get('/api/v1/users/5/recommendations?k=10').expect(200);
    const other = await get('/api/v1/users/6/recommendations?k=10').expect(200);
    await get('/api/v1/users/5/recommendations?k=10').expect(200); // now a hot-path answer
    const top = before.body.recommendations[0].movieId as number;
    await rate(5, { movieId: top, rating: 5 });
    const after = await get('/api/v1/users/5/recommendations?k=10').expect(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(after.body.recommendations.map((r: { movieId: number }) => r.movieId)).not.toContain(top);
    // The old ETag no longer revalidates; user 6's still does (their cached answer was not dropped).
    await get('/api/v1/users/5/recommendations?k=10', before.headers.etag).expect(200);
    await get('/api/v1/users/6/recommendations?k=10', other.headers.etag).expect(304);
  });

  it('the profile counts a new live rating and drops a deleted one', async () => {
    const rated = ratedBy(7);
    const unrated = data.movies.map((m) => m.id).find((id) => !rated.includes(id))!;
    const before = await get('/api/v1/users/7').expect(200);
    expect(before.body.ratingCount).toBe(rated.length);
    await rate(7, { movieId: unrated, rating: 4 });
    expect((await get('/api/v1/users/7').expect(200)).body.ratingCount).toBe(rated.length + 1);
    await request(h.handler).delete(`/api/v1/users/7/ratings/${rated[0]}`).set('X-API-Key', KEY).expect(202);
    const after = await get('/api/v1/users/7').expect(200);
    expect(after.body.ratingCount).toBe(rated.length);
  });

  it('a new user with live ratings only gets recommendations folded in from them', async () => {
    await get('/api/v1/users/900/recommendations?k=5').expect(404);
    await rate(900, [{ movieId: 3, rating: 5 }, { movieId: 6, rating: 1 }, { movieId: 9, rating: 4 }]);
    const res = await get('/api/v1/users/900/recommendations?k=5').expect(200);
    const ids = res.body.recommendations.map((r: { movieId: number }) => r.movieId);
    expect(ids).toHaveLength(5);
    expect(ids).not.toContain(3);
    expect(ids).not.toContain(9);
  });

  it('MF predictions fold the changed row in: a 1-star live rating lowers the prediction of that movie', async () => {
    const rated = ratedBy(8);
    const unrated = data.movies.map((m) => m.id).filter((id) => !rated.includes(id)).slice(0, 3);
    const before = await get(`/api/v1/users/8/predictions?movies=${unrated.join(',')}`).expect(200);
    await rate(8, { movieId: unrated[0], rating: 1 });
    const after = await get(`/api/v1/users/8/predictions?movies=${unrated.join(',')}`).expect(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    // Ridge fold-in with the new 1-star rating pulls that movie's prediction down (towards 1).
    expect(after.body.predictions[0].rating).toBeLessThan(before.body.predictions[0].rating);
  });

  it('next movies read the newest live rating as the last step (equal to the LSTM over the extended history)', async () => {
    const before = await get('/api/v1/users/9/next?k=5').expect(200);
    const history = ratedBy(9); // the synthetic timestamps grow with the row index: rated order is time order
    const fresh = data.movies.map((m) => m.id).find((id) => !history.includes(id))!;
    await rate(9, { movieId: fresh, rating: 4 });
    const after = await get('/api/v1/users/9/next?k=5').expect(200);
    expect(after.body.lastWatched.movieId).toBe(fresh);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    // Reference: the served LSTM over the whole history plus the new movie, from a zero state.
    const served = (await h.deps.readModel.current()).version;
    const predictor = new LstmPredictor((await new ModelStore(h.redis, h.keys).lstm(served))!);
    // With the stars it reads: the dataset's for the stored history, the live 4 for the new movie.
    const expected = predictor.recommend([...history, fresh], 5, undefined, [...starsBy(9), 4]);
    const got = after.body.next.map((n: { movieId: number; score: number }) => `${n.movieId}:${n.score.toFixed(6)}`);
    expect(got, `built ${version}, served ${served}`).toEqual(Array.from(expected.movieIds, (id, i) => `${id}:${expected.scores[i].toFixed(6)}`));
  });
});
