/**
 * Benchmarks of the next-movie LSTM (libs/core/src/sequence).
 *
 *   node --import tsx bench/lstm.bench.ts latency              inference p50/p99: 50-movie history, 3,706 movies
 *   node --import tsx bench/lstm.bench.ts throughput [data]    training steps/s, 1 vs 2 threads, one epoch each
 *   node --import tsx bench/lstm.bench.ts evaluate [data] [a,b] the leave-last-out table of docs/EVALUATION.md
 *
 * data: `ml-100k` (../shared/data/ml-100k/u.data, default) or `synthetic` (the ML-1M-shaped
 * generator, seed 42, built in memory). Timings are wall-clock medians on a shared machine;
 * `latency` also times the output layer alone (3,706 dot products) as the in-process
 * reference, so the ratio is meaningful even when the machine is busy.
 */
import { createReadStream, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { LstmModel, NextMovieAlgorithm, RatingTable } from '@movielens/core';
import {
  allocateRatingTable, evaluateNextMovie, NEXT_MOVIE_ALGORITHMS, generateDataset, initLstmWeights, lstmLayout, LstmPredictor, parseFile, Random, trainLstm,
} from '@movielens/core';

const [mode = 'latency', data = 'ml-100k', only] = process.argv.slice(2);
/** `evaluate` runs these (third argument: comma-separated subset). */
const algorithms = only === undefined ? NEXT_MOVIE_ALGORITHMS : (only.split(',') as NextMovieAlgorithm[]);

async function load(name: string): Promise<RatingTable> {
  if (name === 'synthetic') {
    const dataset = generateDataset({ shape: 'ml-1m', seed: 42 });
    const table = allocateRatingTable(dataset.plan.ratings);
    dataset.forEachRating((user, movie, rating, timestamp) => {
      const i = table.length++;
      table.users[i] = user;
      table.movies[i] = movie;
      table.ratings[i] = rating;
      table.timestamps[i] = timestamp;
    });
    return table;
  }
  const path = fileURLToPath(new URL('../../shared/data/ml-100k/u.data', import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} not found (MovieLens data is not committed; see shared/data/README.md)`);
  const parsed = await parseFile('u.data', createReadStream(path));
  if (parsed.kind !== 'ratings') throw new Error('u.data did not parse as ratings');
  return parsed.result.table;
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function latency(): void {
  const shape = { numMovies: 3706, embeddingDim: 32, hidden: 32 };
  const model: LstmModel = {
    shape,
    movieIds: Int32Array.from({ length: shape.numMovies }, (_, i) => i + 1),
    weights: initLstmWeights(shape, new Random(1), new Float32Array(lstmLayout(shape).size)) as Float32Array,
  };
  const predictor = new LstmPredictor(model);
  const random = new Random(2);
  const runs = 3000;
  const full = new Float64Array(runs);
  const outputOnly = new Float64Array(runs);
  // CPU time of the same calls: on a loaded machine the wall-clock tail is the scheduler's
  // (a descheduled thread waits tens of ms), the CPU-time tail is the code's.
  const fullCpu = new Float64Array(runs);
  const scores = new Float32Array(shape.numMovies);
  const history = Int32Array.from({ length: 50 }, () => 1 + random.int(shape.numMovies));
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < 50; i++) history[i] = 1 + random.int(shape.numMovies);
    const cpu = process.cpuUsage();
    let t = performance.now();
    predictor.recommend(history, 10);
    full[r] = performance.now() - t;
    fullCpu[r] = cpuSince(cpu) * 1000;
    t = performance.now();
    predictor.scoreDense(history, 0, 0, scores);
    outputOnly[r] = performance.now() - t;
  }
  full.sort();
  fullCpu.sort();
  outputOnly.sort();
  console.log(JSON.stringify({
    mode: 'latency', runs, shape,
    loadAverage: loadavg()[0],
    recommendMs: { p50: quantile(full, 0.5), p99: quantile(full, 0.99) },
    recommendCpuMs: { p50: quantile(fullCpu, 0.5), p99: quantile(fullCpu, 0.99) },
    outputLayerOnlyMs: { p50: quantile(outputOnly, 0.5), p99: quantile(outputOnly, 0.99) },
    ratioP50: quantile(full, 0.5) / quantile(outputOnly, 0.5),
  }));
}

async function throughput(table: RatingTable): Promise<void> {
  const results: Record<string, number> = {};
  for (const threads of [1, 2]) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await trainLstm(table, { epochs: 1, threads });
    results[`threads${threads}WallSeconds`] = (performance.now() - start) / 1000;
    results[`threads${threads}CpuSeconds`] = cpuSince(cpu);
  }
  console.log(JSON.stringify({
    mode: 'throughput', data, ratings: table.length, loadAverage: loadavg()[0], ...results,
    wallSpeedup: results.threads1WallSeconds / results.threads2WallSeconds,
  }));
}

/** CPU seconds (user + system, all threads of this process) since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

async function evaluate(table: RatingTable): Promise<void> {
  const start = performance.now();
  const rows = [];
  // One algorithm per call so that each row also gets its CPU time (fit + scoring): on a
  // shared machine wall time depends on everyone else's load, CPU time much less.
  for (const algorithm of algorithms) {
    const cpu = process.cpuUsage();
    const [row] = await evaluateNextMovie(table, {
      algorithms: [algorithm],
      now: () => performance.now(),
      lstm: { threads: 2, onEpoch: (e, loss) => console.error(`lstm epoch ${e + 1}: loss ${loss.toFixed(4)} at ${((performance.now() - start) / 1000).toFixed(0)} s, ${cpuSince(cpu).toFixed(0)} CPU s`) },
    });
    rows.push({ ...row, cpuSeconds: cpuSince(cpu), loadAverage: loadavg()[0] });
    console.error(JSON.stringify(rows[rows.length - 1]));
  }
  console.log(JSON.stringify({ mode: 'evaluate', data, ratings: table.length, cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, rows }, null, 1));
}

if (mode === 'latency') latency();
else if (mode === 'throughput') await throughput(await load(data));
else if (mode === 'evaluate') await evaluate(await load(data));
else throw new Error(`unknown mode ${mode}: latency | throughput | evaluate`);
