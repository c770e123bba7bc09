/**
 * Recommendations served through the kinds' scorers (filters, paging, explanations, visitors)
 * and the filters of similar movies, against models built by the real compute pipeline on a
 * private Redis. Expected values come from the stored tables read directly (stored PureSVD lists,
 * factors and user means; the stored MF model through core `recommendMf`) and from the
 * synthetic ratings of this file.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findIdIndex, recommendMf } from '@movielens/core';
import { ModelStore } from '@movielens/store';
import { testRedisUrl } from '@movielens/test-support';
import { buildModel, harnessWithModel, syntheticDataset, type Harness } from './fixtures';

const data = syntheticDataset();
let h: Harness;
let version: string;
let store: ModelStore;

interface Rec {
  movieId: number;
  score: number;
  genres: string[];
  because?: { movieId: number; title: string; weight: number }[];
}
const ids = (list: { movieId: number }[]) => list.map((r) => r.movieId);

/** User `userId`'s ratings straight from the synthetic table: movie id -> stars. */
function ratingsOf(userId: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < data.ratings.length; i++) if (data.ratings.users[i] === userId) out.set(data.ratings.movies[i], data.ratings.ratings[i]);
  return out;
}

/** User 7's recommendations; PureSVD unless the query names an algorithm (the default is the model selection's winner). */
async function recs(query: string): Promise<{ recommendations: Rec[]; exhausted: boolean; offset: number; algorithm: string }> {
  const named = query.includes('algorithm=') ? query : `${query}&algorithm=puresvd`;
  return (await request(h.app).get(`/api/v1/users/7/recommendations${named}`).expect(200)).body;
}

beforeAll(async () => {
  ({ harness: h, version } = await harnessWithModel(data, { k: 5, topK: 20, recsN: 20, mfSamples: 8 }));
  store = new ModelStore(h.redis, h.keys);
}, 120_000);
afterAll(async () => h?.close());

