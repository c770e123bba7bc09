/**
 * RP3beta on the ML-100K official splits u1..u5 (the `movielens evaluate --official` protocol)
 * for a few (alpha, beta, neighbours): how the defaults were chosen and how sensitive they are.
 *
 *   node --import tsx bench/rp3beta-sweep.ts [ml-100k folder] [alpha,beta,neighbours ...]
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { crossValidate, parseFile, type RatingTable, type Split } from '@movielens/core';
import { rp3betaEvaluation } from '../libs/compute/src/kinds/rp3beta/rp3beta.evaluation';

async function read(path: string): Promise<RatingTable> {
  const parsed = await parseFile(path, createReadStream(path));
  if (parsed.kind !== 'ratings') throw new Error(`${path}: not a ratings file`);
  return parsed.result.table;
}

const dir = process.argv[2] ?? '../shared/data/ml-100k';
const points = (process.argv.length > 3 ? process.argv.slice(3) : ['0.75,0.6,100']).map((s) => s.split(',').map(Number));
const splits: Split[] = [];
for (let k = 1; k <= 5; k++) splits.push({ train: await read(join(dir, `u${k}.base`)), test: await read(join(dir, `u${k}.test`)) });
for (const [rp3Alpha, rp3Beta, rp3Neighbours] of points) {
  const [row] = crossValidate(splits, [rp3betaEvaluation({ rp3Alpha, rp3Beta, rp3Neighbours })], { seed: 42, now: () => performance.now() });
  console.log(`alpha ${rp3Alpha} beta ${rp3Beta} neighbours ${rp3Neighbours}: P@10 ${row['precision@10'].toFixed(4)} R@10 ${row['recall@10'].toFixed(4)} NDCG@10 ${row['ndcg@10'].toFixed(4)} coverage ${row.coverage.toFixed(4)} fit ${row.fitSeconds.toFixed(2)} s`);
}
