// Training time of the MF model on an ML-1M-shaped ratings file (1,000,209 ratings).
// Usage: npx movielens generate --shape ml-1m --out /tmp/ml1m-synth
//        node --import tsx bench/mf-train.bench.ts /tmp/ml1m-synth/ratings.dat ['<json MfOptions>' ...]
// Each options set is trained once and timed (wall and CPU seconds); results go to docs/EVALUATION.md.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parseFile, trainMf, type MfOptions } from '@movielens/core';

const [path, ...optionSets] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: mf-train.bench.ts <ratings file> [json options...]');
const parsed = await parseFile(basename(path), createReadStream(path));
if (parsed.kind !== 'ratings') throw new Error(`${path} is not a ratings file`);
const table = parsed.result.table;
console.log(`${path}: ${table.length} ratings`);
for (const raw of optionSets.length > 0 ? optionSets : ['{}']) {
  const options = JSON.parse(raw) as MfOptions;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const model = trainMf(table, options);
  const seconds = (performance.now() - t0) / 1000;
  // CPU time of this single-threaded process: on a shared, loaded machine it is the fairer
  // figure (wall time includes waiting for a core).
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${raw}: wall ${seconds.toFixed(1)} s, cpu ${cpuSeconds.toFixed(1)} s, ${model.factors} stored factors, ${model.userIds.length} users x ${model.movieIds.length} movies`);
}
