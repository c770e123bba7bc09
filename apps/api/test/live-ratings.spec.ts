import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveRatings } from '@movielens/store';
import { seedDataset, startHarness, syntheticDataset, type Harness } from './fixtures';

const KEY = 'test-key-0123456789';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A harness whose current dataset is the synthetic one (movies 3, 6, ..., 180; ML-1M scale 1..5). */
async function withDataset(): Promise<Harness> {
  const harness = await startHarness();
  await seedDataset(harness.redis, harness.keys, 'd1', syntheticDataset());
  return harness;
}

describe('POST /users/:id/ratings', () => {
  it('needs the API key: 401 without, 403 with a wrong one', async () => {
    h = await withDataset();
    await request(h.app).post('/api/v1/users/1/ratings').send({ movieId: 3, rating: 4 }).expect(401);
    await request(h.app).post('/api/v1/users/1/ratings').set('X-API-Key', 'wrong-key-0123456789').send({ movieId: 3, rating: 4 }).expect(403);
    expect(await h.redis.exists(h.keys.liveLog())).toBe(0);
  });

  it('checks every rating against the current dataset and names the bad fields', async () => {
    h = await withDataset();
    const unknown = await request(h.app).post('/api/v1/users/1/ratings').set('X-API-Key', KEY).send([{ movieId: 3, rating: 4 }, { movieId: 4, rating: 4.5 }]).expect(400);
    expect(unknown.body.error.code).toBe('BAD_REQUEST');
    expect(unknown.body.error.message).toContain('body[1].movieId: movie 4 is not in the current dataset (version d1)');
    expect(unknown.body.error.message).toContain('body[1].rating: expected 1 to 5 in whole stars (the ML-1M scale)');
    const shape = await request(h.app).post('/api/v1/users/1/ratings').set('X-API-Key', KEY).send({ movieId: 3 }).expect(400);
    expect(shape.body.error.message).toMatch(/body\.rating/);
    await request(h.app).post('/api/v1/users/0/ratings').set('X-API-Key', KEY).send({ movieId: 3, rating: 4 }).expect(400);
    const badKey = await request(h.app).post('/api/v1/users/1/ratings').set('X-API-Key', KEY).set('Idempotency-Key', 'has space').send({ movieId: 3, rating: 4 }).expect(400);
    expect(badKey.body.error.message).toMatch(/Idempotency-Key/);
    expect(await h.redis.exists(h.keys.liveLog())).toBe(0);
  });

  it('accepts one or many ratings, a new user too, and writes each request once to the log', async () => {
    h = await withDataset();
    const one = await request(h.app).post('/api/v1/users/500/ratings').set('X-API-Key', KEY).send({ movieId: 3, rating: 5, timestamp: 978_300_000 }).expect(202);
    expect(one.body).toEqual({ userId: 500, entry: expect.stringMatching(/^\d+-\d+$/), changes: [{ movieId: 3, rating: 5, timestamp: 978_300_000 }] });
    const many = await request(h.app).post('/api/v1/users/1/ratings').set('X-API-Key', KEY).send([{ movieId: 6, rating: 1 }, { movieId: 9, rating: 2 }]).expect(202);
    expect(many.body.changes).toHaveLength(2);
    // Without a timestamp the rating is dated when it was accepted: the entry's time.
    expect(many.body.changes[0].timestamp).toBe(Math.floor(Number(many.body.entry.split('-')[0]) / 1000));
    const log = await new LiveRatings(h.redis, h.keys).read('0-0', 10);
    expect(log.map((e) => [e.userId, e.changes.length])).toEqual([
      [500, 1],
      [1, 2],
    ]);
  });

  it('applies a retried request once: same key and body replay the answer, another body is 422', async () => {
    h = await withDataset();
    const send = (body: object) => request(h!.app).post('/api/v1/users/2/ratings').set('X-API-Key', KEY).set('Idempotency-Key', 'retry-me-1').send(body);
    const first = await send({ movieId: 12, rating: 3 }).expect(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await send({ movieId: 12, rating: 3 }).expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await send({ movieId: 12, rating: 4 }).expect(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await h.redis.xlen(h.keys.liveLog())).toBe(1);
  });

  it('DELETE removes a rating through the same log, and names an unknown movie', async () => {
    h = await withDataset();
    const del = await request(h.app).delete('/api/v1/users/2/ratings/15').set('X-API-Key', KEY).expect(202);
    expect(del.body.changes).toEqual([{ movieId: 15, rating: null, timestamp: expect.any(Number) }]);
    const overlay = await new LiveRatings(h.redis, h.keys).overlay(2, '0-0');
    expect(overlay.get(15)?.rating).toBeNull();
    const unknown = await request(h.app).delete('/api/v1/users/2/ratings/16').set('X-API-Key', KEY).expect(400);
    expect(unknown.body.error.message).toMatch(/params\.movieId: movie 16/);
  });

  it('limits failed key checks by the write limit, never valid requests in flight together', async () => {
    h = await startHarness({ settings: { writeRateLimit: 3 } });
    await seedDataset(h.redis, h.keys, 'd1', syntheticDataset());
    const valid = await Promise.all(Array.from({ length: 12 }, (_, i) => request(h!.app).post(`/api/v1/users/${i + 1}/ratings`).set('X-API-Key', KEY).send({ movieId: 3, rating: 4 })));
    expect(valid.map((r) => r.status)).toEqual(Array(12).fill(202));
    const wrong = [];
    for (let i = 0; i < 4; i++) wrong.push((await request(h.app).post('/api/v1/users/1/ratings').set('X-API-Key', 'wrong-key-0123456789').send({ movieId: 3, rating: 4 })).status);
    expect(wrong).toEqual([403, 403, 403, 429]);
  });

  it('answers 503 NOT_READY before any dataset exists', async () => {
    h = await startHarness();
    const res = await request(h.app).post('/api/v1/users/1/ratings').set('X-API-Key', KEY).send({ movieId: 3, rating: 4 }).expect(503);
    expect(res.body.error.code).toBe('NOT_READY');
  });
});
