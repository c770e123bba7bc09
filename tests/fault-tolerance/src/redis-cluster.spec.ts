import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { createRedis, DatasetStore, KeySchema, ModelStore } from '@movielens/store';
import { syntheticDump } from './harness/datasets';
import { AppScript, ProcessSet } from './harness/processes';
import { startRedisCluster, type TestCluster } from './harness/redis-cluster';
import { waitForBuildsIdle } from './harness/builds';
import { API, rebuildResultOf, requestRebuildHttp, startSystem, upload, waitFor, waitForJob } from './harness/system';

describe('Redis Cluster (three masters)', () => {
  const procs = new ProcessSet();
  const prefix = 'ft-cluster';
  const keys = new KeySchema(prefix);
  let cluster: TestCluster;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    client = createRedis(cluster.url, { cluster: true }) as Cluster;
  });
  afterAll(async () => {
    await procs.stopAll();
    client?.disconnect();
    await cluster?.stop();
  });

  it('runs the whole pipeline: upload, ingest, a sharded rebuild on two workers, lookups, an append, a second rebuild, the CLI and a rollback', async () => {
    const system = await startSystem(procs, { redisUrl: cluster.url, keyPrefix: prefix, computeWorkers: 2, env: { REDIS_CLUSTER: 'true' } });
    const datasets = new DatasetStore(client, keys);
    const models = new ModelStore(client, keys);
    const dump = syntheticDump({ ratings: 20_000, users: 400, movies: 500 });

    const ingest = await waitForJob(system, await upload(system, dump.files));
    expect(ingest.state, `${ingest.failedReason}\n${procs.logs()}`).toBe('completed');
    const dataset = (await datasets.currentVersion())!;
    expect((await datasets.meta(dataset))?.counts.ratings).toBe(dump.ratings);
    // Every kind of the first build published (one set each): the last set is of this dataset.
    await waitForBuildsIdle(client, prefix, 120_000).catch((err: Error) => Promise.reject(new Error(`${err.message}\n${procs.logs()}`)));
    const model = (await models.currentVersion())!;
    expect((await models.meta(model))?.datasetVersion).toBe(dataset);

    const similar = await fetch(`${system.apiUrl}${API}/movies/1/similar?k=5`);
    expect(similar.status).toBe(200);
    expect(similar.headers.get('x-model-version')).toBe(model);
    expect(((await similar.json()) as { similar: unknown[] }).similar).toHaveLength(5);
    const recs = await fetch(`${system.apiUrl}${API}/users/1/recommendations?k=5`);
    expect(recs.status, await recs.clone().text()).toBe(200);
    expect((await fetch(`${system.apiUrl}${API}/analytics/top-rated`)).status).toBe(200);

    // The data really is spread over the masters (ratings chunks and model shards carry their own tags).
    const perNode = await Promise.all(client.nodes('master').map((n) => n.dbsize()));
    expect(perNode.filter((n) => n > 0).length).toBe(3);

    // An append merges into the current version (a compare-and-set across the pointer and the new keys).
    const extra = syntheticDump({ ratings: 2_000, users: 50, movies: 100, seed: 99 });
    const append = await waitForJob(system, await upload(system, extra.files.filter((f) => f.name === 'u.data'), 'append'));
    expect(append.state, `${append.failedReason}\n${procs.logs()}`).toBe('completed');
    // No follow-up rebuild with the selection's tuned values: the set this rebuild ends with stays served.
    const rebuild = await waitForJob(system, await requestRebuildHttp(system, { k: 10, selectionRetrain: false }), 120_000);
    expect(rebuild.state, `${rebuild.failedReason}\n${procs.logs()}`).toBe('completed');
    const result = rebuildResultOf(rebuild);
    // Nothing published after it ended: the set it ended with is the one served.
    await waitForBuildsIdle(client, prefix, 120_000);
    expect(await models.currentVersion()).toBe(result.modelVersion);
    expect(result.kinds.svd.outcome).toBe('published');
    expect(result.shardWorkers.length).toBeGreaterThanOrEqual(1);
    // The CLI reads the same deployment through the cluster.
    const cliEnv = { REDIS_CLUSTER: 'true', KEY_PREFIX: prefix };
    const status = procs.node('cli-status', AppScript.cli, { args: ['status', '--json', '--redis', cluster.url], env: cliEnv, keepLines: Infinity });
    expect(await status.exited, status.tail()).toEqual({ code: 0, signal: null });
    const statusJson = JSON.parse(status.lines.join('\n')) as { dataset: { version: string }; model: { version: string } };
    expect(statusJson.model.version).toBe(result.modelVersion);
    expect(statusJson.dataset.version).toBe(await datasets.currentVersion());
    const similarCli = procs.node('cli-similar', AppScript.cli, { args: ['similar', '1', '-k', '3', '--json', '--redis', cluster.url], env: cliEnv, keepLines: Infinity });
    expect(await similarCli.exited, similarCli.tail()).toEqual({ code: 0, signal: null });
    expect(similarCli.lines.join('\n')).toContain(result.modelVersion);

    // Rollback (docs/OPERATIONS.md): activating the oldest set still listed (each kind publish made a
    // set, and pruning keeps the served one and two older) switches the API at once, every kind with it.
    const listed = (await (await fetch(`${system.apiUrl}${API}/models`)).json()) as { current: string; versions: { version: string; kinds: Record<string, { version: string }> }[] };
    expect(listed.current).toBe(result.modelVersion);
    const target = listed.versions[listed.versions.length - 1];
    expect(target.version).not.toBe(listed.current);
    const activate = await fetch(`${system.apiUrl}${API}/models/${target.version}/activate`, { method: 'POST', headers: { 'X-API-Key': system.apiKey } });
    expect(activate.status, await activate.clone().text()).toBe(200);
    const rolledBack = await fetch(`${system.apiUrl}${API}/movies/1/similar?k=5`);
    expect(rolledBack.headers.get('x-model-version')).toBe(target.version);
    expect(((await rolledBack.json()) as { source: { version: string } }).source.version).toBe(target.kinds.svd.version);
    // The svd kind's stored lists by name (without it the set's selected kind answers).
    const recsBack = await fetch(`${system.apiUrl}${API}/users/1/recommendations?k=5&algorithm=puresvd`);
    expect(recsBack.status, await recsBack.clone().text()).toBe(200);
    expect(((await recsBack.json()) as { source: { version: string } }).source.version).toBe(target.kinds.svd.version);

    // No job of any kind failed, and no process met a cross-slot error on the way.
    const jobs = (await (await fetch(`${system.apiUrl}${API}/jobs?limit=100`, { headers: { 'X-API-Key': system.apiKey } })).json()) as { jobs: { id: string; state: string; failedReason: string | null }[] };
    expect(jobs.jobs.filter((j) => j.state !== 'completed').map((j) => `${j.id} ${j.state} ${j.failedReason}`)).toEqual([]);
    expect(procs.all().flatMap((p) => p.lines.filter((l) => /CROSSSLOT|same slots allocation/.test(l)))).toEqual([]);
  });

  it('takes live ratings: one script per request in the {live} slot, a retry replayed, applied to a new dataset version once', async () => {
    const livePrefix = 'ft-cluster-live';
    const liveKeys = new KeySchema(livePrefix);
    const env = { REDIS_CLUSTER: 'true', LIVE_APPLY_AGE_MS: '300', LIVE_CHECK_MS: '100' };
    const system = await startSystem(procs, { redisUrl: cluster.url, keyPrefix: livePrefix, computeWorkers: 0, env });
    const datasets = new DatasetStore(client, liveKeys);
    expect((await waitForJob(system, await upload(system, syntheticDump({ ratings: 3000, users: 80, movies: 120, seed: 5 }).files))).state).toBe('completed');
    const before = (await datasets.currentVersion())!;
    const post = (body: object, key: string) =>
      fetch(`${system.apiUrl}${API}/users/100001/ratings`, { method: 'POST', headers: { 'X-API-Key': system.apiKey, 'Content-Type': 'application/json', 'Idempotency-Key': key }, body: JSON.stringify(body) });
    const first = await post([{ movieId: 1, rating: 4 }, { movieId: 2, rating: 2 }], 'k1');
    expect(first.status, await first.clone().text()).toBe(202);
    const replay = await post([{ movieId: 1, rating: 4 }, { movieId: 2, rating: 2 }], 'k1');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(await first.json());
    expect((await post({ movieId: 3, rating: 5 }, 'k1')).status).toBe(422);
    expect((await post({ movieId: 2, rating: 5 }, 'k2')).status).toBe(202);

    // Applied by the age threshold into a new version holding each change once (the re-rating of movie 2 wins).
    const applied = await waitFor('the live ratings applied', async () => {
      const ver = await datasets.currentVersion();
      return ver !== before && (await datasets.meta(ver!))?.live?.applied === 3 ? ver! : undefined;
    }, 30_000);
    const table = await datasets.loadRatings(applied);
    const live: string[] = [];
    for (let i = 0; i < table.length; i++) if (table.users[i] === 100001) live.push(`${table.movies[i]}=${table.ratings[i]}`);
    expect(live.sort()).toEqual(['1=4', '2=5']);
    expect(procs.all().flatMap((p) => p.lines.filter((l) => /CROSSSLOT|same slots allocation/.test(l)))).toEqual([]);
  });
});
