/**
 * Benchmark of a full model rebuild from Redis (load, matrix, SVD, similar movies, user
 * recommendations, analytics, publish) by real compute-worker processes, side by side with
 * the same method in numpy/scipy (bench/reference/rebuild_reference.py) on the same ratings file.
 *
 *   node --import tsx bench/rebuild.bench.ts [--shape ml-1m] [--runs 3] [--workers 1,2] [--dir DIR]
 *     [--no-reference] [--warmup 1] [--pin] [--kinds original|default]
 *
 * --kinds original (the default) builds the notebook's method only (svd, analytics), the one the
 * reference computes; --kinds default builds every default kind (use --no-reference).
 *
 * --pin runs worker i on CPU i alone (taskset): w pinned workers stand for w one-core machines,
 * the way to measure scale-out across processes on one small machine.
 *
 * Profiling: PROF_DIR=<dir> starts the workers with --cpu-prof there; WORKER_LOG_LEVEL=info
 * shows their logs (stage and shard timings).
 *
 * A private redis-server is started; the dataset is generated with `movielens generate` (or
 * taken from --dir) and ingested with `movielens ingest`. Each run requests a rebuild with a
 * new seed (so it is never a no-op; one uncounted warm-up run first) with k=50, topK=50, recsN=100 and waits for it. Peak RSS
 * is each worker process's VmHWM. Prints medians and a JSON line; the machine is shared, so
 * compare with the reference run of the same invocation.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
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
// The reference is the original method only (svd: similar movies and PureSVD recommendations; analytics):
// every other kind is off (they are measured in bench/kinds.bench.ts and bench/first-model.bench.ts).
const OTHER_KINDS_OFF = { mf: false, lstm: false, ease: false, ials: false, rp3beta: false, similarUsers: false, selection: false };

const { values } = parseArgs({ options: { shape: { type: 'string', default: 'ml-1m' }, runs: { type: 'string', default: '3' }, workers: { type: 'string', default: '1' }, dir: { type: 'string' }, 'no-reference': { type: 'boolean', default: false }, pin: { type: 'boolean', default: false }, warmup: { type: 'string', default: '1' }, kinds: { type: 'string', default: 'original' } } });
if (values.kinds !== 'original' && values.kinds !== 'default') throw new Error(`--kinds is original or default, not ${values.kinds}`);
// --kinds default: the whole default rebuild (every default kind with its default parameters), but
// without model selection's follow-up rebuild (selectionRetrain: false), a second rebuild of its own.
const ORIGINAL = { k: 50, topK: 50, recsN: 100 };
const PARAMS = values.kinds === 'original' ? { ...ORIGINAL, ...OTHER_KINDS_OFF } : { selectionRetrain: false };
const warmups = Number(values.warmup);
const runs = Number(values.runs);
const workerCounts = String(values.workers).split(',').map(Number);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sec = (ms: number) => (ms / 1000).toFixed(2);

/** CPU time (user + system, all threads) of a process so far, ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100/s)
}

/** Peak resident set of a process, MB (VmHWM). */
function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : Number.NaN;
}

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'rebuild-bench-'));
  const children: ChildProcess[] = [];
  try {
    if (!values.dir) execFileSync(process.execPath, [CLI, 'generate', '--shape', String(values.shape), '--out', dir], { stdio: 'ignore' });
    const ratingsFile = ['ratings.dat', 'ratings.csv'].map((f) => join(dir, f)).find((f) => existsSync(f));
    if (ratingsFile === undefined) throw new Error(`${dir} has no ratings.dat or ratings.csv`);
    const t0 = performance.now();
    execFileSync(process.execPath, [CLI, 'ingest', dir, '--redis', redisServer.url, '--json'], { stdio: 'ignore' });
    console.error(`ingested ${dir} in ${sec(performance.now() - t0)} s`);

    const reference = values['no-reference'] ? null : JSON.parse(execFileSync('/usr/bin/python3', [join(REPO, 'bench/reference/rebuild_reference.py'), ratingsFile, String(ORIGINAL.k), String(ORIGINAL.topK), String(ORIGINAL.recsN), String(runs)], { encoding: 'utf8', maxBuffer: 1 << 24 }));

    const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    const keys = new KeySchema('ml');
    const queue = new Queue(QueueName.rebuild, { connection: redis, prefix: bullPrefix('ml') });
    // The ingest queued its own (debounced, default-params) rebuild: drop it, so the runs below
    // measure only the bench's jobs (the default trains the MF model too: minutes at 25M).
    await queue.drain(true);
    const shardQueue = new Queue(QueueName.rebuildShard, { connection: redis, prefix: bullPrefix('ml') });
    const eventsConnection = redis.duplicate();
    const events = new QueueEvents(QueueName.rebuild, { connection: eventsConnection, prefix: bullPrefix('ml') });
    await events.waitUntilReady();
    const results: Record<number, { wall: number[]; cpu: number[]; timings: Record<string, number>[]; rss: number[]; counts: unknown; workers: number[] }> = {};
    let seed = 1;
    for (const w of workerCounts) {
      // --pin: worker i runs on CPU i only (taskset), so w workers stand for w one-core machines.
      const command = (i: number): [string, string[]] => {
        const node = [...(process.env.PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.PROF_DIR] : []), '--import', 'tsx', WORKER];
        return values.pin ? ['taskset', ['-c', String(i % availableParallelism()), process.execPath, ...node]] : [process.execPath, node];
      };
      const procs = Array.from({ length: w }, (_, i) => spawn(...command(i), { cwd: REPO, env: { ...process.env, REDIS_URL: redisServer.url, KEY_PREFIX: 'ml', LOG_LEVEL: process.env.WORKER_LOG_LEVEL ?? 'warn' }, stdio: ['ignore', process.env.WORKER_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit'] }));
      children.push(...procs);
      while ((await shardQueue.getWorkers()).length < w) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500)); // compute threads warm up (tsx + core load)
      const r = { wall: [] as number[], cpu: [] as number[], timings: [] as Record<string, number>[], rss: [] as number[], counts: null as unknown, workers: [] as number[] };
      // The first --warmup runs (default 1: JIT, thread start-up under tsx) are not counted.
      for (let i = -warmups; i < runs; i++) {
        const start = performance.now();
        const cpuStart = procs.reduce((sum, p) => sum + cpuMs(p.pid!), 0);
        const job = await requestRebuild(queue, { trigger: 'cli', params: { ...PARAMS, seed: seed++ } }, { debounceMs: 0 });
        const result = decodeJobResult(rebuildResultSchema, await job.waitUntilFinished(events), `rebuild job ${job.id}`);
        if (i < 0) continue;
        r.wall.push(performance.now() - start);
        r.cpu.push(procs.reduce((sum, p) => sum + cpuMs(p.pid!), 0) - cpuStart);
        const meta = await new ModelStore(redis, keys).meta(result.modelVersion!);
        // The rebuild's own timings: every kind's stages merged, `total` = the rebuild's wall time.
        r.timings.push(result.timings);
        r.counts = meta!.counts;
        r.workers.push(result.shardWorkers.length);
        console.error(`workers=${w} run ${i + 1}: ${sec(r.wall[i])} s  ${JSON.stringify(Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, Math.round(v)])))}`);
      }
      r.rss = procs.map((p) => peakRssMb(p.pid!));
      results[w] = r;
      for (const p of procs) {
        const exited = new Promise((res) => p.once('exit', res));
        p.kill('SIGTERM');
        await exited;
      }
    }
    await Promise.all([events.close(), queue.close(), shardQueue.close()]);
    await Promise.all([redis.quit(), eventsConnection.quit()]);

    const ref = (reference?.runs ?? []) as Record<string, number>[];
    console.log(`\n${String(values.shape)} ${JSON.stringify(Object.values(results)[0]?.counts)}; ${values.kinds === 'original' ? `k=${ORIGINAL.k}, topK=${ORIGINAL.topK}, recsN=${ORIGINAL.recsN}` : 'every default kind'}; medians of ${runs} runs (s)\n`);
    console.log('| run | load | matrix | svd | rows (similar + recs) | analytics | publish | total (job) | wall (client) | peak RSS / process |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [w, r] of Object.entries(results)) {
      const m = (s: string) => sec(median(r.timings.map((t) => t[s] ?? 0)));
      console.log(`| TS, ${w} worker process(es) | ${m('load')} | ${m('matrix')} | ${m('svd')} | ${m('rows')} | ${m('analytics')} | ${m('publish')} | ${m('total')} (cpu ${sec(median(r.cpu))}) | ${sec(median(r.wall))} | ${r.rss.map((x) => `${Math.round(x)} MB`).join(', ')} |`);
    }
    const rm = (s: string) => median(ref.map((t) => t[s])).toFixed(2);
    if (reference) {
      console.log(`| numpy/scipy reference (parse ${reference.parse.toFixed(2)} s not counted) | - | ${rm('matrix')} | ${rm('svd')} | ${rm('similarity')} + ${rm('recs')} | - | - | ${rm('total')} (cpu ${rm('cpu')}) | - | ${Math.round(reference.peak_rss_mb)} MB |`);
    }
    console.log(JSON.stringify({ shape: values.shape, runs, results, reference }));
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await redisServer.stop();
    if (!values.dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
