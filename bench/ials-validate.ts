// Validation of iALS's confidence form and key hyperparameters on a cut of u1.base only (ML-100K):
// the first of 5 seeded folds of u1.base (80% train, 20% validation), the same full-ranking
// metrics as `movielens evaluate`. Used for the defaults in docs/EVALUATION.md (iALS section).
// Usage: node --import tsx bench/ials-validate.ts '<json list of IalsOptions>'
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossValidate, ialsAlgorithm, kFoldSplits, parseFile, type IalsOptions } from '@movielens/core';

const dir = join(import.meta.dirname, '../../shared/data/ml-100k');
const parsed = await parseFile('u1.base', [readFileSync(join(dir, 'u1.base'))]);
if (parsed.kind !== 'ratings') throw new Error('u1.base is not a ratings file');
const [cut] = kFoldSplits(parsed.result.table, 5, 42);
const grid = JSON.parse(process.argv[2] ?? '[{}]') as IalsOptions[];
for (const opts of grid) {
  const [row] = crossValidate([cut], [ialsAlgorithm(opts)], { seed: 42, now: () => performance.now() });
  console.log(JSON.stringify(opts), 'P@10', row['precision@10'].toFixed(4), 'R@10', row['recall@10'].toFixed(4), 'NDCG@10', row['ndcg@10'].toFixed(4), 'cov', row.coverage.toFixed(4), 'fit s', row.fitSeconds.toFixed(1));
}
