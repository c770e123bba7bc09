// iALS's confidence form and key hyperparameters on ML-100K, with the same full-ranking metrics as
// `movielens evaluate`: by default on a validation cut of u1.base only (the first of 5 seeded folds
// of u1.base: 80% train, 20% validation), with --official on u1..u5. Used for the defaults and the
// tables of docs/EVALUATION.md (iALS section).
// Usage: node --import tsx bench/ials-validate.ts '<json list of IalsOptions>' [--official]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossValidate, ialsAlgorithm, kFoldSplits, parseFile, type IalsOptions, type RatingTable, type Split } from '@movielens/core';

const dir = join(import.meta.dirname, '../../shared/data/ml-100k');

async function read(file: string): Promise<RatingTable> {
  const parsed = await parseFile(file, [readFileSync(join(dir, file))]);
  if (parsed.kind !== 'ratings') throw new Error(`${file} is not a ratings file`);
  return parsed.result.table;
}

const official = process.argv.includes('--official');
const splits: Split[] = [];
if (official) for (const k of [1, 2, 3, 4, 5]) splits.push({ train: await read(`u${k}.base`), test: await read(`u${k}.test`) });
else splits.push(kFoldSplits(await read('u1.base'), 5, 42)[0]);
const grid = JSON.parse(process.argv[2] ?? '[{}]') as IalsOptions[];
for (const opts of grid) {
  const [row] = crossValidate(splits, [ialsAlgorithm(opts)], { seed: 42, now: () => performance.now() });
  console.log(official ? 'u1..u5' : 'u1 cut', JSON.stringify(opts), 'P@10', row['precision@10'].toFixed(4), 'R@10', row['recall@10'].toFixed(4), 'NDCG@10', row['ndcg@10'].toFixed(4), 'cov', row.coverage.toFixed(4), 'fit s', row.fitSeconds.toFixed(1));
}