describe('GET /users/:id/recommendations through the scorer', () => {
  it('gives the same top-k as the stored PureSVD list (fast path), with scores within float32 error', async () => {
    const stored = (await store.recommendations(version, 7))!.slice(0, 10);
    const fast = await recs('?k=10');
    expect(ids(fast.recommendations)).toEqual(ids(stored));
    // Excluding a movie the user rated changes nothing but forces the scorer path.
    const rated = [...ratingsOf(7).keys()][0];
    const scored = await recs(`?k=10&exclude=${rated}`);
    expect(ids(scored.recommendations)).toEqual(ids(stored));
    scored.recommendations.forEach((r, i) => expect(r.score).toBeCloseTo(stored[i].score, 4));
    expect(scored.exhausted).toBe(false);
  });

  it('pages stably: offset/k pages concatenate to the unpaged ranking, also past the stored list (recsN 20)', async () => {
    const all = await recs('?k=30');
    expect(all.recommendations).toHaveLength(30);
    const pages = [await recs('?k=10'), await recs('?k=10&offset=10'), await recs('?k=10&offset=20')];
    expect(pages.flatMap((p) => ids(p.recommendations))).toEqual(ids(all.recommendations));
    expect(pages[1].offset).toBe(10);
  });

  it('keeps only the asked genres (case-insensitive, comma-separated or repeated), in the unfiltered order, and says when the list ran out', async () => {
    const unrated = 60 - ratingsOf(7).size;
    const all = await recs('?k=100');
    expect(all.recommendations).toHaveLength(unrated);
    expect(all.exhausted).toBe(true);
    const want = all.recommendations.filter((r) => r.genres[0] === 'Comedy' || r.genres[0] === 'Drama');
    const comma = await recs('?k=5&genre=comedy,Drama');
    const repeated = await recs('?k=5&genre=Comedy&genre=drama');
    expect(ids(comma.recommendations)).toEqual(ids(want.slice(0, 5)));
    expect(ids(repeated.recommendations)).toEqual(ids(want.slice(0, 5)));
    const tail = await recs(`?k=10&offset=${want.length - 3}&genre=Comedy,Drama`);
    expect(ids(tail.recommendations)).toEqual(ids(want.slice(-3)));
    expect(tail.exhausted).toBe(true);
  });

  it('leaves out excluded movies and fills the page with the next ones', async () => {
    const top = await recs('?k=6');
    const res = await recs(`?k=4&exclude=${top.recommendations[0].movieId},${top.recommendations[2].movieId}`);
    expect(ids(res.recommendations)).toEqual([1, 3, 4, 5].map((i) => top.recommendations[i].movieId));
  });

  it('answers 400 naming an unknown genre, and a bad offset or exclude list', async () => {
    const res = await request(h.app).get('/api/v1/users/7/recommendations?genre=Comedy,Westerns').expect(400);
    expect(res.body.error.message).toMatch(/query\.genre: unknown genre "Westerns"/);
    expect((await request(h.app).get('/api/v1/users/7/recommendations?offset=901').expect(400)).body.error.message).toContain('query.offset');
    expect((await request(h.app).get('/api/v1/users/7/recommendations?exclude=3,x').expect(400)).body.error.message).toContain('query.exclude');
  });

  it('serves mf through its scorer with the same ranking as core recommendMf on the stored model', async () => {
    const model = (await store.mf(version))!;
    const u = findIdIndex(model.userIds, 7);
    const rated = [...ratingsOf(7).keys()].map((id) => findIdIndex(model.movieIds, id));
    const want = recommendMf(model, u, rated, 12).map((s) => model.movieIds[s.movieIndex]);
    const fast = await recs('?algorithm=mf&k=12');
    const paged = [await recs('?algorithm=mf&k=6'), await recs('?algorithm=mf&k=6&offset=6')];
    expect(ids(fast.recommendations)).toEqual(want);
    expect(paged.flatMap((p) => ids(p.recommendations))).toEqual(want);
  });

  it('loads each kind scorer once and keeps it while the set serves it', async () => {
    await recs('?k=5&offset=1');
    await recs('?k=5&offset=2&algorithm=mf');
    const size = h.deps.readModel.scorers.size();
    expect(size.entries).toBe(2);
    expect(size.bytes).toBeGreaterThan(0);
  });
});

describe('?explain=1', () => {
  it('names up to three rated movies per recommendation: the largest terms (r_i - mean)(V_i . V_j) of its PureSVD score', async () => {
    const res = await recs('?k=5&explain=1');
    const f = await store.factors(version);
    const users = await store.users(version);
    const mean = users.userMeans[findIdIndex(users.userIds, 7)];
    const mine = ratingsOf(7);
    for (const r of res.recommendations) {
      // Direct computation of every rated movie's term over the stored factors.
      const j = findIdIndex(f.movieIds, r.movieId);
      const terms = [...mine].map(([movieId, stars]) => {
        const i = findIdIndex(f.movieIds, movieId);
        let dot = 0;
        for (let c = 0; c < f.k; c++) dot += f.V[i * f.k + c] * f.V[j * f.k + c];
        return { movieId, weight: (stars - mean) * dot };
      });
      const want = terms.filter((t) => t.weight > 0).sort((a, b) => b.weight - a.weight).slice(0, 3);
      expect(r.because!.map((b) => b.movieId)).toEqual(want.map((t) => t.movieId));
      r.because!.forEach((b, i) => {
        expect(b.weight).toBeCloseTo(want[i].weight, 5);
        expect(b.title).toBe(data.movies.find((m) => m.id === b.movieId)!.title);
      });
      // The terms sum to the score minus the user's mean (an exact decomposition).
      expect(terms.reduce((s, t) => s + t.weight, 0) + mean).toBeCloseTo(r.score, 4);
    }
  });

  it('explains mf recommendations with rated movies, largest weight first', async () => {
    const res = await recs('?k=5&explain=1&algorithm=mf');
    const mine = ratingsOf(7);
    for (const r of res.recommendations) {
      expect(r.because!.length).toBeGreaterThan(0);
      expect(r.because!.length).toBeLessThanOrEqual(3);
      for (const b of r.because!) expect(mine.has(b.movieId)).toBe(true);
      const w = r.because!.map((b) => b.weight);
      expect(w).toEqual([...w].sort((a, b) => b - a));
    }
  });
});

