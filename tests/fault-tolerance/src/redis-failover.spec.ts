import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { createRedis, DatasetStore, KeySchema, ModelStore } from '@movielens/store';
import { syntheticDump } from './harness/datasets';
import { Poller } from './harness/poller';
import { ProcessSet } from './harness/processes';
import { startRedisCluster, type TestCluster } from './harness/redis-cluster';
import { API, rebuildResultOf, requestRebuildHttp, startSystem, upload, waitFor, waitForJob, type System } from './harness/system';

const run = promisify(execFile);

/** How long a master may be unreachable before its replica is promoted, ms (production default 15,000). */
const NODE_TIMEOUT_MS = 2000;
/**
 * Job lock duration of the workers, ms (production default 30,000). Longer than a failover
 * (~3-4 s here): a lock that cannot be renewed while the slots move would make BullMQ hand a
 * running ingest to a second attempt, which then finds its upload already consumed.
 */
const LOCK_MS = 10_000;

describe('Redis Cluster failover (three masters, one replica each)', () => {
  const procs = new ProcessSet();
  const prefix = 'ft-failover';
  const keys = new KeySchema(prefix);
  let cluster: TestCluster;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster(3, { replicas: 1, nodeTimeoutMs: NODE_TIMEOUT_MS });
    client = createRedis(cluster.url, { cluster: true }) as Cluster;
    client.on('error', () => {}); // a master is killed on purpose; the client follows the failover
  });
  afterAll(async () => {
    await procs.stopAll();
    client?.disconnect();
    await cluster?.stop();
  });

  /** The master holding the most keys: killing it hurts the most. */
  async function busiestMaster(): Promise<number> {
    const sizes = await Promise.all((await cluster.masters()).map(async (port) => ({ port, keys: Number((await run('redis-cli', ['-p', String(port), 'dbsize'])).stdout.trim()) })));
    return sizes.sort((a, b) => b.keys - a.keys)[0].port;
  }

  /** Kills `port` and waits until its replica has been promoted (every live node sees cluster_state:ok). */
  async function failOver(port: number): Promise<void> {
    const before = await cluster.masters();
    await cluster.kill(port);
    await waitFor('a promoted replica', async () => {
      const now = await cluster.masters().catch(() => [] as number[]);
      return now.length === before.length && !now.includes(port) ? true : undefined;
    }, 30_000, 200);
    await cluster.healthy();
  }

  /** The job's progress as `GET /jobs/:id` reports it, as JSON (for the log line). */
  async function progress(system: System, jobId: string): Promise<string> {
    const res = await fetch(`${system.apiUrl}${API}/jobs/${jobId}`, { headers: { 'X-API-Key': system.apiKey } });
    return JSON.stringify(((await res.json()) as { progress?: unknown }).progress);
  }

  async function state(system: System, jobId: string): Promise<string | undefined> {
    const res = await fetch(`${system.apiUrl}${API}/jobs/${jobId}`, { headers: { 'X-API-Key': system.apiKey } }).catch(() => null);
    return res?.ok ? ((await res.json()) as { state: string }).state : undefined;
  }

  it('a master killed mid-ingest, mid-rebuild and under API load: its replica takes over, no process restarts, no acknowledged rating is lost', async () => {
    const system = await startSystem(procs, { redisUrl: cluster.url, keyPrefix: prefix, computeWorkers: 2, env: { REDIS_CLUSTER: 'true', STALLED_INTERVAL_MS: String(LOCK_MS) } });
    const datasets = new DatasetStore(client, keys);
    const models = new ModelStore(client, keys);

    // 1. Mid-ingest: the upload was acknowledged (202); its master dies while the worker writes.
    const dump = syntheticDump({ ratings: 150_000, users: 1500, movies: 1200 });
    const ingestId = await upload(system, dump.files);
    await waitFor('the ingest to run', async () => ((await state(system, ingestId)) === 'active' ? true : undefined), 60_000, 50);
    const firstVictim = await busiestMaster();
    const ingestPercentAtKill = await progress(system, ingestId);
    await failOver(firstVictim);
    const ingest = await waitForJob(system, ingestId, 180_000);
    expect(ingest.state, `${ingest.failedReason}\n${procs.logs()}`).toBe('completed');
    const dataset = await datasets.currentVersion();
    expect((await datasets.meta(dataset!))?.counts.ratings).toBe(dump.ratings);
    const model = await waitFor('the model of that dataset', async () => {
      const ver = await models.currentVersion();
      return ver !== null && (await models.meta(ver))?.datasetVersion === dataset ? ver : undefined;
    }, 180_000).catch((err: Error) => Promise.reject(new Error(`${err.message}\n${procs.logs()}`)));
    // The killed node comes back as a replica of the promoted one.
    await cluster.restart(firstVictim);
    await cluster.healthy();

    // 2. Mid-rebuild and under API load: a master dies while the kinds are being built.
    const poller = new Poller(`${system.apiUrl}${API}/movies/1/similar?k=5`);
    const requestedAt = Date.now();
    const rebuildId = await requestRebuildHttp(system, { k: 24 });
    // "svd done" of this rebuild: the svd kind's factors are computed and its row jobs come next, while mf trains.
    const svdDone = (line: string) => line.includes('"msg":"svd done"') && (JSON.parse(line) as { time: number }).time >= requestedAt;
    await waitFor('the svd kind of the rebuild', async () => (system.compute.some((c) => c.lines.some(svdDone)) ? true : undefined), 60_000, 50);
    await failOver(await busiestMaster());
    const rebuild = await waitForJob(system, rebuildId, 180_000);
    const answers = await poller.stop();
    expect(rebuild.state, `${rebuild.failedReason}\n${procs.logs()}`).toBe('completed');
    const { modelVersion } = rebuildResultOf(rebuild);
    expect(modelVersion).not.toBe(model);
    expect(await models.currentVersion()).toBe(modelVersion);
    // Requests during the failover window may answer 503 (UNAVAILABLE, the one error shape); never anything else, and 200 again after.
    expect(answers.filter((a) => a.status !== 200 && a.status !== 503).map((a) => `${a.status} ${a.body}`).slice(0, 3)).toEqual([]);
    expect(answers.at(-1)?.status).toBe(200);
    const after = await fetch(`${system.apiUrl}${API}/movies/1/similar?k=5`);
    expect(after.status).toBe(200);
    expect(after.headers.get('x-model-version')).toBe(modelVersion);

    const counts = new Map<number, number>();
    for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
    const statuses = [...counts].map(([status, n]) => `${status}: ${n}`);
    console.log(`failover: ingest progress ${ingestPercentAtKill} when its master died (attempts ${ingest.attemptsMade}); rebuild attempts ${rebuild.attemptsMade}; API answers during the rebuild ${statuses.join(', ')}`);

    // Nothing lost, nothing restarted.
    expect(await datasets.currentVersion()).toBe(dataset);
    expect((await datasets.meta(dataset!))?.counts.ratings).toBe(dump.ratings);
    expect(procs.all().filter((p) => !p.running).map((p) => p.name)).toEqual([]);
  }, 600_000);
});
