import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMovieStats, foldIn, rankMovies } from '@movielens/core';
import { ModelStore } from '@movielens/store';
import { testRedisUrl } from '@movielens/test-support';
import { buildModel, seedDataset, startHarness, syntheticDataset, type Harness, listedMovie } from './fixtures';

const data = syntheticDataset();
let h: Harness;
let version: string;
let store: ModelStore;

/** Ratings count and mean of a movie, straight from the synthetic table. */
function direct(movieId: number): { count: number; mean: number } {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < data.ratings.length; i++) {
    if (data.ratings.movies[i] !== movieId) continue;
    count++;
    sum += data.ratings.ratings[i];
  }
  return { count, mean: sum / count };
}

beforeAll(async () => {
  h = await startHarness();
  await seedDataset(h.redis, h.keys, 'd1', data);
  version = await buildModel(testRedisUrl(), h.prefix);
  store = new ModelStore(h.redis, h.keys);
});
afterAll(async () => h.close());

describe('GET /movies/:id/similar', () => {
  it('returns the k stored neighbours best first, with titles, rating counts and the model version', async () => {
    const res = await request(h.app).get('/api/v1/movies/3/similar?k=5').expect(200);
    expect(res.headers['x-model-version']).toBe(version);
    expect(res.body.movieId).toBe(3);
    expect(res.body.model).toBe(version);
    const stored = (await store.similar(version, 3))!.slice(0, 5);
    expect(res.body.similar.map((s: { movieId: number }) => s.movieId)).toEqual(stored.map((s) => s.movieId));
    for (const [i, s] of (res.body.similar as { movieId: number; title: string; score: number; count: number }[]).entries()) {
      // Float32 scores go through JSON unchanged: exact equality with the stored value.
      expect(s.score).toBe(stored[i].score);
      expect(s.title).toBe(data.movies.find((m) => m.id === s.movieId)!.title);
      expect(s.count).toBe(direct(s.movieId).count);
      if (i > 0) expect(s.score).toBeLessThanOrEqual(res.body.similar[i - 1].score);
    }
  });

  it('defaults k to 10', async () => {
    const res = await request(h.app).get('/api/v1/movies/6/similar').expect(200);
    expect(res.body.similar).toHaveLength(10);
  });

  it.each([
    ['/api/v1/users/99999', 404],
    ['/api/v1/users/99999/recommendations', 404],
    ['/api/v1/movies/99999/similar', 404],
    ['/api/v1/users/4/next', 503],
  ])('answers %s with %i, not 304, even to If-None-Match: *', async (path, status) => {
    const res = await request(h.app).get(path).set('If-None-Match', '*').expect(status);
    expect(res.headers.etag).toBeUndefined();
  });

  it('answers 304 to If-None-Match with the ETag of the same model version and resource', async () => {
    const first = await request(h.app).get('/api/v1/movies/3/similar?k=5').expect(200);
    const etag = first.headers.etag;
    expect(etag).toContain(version);
    const again = await request(h.app).get('/api/v1/movies/3/similar?k=5').set('If-None-Match', etag).expect(304);
    expect(again.text).toBe('');
    expect(again.headers['x-model-version']).toBe(version);
    // A different resource does not match the same validator.
    await request(h.app).get('/api/v1/movies/3/similar?k=6').set('If-None-Match', etag).expect(200);
  });

  it('answers 404 for a movie id that is not in the model', async () => {
    const res = await request(h.app).get('/api/v1/movies/1/similar').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(res.body.error.message).toMatch(/Movie 1/);
    expect(res.headers.etag).toBeUndefined();
  });

  it.each([
    ['k=0', 'query.k'],
    ['k=101', 'query.k'],
    ['k=abc', 'query.k'],
    ['k=2.5', 'query.k'],
  ])('answers 400 naming the field for ?%s', async (query, field) => {
    const res = await request(h.app).get(`/api/v1/movies/3/similar?${query}`).expect(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.message).toContain(field);
  });

  it.each(['-1', '0', 'abc', '1e99'])('answers 400 naming params.id for id %s', async (id) => {
    const res = await request(h.app).get(`/api/v1/movies/${id}/similar`).expect(400);
    expect(res.body.error.message).toContain('params.id');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts/);
  });
});

