// Hyperparameter search for the MF model on the ML-100K official splits (u1..u5).
// Usage: node --import tsx bench/mf-tune.ts '<json MfOptions>' [folds=1,2,3,4,5]
// Prints the mean test RMSE; used for the "Tuning" section of docs/EVALUATION.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findIdIndex, parseFile, predictMf, trainMf, type RatingTable } from '@movielens/core';

const dir = join(import.meta.dirname, '../../shared/data/ml-100k');

async function read(file: string): Promise<RatingTable> {
  const parsed = await parseFile(file, [readFileSync(join(dir, file))]);
  if (parsed.kind !== 'ratings') throw new Error(`${file} is not a ratings file`);
  return parsed.result.table;
}

const opts = JSON.parse(process.argv[2] ?? '{}');
const folds = (process.argv[3] ?? '1,2,3,4,5').split(',').map(Number);
const rmses: number[] = [];
const t0 = performance.now();
for (const k of folds) {
  const train = await read(`u${k}.base`);
  const test = await read(`u${k}.test`);
  const model = trainMf(train, opts);
  let se = 0;
  for (let t = 0; t < test.length; t++) {
    const p = predictMf(model, findIdIndex(model.userIds, test.users[t]), findIdIndex(model.movieIds, test.movies[t]));
    se += (p - test.ratings[t]) ** 2;
  }
  rmses.push(Math.sqrt(se / test.length));
}
const mean = rmses.reduce((a, b) => a + b, 0) / rmses.length;
const seconds = ((performance.now() - t0) / 1000).toFixed(1);
console.log(JSON.stringify(opts), 'folds', folds.join(','), 'rmse', mean.toFixed(4), rmses.map((r) => r.toFixed(4)).join(' '), `${seconds}s`);
