/**
 * Cost and outcome of model selection on the synthetic ML-1M shape (generateDataset, seed 42, in
 * memory): the rebuild's selection step exactly as the `selection` kind runs it (a random 10% of
 * each user's ratings held out, seed 42, every default ranking kind's tuning grid, NDCG@10 with full ranking on at
 * most `selectionUsers` = 2,000 sampled held-out users), on `threads` threads as a compute worker
 * with that many cores runs it (default 2), with the fit and scoring time of each candidate.
 * Popularity is scored on the same split for comparison (it is a reference, not a kind).
 *
 *   node --import tsx bench/selection.bench.ts [threads]
 */
import { defaultKinds } from '@movielens/compute';
import { indexRatings, popularity, randomValidationSplit, validationScorer, validationSplit } from '@movielens/core';
import { selectInThreads } from '../libs/compute/src/kinds/selection/selection.kind';
import { syntheticTable } from './synthetic-table';

const table = syntheticTable('ml-1m');
const params = defaultKinds.parseParams({});
console.log(`synthetic ML-1M shape: ${table.length} ratings, ${indexRatings(table).movieIds.length} movies`);
const t = performance.now();
const cpu = process.cpuUsage();
const threads = Number(process.argv[2] ?? 2);
const info = await selectInThreads(defaultKinds.kinds, table, params, 42, threads, async (done, total) => {
  process.stderr.write(`\r${done}/${total} candidates`);
});
const used = process.cpuUsage(cpu);
process.stderr.write('\n');
console.log(`selection on ${threads} threads: ${((performance.now() - t) / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU, ${info.grid.length} candidates; split: ${info.split.rule}, ${info.split.heldOutRatings} held out`);
for (const g of info.grid) console.log(`  ${g.kind.padEnd(8)} ${JSON.stringify(g.params).padEnd(36)} ndcg@10 ${g.ndcg?.toFixed(4)}  precision@10 ${g.precision?.toFixed(4)}  ${(g.ms / 1000).toFixed(1)} s (fit ${((g.fitMs ?? 0) / 1000).toFixed(1)} s)`);
console.log(`winner: ${JSON.stringify(info.winner)}`);
const split = params.selectionRandomSplit === false ? validationSplit(table) : randomValidationSplit(table, 0.1, 42);
const [pop] = validationScorer(split, { seed: 42, now: () => performance.now() })({ name: 'popularity', params: {}, algorithm: popularity });
console.log(`popularity on the same split: ndcg@10 ${pop.ndcg.toFixed(4)}  precision@10 ${pop.precision.toFixed(4)}`);
