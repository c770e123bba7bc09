import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, testRedisUrl } from '@movielens/test-support';
import { buildModel, eventually, seedDataset, startHarness, syntheticDataset, type Harness } from './fixtures';

const MODEL_ROUTES = [
  '/api/v1/movies/3/similar',
  '/api/v1/users/1/recommendations',
  '/api/v1/movies/3',
  '/api/v1/movies?query=x',
  '/api/v1/users/1',
  '/api/v1/analytics/top-rated',
  '/api/v1/analytics/gender-gap',
  '/api/v1/analytics/distribution',
];

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('before any model exists', () => {
  it('answers 503 NOT_READY with the guidance message on every model-backed route', async () => {
    h = await startHarness();
    for (const path of MODEL_ROUTES) {
      const res = await request(h.app).get(path).expect(503);
      expect(res.body).toEqual({
        error: { code: 'NOT_READY', message: 'No model has been built yet. Upload a dataset (POST /api/v1/datasets) or run `npx movielens rebuild`.' },
      });
    }
    await request(h.app).post('/api/v1/recommendations').send({ liked: [3] }).expect(503);
  });

  it('is alive but not ready, and becomes ready when a model is published', async () => {
    h = await startHarness();
    await request(h.app).get('/healthz').expect(200);
    expect((await request(h.app).get('/readyz').expect(503)).body.reason).toMatch(/No model/);
    await seedDataset(h.redis, h.keys, 'd1', syntheticDataset());
    const version = await buildModel(testRedisUrl(), h.prefix);
    // The publish announcement (pub/sub) or the poll switches the served version without a restart.
    await eventually(async () => (await request(h!.app).get('/api/v1/movies/3/similar')).headers['x-model-version'] === version);
    await request(h.app).get('/readyz').expect(200);
  });
});

describe('a model whose dataset version is gone', () => {
  it('is not ready, and its model routes answer 503 naming the dataset instead of 404', async () => {
    h = await startHarness();
    await seedDataset(h.redis, h.keys, 'd1', syntheticDataset());
    const version = await buildModel(testRedisUrl(), h.prefix);
    // What an age-only prune did: the served model's dataset deleted under it.
    await h.redis.unlink(h.keys.datasetMeta('d1'), h.keys.datasetMovies('d1'), h.keys.datasetUsers('d1'));
    const ready = await request(h.app).get('/readyz').expect(503);
    expect(ready.body).toMatchObject({ status: 'unready', model: version });
    expect(ready.body.reason).toMatch(/dataset version d1 is no longer stored/);
    for (const path of MODEL_ROUTES) {
      const res = await request(h.app).get(path).expect(503);
      expect(res.body.error.code).toBe('NOT_READY');
      expect(res.body.error.message).toContain(`Model ${version} cannot be served`);
    }
  });
});

describe('model switches', () => {
  it('drops the served version on the publish announcement, without waiting for the poll', async () => {
    // Poll every 10 min: only the pub/sub message on keys.events() can switch in time.
    h = await startHarness({ pollMs: 600_000 });
    await seedDataset(h.redis, h.keys, 'd1', syntheticDataset());
    const first = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10 });
    const a = await request(h.app).get('/api/v1/movies/3/similar?k=3').expect(200);
    expect(a.body.model).toBe(first);
    const second = await buildModel(testRedisUrl(), h.prefix, { k: 5, topK: 10, recsN: 10 });
    await eventually(async () => (await request(h!.app).get('/api/v1/movies/3/similar?k=3')).body.model === second, 5000);
    // The cached answer of the old version is not served for the same resource.
    const b = await request(h.app).get('/api/v1/movies/3/similar?k=3').set('If-None-Match', a.headers.etag).expect(200);
    expect(b.headers['x-model-version']).toBe(second);
  });
});

describe('when Redis goes away', () => {
  it('answers 503 UNAVAILABLE at once, and recovers without a restart when Redis returns', async () => {
    // Our own data dir with AOF, so the restarted server has the same keys (stop() keeps a dir it did not create).
    const dir = mkdtempSync(join(tmpdir(), 'api-redis-down-'));
    const server = await startRedisServer({ dir, args: ['--appendonly', 'yes'] });
    let restarted: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    try {
      h = await startHarness({ redisUrl: server.url });
      await seedDataset(h.redis, h.keys, 'd1', syntheticDataset());
      const version = await buildModel(server.url, h.prefix);
      await eventually(async () => (await request(h!.app).get('/api/v1/movies/3/similar')).status === 200);

      await server.stop();
      await eventually(() => h!.deps.redis.status !== 'ready');
      for (const path of ['/api/v1/movies/3/similar', '/api/v1/movies/6/similar', '/api/v1/models', '/api/v1/jobs']) {
        const started = Date.now();
        const res = await request(h.app).get(path).expect(503);
        expect(res.body.error.code).toBe('UNAVAILABLE');
        expect(res.body.error.message).toMatch(/Redis is unreachable/);
        // "Quickly": no waiting for reconnect attempts. 2 s is far above the measured ~ms and below any client timeout.
        expect(Date.now() - started).toBeLessThan(2000);
      }
      expect((await request(h.app).get('/readyz').expect(503)).body.reason).toMatch(/Redis is unreachable/);
      await request(h.app).get('/healthz').expect(200);
      await request(h.app).get('/metrics').expect(200);
      const upload = await request(h.app).post('/api/v1/datasets').set('X-API-Key', 'test-key-0123456789').attach('files', Buffer.from('1\t3\t5\t1\n'), 'u.data').expect(503);
      expect(upload.body.error.code).toBe('UNAVAILABLE');
      await request(h.app).post('/api/v1/recommendations').send({ liked: [3] }).expect(503);

      restarted = await startRedisServer({ port: server.port, dir, args: ['--appendonly', 'yes'] });
      await eventually(async () => (await request(h!.app).get('/api/v1/movies/6/similar')).status === 200, 15_000);
      expect((await request(h.app).get('/readyz').expect(200)).body.model).toBe(version);
    } finally {
      await h?.close();
      h = undefined;
      await restarted?.stop();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
