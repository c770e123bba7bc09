import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, documentPath, type RouteContract } from '@movielens/contracts';
import { defaultKinds } from '@movielens/compute';
import { registryFacts } from '../src/openapi';
import { harnessWithModel, syntheticDataset, testSettings, type Harness } from './fixtures';

// Real answers of a real server on a real Redis (a model built by the real compute pipeline)
// are what the contracts document: each body parses with the schema documented for its route
// and status, and parsing drops nothing (zod strips undocumented keys, so an answer field that
// the contract lacks shows up as a difference).

const routes = apiRoutes(registryFacts(defaultKinds));
const KEY = testSettings().apiKey!;

/** The route documented for `METHOD /path/template` (Express form), or an error naming it. */
function route(method: string, path: string): RouteContract {
  const found = routes.find((r) => r.method === method && r.path === path);
  if (found === undefined) throw new Error(`${method.toUpperCase()} ${path} has no contract`);
  return found;
}

/** Checks `body` against what `method path` documents for `status`. */
function expectDocumented(method: string, path: string, status: number, body: unknown): void {
  const answer = route(method, path).responses[status];
  expect(answer, `${method.toUpperCase()} ${documentPath(path)} documents ${status}`).toBeDefined();
  const parsed = answer.schema!.safeParse(body);
  expect(parsed.error?.issues ?? [], `${method.toUpperCase()} ${path} ${status}`).toEqual([]);
  expect(parsed.data, `${method.toUpperCase()} ${path} ${status}: fields the contract lacks`).toEqual(body);
}

let h: Harness;
beforeAll(async () => {
  ({ harness: h } = await harnessWithModel(syntheticDataset(), { k: 4, topK: 10, recsN: 10 }));
}, 120_000);
afterAll(() => h.close());

describe('answers validate against their documented schema', () => {
  const reads: [path: string, url: string][] = [
    ['/api/v1/movies', '/api/v1/movies?query=movie&limit=5'],
    ['/api/v1/movies/:id', '/api/v1/movies/3'],
    ['/api/v1/users/:id', '/api/v1/users/1'],
    ['/api/v1/analytics/top-rated', '/api/v1/analytics/top-rated?minRatings=5&limit=5'],
    ['/api/v1/analytics/recently-popular', '/api/v1/analytics/recently-popular?limit=5'],
    ['/api/v1/analytics/gender-gap', '/api/v1/analytics/gender-gap?minPerGender=3&limit=5'],
    ['/api/v1/analytics/distribution', '/api/v1/analytics/distribution'],
    ['/api/v1/analytics/by-genre', '/api/v1/analytics/by-genre'],
    ['/api/v1/movies/:id/similar', '/api/v1/movies/3/similar?k=5'],
    ['/api/v1/movies/:id/similar', '/api/v1/movies/3/similar?k=3&genre=Drama&offset=2'],
    ['/api/v1/users/:id/recommendations', '/api/v1/users/1/recommendations?k=5'],
    ['/api/v1/users/:id/recommendations', '/api/v1/users/1/recommendations?k=5&explain=1&exclude=3,6'],
    ['/api/v1/users/:id/predictions', '/api/v1/users/1/predictions?movies=3,6,999999'],
    ['/api/v1/status', '/api/v1/status'],
    ['/api/v1/models', '/api/v1/models'],
    ['/api/v1/models/kinds/:kind', '/api/v1/models/kinds/svd'],
    ['/healthz', '/healthz'],
    ['/readyz', '/readyz'],
  ];
  for (const [path, url] of reads) {
    it(`GET ${url}`, async () => {
      const res = await request(h.app).get(url).expect(200);
      expectDocumented('get', path, 200, res.body);
    });
  }

  it('POST /api/v1/recommendations with ratings, explained', async () => {
    const res = await request(h.app).post('/api/v1/recommendations?explain=1').send({ ratings: [{ movieId: 3, rating: 5 }, { movieId: 6, rating: 1 }, { movieId: 999_999, rating: 4 }], k: 5 }).expect(200);
    expect(res.body.ignored).toEqual([999_999]);
    expectDocumented('post', '/api/v1/recommendations', 200, res.body);
  });

  it('GET /api/v1/jobs with the key (payloads shown) and without (redacted)', async () => {
    const keyed = await request(h.app).get('/api/v1/jobs').set('X-API-Key', KEY).expect(200);
    expect(keyed.body.jobs.length).toBeGreaterThan(0);
    expectDocumented('get', '/api/v1/jobs', 200, keyed.body);
    const anonymous = await request(h.app).get('/api/v1/jobs').expect(200);
    expectDocumented('get', '/api/v1/jobs', 200, anonymous.body);
  });

  it('POST /api/v1/models/rebuild answers 202 with the job, and the job answers as documented', async () => {
    const res = await request(h.app).post('/api/v1/models/rebuild').set('X-API-Key', KEY).send({ params: { k: 4 } }).expect(202);
    expectDocumented('post', '/api/v1/models/rebuild', 202, res.body);
    const job = await request(h.app).get(`/api/v1/jobs/${res.body.jobId}`).set('X-API-Key', KEY).expect(200);
    expectDocumented('get', '/api/v1/jobs/:id', 200, job.body);
  });

  it('POST and DELETE of live ratings answer 202 as documented', async () => {
    const posted = await request(h.app).post('/api/v1/users/1/ratings').set('X-API-Key', KEY).send([{ movieId: 3, rating: 4 }, { movieId: 6, rating: 2, timestamp: 978_300_000 }]).expect(202);
    expectDocumented('post', '/api/v1/users/:id/ratings', 202, posted.body);
    const deleted = await request(h.app).delete('/api/v1/users/1/ratings/3').set('X-API-Key', KEY).expect(202);
    expectDocumented('delete', '/api/v1/users/:id/ratings/:movieId', 202, deleted.body);
    const reused = await request(h.app).post('/api/v1/users/1/ratings').set('X-API-Key', KEY).set('Idempotency-Key', 'k1').send({ movieId: 9, rating: 3 }).expect(202);
    expectDocumented('post', '/api/v1/users/:id/ratings', 202, reused.body);
    const conflict = await request(h.app).post('/api/v1/users/1/ratings').set('X-API-Key', KEY).set('Idempotency-Key', 'k1').send({ movieId: 9, rating: 5 }).expect(422);
    expectDocumented('post', '/api/v1/users/:id/ratings', 422, conflict.body);
  });

  it('errors: 404 of an unknown movie, 400 of a bad query, 401 without the key', async () => {
    const missing = await request(h.app).get('/api/v1/movies/999999').expect(404);
    expectDocumented('get', '/api/v1/movies/:id', 404, missing.body);
    const bad = await request(h.app).get('/api/v1/analytics/top-rated?limit=1000').expect(400);
    expectDocumented('get', '/api/v1/analytics/top-rated', 400, bad.body);
    const anonymous = await request(h.app).post('/api/v1/models/rebuild').send({}).expect(401);
    expectDocumented('post', '/api/v1/models/rebuild', 401, anonymous.body);
  });

  it('a field the contract lacks is caught (the check can fail)', () => {
    expect(() => expectDocumented('get', '/healthz', 200, { status: 'ok', uptimeSeconds: 1, extra: true })).toThrow(/fields the contract lacks/);
    expect(() => expectDocumented('get', '/healthz', 200, { status: 'ok' })).toThrow();
  });
});
