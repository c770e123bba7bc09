/**
 * Cost of the neighbourhood kinds on the synthetic ML-1M shape (generateDataset, seed 42, in
 * memory): building the rating graph, RP3beta's W (all rows, one thread: what the row jobs share
 * out), every user's similar users, and one RP3beta evaluation fit (what model selection pays per
 * grid point).
 *
 *   node --import tsx bench/neighbourhood.bench.ts
 */
import { squaredDegrees } from '../libs/compute/src/kinds/graph-staging';
import { indexRatings, interactionGraph, rp3betaNeighbours, similarUsersRows } from '@movielens/core';
import { syntheticTable } from './synthetic-table';

const table = syntheticTable('ml-1m');

/** Runs `f`, printing its wall and CPU time (the machine is shared: CPU time is the steadier number). */
function time<T>(label: string, f: () => T): T {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = f();
  const used = process.cpuUsage(cpu);
  console.log(`${label}: ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU`);
  return out;
}

console.log(`synthetic ML-1M shape: ${table.length} ratings`);
const data = time('index ratings', () => indexRatings(table));
const graph = time('rating graph', () => interactionGraph(data));
console.log(`${graph.users} users, ${graph.movies} movies; walk steps: W ${squaredDegrees(graph.userPtr).toExponential(2)}, similar users ${squaredDegrees(graph.moviePtr).toExponential(2)}`);
const w = time('rp3beta W, 200 kept per movie (every row)', () => rp3betaNeighbours(graph, { neighbours: 200 }));
console.log(`rp3beta W: ${w.ids.length} slots, ${((w.ids.byteLength + w.scores.byteLength) / 2 ** 20).toFixed(1)} MiB`);
time('similar users, 50 per user (every user)', () => similarUsersRows(graph, 50, 0, graph.users));
