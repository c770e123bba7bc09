/**
 * When does a new dataset start being served, kind by kind? Generates a synthetic dataset
 * (`movielens generate`), ingests it into a private redis-server, requests the rebuild an ingest
 * requests (trigger `ingest`, no debounce: the ingest worker's own 2 s debounce is not counted)
 * and polls the served set every 250 ms, recording when each kind of the new dataset version is
 * first served, until every kind the rebuild planned is served or `--cap` minutes pass.
 * Real compute-worker processes; `--pin` gives worker i core i (`taskset`), as on one-core machines.
 *
 *   node --import tsx bench/first-model.bench.ts [--shape ml-25m] [--dir /tmp/ml25m] [--workers 2] [--pin] [--cap 15] [--params JSON]
 *
 * Prints a table and a JSON line; quote them with the date and the machine in docs/BENCHMARKS.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPrefix, QueueName, requestRebuild } from '@movielens/jobs';
import { KeySchema, ModelStore } from '@movielens/store';
import { startRedisServer } from '@movielens/test-support';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(REPO, 'apps/cli/bin/movielens.js');
const WORKER = join(REPO, 'apps/compute-worker/dist/main.js');

const { values } = parseArgs({
  options: {
    shape: { type: 'string', default: 'ml-1m' },
    dir: { type: 'string' },
    workers: { type: 'string', default: '1' },
    pin: { type: 'boolean', default: false },
    cap: { type: 'string', default: '15' },
    seed: { type: 'string', default: '1' },
    params: { type: 'string' },
  },
});
const workers = Number(values.workers);
const capMs = Number(values.cap) * 60_000;
const sec = (ms: number) => (ms / 1000).toFixed(1);

/** user+system CPU seconds of a process and its threads, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function main(): Promise<void> {
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'first-model-'));
  const generated = existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('ratings'));
  if (!generated) {
    console.error(`generating ${values.shape} into ${dir} ...`);
    execFileSync(process.execPath, [CLI, 'generate', '--shape', values.shape!, '--out', dir, '--seed', values.seed!], { stdio: 'ignore' });
  }
  // Build the worker bundle the workers run (the CLI rebuilds stale bundles).
  execFileSync(process.execPath, [CLI, '--help'], { stdio: 'ignore' });
  const redisServer = await startRedisServer();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const keys = new KeySchema('ml');
  const models = new ModelStore(redis, keys);
  const children: ChildProcess[] = [];
  try {
    const ingestStart = performance.now();
    execFileSync(process.execPath, [CLI, 'ingest', dir, '--redis', redisServer.url, '--json'], { stdio: 'ignore' });
    const ingestMs = performance.now() - ingestStart;
    const queue = new Queue(QueueName.rebuild, { connection: redis, prefix: bullPrefix('ml') });
    await queue.drain(true); // the ingest's own debounced rebuild: requested below without the debounce
    const shardQueue = new Queue(QueueName.rebuildShard, { connection: redis, prefix: bullPrefix('ml') });
    for (let i = 0; i < workers; i++) {
      const [cmd, args] = values.pin ? ['taskset', ['-c', String(i), process.execPath, WORKER]] : [process.execPath, [WORKER]];
      children.push(spawn(cmd, args, { cwd: REPO, env: { ...process.env, REDIS_URL: redisServer.url, KEY_PREFIX: 'ml', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] }));
    }
    while ((await shardQueue.getWorkers()).length < workers) await new Promise((r) => setTimeout(r, 100));
    const cpuBefore = children.map((c) => cpuSeconds(c.pid!));
    const datasetVersion = (await redis.get(keys.datasetCurrent()))!;
    const t0 = performance.now();
    // --params '{"mf":false}': an explicit recipe (trigger cli) instead of the ingest's defaults.
    if (values.params === undefined) await requestRebuild(queue, { trigger: 'ingest', datasetVersion }, { debounceMs: 0 });
    else await requestRebuild(queue, { trigger: 'cli', params: JSON.parse(values.params) as Record<string, unknown> }, { debounceMs: 0 });
    const servedAt = new Map<string, number>();
    const planned = new Set<string>();
    while (performance.now() - t0 < capMs) {
      const v = await models.currentVersion();
      const kinds = (v === null ? null : await models.meta(v))?.kinds ?? {};
      for (const [kind, ref] of Object.entries(kinds)) if (ref.datasetVersion === datasetVersion && !servedAt.has(kind)) {
        servedAt.set(kind, performance.now() - t0);
        console.error(`${sec(performance.now() - t0)} s: ${kind} served`);
      }
      for (const job of await shardQueue.getJobs(['active', 'waiting', 'prioritized', 'waiting-children', 'completed'])) if (job?.name === 'kind') planned.add(String(job.data.kind));
      const rebuilds = await queue.getJobCounts('active', 'waiting', 'waiting-children', 'delayed', 'prioritized');
      if (Object.values(rebuilds).every((n) => n === 0) && [...planned].every((k) => servedAt.has(k) || k === 'selection')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const wall = performance.now() - t0;
    const cpu = children.reduce((sum, c, i) => sum + cpuSeconds(c.pid!) - cpuBefore[i], 0);
    const kindTimes: Record<string, number | null> = {};
    const stages: Record<string, Record<string, number>> = {};
    const v = await models.currentVersion();
    const meta = v === null ? null : await models.meta(v);
    for (const [kind, ref] of Object.entries(meta?.kinds ?? {})) {
      const timings = (await models.kindMeta(ref.version))?.timings ?? {};
      kindTimes[kind] = timings.total ?? null;
      stages[kind] = Object.fromEntries(Object.entries(timings).map(([stage, ms]) => [stage, Math.round(ms)]));
    }
    console.log(`\n${values.shape} (${dir}), ${workers} compute worker process(es)${values.pin ? ', pinned one core each' : ''}; ingest (CLI) ${sec(ingestMs)} s\n`);
    console.log('| kind | served after the rebuild request | its build (kind job total) |');
    console.log('|---|---:|---:|');
    for (const [kind, at] of [...servedAt].sort((a, b) => a[1] - b[1])) console.log(`| ${kind} | ${sec(at)} s | ${kindTimes[kind] === null || kindTimes[kind] === undefined ? '-' : `${sec(kindTimes[kind]!)} s`} |`);
    const missing = [...planned].filter((k) => !servedAt.has(k));
    console.log(`\nwall ${sec(wall)} s${wall >= capMs ? ' (cap reached)' : ''}; worker CPU ${cpu.toFixed(1)} s; planned but not served: ${missing.length === 0 ? 'none' : missing.join(', ')}`);
    console.log(JSON.stringify({ shape: values.shape, workers, pin: values.pin, ingestMs, wallMs: wall, cpuS: cpu, servedAtMs: Object.fromEntries(servedAt), kindTotalMs: kindTimes, stagesMs: stages, missing }));
    await Promise.all([queue.close(), shardQueue.close()]);
  } finally {
    // Workers first (SIGTERM, then SIGKILL after 10 s: a kind mid-training in a thread may not stop at once), then Redis.
    await Promise.all(
      children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await redis.quit();
    await redisServer.stop();
    if (values.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
