/**
 * EASE's dense solve on the synthetic ML-1M shape (generateDataset, seed 42: 6,040 users, 3,706
 * rated movies, 1,000,209 ratings) against numpy.linalg.inv on the same matrix X^T X + lambda I,
 * in the same invocation, rounds interleaved (ours, then numpy) so machine load hits both alike.
 * numpy is Debian's python3-numpy (/usr/bin/python3) on the system BLAS (OpenBLAS, pthreads: it
 * uses both cores); ours runs on `threads` threads: this one and threads - 1 helpers
 * (ease.worker.ts, started and loaded before the first round, as a compute worker's threads are).
 *
 *   node --import tsx bench/ease.bench.ts [rounds=3] [threads=2] [block=128]
 *
 * Prints each round and the medians: ours per stage (Gram matrix, Cholesky, triangular inverse,
 * product, B) and numpy's inv, wall and CPU seconds, and the largest |P_numpy - P_ours|.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addLowerGram, compactRows, EASE_DEFAULT_LAMBDA, indexRatings, SpdInverse, startThread, type GemmShare } from '@movielens/core';
import { syntheticTable } from './synthetic-table';

const rounds = Number(process.argv[2] ?? 3);
const threads = Number(process.argv[3] ?? 2);
const block = Number(process.argv[4] ?? 128);
const lambda = EASE_DEFAULT_LAMBDA;

const table = syntheticTable('ml-1m');
const data = indexRatings(table);
const rows = compactRows(data.userIds.length, data.movieIds.length, data.userStart, data.movies);
const n = rows.cols;
console.log(`synthetic ML-1M shape: ${table.length} ratings, ${rows.rows} users, ${n} movies; lambda ${lambda}, block ${block}, ${threads} thread(s)`);

const workers = Array.from({ length: threads - 1 }, () => startThread('ease.worker', new URL('../libs/core/src/ease/ease.worker.ts', import.meta.url).href));
const helpers = workers.length > 0 ? (share: GemmShare) => workers.forEach((w) => w.postMessage(share)) : undefined;
// Small solves until every helper took part: they are loaded (about a second each under tsx) before timing starts.
for (let tries = 0; workers.length > 0 && tries < 100; tries++) {
  const warm = new SpdInverse(400, { block: 16, helpers });
  for (let i = 0; i < 400; i++) warm.data[i * warm.stride + i] = 1;
  warm.invert();
  if (warm.helped > 0) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}

const dir = mkdtempSync(join(tmpdir(), 'ease-bench-'));
const script = fileURLToPath(new URL('./reference/ease_reference.py', import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours: Record<string, number>[] = [];
const numpy: { seconds: number; cpu: number }[] = [];
let diff = '';
try {
  for (let round = 0; round < rounds; round++) {
    const cpu = process.cpuUsage();
    let t = performance.now();
    const solver = new SpdInverse(n, { block, helpers });
    const s = solver.stride;
    addLowerGram(rows, solver.data, s);
    for (let i = 0; i < n; i++) solver.data[i * s + i] += lambda;
    const stages: Record<string, number> = { gram: performance.now() - t };
    if (round === 0) {
      // The matrix numpy inverts: the same lower triangle, mirrored.
      const full = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) full[i * n + j] = full[j * n + i] = solver.data[i * s + j];
      writeFileSync(join(dir, 'gram.bin'), full);
      writeFileSync(join(dir, 'shape.json'), JSON.stringify({ n }));
    }
    const cpuSolve = process.cpuUsage();
    t = performance.now();
    solver.invert(stages);
    stages.solve = performance.now() - t;
    stages.solveCpu = (process.cpuUsage(cpuSolve).user + process.cpuUsage(cpuSolve).system) / 1000;
    t = performance.now();
    const weights = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) weights[i * n + j] = i === j ? 0 : -solver.data[i * s + j] / solver.data[j * s + j];
    stages.weights = performance.now() - t;
    const used = process.cpuUsage(cpu);
    stages.cpu = (used.user + used.system) / 1000;
    if (round === 0) {
      const p = new Float64Array(n * n);
      for (let i = 0; i < n; i++) p.set(solver.data.subarray(i * s, i * s + n), i * n);
      writeFileSync(join(dir, 'p.bin'), p);
    }
    ours.push(stages);
    const ref = JSON.parse(execFileSync('/usr/bin/python3', [script, dir, '1'], { encoding: 'utf8', maxBuffer: 1 << 20 })) as { seconds: number[]; cpu_seconds: number[]; max_abs_diff: number; max_abs: number; numpy: string };
    numpy.push({ seconds: ref.seconds[0], cpu: ref.cpu_seconds[0] });
    diff = `max |P_numpy - P_ours| ${ref.max_abs_diff.toExponential(2)} (max |P| ${ref.max_abs.toExponential(2)}), numpy ${ref.numpy}`;
    const f = (ms: number) => (ms / 1000).toFixed(2);
    console.log(`round ${round + 1}: ours solve ${f(stages.solve)} s (cholesky ${f(stages.cholesky)}, inverse ${f(stages.inverse)}, product ${f(stages.product)}; CPU ${f(stages.solveCpu)}; ${solver.helped} products by helpers), gram ${f(stages.gram)}, B ${f(stages.weights)} | numpy inv ${ref.seconds[0].toFixed(2)} s (CPU ${ref.cpu_seconds[0].toFixed(2)})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(workers.map((w) => w.terminate()));
}
const m = (key: string) => (median(ours.map((o) => o[key])) / 1000).toFixed(2);
const npWall = median(numpy.map((r) => r.seconds));
console.log(`medians over ${rounds} rounds: ours solve ${m('solve')} s wall, ${m('solveCpu')} s CPU (cholesky ${m('cholesky')}, inverse ${m('inverse')}, product ${m('product')}); gram ${m('gram')} s, B ${m('weights')} s; whole fit ${m('cpu')} s CPU`);
console.log(`numpy.linalg.inv ${npWall.toFixed(2)} s wall, ${median(numpy.map((r) => r.cpu)).toFixed(2)} s CPU; ratio ours/numpy (wall) ${(median(ours.map((o) => o.solve)) / 1000 / npWall).toFixed(2)}`);
console.log(diff);
