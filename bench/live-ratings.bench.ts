/**
 * Live ratings at the API, over a real deployment: redis-server (AOF, `appendfsync everysec`
 * as docker-compose.yml runs it), the ingest worker, the compute worker and one API process
 * (API_WORKERS=1), with the synthetic ML-1M shape (`movielens generate --shape ml-1m`, 1M
 * ratings) uploaded over HTTP and built by the real pipeline. Two measurements:
 *
 * 1. Visibility: 1,000 times, a user's recommendations are read (so a cached answer exists),
 *    their top movie is rated 5 (POST /users/:id/ratings), and the recommendations are read
 *    again; the time from sending the POST to the second answer, and whether that answer
 *    already excludes the movie (target: p99 <= 50 ms, every answer reflecting its rating).
 * 2. Throughput: POSTS single-rating requests (distinct new user-movie pairs, an
 *    Idempotency-Key each) from CLIENTS concurrent keep-alive connections in this process
 *    (no wrk on this machine: the load generator shares the 2 cores with the server). Then
 *    the pending ratings are applied (an `apply-live` job) and the next rebuild runs; the
 *    dataset is counted: every acknowledged rating exactly once (target: 2,000/s, 0 lost,
 *    0 duplicated).
 *
 * The build recipe turns off every kind but svd and analytics (the first set served), so the
 * other kinds' training does not share the cores with the measurement; a changed row is ranked
 * by the svd kind's scorer (fold-in), the path every scorer kind takes.
 * The ingest worker's thresholds are set out of reach while measuring (the apply is asked for
 * at the end), so no rebuild swaps the model mid-measurement.
 *
 *   flock /tmp/bench.lock node --import tsx bench/live-ratings.bench.ts [posts=20000] [clients=32] [--cpu-prof=DIR]
 *
 * `--cpu-prof=DIR` writes a V8 CPU profile of the API process to DIR (slower; do not quote those numbers).
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPrefix, decodeJobResult, ingestReportSchema, QueueName, requestLiveApply } from '@movielens/jobs';
import { DatasetStore, KeySchema, LiveRatings } from '@movielens/store';
import { freePort, startRedisServer } from '@movielens/test-support';
import { followJob, MAINS, startProcess, stopProcess, until, uploadFiles, waitForModel, type LocalCluster } from '../apps/api/test/cluster';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const POSTS = Number(positional[0] ?? 20_000);
const CLIENTS = Number(positional[1] ?? 32);
const VISIBILITY_POSTS = 1000;
const profileDir = process.argv.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
const REPO = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(REPO, 'apps/cli/bin/movielens.js');
/** The kinds turned off for the measurement (svd and analytics stay: a served set needs them). */
const RECIPE = { mf: false, ials: false, selection: false, rp3beta: false, similarUsers: false, ease: false, lstm: false };

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

