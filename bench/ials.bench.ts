/**
 * Benchmark of the `ials` kind on the synthetic ML-1M shape, on real compute-worker processes and
 * a private redis-server: the kind's build (each half-iteration a round of row jobs) with 1 and
 * with 2 worker processes, against core's single-process `trainIals` in this process.
 *
 *   node --import tsx bench/ials.bench.ts [--runs 3] [--workers 1,2] [--sessions]
 *
 * --sessions starts each worker process in a session of its own: with the kernel's scheduler
 * autogroups (sched_autogroup_enabled), processes of one session share one CPU share, so on a
 * machine busy with other sessions a second worker of the same session gains no CPU; separate
 * sessions are what separate hosts or containers would be.
 * Each run rebuilds only the ials kind: the other ranking kinds are off and svd / analytics are
 * up to date after a warm-up build, and `ialsReg` moves by 1e-6 per run so the kind is stale.
 * Prints medians and a JSON line; quote them with the date and the machine in docs/BENCHMARKS.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { indexRatings, parseFile, trainIals } from '@movielens/core';
import { bullPrefix, decodeJobResult, QueueName, rebuildResultSchema, requestRebuild } from '@movielens/jobs';
import { KeySchema, ModelStore } from '@movielens/store';
import { startRedisServer } from '@movielens/test-support';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(REPO, 'apps/cli/bin/movielens.js');
const WORKER = join(REPO, 'apps/compute-worker/src/main.ts');
const BASE = { ease: false, rp3beta: false, similarUsers: false, mf: false, ials: true };

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, workers: { type: 'string', default: '1,2' }, sessions: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const workerCounts = values.workers.split(',').map(Number);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sec = (ms: number) => (ms / 1000).toFixed(2);

/** One ials build: the rebuild's wall time (client), the kind job's total, its row stage, who ran the row jobs, the workers' CPU time (ms). */
interface Run {
  wall: number;
  total: number;
  rows: number;
  workers: number[];
  cpu: number;
}

/** CPU time (user + system, every thread) of processes `pids` so far, ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pids: readonly (number | undefined)[]): number {
  let ticks = 0;
  for (const pid of pids) {
    // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

async function startWorkers(url: string, n: number, shardQueue: Queue): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    children.push(spawn(process.execPath, ['--import', 'tsx', WORKER], { cwd: REPO, env: { ...process.env, REDIS_URL: url, KEY_PREFIX: 'ml', LOG_LEVEL: 'warn', SHARD_CONCURRENCY: '1' }, stdio: ['ignore', 'ignore', 'inherit'], detached: values.sessions }));
  }
  while ((await shardQueue.getWorkers()).length < n) await new Promise((r) => setTimeout(r, 100));
  return children;
}

async function stopWorkers(children: ChildProcess[], shardQueue: Queue): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)))));
  while ((await shardQueue.getWorkers()).length > 0) await new Promise((r) => setTimeout(r, 100));
}

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'ials-bench-'));
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const models = new ModelStore(redis, new KeySchema('ml'));
  const results: Record<number, Run[]> = {};
  let single = Number.NaN;
  let singleCpu = Number.NaN;
  try {
    execFileSync(process.execPath, [CLI, 'generate', '--shape', 'ml-1m', '--out', dir, '--seed', '1'], { stdio: 'ignore' });
    execFileSync(process.execPath, [CLI, 'ingest', dir, '--redis', redisServer.url, '--json'], { stdio: 'ignore' });
    const queue = new Queue(QueueName.rebuild, { connection: redis, prefix: bullPrefix('ml') });
    await queue.drain(true); // the ingest's own debounced rebuild: the runs below request theirs
    const shardQueue = new Queue(QueueName.rebuildShard, { connection: redis, prefix: bullPrefix('ml') });
    const eventsConnection = redis.duplicate();
    const events = new QueueEvents(QueueName.rebuild, { connection: eventsConnection, prefix: bullPrefix('ml') });
    await events.waitUntilReady();
    let bump = 0;
    for (const n of workerCounts) {
      const children = await startWorkers(redisServer.url, n, shardQueue);
      results[n] = [];
      // Run -1 is the warm-up (thread start, JIT; the first one also builds svd and analytics).
      for (let i = -1; i < runs; i++) {
        const start = performance.now();
        const cpuBefore = cpuMs(children.map((c) => c.pid));
        const job = await requestRebuild(queue, { trigger: 'cli', params: { ...BASE, ialsReg: 40 + 1e-6 * ++bump } }, { debounceMs: 0 });
        const result = decodeJobResult(rebuildResultSchema, await job.waitUntilFinished(events), `rebuild job ${job.id}`);
        const wall = performance.now() - start;
        const ials = result.kinds.ials;
        if (ials?.outcome !== 'published') throw new Error(`ials was not built: ${JSON.stringify(result.kinds)}`);
        const meta = (await models.kindMeta(ials.version))!;
        const run = { wall, total: meta.timings.total ?? Number.NaN, rows: meta.timings.ials ?? Number.NaN, workers: ials.workers.map((w) => w.jobs), cpu: cpuMs(children.map((c) => c.pid)) - cpuBefore };
        console.error(`${n} worker(s) run ${i + 1}: wall ${sec(wall)} s, ials kind ${sec(run.total)} s, row stage ${sec(run.rows)} s, workers' CPU ${sec(run.cpu)} s, jobs per process ${run.workers.join('/')}`);
        if (i >= 0) results[n].push(run);
      }
      await stopWorkers(children, shardQueue);
    }
    await Promise.all([events.close(), queue.close(), shardQueue.close(), eventsConnection.quit()]);
    const parsed = await parseFile('ratings.dat', [readFileSync(join(dir, 'ratings.dat'))]);
    if (parsed.kind !== 'ratings') throw new Error('generated ratings.dat is not a ratings file');
    const data = indexRatings(parsed.result.table);
    const t = performance.now();
    const c0 = process.cpuUsage();
    trainIals(data, { seed: 42 });
    single = performance.now() - t;
    const used = process.cpuUsage(c0);
    singleCpu = (used.user + used.system) / 1000;
  } finally {
    await redis.quit();
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nials on the synthetic ML-1M shape (6,040 users, 3,706 movies, 1,000,209 ratings), default params; medians of ${runs} runs${values.sessions ? '; each worker in its own session' : ''}\n`);
  console.log('| measure | value |');
  console.log('|---|---:|');
  for (const n of workerCounts) {
    console.log(`| ${n} worker process(es): rebuild wall (client) | ${sec(median(results[n].map((r) => r.wall)))} s |`);
    console.log(`| ${n} worker process(es): ials kind job (train + every round) | ${sec(median(results[n].map((r) => r.total)))} s |`);
    console.log(`| ${n} worker process(es): workers' CPU time per build | ${sec(median(results[n].map((r) => r.cpu)))} s |`);
  }
  console.log(`| core trainIals, one process, no Redis: wall / CPU | ${sec(single)} s / ${sec(singleCpu)} s |`);
  console.log(JSON.stringify({ runs, results, singleMs: single, singleCpuMs: singleCpu }));
}

await main();
