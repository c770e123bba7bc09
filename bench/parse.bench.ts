/**
 * Parse throughput of the streaming ratings parser on a synthetic ML-1M ratings.dat
 * (1,000,209 lines, ~24.6 MB, same size as the real file), fed in 64 KiB chunks like a file
 * stream, side by side with two references run in the same invocation on the same bytes:
 *   - naive JS: decode the whole file, split lines and fields, Number() each field;
 *   - pandas.read_csv (C engine) on the same ratings written as CSV (ML-1M's `::` would force
 *     pandas' slow Python engine), from memory.
 * Also times the generator (ML-1M ratings.dat bytes).
 *
 *   node --import tsx bench/parse.bench.ts [runs=5]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRatingsParser, detectFile, generateDataset } from '@movielens/core';

const runs = Number(process.argv[2] ?? 5);
const CHUNK = 65536;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Wall seconds, process CPU seconds (less sensitive to a loaded machine) and the value. */
function time<T>(fn: () => T): [number, T, number] {
  const t = performance.now();
  const c0 = process.cpuUsage();
  const v = fn();
  const c = process.cpuUsage(c0);
  return [(performance.now() - t) / 1000, v, (c.user + c.system) / 1e6];
}

const dataset = generateDataset({ shape: 'ml-1m', seed: 1 });
const ratingsFile = dataset.files[0];
const genTimes: number[] = [];
const genCpu: number[] = [];
let bytes = new Uint8Array();
for (let r = 0; r < Math.max(1, Math.min(runs, 3)); r++) {
  const [s, chunks, cpu] = time(() => [...ratingsFile.chunks()]);
  genTimes.push(s);
  genCpu.push(cpu);
  bytes = Buffer.concat(chunks);
}
const chunks: Uint8Array[] = [];
for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(bytes.subarray(i, i + CHUNK));
const file = detectFile('ratings.dat', bytes.subarray(0, 4096));

const ours: number[] = [];
const oursCpu: number[] = [];
let rows = 0;
for (let r = 0; r < runs; r++) {
  const [s, result, cpu] = time(() => {
    const p = createRatingsParser({ file });
    for (const c of chunks) p.push(c);
    return p.end();
  });
  ours.push(s);
  oursCpu.push(cpu);
  rows = result.table.length;
}

const naive: number[] = [];
const naiveCpu: number[] = [];
for (let r = 0; r < runs; r++) {
  const [s, , cpu] = time(() => {
    const text = new TextDecoder('latin1').decode(bytes);
    const lines = text.split('\n');
    const users = new Int32Array(lines.length);
    const movies = new Int32Array(lines.length);
    const ratings = new Float32Array(lines.length);
    const timestamps = new Uint32Array(lines.length);
    lines.forEach((line, i) => {
      if (line === '') return;
      const f = line.split('::');
      users[i] = Number(f[0]);
      movies[i] = Number(f[1]);
      ratings[i] = Number(f[2]);
      timestamps[i] = Number(f[3]);
    });
    return users.length + movies.length + ratings.length + timestamps.length;
  });
  naive.push(s);
  naiveCpu.push(cpu);
}

// pandas on the same data as CSV, read from memory; prints the median seconds.
const dir = mkdtempSync(join(tmpdir(), 'parse-bench-'));
let pandas = NaN;
let pandasCpu = NaN;
try {
  const csvPath = join(dir, 'ratings.csv');
  writeFileSync(csvPath, new TextDecoder('latin1').decode(bytes).replaceAll('::', ','));
  const script = [
    'import io, sys, time, statistics, pandas as pd',
    `data = open(${JSON.stringify(csvPath)}, 'rb').read()`,
    'ts = []',
    'cs = []',
    `for _ in range(${runs}):`,
    '    t = time.perf_counter()',
    '    c = time.process_time()',
    "    df = pd.read_csv(io.BytesIO(data), header=None, names=['u','m','r','t'], dtype={'u':'int32','m':'int32','r':'float32','t':'uint32'})",
    '    ts.append(time.perf_counter() - t)',
    '    cs.append(time.process_time() - c)',
    'assert len(df) == 1000209',
    'print(statistics.median(ts), statistics.median(cs))',
  ].join('\n');
  [pandas, pandasCpu] = execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }).trim().split(' ').map(Number);
} catch (err) {
  console.error(`pandas reference failed: ${(err as Error).message}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const mb = bytes.length / 1e6;
const line = (name: string, s: number, cpu: number) =>
  `${name.padEnd(36)} wall ${s.toFixed(3)} s ${(mb / s).toFixed(0).padStart(4)} MB/s ${(rows / s / 1e6).toFixed(2)} M/s | cpu ${cpu.toFixed(3)} s ${(mb / cpu).toFixed(0).padStart(4)} MB/s ${(rows / cpu / 1e6).toFixed(2)} M/s`;
console.log(`synthetic ML-1M ratings.dat: ${rows.toLocaleString('en-US')} ratings, ${mb.toFixed(1)} MB, ${runs} runs (medians)`);
console.log(line('createRatingsParser (64 KiB chunks)', median(ours), median(oursCpu)));
console.log(line('naive JS split + Number', median(naive), median(naiveCpu)));
if (!Number.isNaN(pandas)) console.log(line('pandas.read_csv C engine (as CSV)', pandas, pandasCpu));
console.log(`cpu ratios: naive/ours ${(median(naiveCpu) / median(oursCpu)).toFixed(2)}x, pandas/ours ${(pandasCpu / median(oursCpu)).toFixed(2)}x`);
console.log(`generator: ML-1M ratings.dat in ${median(genTimes).toFixed(2)} s wall, ${median(genCpu).toFixed(2)} s cpu (${(rows / median(genCpu) / 1e6).toFixed(2)} M ratings/s cpu)`);
