import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freePort, startRedisServer } from '@movielens/test-support';
import { DatasetStore, KeySchema, ModelStore } from '@movielens/store';
import { syntheticDump } from './harness/datasets';
import { Poller } from './harness/poller';
import { ProcessSet } from './harness/processes';
import { waitForBuildsIdle } from './harness/builds';
import { API, requestRebuildHttp, sleep, startSystem, upload, waitFor, waitForJob, type System } from './harness/system';

/**
 * Both scenarios run on one deployment with its own AOF-backed redis-server (on a fixed port
 * and data folder, so it can be stopped and started again), one after the other.
 */
describe('Redis restarts', () => {
  const procs = new ProcessSet();
  const dir = mkdtempSync(join(tmpdir(), 'ft-redis-aof-'));
  const prefix = 'ft-restart';
  const keys = new KeySchema(prefix);
  /** Touched by both workers while their Redis connections are ready (the compose health check). */
  const heartbeat = join(dir, 'heartbeat');
  const beatAt = () => (existsSync(heartbeat) ? statSync(heartbeat).mtimeMs : 0);
  let port: number;
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  let redis: Redis;
  let system: System;
  const startRedis = async () => (server = await startRedisServer({ port, dir, args: ['--appendonly', 'yes', '--appendfsync', 'everysec'] }));
  const stores = () => ({ datasets: new DatasetStore(redis, keys), models: new ModelStore(redis, keys) });
  const getJson = async (path: string) => {
    const res = await fetch(`${system.apiUrl}${path}`);
    return { status: res.status, model: res.headers.get('x-model-version'), body: (await res.json()) as unknown };
  };

  beforeAll(async () => {
    port = await freePort();
    await startRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    redis.on('error', () => undefined); // refused connections while the server is down are expected
    system = await startSystem(procs, { redisUrl: server.url, keyPrefix: prefix, computeWorkers: 1, env: { HEARTBEAT_FILE: heartbeat } });
    const dump = syntheticDump({ ratings: 15_000, users: 300, movies: 400 });
    const jobId = await upload(system, dump.files).catch((err: Error) => Promise.reject(new Error(`${err.message}\n${procs.logs()}`)));
    expect((await waitForJob(system, jobId)).state).toBe('completed');
    // Every kind of the first build published (one set each), so the served set stays put.
    await waitForBuildsIdle(redis, prefix, 120_000).catch((err: Error) => Promise.reject(new Error(`${err.message}\n${procs.logs()}`)));
    expect(await stores().models.currentVersion()).not.toBeNull();
  });
  afterAll(async () => {
    await procs.stopAll();
    redis?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after a restart while idle (AOF on), the API serves the same model, and datasets and models are intact', async () => {
    const { datasets, models } = stores();
    const dataset = (await datasets.currentVersion())!;
    const datasetMeta = await datasets.meta(dataset);
    const ratings = await datasets.loadRatings(dataset);
    const model = (await models.currentVersion())!;
    const modelMeta = await models.meta(model);
    const similar = await getJson(`${API}/movies/1/similar?k=5`);
    const recs = await getJson(`${API}/users/1/recommendations?k=5`);
    expect(similar.status).toBe(200);

    await server.stop();
    await startRedis();
    await waitFor('the API to be ready again', async () => ((await fetch(`${system.apiUrl}/readyz`)).ok ? true : undefined), 30_000);

    expect(await datasets.currentVersion()).toBe(dataset);
    expect(await datasets.meta(dataset)).toEqual(datasetMeta);
    expect(Buffer.from((await datasets.loadRatings(dataset)).ratings.buffer)).toEqual(Buffer.from(ratings.ratings.buffer));
    expect(await models.currentVersion()).toBe(model);
    expect(await models.meta(model)).toEqual(modelMeta);
    expect(await getJson(`${API}/movies/1/similar?k=5`)).toEqual(similar);
    expect(await getJson(`${API}/users/1/recommendations?k=5`)).toEqual(recs);
    for (const p of procs.all()) expect(p.running, p.tail()).toBe(true);
  });

  it('while Redis is down the API answers 503 with a clear message and stays up, worker heartbeats stop; all recover on their own', async () => {
    const { models } = stores();
    const before = (await models.currentVersion())!;
    await waitFor('a worker heartbeat', async () => (beatAt() > 0 ? true : undefined), 30_000);
    const poller = new Poller(`${system.apiUrl}${API}/movies/2/similar?k=5`);
    await sleep(500);
    const stoppedAt = Date.now();
    await server.stop();
    await waitFor('a 503 from the API', async () => (poller.failures().length > 5 ? true : undefined), 20_000);
    // Longer than one heartbeat interval (5 s): the workers stop touching the file while Redis is gone.
    await sleep(Math.max(0, stoppedAt + 6500 - Date.now()));
    expect(beatAt()).toBeLessThan(stoppedAt + 1000);
    const restartedAt = Date.now();
    await startRedis();
    const back = await waitFor('a 200 after the restart', async () => {
      const i = poller.answers.findLastIndex((a) => a.status !== 200);
      return i >= 0 && poller.answers.length > i + 5 ? i + 1 : undefined;
    }, 30_000);
    const answers = await poller.stop();

    const outage = answers.filter((a) => a.status !== 200);
    expect(outage.length).toBeGreaterThan(0);
    // Every failed answer is a 503 naming the cause (never a dropped connection or a 500).
    for (const a of outage) {
      expect(a.status, a.body ?? '').toBe(503);
      expect(JSON.parse(a.body!)).toMatchObject({ error: { code: 'UNAVAILABLE', message: expect.stringMatching(/Redis is unreachable/) } });
    }
    expect(answers.slice(back).every((a) => a.status === 200 && a.model === before)).toBe(true);
    for (const p of procs.all()) expect(p.running, p.tail()).toBe(true);
    await waitFor('the heartbeat to resume', async () => (beatAt() > restartedAt ? true : undefined), 15_000);

    // The workers reconnected too: a rebuild runs end to end without restarting anything.
    const job = await waitForJob(system, await requestRebuildHttp(system, { k: 12 }), 120_000);
    expect(job.state, `${job.failedReason}\n${procs.logs()}`).toBe('completed');
    expect(await models.currentVersion()).not.toBe(before);
  });

  it('SIGTERM while Redis is down: every process still exits 0 within a bound', async () => {
    await server.stop();
    await waitFor('the API to notice', async () => ((await fetch(`${system.apiUrl}/readyz`)).status === 503 ? true : undefined), 20_000);
    const running = procs.all().filter((p) => p.running);
    expect(running.length).toBe(3);
    for (const p of running) p.child.kill('SIGTERM');
    // The API waits at most SHUTDOWN_TIMEOUT_MS (10 s) for requests; the workers do not wait for Redis.
    const exits = await Promise.race([Promise.all(running.map((p) => p.exited)), sleep(20_000).then(() => null)]);
    expect(exits, running.map((p) => `${p.name} running=${p.running}\n${p.tail(5)}`).join('\n')).toEqual(running.map(() => ({ code: 0, signal: null })));
    await startRedis(); // for afterAll's stop
  });
});
