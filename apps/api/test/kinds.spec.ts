import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_KINDS, KindRegistry } from '@movielens/compute';
import { popularKind } from '@movielens/compute/testing';
import { testRedisUrl } from '@movielens/test-support';
import { buildModel, eventually, seedDataset, startHarness, syntheticDataset, type Harness } from './fixtures';

// Model kinds through HTTP: a kind registered once (the test kind `popular`) is served by
// ?algorithm=, every answer names the kind version and dataset version it comes from, and one
// kind rolls back on its own.

const KEY = 'test-key-0123456789';
const registry = new KindRegistry([...DEFAULT_KINDS, popularKind]);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('model kinds over HTTP', () => {
  it('serves a registered extra kind by ?algorithm=, with its source, and lists every kind of the set', async () => {
    h = await startHarness({ kinds: registry });
    await seedDataset(h.redis, h.keys, 'd1', syntheticDataset());
    const set = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10, mf: false, popularN: 30 }, registry);
    await eventually(async () => (await h!.deps.readModel.current()).version === set);

    const res = await request(h.app).get('/api/v1/users/1/recommendations?algorithm=popular&k=5').expect(200);
    expect(res.body).toMatchObject({ userId: 1, algorithm: 'popular', scoreUnit: 'ratings', source: { kind: 'popular', datasetVersion: 'd1' } });
    expect(res.body.source.version).toMatch(/^popular-\d+-[0-9a-f]{4}$/);
    expect(res.body.recommendations).toHaveLength(5);
    const scores = res.body.recommendations.map((r: { score: number }) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    const svd = await request(h.app).get('/api/v1/users/1/recommendations?k=3&algorithm=puresvd').expect(200);
    expect(svd.body).toMatchObject({ algorithm: 'puresvd', source: { kind: 'svd', datasetVersion: 'd1' } });
    const similar = await request(h.app).get('/api/v1/movies/3/similar?k=3').expect(200);
    expect(similar.body.source.kind).toBe('svd');

    const bad = await request(h.app).get('/api/v1/users/1/recommendations?algorithm=nope').expect(400);
    expect(bad.body.error.message).toMatch(/puresvd.*mf.*popular/);
    // mf was turned off for this build: its algorithm says so instead of a 500 or a 404.
    const off = await request(h.app).get('/api/v1/users/1/recommendations?algorithm=mf').expect(503);
    expect(off.body.error.code).toBe('NOT_READY');

    const models = await request(h.app).get('/api/v1/models').expect(200);
    expect(Object.keys(models.body.versions[0].kinds).sort()).toEqual(['analytics', 'ease', 'ials', 'popular', 'rp3beta', 'selection', 'similarusers', 'svd']);
  });

  it('rolls one kind back on its own: the other kinds stay, answers follow, unknown versions are 404', async () => {
    h = await startHarness({ kinds: registry });
    await seedDataset(h.redis, h.keys, 'd1', syntheticDataset());
    await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10, mf: false, popularN: 2 }, registry);
    const second = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10, mf: false, popularN: 30 }, registry);
    await eventually(async () => (await h!.deps.readModel.current()).version === second);
    const listed = await request(h.app).get('/api/v1/models/kinds/popular').expect(200);
    expect(listed.body.versions).toHaveLength(2);
    const [served, earlier] = listed.body.versions as { version: string; served: boolean }[];
    expect(served.served).toBe(true);
    const before = (await request(h.app).get('/api/v1/models').expect(200)).body.versions[0].kinds;

    await request(h.app).post(`/api/v1/models/kinds/popular/${earlier.version}/activate`).expect(401);
    const rolled = await request(h.app).post(`/api/v1/models/kinds/popular/${earlier.version}/activate`).set('X-API-Key', KEY).expect(200);
    expect(rolled.body.kinds.popular.version).toBe(earlier.version);
    expect(rolled.body.kinds.svd.version).toBe(before.svd.version);
    await eventually(async () => (await h!.deps.readModel.current()).version === rolled.body.current);
    const recs = await request(h.app).get('/api/v1/users/1/recommendations?algorithm=popular&k=10').expect(200);
    // The earlier version kept 2 movies: at most 2 recommendations now.
    expect(recs.body.recommendations.length).toBeLessThanOrEqual(2);
    expect(recs.body.source.version).toBe(earlier.version);

    await request(h.app).post('/api/v1/models/kinds/popular/popular-1-0000/activate').set('X-API-Key', KEY).expect(404);
    await request(h.app).post(`/api/v1/models/kinds/nope/${earlier.version}/activate`).set('X-API-Key', KEY).expect(404);
  });
});
