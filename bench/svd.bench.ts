/**
 * Benchmark of the rebuild's numeric steps on the real ML-100K ratings (when present) and an
 * ML-1M-sized synthetic table (6040 users x 3706 movies, ~1M ratings, popularity-skewed, low
 * rank + noise), side by side with scipy's svds on the same matrices.
 *
 *   node --import tsx bench/svd.bench.ts [runs=3]
 *
 * Prints medians; the Python reference (/usr/bin/python3 with numpy/scipy) runs in the same
 * invocation on the same matrix, so the ratio is meaningful on a noisy machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CsrMatrix, RatingTable } from '@movielens/core';
import { buildRatingMatrix, movieVectors, Random, recommendUsers, topKSimilar, truncatedSvd } from '@movielens/core';
import { readMl100kRatings } from '../libs/core/src/sparse/rating-table.fixtures';

const USERS = 6040;
const MOVIES = 3706;
const TARGET = 1_000_209;
const RANK = 20;

/** Users with skewed activity rate movies drawn by a Zipf-like popularity; rating = low rank + noise. */
function syntheticMl1m(seed: number): RatingTable {
  const random = new Random(seed);
  const popularity = Float64Array.from({ length: MOVIES }, (_, j) => 1 / (j + 10) ** 0.9);
  random.shuffle(popularity);
  const cumulative = new Float64Array(MOVIES);
  popularity.reduce((s, p, j) => (cumulative[j] = s + p), 0);
  const totalWeight = cumulative[MOVIES - 1];
  const activity = Float64Array.from({ length: USERS }, () => Math.exp(random.gaussian() * 0.9));
  const activitySum = activity.reduce((s, a) => s + a, 0);
  const p = Float64Array.from({ length: USERS * RANK }, () => random.gaussian());
  const q = Float64Array.from({ length: MOVIES * RANK }, () => random.gaussian());
  const table: RatingTable = {
    length: 0,
    users: new Int32Array(TARGET + USERS),
    movies: new Int32Array(TARGET + USERS),
    ratings: new Float32Array(TARGET + USERS),
    timestamps: new Uint32Array(TARGET + USERS),
  };
  const seen = new Uint8Array(MOVIES);
  for (let u = 0; u < USERS; u++) {
    const count = Math.min(MOVIES >> 1, Math.max(20, Math.round((TARGET * activity[u]) / activitySum)));
    const chosen: number[] = [];
    while (chosen.length < count) {
      const x = random.next() * totalWeight;
      let lo = 0;
      let hi = MOVIES - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      if (!seen[lo]) {
        seen[lo] = 1;
        chosen.push(lo);
      }
    }
    for (const m of chosen) {
      seen[m] = 0;
      if (table.length === table.users.length) break;
      let s = 3.6 + random.gaussian() * 0.9;
      for (let f = 0; f < RANK; f++) s += (p[u * RANK + f] * q[m * RANK + f]) / Math.sqrt(RANK);
      const t = table.length++;
      table.users[t] = u + 1;
      table.movies[t] = m + 1;
      table.ratings[t] = Math.min(5, Math.max(1, Math.round(s)));
    }
  }
  return table;
}

/** Runs f; returns its value, wall seconds and CPU seconds (user + system: fairer on a busy machine). */
function time<T>(f: () => T): [T, number, number] {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = f();
  const used = process.cpuUsage(cpu);
  return [value, (performance.now() - start) / 1000, (used.user + used.system) / 1e6];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const runs = Number(process.argv[2] ?? 3);
const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');

/** Times the four rebuild steps `runs` times on `table`, then scipy's svds on the same matrix. */
function benchmark(label: string, table: RatingTable): void {
  const steps = ['build', 'svd', 'similar', 'recommend'] as const;
  const wall = new Map<string, number[]>(steps.map((s) => [s, []]));
  const cpu = new Map<string, number[]>(steps.map((s) => [s, []]));
  const record = (step: string, w: number, c: number) => {
    wall.get(step)!.push(w);
    cpu.get(step)!.push(c);
  };
  let svd: ReturnType<typeof truncatedSvd> | undefined;
  let ratings: ReturnType<typeof buildRatingMatrix> | undefined;
  for (let run = 0; run < runs; run++) {
    const [rm, tb, cb] = time(() => buildRatingMatrix(table));
    const [f, ts, cs] = time(() => truncatedSvd(rm.matrix, { k: 50 }));
    const [, tk, ck] = time(() => topKSimilar(movieVectors(f.V, f.S, f.k), { k: 50 }));
    const [, tr, cr] = time(() => recommendUsers(f, rm, { n: 100 }));
    record('build', tb, cb);
    record('svd', ts, cs);
    record('similar', tk, ck);
    record('recommend', tr, cr);
    svd = f;
    ratings = rm;
  }
  const { matrix } = ratings!;
  console.log(`\n== ${label}: ${matrix.rows} x ${matrix.cols}, ${matrix.indptr[matrix.rows]} ratings; node ${process.version}`);
  console.log(`svd k=50: ${svd!.iterations} restart cycles, ${svd!.matvecs} matvecs, converged ${svd!.converged}, explained variance ${svd!.explainedVariance.toFixed(4)}`);
  for (const step of steps) {
    console.log(`${step.padEnd(10)} wall median ${median(wall.get(step)!).toFixed(3)} s (${list(wall.get(step)!)}); cpu median ${median(cpu.get(step)!).toFixed(3)} s`);
  }
  const out = scipyReference(ratings!.matrix, runs);
  const worst = out.singular_values.reduce((m, s, i) => Math.max(m, Math.abs(s - svd!.S[i]) / s), 0);
  console.log(`scipy ${out.scipy} svds k=50: wall median ${median(out.seconds).toFixed(3)} s (${list(out.seconds)}); cpu median ${median(out.cpu_seconds).toFixed(3)} s`);
  const wallRatio = median(wall.get('svd')!) / median(out.seconds);
  const cpuRatio = median(cpu.get('svd')!) / median(out.cpu_seconds);
  console.log(`ratio ours/scipy (svd): wall ${wallRatio.toFixed(2)}, cpu ${cpuRatio.toFixed(2)}; max relative singular value difference ${worst.toExponential(2)}`);
}

/** Runs bench/reference/svd_reference.py on the matrix, passed as raw little-endian arrays. */
function scipyReference(matrix: CsrMatrix, runs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'svd-bench-'));
  try {
    writeFileSync(join(dir, 'shape.json'), JSON.stringify({ rows: matrix.rows, cols: matrix.cols }));
    writeFileSync(join(dir, 'indptr.bin'), matrix.indptr);
    writeFileSync(join(dir, 'indices.bin'), matrix.indices);
    writeFileSync(join(dir, 'values.bin'), matrix.values);
    const script = fileURLToPath(new URL('./reference/svd_reference.py', import.meta.url));
    return JSON.parse(execFileSync('/usr/bin/python3', [script, dir, '50', String(runs)], { encoding: 'utf8' })) as {
      seconds: number[];
      cpu_seconds: number[];
      singular_values: number[];
      scipy: string;
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ml100k = readMl100kRatings();
if (ml100k) benchmark('ML-100K (real u.data)', ml100k);
else console.log('ML-100K skipped: ../shared/data/ml-100k/u.data is not present');
benchmark('ML-1M-sized synthetic', syntheticMl1m(1));