describe('GET /users/:id and recommendations', () => {
  it('returns the stored PureSVD recommendations of a user, best first, with titles', async () => {
    // Named: without ?algorithm= the model selection's winner answers (selection.spec.ts).
    const res = await request(h.app).get('/api/v1/users/7/recommendations?k=4&algorithm=puresvd').expect(200);
    const stored = (await store.recommendations(version, 7))!.slice(0, 4);
    expect(res.body).toMatchObject({ userId: 7, model: version });
    expect(res.body.recommendations).toEqual(stored.map((s) => ({ movieId: s.movieId, ...listedMovie(data, s.movieId), score: s.score })));
  });

  it('returns demographics, rating count and mean rating of a user', async () => {
    const res = await request(h.app).get('/api/v1/users/2').expect(200);
    expect(res.body.user).toEqual(data.users[1]);
    let sum = 0;
    let n = 0;
    for (let i = 0; i < data.ratings.length; i++) {
      if (data.ratings.users[i] !== 2) continue;
      sum += data.ratings.ratings[i];
      n++;
    }
    // Stored as Float32: 1e-6 relative covers float32 rounding of a mean of 1..5 stars.
    expect(res.body.meanRating).toBeCloseTo(sum / n, 5);
    expect(res.body.ratingCount).toBe(n);
  });

  it('answers 404 for unknown users', async () => {
    expect((await request(h.app).get('/api/v1/users/5000').expect(404)).body.error.code).toBe('NOT_FOUND');
    await request(h.app).get('/api/v1/users/5000/recommendations').expect(404);
  });
});

describe('GET /movies', () => {
  it('finds titles case- and accent-insensitively', async () => {
    const res = await request(h.app).get('/api/v1/movies?query=miserables').expect(200);
    expect(res.body.movies.map((m: { title: string }) => m.title)).toEqual(['Misérables, Les']);
    const amelie = await request(h.app).get('/api/v1/movies?query=AMELIE').expect(200);
    expect(amelie.body.movies[0].id).toBe(6);
    const city = await request(h.app).get('/api/v1/movies?query=lost%20children').expect(200);
    expect(city.body.total).toBe(1);
  });

  it('filters by genre and pages the result', async () => {
    const res = await request(h.app).get('/api/v1/movies?genre=comedy&limit=5&page=2').expect(200);
    expect(res.body.total).toBe(20);
    expect(res.body.movies).toHaveLength(5);
    expect(res.body.movies.every((m: { genres: string[] }) => m.genres.includes('Comedy'))).toBe(true);
  });

  it('returns a movie with its rating statistics', async () => {
    const res = await request(h.app).get('/api/v1/movies/9').expect(200);
    const want = direct(9);
    expect(res.body.movie.title).toBe('CITY OF LOST CHILDREN, THE');
    expect(res.body.stats.count).toBe(want.count);
    expect(res.body.stats.mean).toBeCloseTo(want.mean, 9);
  });

  it('answers 404 for an unknown movie and 400 for a too long query', async () => {
    await request(h.app).get('/api/v1/movies/4').expect(404);
    const res = await request(h.app).get(`/api/v1/movies?query=${'x'.repeat(201)}`).expect(400);
    expect(res.body.error.message).toContain('query.query');
  });
});

