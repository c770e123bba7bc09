/**
 * Start-up of the compiled code against the TypeScript sources run through tsx (the way
 * production ran before), side by side in one run (issue 13's targets):
 *   - `movielens --help`: at most 0.25 s wall
 *   - `movielens status` against a running local system (Redis with a dataset and a model): at most 0.4 s
 *   - a compute thread, from `new Worker` to its first answer: at most 50 ms
 * Usage:
 *   node --import tsx bench/startup.bench.ts [runs=9]
 * Prints a Markdown section for docs/BENCHMARKS.md. Each command runs as a fresh process, as a
 * user types it; the first run of each is a warm-up (file cache, Node's compile cache) and is
 * not counted. Medians.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '@movielens/test-support';

const RUNS = Number(process.argv[2] ?? 9);
const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'apps/cli/bin/movielens.js');
const sources = join(root, 'apps/cli/src/main.ts');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s: number) => s.toFixed(3);

/** Wall seconds of one process run; throws when it fails. */
function wall(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const out = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (out.status !== 0) throw new Error(`node ${args.join(' ')} exited ${out.status}: ${out.stderr}`);
  return seconds;
}

/** Median wall seconds of `runs` runs after one warm-up. */
function timed(args: string[], env?: NodeJS.ProcessEnv): { median: number; runs: number[] } {
  wall(args, env);
  const runs = Array.from({ length: RUNS }, () => wall(args, env));
  return { median: median(runs), runs };
}

/** Thread start-ups measured by bench/thread-start.child.mjs in a process of its own (see there why). */
function threadStarts(mode: 'empty' | 'compiled' | 'tsx'): { median: number; runs: number[] } {
  const child = join(root, 'bench/thread-start.child.mjs');
  const out = spawnSync(process.execPath, [...(mode === 'tsx' ? ['--import', 'tsx'] : []), child, mode, String(RUNS)], { cwd: root, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`thread-start ${mode} exited ${out.status}: ${out.stderr}`);
  const runs = JSON.parse(out.stdout) as number[];
  return { median: median(runs), runs };
}

// The bin compiles stale bundles itself; do it before timing anything.
wall([bin, '--help']);

const redis = await startRedisServer();
const data = mkdtempSync(join(tmpdir(), 'bench-startup-data-'));
try {
  const env = { ...process.env, REDIS_URL: redis.url, KEY_PREFIX: 'bench' };
  // A running local system's state: a dataset and a model (synthetic ML-100K shape).
  wall([bin, 'generate', '--shape', 'ml-100k', '--out', data, '--seed', '1'], env);
  wall([bin, 'ingest', data], env);
  wall([bin, 'rebuild', '--wait', '--skip-mf'], env);

  const load = [loadavg()[0]];
  const helpFloor = timed(['-e', '0']);
  const help = timed([bin, '--help']);
  const helpTsx = timed(['--import', 'tsx', sources, '--help']);
  const status = timed([bin, 'status'], env);
  const statusTsx = timed(['--import', 'tsx', sources, 'status'], env);
  load.push(loadavg()[0]);

  const floor = threadStarts('empty');
  const thread = threadStarts('compiled');
  const threadTsx = threadStarts('tsx');
  load.push(loadavg()[0]);

  const rows = [
    ['`node -e 0` (floor: Node itself)', helpFloor, null, null],
    ['`movielens --help`, compiled (the bin)', help, helpTsx, 0.25],
    ['`movielens status`, compiled, ML-100K dataset and model in Redis', status, statusTsx, 0.4],
  ] as const;
  const lines = [
    '<!-- startup-bench:start -->',
    '## Start-up: compiled bundles against TypeScript through tsx (`bench/startup.bench.ts`)',
    '',
    `Date ${new Date().toISOString().slice(0, 16)}Z; machine: ${cpus().length} x ${cpus()[0].model.trim()}, Node ${process.version}; 1-min load average ${load.map((l) => l.toFixed(1)).join(' -> ')} (before, after the commands, after the threads).`,
    `Command: \`node --import tsx bench/startup.bench.ts ${RUNS}\`. Each command is a fresh process; ${RUNS} runs after one warm-up, medians (wall seconds).`,
    'Reference, same run: the same command from the TypeScript sources through tsx (`node --import tsx apps/cli/src/main.ts ...`, how the bin ran before).',
    '',
    '| command | compiled s | runs | tsx s (reference) | compiled / tsx | target |',
    '|---|---:|---|---:|---:|---:|',
    ...rows.map(([name, c, ref, target]) =>
      `| ${name} | ${fmt(c.median)} | ${c.runs.map(fmt).join(', ')} | ${ref ? fmt(ref.median) : ''} | ${ref ? `${((c.median / ref.median) * 100).toFixed(0)}%` : ''} | ${target === null ? '' : `<= ${target} s (${c.median <= target ? 'met' : 'missed'})`} |`,
    ),
    '',
    '| compute thread, `new Worker` to first answer | ms (median) | runs | target |',
    '|---|---:|---|---:|',
    `| an empty thread (floor: Node's own thread start-up) | ${floor.median.toFixed(1)} | ${floor.runs.map((r) => r.toFixed(1)).join(', ')} | |`,
    `| compiled \`compute.worker.js\` (apps/compute-worker/dist) | ${thread.median.toFixed(1)} | ${thread.runs.map((r) => r.toFixed(1)).join(', ')} | <= 50 ms (${thread.median <= 50 ? 'met' : 'missed'}) |`,
    `| TypeScript source through the tsx bootstrap (reference) | ${threadTsx.median.toFixed(1)} | ${threadTsx.runs.map((r) => r.toFixed(1)).join(', ')} | |`,
    '<!-- startup-bench:end -->',
  ];
  console.log(lines.join('\n'));
} finally {
  await redis.stop();
  rmSync(data, { recursive: true, force: true });
}
