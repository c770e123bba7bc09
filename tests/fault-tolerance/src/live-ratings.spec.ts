import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freePort, startRedisServer } from '@movielens/test-support';
import { DatasetStore, KeySchema, LiveRatings } from '@movielens/store';
import { syntheticDump } from './harness/datasets';
import { AppScript, ProcessSet, READY_LINE, repoRoot } from './harness/processes';
import { API, sleep, startSystem, upload, waitFor, waitForJob, type System } from './harness/system';

/** Lock duration and stall check of the ingest worker, ms (production default 30,000). */
const STALL_MS = 2000;
/** Rating requests streamed (one rating each, distinct user-movie pairs), and clients at once. */
const REQUESTS = 600;
const CLIENTS = 8;

/** One live rating the stream posts, with the Idempotency-Key every retry of it carries. */
interface Op {
  key: string;
  userId: number;
  movieId: number;
  rating: number;
}

/**
 * Live ratings streamed by retrying clients while the API and the ingest worker are killed
 * with SIGKILL and Redis (AOF, `appendfsync always`) is SIGKILLed and started again: every
 * acknowledged rating ends up in the dataset exactly once. One deployment on its own
 * redis-server, so Redis can be killed without touching other tests.
 */
describe('live ratings under kill -9 of the API, the ingest worker and Redis', () => {
  const procs = new ProcessSet();
  const dir = mkdtempSync(join(tmpdir(), 'ft-live-aof-'));
  const prefix = 'ft-live';
  const keys = new KeySchema(prefix);
  let server: Awaited<ReturnType<typeof startRedisServer>> | undefined;
  let redis: Redis | undefined;

  afterAll(async () => {
    await procs.stopAll();
    redis?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies every acknowledged rating once, through the same versioned path as uploads', async () => {
    const port = await freePort();
    const startRedis = async () => (server = await startRedisServer({ port, dir, args: ['--appendonly', 'yes', '--appendfsync', 'always'] }));
    await startRedis();
    redis = new Redis(server!.url, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    redis.on('error', () => undefined); // refused connections while the server is down are expected
    const env = { STALLED_INTERVAL_MS: String(STALL_MS), LIVE_APPLY_COUNT: '100', LIVE_APPLY_AGE_MS: '300', LIVE_CHECK_MS: '50' };
    let system: System = await startSystem(procs, { redisUrl: server!.url, keyPrefix: prefix, computeWorkers: 0, env });
    const dump = syntheticDump({ ratings: 5_000, users: 100, movies: 200, seed: 3 });
    expect((await waitForJob(system, await upload(system, dump.files))).state).toBe('completed');
    const datasets = new DatasetStore(redis, keys);
    const movies = (await datasets.loadMovies((await datasets.currentVersion())!)).map((m) => m.id);

    // Users beyond the dump's, so every pair is new and the dataset must hold exactly these.
    const ops: Op[] = Array.from({ length: REQUESTS }, (_, i) => ({ key: `op-${i}`, userId: 100_001 + (i % 60), movieId: movies[Math.floor(i / 60) % movies.length], rating: (i % 5) + 1 }));
    const acked = new Set<string>();
    const failures: string[] = [];
    let attempts = 0;
    /** Posts `op` until the API acknowledges it (202), as a client with an Idempotency-Key retries. */
    const post = async (op: Op) => {
      for (;;) {
        attempts++;
        try {
          const res = await fetch(`${system.apiUrl}${API}/users/${op.userId}/ratings`, {
            method: 'POST',
            headers: { 'X-API-Key': system.apiKey, 'Content-Type': 'application/json', 'Idempotency-Key': op.key },
            body: JSON.stringify({ movieId: op.movieId, rating: op.rating }),
            signal: AbortSignal.timeout(5000),
          });
          if (res.status === 202) return void acked.add(op.key);
          if (res.status < 500) return void failures.push(`${op.key}: ${res.status} ${await res.text()}`);
        } catch {
          // The API is down (killed) or Redis is: retry with the same key.
        }
        await sleep(50);
      }
    };
    let next = 0;
    const stream = Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (next < ops.length) await post(ops[next++]);
    }));

    // 1. kill -9 the API mid-stream; a new one takes its port.
    await waitFor('150 acknowledged', async () => (acked.size >= 150 ? true : undefined), 60_000, 5);
    await system.api.kill('SIGKILL');
    const apiPort = new URL(system.apiUrl).port;
    const api2 = procs.node('api-2', AppScript.api, { env: { ...system.env, PORT: apiPort, HOST: '127.0.0.1', API_KEY: system.apiKey } });
    await api2.waitForLine(READY_LINE.api, 90_000);
    system = { ...system, api: api2 };

    // 2. kill -9 the ingest worker, while it applies live ratings when caught in time (a staged live version).
    await waitFor('300 acknowledged', async () => (acked.size >= 300 ? true : undefined), 90_000, 5);
    const staged = await waitFor('a live apply writing', async () => (Object.values(await redis!.hgetall(keys.datasetStaging())).some((r) => r.includes('"live:')) ? true : undefined), 10_000, 2).catch(() => false);
    await system.ingest!.kill('SIGKILL');
    const ingest2 = procs.node('ingest-2', AppScript.ingest, { env: system.env });
    await ingest2.waitForLine(READY_LINE.ingest, 90_000);

    // 3. SIGKILL Redis and start it again from its AOF.
    await waitFor('450 acknowledged', async () => (acked.size >= 450 ? true : undefined), 90_000, 5);
    server!.process.kill('SIGKILL');
    await new Promise((r) => server!.process.once('exit', r));
    await startRedis();

    await stream;
    expect(failures).toEqual([]);
    expect(acked.size).toBe(REQUESTS);

    // The CLI posts through the same path (its own Idempotency-Key and retries).
    const cli = spawnSync(process.execPath, ['--import', 'tsx', AppScript.cli, 'rate', '100001', String(movies[150]), '4', '--api', system.apiUrl, '--json'], {
      cwd: repoRoot,
      env: { ...process.env, API_KEY: system.apiKey },
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ userId: 100001, changes: [{ movieId: movies[150], rating: 4 }] });
    const expected = new Map(ops.map((op) => [`${op.userId}:${op.movieId}`, op.rating]));
    expected.set(`100001:${movies[150]}`, 4);

    // Every change accepted is applied (the age threshold applies the tail), and the log holds each request once.
    const live = new LiveRatings(redis, keys);
    const accepted = await live.accepted();
    expect(accepted, `retried ${attempts} times for ${REQUESTS} ratings`).toBe(REQUESTS + 1);
    const current = await waitFor('every accepted rating applied', async () => {
      const ver = await datasets.currentVersion();
      const meta = ver === null ? null : await datasets.meta(ver);
      return meta?.live?.applied === accepted ? ver! : undefined;
    }, 60_000);
    const table = await datasets.loadRatings(current);
    const liveRows = new Map<string, number[]>();
    for (let i = 0; i < table.length; i++) {
      if (table.users[i] <= 100_000) continue;
      const pair = `${table.users[i]}:${table.movies[i]}`;
      liveRows.set(pair, [...(liveRows.get(pair) ?? []), table.ratings[i]]);
    }
    // Exactly the acknowledged pairs, each once, with its stars; the dump's ratings untouched.
    expect(liveRows.size).toBe(expected.size);
    for (const [pair, stars] of expected) expect(liveRows.get(pair), pair).toEqual([stars]);
    expect(table.length - expected.size).toBe(dump.ratings);
    // Nothing half-written is left: no staging record, and every version named by a key is listed.
    // A retried apply (the stalled job of the killed worker) sweeps what its first attempt staged, or
    // unregisters the version when the kill fell between its pointer switch and unregistering it; under
    // load its retry can take a while (CI saw the whole test run 8x slower than on a quiet machine).
    await waitFor('no staged version', async () => ((await redis!.hlen(keys.datasetStaging())) === 0 ? true : undefined), 90_000).catch(async (err: Error) => {
      throw new Error(`${err.message}: left ${JSON.stringify(await redis!.hgetall(keys.datasetStaging()))}, current ${await datasets.currentVersion()}\n${procs.logs(20)}`);
    });
    const applies = (await datasets.listVersions()).length;
    expect(applies, `caught a live apply mid-write: ${staged}\n${procs.logs(10)}`).toBeGreaterThan(1);
  }, 300_000);
});
