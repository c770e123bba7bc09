/**
 * Core `trainIals` alone (no Redis, one thread) on the synthetic ML-1M shape with the kind's
 * defaults: the cost of one iALS fit, as model selection pays it per grid point and as the
 * kind's row jobs share it. Prints wall and CPU seconds of `runs` fits (default 3) and their
 * medians. To compare two versions of the code, run it in each checkout, alternating.
 *
 *   node --import tsx bench/ials-train.bench.ts [runs]
 */
// Relative imports, not @movielens/core: run in another checkout, it times that checkout's code.
import { indexRatings, trainIals } from '../libs/core/src/index';
import { syntheticTable } from './synthetic-table';

const runs = Number(process.argv[2] ?? 3);
const data = indexRatings(syntheticTable('ml-1m'));
const walls: number[] = [];
const cpus: number[] = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  const cpu = process.cpuUsage();
  trainIals(data, { seed: 42 });
  const used = process.cpuUsage(cpu);
  walls.push((performance.now() - t) / 1000);
  cpus.push((used.user + used.system) / 1e6);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`trainIals, synthetic ML-1M (${data.movies.length} ratings), defaults: wall ${walls.map((w) => w.toFixed(2)).join(' / ')} s (median ${median(walls).toFixed(2)}), CPU median ${median(cpus).toFixed(2)} s`);