describe('POST /recommendations with filters', () => {
  it('ranks a visitor like the user with the same ratings folded in, filtered by genre and explained', async () => {
    const ratings = [...ratingsOf(7)].map(([movieId, rating]) => ({ movieId, rating }));
    // Folding in a user's own row centres it at their mean: the same scores as their stored row.
    const visitor = (await request(h.app).post('/api/v1/recommendations?genre=Action&explain=1&algorithm=puresvd').send({ ratings, k: 5 }).expect(200)).body;
    const user = await recs('?k=5&genre=Action&explain=1');
    expect(visitor.algorithm).toBe('puresvd');
    expect(ids(visitor.recommendations)).toEqual(ids(user.recommendations));
    expect(visitor.recommendations.map((r: Rec) => ids(r.because!))).toEqual(user.recommendations.map((r) => ids(r.because!)));
    for (const r of visitor.recommendations as Rec[]) expect(r.genres).toEqual(['Action']);
  });

  it('folds a visitor into mf too (ridge on the movie factors), never recommending what they gave', async () => {
    const res = (await request(h.app).post('/api/v1/recommendations?algorithm=mf').send({ liked: [3, 12, 1], k: 5 }).expect(200)).body;
    expect(res.ignored).toEqual([1]);
    expect(res.recommendations).toHaveLength(5);
    expect(ids(res.recommendations).some((id) => [3, 12].includes(id))).toBe(false);
  });
});

describe('GET /movies/:id/similar with filters', () => {
  it('filters and pages the stored list, and says when it ran out (topK 20)', async () => {
    const stored = (await store.similar(version, 3))!;
    const drama = stored.filter((s) => data.movies.find((m) => m.id === s.movieId)!.genres.includes('Drama'));
    const res = (await request(h.app).get('/api/v1/movies/3/similar?k=10&genre=drama').expect(200)).body;
    expect(ids(res.similar)).toEqual(ids(drama.slice(0, 10)));
    expect(res.exhausted).toBe(drama.length < 10);
    const page = (await request(h.app).get(`/api/v1/movies/3/similar?k=5&offset=5&exclude=${stored[0].movieId}`).expect(200)).body;
    expect(ids(page.similar)).toEqual(ids(stored.slice(6, 11)));
    expect(page.exhausted).toBe(false);
    const past = (await request(h.app).get('/api/v1/movies/3/similar?k=10&offset=15').expect(200)).body;
    expect(ids(past.similar)).toEqual(ids(stored.slice(15)));
    expect(past.exhausted).toBe(true);
  });
});

describe('scorer cache across sets', () => {
  it('drops the scorer of a kind version the new served set no longer has, and keeps the others', async () => {
    await recs('?k=5&offset=1');
    await recs('?k=5&offset=1&algorithm=mf');
    expect(h.deps.readModel.scorers.size().entries).toBe(2);
    const old = (await request(h.app).get('/api/v1/users/7/recommendations?k=5&offset=1&algorithm=puresvd').expect(200)).body.source.version;
    // A rebuild with another svd k publishes a new svd version; mf's parameters are unchanged, so its version stays.
    const next = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 20, recsN: 20, mfSamples: 8 });
    await h.deps.readModel.refresh();
    const res = (await request(h.app).get('/api/v1/users/7/recommendations?k=5&offset=1&algorithm=puresvd').expect(200)).body;
    expect(next).not.toBe(version);
    expect(res.source.version).not.toBe(old);
    expect(res.recommendations).toHaveLength(5);
    // The old svd scorer went when the set changed: the new svd and the kept mf one remain (3 without eviction).
    expect(h.deps.readModel.scorers.size().entries).toBe(2);
  }, 120_000);
});