describe('analytics', () => {
  it('ranks top-rated movies exactly as core rankMovies does on the same ratings', async () => {
    const stats = computeMovieStats(data.ratings, data.movies, data.users);
    const want = rankMovies(stats, { by: 'mean', minCount: 30, limit: 5 });
    const res = await request(h.app).get('/api/v1/analytics/top-rated?minRatings=30&limit=5').expect(200);
    expect(res.body.movies.map((m: { movieId: number }) => m.movieId)).toEqual(want.map((w) => w.movieId));
    res.body.movies.forEach((m: { value: number }, i: number) => expect(m.value).toBeCloseTo(want[i].value, 9));
  });

  it('ranks most-rated movies by count', async () => {
    const stats = computeMovieStats(data.ratings, data.movies, data.users);
    const want = rankMovies(stats, { by: 'count', minCount: 1, limit: 3 });
    const res = await request(h.app).get('/api/v1/analytics/most-rated?limit=3').expect(200);
    expect(res.body.movies.map((m: { movieId: number; count: number }) => [m.movieId, m.count])).toEqual(want.map((w) => [w.movieId, w.count]));
  });

  it('ranks the gender gap both ways and divisive movies as core does', async () => {
    const stats = computeMovieStats(data.ratings, data.movies, data.users);
    const women = await request(h.app).get('/api/v1/analytics/gender-gap?direction=women&minPerGender=10&limit=5').expect(200);
    expect(women.body.movies.map((m: { movieId: number }) => m.movieId)).toEqual(rankMovies(stats, { by: 'gap', minCount: 10, limit: 5 }).map((m) => m.movieId));
    const men = await request(h.app).get('/api/v1/analytics/gender-gap?direction=men&minPerGender=10&limit=5').expect(200);
    expect(men.body.movies.map((m: { movieId: number }) => m.movieId)).toEqual(rankMovies(stats, { by: 'gap', minCount: 10, direction: 'asc', limit: 5 }).map((m) => m.movieId));
    const divisive = await request(h.app).get('/api/v1/analytics/divisive?minRatings=30&limit=5').expect(200);
    const want = rankMovies(stats, { by: 'std', minCount: 30, limit: 5 });
    expect(divisive.body.movies.map((m: { movieId: number }) => m.movieId)).toEqual(want.map((m) => m.movieId));
    divisive.body.movies.forEach((m: { value: number }, i: number) => expect(m.value).toBeCloseTo(want[i].value, 9));
  });

  it('serves the stored group tables: distribution, by age, occupation and genre', async () => {
    const distribution = await request(h.app).get('/api/v1/analytics/distribution').expect(200);
    const total = (distribution.body.distribution as { count: number }[]).reduce((s, b) => s + b.count, 0);
    expect(total).toBe(data.ratings.length);
    const byOccupation = await request(h.app).get('/api/v1/analytics/by-occupation').expect(200);
    expect(byOccupation.body['by-occupation'].map((g: { group: string }) => g.group).sort()).toEqual(['programmer', 'writer']);
    await request(h.app).get('/api/v1/analytics/by-age').expect(200);
    const byGenre = await request(h.app).get('/api/v1/analytics/by-genre').expect(200);
    expect(byGenre.body['by-genre'].map((g: { group: string }) => g.group)).toEqual(['Action', 'Comedy', 'Drama']);
  });

  it('answers a corrupt stored group table with a 500 CORRUPT_RECORD naming its key, not the corrupt value', async () => {
    const home = (await store.meta(version))!.tableHomes!['analytics:by-gender'];
    const key = h.keys.modelTable(home.version, 'analytics:by-gender');
    await h.redis.set(key, JSON.stringify([{ group: 'F', count: 'many', mean: 4 }]));
    const res = await request(h.app).get('/api/v1/analytics/by-gender').expect(500);
    expect(res.body.error.code).toBe('CORRUPT_RECORD');
    expect(res.body.error.message).toContain(key);
    expect(res.body.error.message).toMatch(/0\.count: /);
  });

  it('answers 400 for a bad direction', async () => {
    const res = await request(h.app).get('/api/v1/analytics/gender-gap?direction=both').expect(400);
    expect(res.body.error.message).toContain('query.direction');
  });
});

