// Training time of the Gibbs MF model on 1 thread against N, on an ML-1M-shaped ratings file,
// with the `mf` kind's defaults (20 burn-in sweeps, 40 samples, implicit feedback on both sides).
// Usage: npx movielens generate --shape ml-1m --out /tmp/ml1m-synth
//        node --import tsx bench/mf-threads.bench.ts /tmp/ml1m-synth/ratings.dat [threads=2] [repeats=3]
// Runs alternate (1, N, 1, N, ...) so that a change in the machine's load hits both; prints each
// run's wall and process CPU seconds, the medians, and checks that both models are identical.
import { createReadStream } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename } from 'node:path';
import { encodeMf, parseFile, trainMf } from '@movielens/core';

const [path, threadsArg = '2', repeatsArg = '3'] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: mf-threads.bench.ts <ratings file> [threads] [repeats]');
const threads = Number(threadsArg);
const repeats = Number(repeatsArg);
const parsed = await parseFile(basename(path), createReadStream(path));
if (parsed.kind !== 'ratings') throw new Error(`${path} is not a ratings file`);
const table = parsed.result.table;
console.log(`${new Date().toISOString()} ${path}: ${table.length} ratings; ${cpus().length} cores (${cpus()[0]?.model}); load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const walls = new Map<number, number[]>([[1, []], [threads, []]]);
const bytes = new Map<number, Buffer>();
for (let r = 0; r < repeats; r++) {
  for (const n of [1, threads]) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let helped = 0;
    const model = trainMf(table, { burnIn: 20, samples: 40, implicit: 'both', seed: 42, threads: n, onHelperRows: (rows) => (helped = rows) });
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    walls.get(n)!.push(wall);
    bytes.set(n, Buffer.from(encodeMf(model)));
    console.log(`run ${r + 1}, ${n} thread(s): wall ${wall.toFixed(1)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, rows drawn by helpers ${helped}; load ${loadavg()[0].toFixed(2)}`);
  }
}
const one = median(walls.get(1)!);
const many = median(walls.get(threads)!);
console.log(`median wall: 1 thread ${one.toFixed(1)} s, ${threads} threads ${many.toFixed(1)} s, speed-up ${(one / many).toFixed(2)}x`);
console.log(`models identical: ${bytes.get(1)!.equals(bytes.get(threads)!)}`);
