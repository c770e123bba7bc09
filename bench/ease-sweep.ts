/**
 * EASE's lambda chosen on a validation cut of u1's training set only (fold 1 of a seeded 5-fold
 * split of u1.base), as the issue's reference chose its hyperparameters, then the same lambdas on
 * the official u1..u5 test folds (the `movielens evaluate --official` protocol) for comparison.
 *
 *   node --import tsx bench/ease-sweep.ts [ml-100k folder] [lambda ...]
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { crossValidate, easeAlgorithm, kFoldSplits, parseFile, type AlgorithmResult, type Split } from '@movielens/core';

const dir = process.argv[2] ?? '../shared/data/ml-100k';
const lambdas = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [100, 250, 500, 1000, 2000];
const table = async (name: string) => {
  const parsed = await parseFile(name, createReadStream(join(dir, name)));
  if (parsed.kind !== 'ratings') throw new Error(`${name}: not a ratings file`);
  return parsed.result.table;
};
const line = (r: AlgorithmResult) => `P@10 ${r['precision@10'].toFixed(4)} R@10 ${r['recall@10'].toFixed(4)} NDCG@10 ${r['ndcg@10'].toFixed(4)} coverage ${r.coverage.toFixed(4)}`;
const validation = kFoldSplits(await table('u1.base'), 5, 42).slice(0, 1);
const official: Split[] = await Promise.all([1, 2, 3, 4, 5].map(async (k) => ({ train: await table(`u${k}.base`), test: await table(`u${k}.test`) })));
for (const lambda of lambdas) {
  const options = { seed: 42, now: () => performance.now() };
  const [v] = crossValidate(validation, [easeAlgorithm(lambda)], options);
  const [t] = crossValidate(official, [easeAlgorithm(lambda)], options);
  console.log(`lambda ${lambda}: validation (u1.base cut) ${line(v)} | u1..u5 ${line(t)}`);
}