/** One HTTP exchange on the keep-alive agent: status, ETag and body text. */
function http(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; etag: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime: fields 14 and 15, in ticks of 1/100 s
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const ms = (x: number) => x.toFixed(2);

const work = mkdtempSync(join(tmpdir(), 'live-bench-'));
const redisServer = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', 'everysec'] });
const logs: string[] = [];
const children: ChildProcess[] = [];
const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
try {
  execFileSync(process.execPath, [CLI, 'generate', '--shape', 'ml-1m', '--out', work, '--seed', '1'], { stdio: 'ignore' });
  const port = await freePort();
  const env = { REDIS_URL: redisServer.url, KEY_PREFIX: 'ml', LOG_LEVEL: 'warn', REBUILD_DEBOUNCE_MS: '0' };
  children.push(startProcess('ingest', MAINS.ingest, { ...env, LIVE_APPLY_COUNT: String(10 * POSTS), LIVE_APPLY_AGE_MS: String(3_600_000) }, logs));
  children.push(startProcess('compute', MAINS.compute, env, logs));
  const apiKey = 'bench-key-0123456789';
  const api = startProcess('api', MAINS.api, { ...env, PORT: String(port), HOST: '127.0.0.1', API_KEY: apiKey, API_WORKERS: '1' }, logs, profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
  children.push(api);
  const apiUrl = `http://127.0.0.1:${port}`;
  const cluster: LocalCluster = { apiUrl, redisUrl: redisServer.url, apiKey, logs, stop: async () => {} };
  await until('the API to listen', async () => ((await fetch(`${apiUrl}/healthz`)).ok ? true : undefined), 120_000);
  // The recipe first: its job records it, then fails (no dataset yet); the upload's rebuild inherits it.
  const recipe = JSON.parse((await http(`${apiUrl}/api/v1/models/rebuild`, 'POST', { 'X-API-Key': apiKey }, JSON.stringify({ params: RECIPE }))).text) as { jobId: string };
  await until('the recipe recorded', async () => {
    const job = JSON.parse((await http(`${apiUrl}/api/v1/jobs/${recipe.jobId}`, 'GET', { 'X-API-Key': apiKey })).text) as { state: string };
    return job.state === 'failed' || job.state === 'completed' ? true : undefined;
  }, 120_000);
  const files = readFileSync(join(work, 'ratings.dat')).length;
  const { jobId } = await uploadFiles(cluster, ['ratings.dat', 'movies.dat', 'users.dat'].map((f) => join(work, f)));
  const ingest = await followJob(cluster, jobId, 300_000);
  const datasetVersion = decodeJobResult(ingestReportSchema, ingest.result, `ingest job ${jobId}`).datasetVersion;
  const built = Date.now();
  const model = await waitForModel(cluster, datasetVersion, 900_000);
  console.log(`model ${model} of dataset ${datasetVersion} (ratings.dat ${files} bytes) built in ${((Date.now() - built) / 1000).toFixed(1)} s`);

  const users = readFileSync(join(work, 'users.dat'), 'latin1').split('\n').filter((l) => l !== '').map((l) => Number(l.split('::')[0]));
  const movies = readFileSync(join(work, 'movies.dat'), 'latin1').split('\n').filter((l) => l !== '').map((l) => Number(l.split('::')[0]));
  const key = { 'X-API-Key': apiKey };

  // 1. Visibility.
  const seen: number[] = [];
  const postOnly: number[] = [];
  const getOnly: number[] = [];
  let reflected = 0;
  let newEtag = 0;
  for (let i = 0; i < VISIBILITY_POSTS; i++) {
    const user = users[(i * 7919) % users.length];
    const path = `${apiUrl}/api/v1/users/${user}/recommendations?k=10`;
    const before = await http(path, 'GET', {});
    if (before.status !== 200) throw new Error(`GET ${path}: ${before.status} ${before.text}`);
    const top = (JSON.parse(before.text) as { recommendations: { movieId: number }[] }).recommendations[0].movieId;
    const t0 = performance.now();
    const posted = await http(`${apiUrl}/api/v1/users/${user}/ratings`, 'POST', { ...key, 'Idempotency-Key': `vis-${i}` }, JSON.stringify({ movieId: top, rating: 5 }));
    const t1 = performance.now();
    const after = await http(path, 'GET', {});
    const t2 = performance.now();
    if (posted.status !== 202 || after.status !== 200) throw new Error(`post ${posted.status} ${posted.text} / get ${after.status}`);
    seen.push(t2 - t0);
    postOnly.push(t1 - t0);
    getOnly.push(t2 - t1);
    if (!(JSON.parse(after.text) as { recommendations: { movieId: number }[] }).recommendations.some((r) => r.movieId === top)) reflected++;
    if (after.etag !== before.etag) newEtag++;
  }
  console.log('\n| visibility, 1,000 posts | p50 ms | p99 ms | max ms |\n| --- | --- | --- | --- |');
  console.log(`| POST, then the next GET /recommendations answered | ${ms(quantile(seen, 0.5))} | ${ms(quantile(seen, 0.99))} | ${ms(Math.max(...seen))} |`);
  console.log(`| of which the POST | ${ms(quantile(postOnly, 0.5))} | ${ms(quantile(postOnly, 0.99))} | ${ms(Math.max(...postOnly))} |`);
  console.log(`| of which the GET (scorer fold-in of the changed row) | ${ms(quantile(getOnly, 0.5))} | ${ms(quantile(getOnly, 0.99))} | ${ms(Math.max(...getOnly))} |`);
  console.log(`answers excluding the movie just rated: ${reflected}/${VISIBILITY_POSTS}; new ETag: ${newEtag}/${VISIBILITY_POSTS}`);

  // 2. Throughput: distinct new pairs, users above every dataset user.
  const keys = new KeySchema('ml');
  const live = new LiveRatings(redis, keys);
  const acceptedBefore = await live.accepted();
  const pairMovies = movies.slice(0, 50);
  let next = 0;
  let acked = 0;
  const failed: string[] = [];
  const cpuBefore = { api: cpuSeconds(api.pid), redis: cpuSeconds(redisServer.process.pid) };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < POSTS) {
        const c = next++;
        const body = JSON.stringify({ movieId: pairMovies[c % pairMovies.length], rating: (c % 5) + 1 });
        const res = await http(`${apiUrl}/api/v1/users/${1_000_000 + Math.floor(c / pairMovies.length)}/ratings`, 'POST', { ...key, 'Idempotency-Key': `tp-${c}` }, body);
        if (res.status === 202) acked++;
        else if (failed.length < 5) failed.push(`${res.status} ${res.text}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = { api: cpuSeconds(api.pid) - cpuBefore.api, redis: cpuSeconds(redisServer.process.pid) - cpuBefore.redis };
  const inLog = (await live.accepted()) - acceptedBefore;
  console.log(`\nthroughput: ${POSTS} posts from ${CLIENTS} clients in ${seconds.toFixed(2)} s = ${(POSTS / seconds).toFixed(0)} posts/s; acknowledged ${acked}; in the log ${inLog}; failures ${JSON.stringify(failed)}`);
  console.log(`CPU per post: API process ${((1e6 * cpu.api) / POSTS).toFixed(0)} us, redis-server ${((1e6 * cpu.redis) / POSTS).toFixed(0)} us (one API process on a core of its own: about ${(POSTS / cpu.api).toFixed(0)} posts/s)`);

  // Apply, rebuild, count.
  const queueConnection = redis.duplicate();
  const queue = new Queue(QueueName.ingest, { connection: queueConnection, prefix: bullPrefix('ml') });
  const applyStarted = Date.now();
  await requestLiveApply(queue, { trigger: 'manual', pending: inLog });
  const datasets = new DatasetStore(redis, keys);
  const total = await live.accepted();
  const applied = await until('the live ratings applied', async () => {
    const ver = await datasets.currentVersion();
    const meta = ver === null ? null : await datasets.meta(ver);
    return meta?.live?.applied === total ? ver! : undefined;
  }, 600_000, 100);
  const applyS = (Date.now() - applyStarted) / 1000;
  const rebuilt = await waitForModel(cluster, applied, 900_000);
  const table = await datasets.loadRatings(applied);
  const pairs = new Set<string>();
  let rows = 0;
  for (let i = 0; i < table.length; i++) {
    if (table.users[i] < 1_000_000) continue;
    rows++;
    pairs.add(`${table.users[i]}:${table.movies[i]}`);
  }
  console.log(`applied as dataset ${applied} in ${applyS.toFixed(1)} s, served by ${rebuilt} after the rebuild ${((Date.now() - applyStarted) / 1000).toFixed(1)} s after the apply was asked for`);
  console.log(`dataset rows of the throughput users: ${rows} (distinct pairs ${pairs.size}); acknowledged ${acked}: lost ${acked - pairs.size}, duplicated ${rows - pairs.size}`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${new Date().toISOString()}`);
  await queue.close();
  queueConnection.disconnect();
} catch (err) {
  console.error(logs.slice(-30).join('\n'));
  throw err;
} finally {
  agent.destroy();
  await Promise.all(children.map(stopProcess));
  redis.disconnect();
  await redisServer.stop();
  rmSync(work, { recursive: true, force: true });
}
