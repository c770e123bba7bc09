/**
 * Benchmark of the model kinds as their own jobs (issue "model kinds"), on real compute-worker
 * processes and a private redis-server:
 *
 * 1. The default rebuild (svd, analytics, mf) on the synthetic ML-1M shape with two worker
 *    processes: its wall time against the slowest single kind's job and against the sum of the
 *    kinds' jobs (what one serial build costs). Target: wall <= 1.15 x the slowest kind.
 * 2. An upload while an LSTM trains: the time from the end of the ingest of new data until its
 *    similar movies and recommendations (`svd` of the new dataset) are served, against the svd
 *    kind's own build time. Target: <= svd build time + 5 s.
 *
 *   node --import tsx bench/kinds.bench.ts [--runs 3] [--workers 2] [--lstm-epochs 1]
 *
 * Prints medians and a JSON line; quote them with the date and the machine in docs/BENCHMARKS.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPrefix, decodeJobResult, QueueName, rebuildResultSchema, requestRebuild } from '@movielens/jobs';
import { KeySchema, ModelStore } from '@movielens/store';
import { startRedisServer } from '@movielens/test-support';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(REPO, 'apps/cli/bin/movielens.js');
const WORKER = join(REPO, 'apps/compute-worker/src/main.ts');

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, workers: { type: 'string', default: '2' }, 'lstm-epochs': { type: 'string', default: '1' }, 'skip-default': { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const workers = Number(values.workers);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sec = (ms: number) => (ms / 1000).toFixed(2);

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const dirs = [mkdtempSync(join(tmpdir(), 'kinds-bench-a-')), mkdtempSync(join(tmpdir(), 'kinds-bench-b-'))];
  const children: ChildProcess[] = [];
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const keys = new KeySchema('ml');
  const models = new ModelStore(redis, keys);
  try {
    execFileSync(process.execPath, [CLI, 'generate', '--shape', 'ml-1m', '--out', dirs[0], '--seed', '1'], { stdio: 'ignore' });
    execFileSync(process.execPath, [CLI, 'generate', '--shape', 'ml-1m', '--out', dirs[1], '--seed', '2'], { stdio: 'ignore' });
    const ingest = (dir: string) => execFileSync(process.execPath, [CLI, 'ingest', dir, '--redis', redisServer.url, '--json'], { stdio: 'ignore' });
    ingest(dirs[0]);
    const queue = new Queue(QueueName.rebuild, { connection: redis, prefix: bullPrefix('ml') });
    await queue.drain(true); // the ingest's own debounced rebuild: the runs below request theirs
    const shardQueue = new Queue(QueueName.rebuildShard, { connection: redis, prefix: bullPrefix('ml') });
    const eventsConnection = redis.duplicate();
    const events = new QueueEvents(QueueName.rebuild, { connection: eventsConnection, prefix: bullPrefix('ml') });
    await events.waitUntilReady();
    for (let i = 0; i < workers; i++) {
      children.push(spawn(process.execPath, ['--import', 'tsx', WORKER], { cwd: REPO, env: { ...process.env, REDIS_URL: redisServer.url, KEY_PREFIX: 'ml', LOG_LEVEL: 'warn', SHARD_CONCURRENCY: '1' }, stdio: ['ignore', 'ignore', 'inherit'] }));
    }
    while ((await shardQueue.getWorkers()).length < workers) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));

    // 1. The default rebuild: wall against the slowest kind and the sum of the kinds.
    const rows: { wall: number; slowest: number; sum: number; kinds: Record<string, number> }[] = [];
    // --skip-default: one build only, as the starting point of the upload measure.
    // Before each run, wait until no rebuild or kind job is pending: the previous run's
    // selection follow-up (a retrain with the tuned values) must not share the cores with the
    // run timed, nor be merged with its request.
    const idle = async () => {
      const counts = [await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children'), await shardQueue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children')];
      return counts.every((c) => Object.values(c).every((n) => n === 0));
    };
    for (let i = -1; i < (values['skip-default'] ? 0 : runs); i++) {
      do await new Promise((r) => setTimeout(r, 1000));
      while (!(await idle()));
      const start = performance.now();
      const job = await requestRebuild(queue, { trigger: 'cli', params: { seed: 100 + i } }, { debounceMs: 0 });
      const result = decodeJobResult(rebuildResultSchema, await job.waitUntilFinished(events), `rebuild job ${job.id}`);
      const wall = performance.now() - start;
      const kinds = Object.fromEntries(Object.values(result.kinds).map((k) => [k.kind, k.timings.total ?? 0]));
      if (i < 0) continue; // warm-up: thread start, JIT
      const row = { wall, slowest: Math.max(...Object.values(kinds)), sum: Object.values(kinds).reduce((a, b) => a + b, 0), kinds };
      rows.push(row);
      console.error(`default rebuild run ${i + 1}: wall ${sec(wall)} s, kinds ${JSON.stringify(Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, sec(v)])))}`);
    }

    // 2. An upload while an LSTM trains on the served data: the served recipe plus the LSTM, so
    // only the lstm kind is built for the old data.
    const lastSeed = 100 + (values['skip-default'] ? -1 : runs - 1);
    const lstmJob = await requestRebuild(queue, { trigger: 'cli', params: { lstm: true, lstmEpochs: Number(values['lstm-epochs']), lstmThreads: 1, seed: lastSeed } }, { debounceMs: 0 });
    const servedKinds = async () => {
      const v = await models.currentVersion();
      return (v === null ? null : await models.meta(v))?.kinds ?? {};
    };
    // Wait until the LSTM kind is training (its job active), then upload new data.
    while (!(await shardQueue.getJobs(['active'])).some((j) => j.name === 'kind' && j.data.kind === 'lstm')) await new Promise((r) => setTimeout(r, 100));
    ingest(dirs[1]);
    const ingested = performance.now();
    const datasetVersion = (await redis.get(keys.datasetCurrent()))!;
    const upload = await requestRebuild(queue, { trigger: 'ingest', datasetVersion }, { debounceMs: 0 });
    while ((await servedKinds()).svd?.datasetVersion !== datasetVersion) await new Promise((r) => setTimeout(r, 50));
    const servedAfter = performance.now() - ingested;
    const lstmStillTraining = (await servedKinds()).lstm?.datasetVersion !== datasetVersion;
    const uploadResult = decodeJobResult(rebuildResultSchema, await upload.waitUntilFinished(events), `rebuild job ${upload.id}`);
    const lstmResult = decodeJobResult(rebuildResultSchema, await lstmJob.waitUntilFinished(events), `rebuild job ${lstmJob.id}`);
    // The svd kind version of the new data, whichever rebuild built it (the ingest's own, or the one requested here).
    const svdVersion = (await servedKinds()).svd?.version;
    const svdBuild = svdVersion === undefined ? Number.NaN : ((await models.kindMeta(svdVersion))?.timings.total ?? Number.NaN);
    console.error(`upload rebuild kinds: ${JSON.stringify(Object.values(uploadResult.kinds).map((k) => [k.kind, k.outcome, k.datasetVersion, Math.round(k.timings.total ?? 0)]))}; lstm rebuild kinds: ${JSON.stringify(Object.values(lstmResult.kinds).map((k) => [k.kind, k.outcome, k.datasetVersion]))}`);

    console.log(`\nsynthetic ML-1M shape, ${workers} compute worker processes (SHARD_CONCURRENCY=1), default params; medians of ${runs} runs\n`);
    console.log('| measure | value |');
    console.log('|---|---:|');
    if (rows.length > 0) {
      console.log(`| default rebuild wall (client) | ${sec(median(rows.map((r) => r.wall)))} s |`);
      for (const kind of Object.keys(rows[0].kinds)) console.log(`| ${kind} kind job | ${sec(median(rows.map((r) => r.kinds[kind])))} s |`);
      console.log(`| wall / slowest kind | ${median(rows.map((r) => r.wall / r.slowest)).toFixed(2)} (target <= 1.15) |`);
      console.log(`| sum of the kinds' jobs (one serial build) | ${sec(median(rows.map((r) => r.sum)))} s |`);
    }
    console.log(`| upload while an LSTM trains: ingest end -> new svd served | ${sec(servedAfter)} s (svd kind build ${sec(svdBuild)} s; target <= build + 5 s; LSTM still training then: ${lstmStillTraining}) |`);
    console.log(JSON.stringify({ workers, runs, rows, upload: { servedAfterMs: servedAfter, svdBuildMs: svdBuild, lstmStillTraining } }));
    await Promise.all([events.close(), queue.close(), shardQueue.close(), eventsConnection.quit()]);
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await redis.quit();
    await redisServer.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();