describe('POST /recommendations (folding-in)', () => {
  it('equals core foldIn on the stored factors', async () => {
    const ratings = [
      { movieId: 3, rating: 5 },
      { movieId: 6, rating: 1 },
      { movieId: 9, rating: 4 },
    ];
    const res = await request(h.app).post('/api/v1/recommendations').send({ ratings, k: 5 }).expect(200);
    const f = await store.factors(version);
    const stats = computeMovieStats(data.ratings, data.movies, data.users);
    let sum = 0;
    let n = 0;
    stats.count.forEach((c, i) => {
      if (c === 0) return;
      sum += c * stats.mean[i];
      n += c;
    });
    const want = foldIn({ movieIds: f.movieIds, k: f.k, V: Float64Array.from(f.V), S: f.S, globalMean: sum / n }, ratings, { n: 5 });
    expect(res.body.model).toBe(version);
    expect(res.body.recommendations.map((r: { movieId: number }) => r.movieId)).toEqual(want.recommendations.map((r) => r.movieId));
    expect(res.body.recommendations.some((r: { movieId: number }) => [3, 6, 9].includes(r.movieId))).toBe(false);
  });

  it('accepts a list of liked movies and reports unknown ids', async () => {
    const res = await request(h.app).post('/api/v1/recommendations').send({ liked: [3, 12, 1] }).expect(200);
    expect(res.body.recommendations).toHaveLength(10);
    expect(res.body.ignored).toEqual([1]);
  });

  it.each([
    [{ ratings: [] }, /^body\.ratings: Too small: expected array to have >=1 items/],
    [{ ratings: [{ movieId: 3, rating: 7 }] }, /^body\.ratings\[0\]\.rating: expected a rating from 0\.5 to 5$/],
    [{ ratings: [{ movieId: -3, rating: 4 }] }, /^body\.ratings\[0\]\.movieId: expected a positive integer movie id$/],
    [{ liked: ['x'] }, /^body\.liked\[0\]: expected a positive integer movie id$/],
    [{ liked: [3, 1.5] }, /^body\.liked\[1\]: expected a positive integer movie id$/],
    [{ liked: [3], extra: 1 }, /^body: Unrecognized key: "extra"$/],
    [{ something: 1 }, /^body: give `ratings` \(a list of \{movieId, rating\}\) or `liked` \(a list of movie ids\)\.$/],
    [[3, 6], /^body: give `ratings`/],
    [{ liked: [3], k: 0 }, /^body\.k: Too small: expected number to be >=1$/],
    [{ liked: [3], k: 101 }, /^body\.k: Too big: expected number to be <=100$/],
    [{ liked: [3], k: 'ten' }, /^body\.k: Invalid input: expected number, received string$/],
  ])('answers 400 naming the field and the reason for %j', async (body, reason) => {
    const res = await request(h.app).post('/api/v1/recommendations').send(body).expect(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.message).toMatch(reason);
  });

  it('answers 400 with a JSON error for a malformed JSON body', async () => {
    const res = await request(h.app).post('/api/v1/recommendations').set('Content-Type', 'application/json').send('{"ratings": [').expect(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
  });
});

describe('ops', () => {
  it('is ready with a model and exposes latency metrics by route', async () => {
    expect((await request(h.app).get('/readyz').expect(200)).body).toEqual({ status: 'ready', model: version });
    const metrics = await request(h.app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/movies\/:id\/similar",status="200"\} \d+/);
    expect(metrics.text).toMatch(/queue_jobs\{queue="rebuild",state="completed"\}/);
  });

  it('serves the OpenAPI document and an interactive reference over it from local files (no CDN)', async () => {
    const doc = await request(h.app).get('/openapi.json').expect(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/movies/{id}/similar');
    const page = await request(h.app).get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/html/);
    // Every script and stylesheet comes from this server.
    for (const [, url] of page.text.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url).toMatch(/^\//);
    const init = await request(h.app).get('/docs/init.js').expect(200);
    expect(init.text).toContain("url: '/openapi.json'");
    expect(init.text).toContain('validatorUrl: null');
    expect((await request(h.app).get('/docs/swagger-ui-bundle.js').expect(200)).headers['content-type']).toMatch(/javascript/);
    expect((await request(h.app).get('/docs/swagger-ui.css').expect(200)).headers['content-type']).toMatch(/css/);
    // Nothing else of the package is served (its index.html points to a demo API elsewhere).
    await request(h.app).get('/docs/index.html').expect(404);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await request(h.app).get('/api/v1/nothing').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
