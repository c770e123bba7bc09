import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './fixtures';

/**
 * Every input rule answers 400 BAD_REQUEST naming the field, before any model is needed: a
 * harness without a model would answer 503 to a request that got past validation.
 */

const KEY = 'test-key-0123456789';
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('bad input on GET routes', () => {
  it.each([
    ['/api/v1/users/0', 'params.id'],
    ['/api/v1/users/-4', 'params.id'],
    ['/api/v1/users/abc', 'params.id'],
    ['/api/v1/users/1.5', 'params.id'],
    [`/api/v1/users/${2 ** 31}`, 'params.id'],
    ['/api/v1/users/4/recommendations?k=0', 'query.k'],
    ['/api/v1/users/4/recommendations?k=101', 'query.k'],
    ['/api/v1/users/4/recommendations?k=ten', 'query.k'],
    ['/api/v1/users/4/recommendations?algorithm=knn', 'query.algorithm'],
    ['/api/v1/movies?page=0', 'query.page'],
    ['/api/v1/movies?page=x', 'query.page'],
    ['/api/v1/movies?limit=0', 'query.limit'],
    ['/api/v1/movies?limit=101', 'query.limit'],
    [`/api/v1/movies?genre=${'g'.repeat(51)}`, 'query.genre'],
    ['/api/v1/analytics/top-rated?minRatings=0', 'query.minRatings'],
    ['/api/v1/analytics/divisive?minRatings=many', 'query.minRatings'],
    ['/api/v1/analytics/top-rated?limit=101', 'query.limit'],
    ['/api/v1/analytics/most-rated?limit=0', 'query.limit'],
    ['/api/v1/analytics/gender-gap?minPerGender=0', 'query.minPerGender'],
    ['/api/v1/analytics/gender-gap?minPerGender=1.5', 'query.minPerGender'],
    ['/api/v1/analytics/gender-gap?direction=both', 'query.direction'],
    ['/api/v1/analytics/gender-gap?limit=-1', 'query.limit'],
    ['/api/v1/jobs?limit=0', 'query.limit'],
    ['/api/v1/jobs?limit=101', 'query.limit'],
    ['/api/v1/jobs?queue=compute', 'query.queue'],
  ])('GET %s answers 400 naming %s', async (path, field) => {
    const res = await request(h.app).get(path).expect(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.message).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
  });
});

describe('bad input on writes', () => {
  it.each(['bad version!', 'a'.repeat(101), 'v@1'])('POST /models/%s/activate answers 400 naming params.version', async (version) => {
    const res = await request(h.app).post(`/api/v1/models/${encodeURIComponent(version)}/activate`).set('X-API-Key', KEY).expect(400);
    expect(res.body.error.message).toMatch(/^params\.version: letters, digits, _ \. - only/);
  });
});
