/**
 * What model selection chooses inside each official ML-100K training fold (u1..u5.base), with
 * the time split (`selectionRandomSplit: false`, as `auto-time`) and with the random 10% per user
 * (the rebuild's default, as `auto`): the winner and each kind's best validation NDCG@10, grid
 * point and liked weight. This is the choice `movielens evaluate --algorithms auto,auto-time`
 * refits per fold.
 *
 *   node --import tsx bench/selection-folds.ts ../shared/data/ml-100k
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultKinds, runSelectionSync } from '@movielens/compute';
import { parseFile, type RatingTable } from '@movielens/core';

async function load(dir: string, file: string): Promise<RatingTable> {
  const parsed = await parseFile(file, [readFileSync(join(dir, file))]);
  if (parsed.kind !== 'ratings') throw new Error(`${file} is not a ratings file`);
  return parsed.result.table;
}

const dir = process.argv[2] ?? '../shared/data/ml-100k';
for (const randomSplit of [false, true]) {
  console.log(randomSplit ? 'random split (auto, the default)' : 'time split (auto-time)');
  for (let fold = 1; fold <= 5; fold++) {
    const table = await load(dir, `u${fold}.base`);
    const params = defaultKinds.parseParams({ seed: 42, selectionRandomSplit: randomSplit });
    const info = runSelectionSync(table, defaultKinds.kinds, params, { seed: 42, now: () => performance.now() });
    const best = Object.entries(info.tuned).map(([kind, p]) => {
      const g = info.grid.find((x) => x.kind === kind && JSON.stringify(x.params) === JSON.stringify(p))!;
      return `${kind} ${g.ndcg?.toFixed(4)} ${JSON.stringify(p)}`;
    });
    console.log(`  u${fold}: winner ${info.winner?.kind} ${JSON.stringify(info.winner?.params)} | ${best.join(' | ')}`);
  }
}
