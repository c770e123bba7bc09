/**
 * Benchmarks of the next-movie LSTM (libs/core/src/sequence).
 *
 *   node --import tsx bench/lstm.bench.ts latency              inference p50/p99: 50-movie history, 3,706 movies
 *   node --import tsx bench/lstm.bench.ts serving [data]       GET /users/:id/next per request: stored state vs whole history;
 *                                                              POST /sessions/next: full steps vs input projections (+ step cap)
 *   node --import tsx bench/lstm.bench.ts throughput [data]    training steps/s, 1 vs 2 threads, one epoch each
 *   node --import tsx bench/lstm.bench.ts evaluate [data] [a,b] the leave-last-out table of docs/EVALUATION.md
 *   node --import tsx bench/lstm.bench.ts session-cap [data] [epochs]  leave-last-out HR@10/NDCG@10 of one trained
 *                                                              LSTM reading the whole history vs only the last N movies
 *
 * data: `ml-100k` (../shared/data/ml-100k/u.data, default) or `synthetic` (the ML-1M-shaped
 * generator, seed 42, built in memory). Timings are wall-clock medians on a shared machine;
 * `latency` also times the output layer alone (3,706 dot products) as the in-process
 * reference, so the ratio is meaningful even when the machine is busy.
 */
import { createReadStream, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { LstmModel, NextMovieAlgorithm, RatingTable } from '@movielens/core';
import {
  buildUserSequences, computeUserStates, evaluateNextMovie, NEXT_MOVIE_ALGORITHMS, initLstmWeights, leaveLastOut, lstmLayout, LstmPredictor, lstmScorer,
  LstmCell, parseFile, Random, rankTargets, SESSION_MAX_STEPS, topK, trainLstm,
} from '@movielens/core';
import { KeySchema, ModelStore, ModelTable, ModelWriter, packLstmUserState } from '@movielens/store';
import { startRedisServer } from '@movielens/test-support';
import { syntheticTable } from './synthetic-table';

const [mode = 'latency', data = 'ml-100k', only] = process.argv.slice(2);
/** `evaluate` runs these (third argument: comma-separated subset). */
const algorithms = only === undefined ? NEXT_MOVIE_ALGORITHMS : (only.split(',') as NextMovieAlgorithm[]);

async function load(name: string): Promise<RatingTable> {
  if (name === 'synthetic') return syntheticTable('ml-1m');
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

/** p50 and p99 of some timings, ms. */
function summary(times: Float64Array): { p50: number; p99: number } {
  const sorted = Float64Array.from(times).sort();
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

/**
 * Serving a known user (GET /users/:id/next, k=10), server side, for every user in a shuffled
 * order, the two paths interleaved per user so that machine load hits both alike:
 *   old  the whole time-ordered history through the LSTM (LstmPredictor.recommend), as the
 *        API did before the rebuild stored states (history already in memory: its one-off
 *        build per version is timed separately as `historiesBuildMs`);
 *   new  ModelStore.lstmState (one HGET on a private redis-server + decode) and
 *        recommendFromHidden (output layer over all movies + top-k), as the API does now.
 * Weights are a seeded random initialisation of the trained shape: inference cost does not
 * depend on the weight values. Also times the rebuild's state pass and write, checks that
 * both paths return the same lists, and times the session path by session length (sessionTimings).
 */
async function serving(table: RatingTable): Promise<void> {
  let t = performance.now();
  const seqs = buildUserSequences(table);
  const historiesBuildMs = performance.now() - t;
  const shape = { numMovies: seqs.movieIds.length, embeddingDim: 32, hidden: 32 };
  const model: LstmModel = { shape, movieIds: seqs.movieIds, weights: initLstmWeights(shape, new Random(1), new Float32Array(lstmLayout(shape).size)) as Float32Array };
  const predictor = new LstmPredictor(model);
  t = performance.now();
  const { states } = computeUserStates(model, seqs);
  const statesMs = performance.now() - t;

  const server = await startRedisServer();
  const redis = new Redis(server.url);
  try {
    const keys = new KeySchema('bench');
    const writer = new ModelWriter(redis, keys);
    const users = seqs.userIds.length;
    const hd = shape.hidden;
    t = performance.now();
    const values = Array.from({ length: users }, (_, u) => packLstmUserState(states.subarray(u * hd, (u + 1) * hd), seqs.items.subarray(seqs.offsets[u], seqs.offsets[u + 1])));
    await writer.begin('v1', Date.now());
    const stamp = await writer.putRows('v1', ModelTable.lstmState, 0, seqs.userIds, values, 16);
    const writeMs = performance.now() - t;
    await writer.publish({ id: 'v1', datasetVersion: 'd', params: {}, timings: {}, singularValues: [], explainedVariance: 0, counts: { users, movies: shape.numMovies, ratings: table.length }, shards: 16, k: 0, host: 'bench', createdAt: Date.now(), analytics: [] });
    const store = new ModelStore(redis, keys);
    await store.lstmState('v1', seqs.userIds[0]); // meta cached, connection warm

    const order = Int32Array.from({ length: users }, (_, u) => u);
    new Random(3).shuffle(order);
    const oldMs = new Float64Array(users);
    const newMs = new Float64Array(users);
    const newComputeMs = new Float64Array(users);
    let mismatches = 0;
    for (let i = 0; i < users; i++) {
      const u = order[i];
      const history = Array.from(seqs.items.subarray(seqs.offsets[u], seqs.offsets[u + 1]), (m) => seqs.movieIds[m]);
      t = performance.now();
      const want = predictor.recommend(history, 10);
      oldMs[i] = performance.now() - t;
      t = performance.now();
      const state = (await store.lstmState('v1', seqs.userIds[u]))!;
      const c = performance.now();
      const got = predictor.recommendFromHidden(state.hidden, state.history, 10);
      newMs[i] = performance.now() - t;
      newComputeMs[i] = performance.now() - c;
      if (got.movieIds.some((id, j) => id !== want.movieIds[j]) || got.scores.some((s, j) => Math.abs(s - want.scores[j]) > 1e-5)) mismatches++;
    }

    const sessions = sessionTimings(model, predictor);
    const lengths = Float64Array.from({ length: users }, (_, u) => seqs.offsets[u + 1] - seqs.offsets[u]).sort();
    const oldS = summary(oldMs);
    const newS = summary(newMs);
    console.log(JSON.stringify({
      mode: 'serving', data, users, movies: shape.numMovies, ratings: table.length, shape, historyLength: { p50: quantile(lengths, 0.5), max: lengths[users - 1] },
      loadAverage: loadavg()[0], cpu: cpus()[0]?.model, node: process.version,
      oldWholeHistoryMs: oldS, newStoredStateMs: newS, newComputeOnlyMs: summary(newComputeMs),
      speedupP50: oldS.p50 / newS.p50, speedupP99: oldS.p99 / newS.p99, mismatches,
      rebuild: { statesMs, writeMs, stateBytes: stamp.bytes }, historiesBuildMs, sessions,
    }, null, 1));
  } finally {
    await redis.quit();
    await server.stop();
  }
}

/**
 * The session path as it was before input projections: full LstmCell.forward steps over the
 * whole session (embedding and recurrent multiply-adds every step), output layer, top-k
 * excluding the session. The reference of the `sessions` timings.
 */
function recommendFullSteps(model: LstmModel, predictor: LstmPredictor, cell: LstmCell, session: ArrayLike<number>, k: number): { movieIds: number[]; scores: Float32Array } {
  const L = lstmLayout(model.shape);
  const w = model.weights;
  const { embeddingDim: d, hidden: hd, numMovies } = model.shape;
  const h = new Float32Array(2 * hd);
  const c = new Float32Array(2 * hd);
  const gates = new Float32Array(4 * hd);
  const tanhC = new Float32Array(hd);
  const excluded = new Uint8Array(numMovies);
  let cur = 0;
  for (let i = 0; i < session.length; i++) {
    const m = predictor.indexOf(session[i]);
    if (m === undefined) continue;
    excluded[m] = 1;
    const nxt = hd - cur;
    cell.forward(w, L.w, w, L.b, w, L.inEmb + m * d, h, cur, c, cur, gates, 0, c, nxt, tanhC, 0, h, nxt);
    cur = nxt;
  }
  const scores = new Float32Array(numMovies);
  predictor.scoreHidden(h, cur, scores); // the output layer, unchanged
  const top = topK(scores, excluded, k);
  return { movieIds: Array.from(top, (m) => model.movieIds[m]), scores: Float32Array.from(top, (m) => scores[m]) };
}

/**
 * POST /sessions/next server side (k = 10), random sessions of 5 to 1,000 movies (the
 * validation's maximum), three paths interleaved per session so that machine load hits all
 * alike: `before` full steps over the whole session (recommendFullSteps), `projected` input
 * projections over the whole session (LstmPredictor.recommend), `served` projections over the
 * last SESSION_MAX_STEPS movies (what the API runs). Also counts sessions where `projected`
 * and `before` disagree (top-k ids, or a score by more than 1e-5) and times the one-off
 * projection build (the first recurrence of a fresh predictor).
 */
function sessionTimings(model: LstmModel, predictor: LstmPredictor): Record<string, unknown> {
  const fresh = new LstmPredictor(model);
  let t = performance.now();
  fresh.recommend([model.movieIds[0]], 10);
  const projectionBuildMs = performance.now() - t;
  const cell = new LstmCell(model.shape.embeddingDim, model.shape.hidden);
  const random = new Random(4);
  const out: Record<string, unknown> = { projectionBuildMs, maxSteps: SESSION_MAX_STEPS };
  for (const length of [5, 50, 200, 1000]) {
    const runs = length >= 1000 ? 300 : 1000;
    // Wall and CPU time per call (ms) of each path; on a loaded machine the wall-clock tail
    // is mostly the scheduler's, the CPU-time tail the code's (µs resolution).
    const wall = [new Float64Array(runs), new Float64Array(runs), new Float64Array(runs)];
    const cpuMs = [new Float64Array(runs), new Float64Array(runs), new Float64Array(runs)];
    const session = new Int32Array(length);
    let mismatches = 0;
    for (let r = 0; r < runs; r++) {
      for (let i = 0; i < length; i++) session[i] = model.movieIds[random.int(model.shape.numMovies)];
      const paths = [
        () => recommendFullSteps(model, predictor, cell, session, 10),
        () => predictor.recommend(session, 10),
        () => predictor.recommend(session, 10, SESSION_MAX_STEPS),
      ];
      const results = paths.map((run, p) => {
        const cpu = process.cpuUsage();
        t = performance.now();
        const result = run();
        wall[p][r] = performance.now() - t;
        cpuMs[p][r] = cpuSince(cpu) * 1000;
        return result;
      });
      const [want, got] = results;
      if (got.movieIds.some((id, j) => id !== want.movieIds[j]) || got.scores.some((s, j) => Math.abs(s - want.scores[j]) > 1e-5)) mismatches++;
    }
    const [before, projected, served] = [0, 1, 2].map((p) => ({ wallMs: summary(wall[p]), cpuMs: summary(cpuMs[p]) }));
    out[`movies${length}`] = {
      runs, before, projected, served, mismatches,
      p50Speedup: { projected: before.wallMs.p50 / projected.wallMs.p50, served: before.wallMs.p50 / served.wallMs.p50 },
    };
  }
  return out;
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

/**
 * Does reading only the last N movies (POST /sessions/next's SESSION_MAX_STEPS) cost
 * accuracy? Trains ONE LSTM on the leave-last-out split (seed 42, 2 threads; third argument:
 * epochs, default 8) and ranks every user's target with the whole training history and with
 * the last N movies, so the rows differ only by the cap, not by training noise.
 */
async function sessionCap(table: RatingTable): Promise<void> {
  const split = leaveLastOut(table);
  const epochs = only === undefined ? 8 : Number(only);
  const start = performance.now();
  const cpu = process.cpuUsage();
  const model = await trainLstm(split.train, { seed: 42, threads: 2, epochs });
  const fitSeconds = (performance.now() - start) / 1000;
  const fitCpuSeconds = cpuSince(cpu);
  const { offsets } = split.sequences;
  const lengths = Array.from(split.users, (u) => offsets[u + 1] - offsets[u] - 1);
  const rows = [];
  for (const maxSteps of [Number.POSITIVE_INFINITY, 400, SESSION_MAX_STEPS, 100, 50]) {
    const metrics = rankTargets(split, lstmScorer(split, model, maxSteps));
    rows.push({ maxSteps: Number.isFinite(maxSteps) ? maxSteps : 'all', usersCapped: lengths.filter((n) => n > maxSteps).length, ...metrics });
  }
  const sorted = Float64Array.from(lengths).sort();
  console.log(JSON.stringify({
    mode: 'session-cap', data, epochs, users: split.users.length, historyLength: { p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), max: sorted[sorted.length - 1] },
    fitSeconds, fitCpuSeconds, loadAverage: loadavg()[0], node: process.version, rows,
  }, null, 1));
}

if (mode === 'latency') latency();
else if (mode === 'serving') await serving(await load(data));
else if (mode === 'throughput') await throughput(await load(data));
else if (mode === 'evaluate') await evaluate(await load(data));
else if (mode === 'session-cap') await sessionCap(await load(data));
else throw new Error(`unknown mode ${mode}: latency | serving | throughput | evaluate | session-cap`);
