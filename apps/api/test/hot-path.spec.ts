import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { testRedisUrl } from '@movielens/test-support';
import { createMetrics } from '../src/middleware/metrics';
import { hotCacheSize, HOT_URL_MAX_CHARS } from '../src/middleware/cache';
import { withHotPath } from '../src/middleware/hot-path';
import { buildModel, eventually, harnessWithModel, seedDataset, startHarness, syntheticDataset, type Harness } from './fixtures';

const data = syntheticDataset();
const PARAMS = { k: 4, topK: 10, recsN: 10 };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The hot path over `h`'s read model in front of its Express app, counting what reaches Express. */
function countingHandler(harness: Harness) {
  const seen = { express: 0 };
  const metrics = createMetrics(harness.deps.queues);
  const handler = withHotPath(harness.deps.readModel, metrics, (req: IncomingMessage, res: ServerResponse) => {
    seen.express++;
    harness.app(req, res);
  });
  return { handler, seen };
}

/** Response headers without the ones that legitimately differ between two answers (time, connection). */
function stableHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...rest } = headers;
  return rest;
}

describe('hot path', () => {
  it('replays a repeated lookup without Express, with the same status, headers and body as the Express route', async () => {
    ({ harness: h } = await harnessWithModel(data, PARAMS));
    const { handler, seen } = countingHandler(h);
    for (const path of ['/api/v1/movies/3/similar?k=5', '/api/v1/users/4/recommendations?k=3', '/api/v1/analytics/most-rated?limit=5']) {
      const before = seen.express;
      const first = await request(handler).get(path).expect(200);
      expect(seen.express).toBe(before + 1);
      const again = await request(handler).get(path).expect(200);
      expect(seen.express).toBe(before + 1); // served by the hot path
      expect(again.text).toBe(first.text);
      expect(stableHeaders(again.headers)).toEqual(stableHeaders(first.headers));
      // The Express route's headers include helmet's and the model validators; the replay must too.
      expect(again.headers['x-model-version']).toBeTruthy();
      expect(again.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('answers 304 to a matching If-None-Match and 200 to a stale one', async () => {
    ({ harness: h } = await harnessWithModel(data, PARAMS));
    const { handler, seen } = countingHandler(h);
    const first = await request(handler).get('/api/v1/movies/6/similar').expect(200);
    const notModified = await request(handler).get('/api/v1/movies/6/similar').set('If-None-Match', `W/${first.headers.etag}`).expect(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.etag).toBe(first.headers.etag);
    await request(handler).get('/api/v1/movies/6/similar').set('If-None-Match', '"other"').expect(200);
    expect(seen.express).toBe(1);
  });

  it('leaves requests with an Origin, other methods and unseen URLs to Express', async () => {
    ({ harness: h } = await harnessWithModel(data, PARAMS));
    const { handler, seen } = countingHandler(h);
    await request(handler).get('/api/v1/movies/3/similar').expect(200);
    await request(handler).get('/api/v1/movies/3/similar').set('Origin', 'https://elsewhere.example').expect(200);
    await request(handler).head('/api/v1/movies/3/similar').expect(200);
    await request(handler).get('/api/v1/movies/3/similar?k=10').expect(200); // same resource, different URL: first time through Express
    expect(seen.express).toBe(4);
  });

  it('never replays an answer of the previous model after a switch', async () => {
    h = await startHarness({ pollMs: 600_000 });
    await seedDataset(h.redis, h.keys, 'd1', data);
    const first = await buildModel(testRedisUrl(), h.prefix, PARAMS);
    const { handler } = countingHandler(h);
    await eventually(async () => (await request(handler).get('/api/v1/movies/3/similar?k=3')).body.model === first);
    expect((await request(handler).get('/api/v1/movies/3/similar?k=3').expect(200)).body.model).toBe(first);
    const second = await buildModel(testRedisUrl(), h.prefix, { ...PARAMS, k: 5 });
    await eventually(async () => (await request(handler).get('/api/v1/movies/3/similar?k=3')).body.model === second, 5000);
    const res = await request(handler).get('/api/v1/movies/3/similar?k=3').expect(200);
    expect(res.headers['x-model-version']).toBe(second);
    expect(res.headers.etag).toContain(second);
  });

  it('answers 503 instead of a cached answer when Redis is unreachable', async () => {
    ({ harness: h } = await harnessWithModel(data, PARAMS));
    const { handler } = countingHandler(h);
    await request(handler).get('/api/v1/movies/3/similar').expect(200);
    await request(handler).get('/api/v1/movies/3/similar').expect(200);
    h.deps.redis.disconnect();
    await eventually(() => h!.deps.redis.status !== 'ready');
    const res = await request(handler).get('/api/v1/movies/3/similar').expect(503);
    expect(res.body.error.code).toBe('UNAVAILABLE');
  });

  it('records the latency of replayed answers under the route pattern', async () => {
    ({ harness: h } = await harnessWithModel(data, PARAMS));
    // The app's own handler: Express's middleware and the hot path record into the same registry.
    const { handler } = h;
    for (let i = 0; i < 5; i++) await request(handler).get('/api/v1/movies/9/similar').expect(200);
    await request(handler).get('/api/v1/movies/9/similar').set('If-None-Match', (await request(handler).get('/api/v1/movies/9/similar')).headers.etag).expect(304);
    const { text } = await request(handler).get('/metrics').expect(200);
    // 6 answers of 200 (1 through Express, 5 replayed) and one replayed 304.
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/movies\/:id\/similar",status="200"\} 6\n/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/movies\/:id\/similar",status="304"\} 1\n/);
  });

  it('does not remember URLs padded past the length limit (the routes ignore unknown query parameters)', async () => {
    ({ harness: h } = await harnessWithModel(data, PARAMS));
    const { handler, seen } = countingHandler(h);
    const padded = `/api/v1/movies/3/similar?x=${'a'.repeat(HOT_URL_MAX_CHARS)}`;
    await request(handler).get(padded).expect(200);
    await request(handler).get(padded).expect(200);
    expect(seen.express).toBe(2);
    expect(hotCacheSize((await h.deps.readModel.current())).entries).toBe(0);
  });

  it('bounds the by-URL cache by bytes: distinct padded URLs evict each other instead of piling up', async () => {
    h = await startHarness({ cacheBytes: 64 * 1024 });
    await seedDataset(h.redis, h.keys, 'd1', data);
    await buildModel(testRedisUrl(), h.prefix, PARAMS);
    const { handler } = countingHandler(h);
    for (let i = 0; i < 150; i++) await request(handler).get(`/api/v1/movies/3/similar?x=${i}${'b'.repeat(400)}`).expect(200);
    const size = hotCacheSize(await h.deps.readModel.current());
    // 150 URLs of ~1.9 KB each (URL as UTF-16, the ~1 KB body, overhead) would be ~290 KB; half of 64 KiB is the bound.
    expect(size.bytes).toBeLessThanOrEqual(32 * 1024);
    expect(size.entries).toBeGreaterThan(0);
    expect(size.entries).toBeLessThan(150);
  });
});
