/**
 * Ingest end to end on a synthetic ML-1M-size dataset (ratings.dat 1,000,209 ratings + movies.dat
 * + users.dat from the seeded generator) into a private redis-server: the files are streamed
 * into Redis as an upload (what the CLI does), then the ingest pipeline runs (what the worker
 * does): parse from Redis, pack, write chunks/hashes/meta, switch the pointer. Each run is a
 * fresh child process, so its peak RSS is the ingest's own. Side by side, in the same
 * invocation: `/usr/bin/python3` pandas `read_csv(sep='::', engine='python')` on the same
 * ratings.dat (only parsing, no storage), timed inside Python (interpreter start excluded).
 *
 *   node --import tsx bench/ingest.bench.ts [runs=3]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { generateDataset } from '@movielens/core';
import { runIngest } from '@movielens/ingest';
import { KeySchema, UploadStore } from '@movielens/store';
import { startRedisServer } from '@movielens/test-support';

/** What one child run measures. */
interface RunResult {
  uploadS: number;
  ingestS: number;
  totalS: number;
  cpuS: number;
  maxRssMB: number;
  ratings: number;
}

const FILES = ['ratings.dat', 'movies.dat', 'users.dat'];

/** Child: upload + ingest once, print a RunResult as JSON. */
async function child(url: string, dir: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  const keys = new KeySchema(prefix);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const uploads = new UploadStore(redis, keys);
  const uploadId = await uploads.create();
  for (const name of FILES) await uploads.stageFile(uploadId, name, createReadStream(join(dir, name), { highWaterMark: 1 << 20 }));
  const t1 = performance.now();
  const report = await runIngest({ redis, keys }, { uploadId, mode: 'replace', maxErrors: 0, version: 'bench', owner: 'bench' });
  await uploads.delete(uploadId);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const result: RunResult = {
    uploadS: (t1 - t0) / 1000,
    ingestS: (t2 - t1) / 1000,
    totalS: (t2 - t0) / 1000,
    cpuS: (cpu.user + cpu.system) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    ratings: report.read.ratings,
  };
  process.stdout.write(JSON.stringify(result));
  await redis.quit();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
}

async function main(runs: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
  const dataset = generateDataset({ shape: 'ml-1m', seed: 42 });
  for (const file of dataset.files) writeFileSync(join(dir, file.name), Buffer.concat([...file.chunks()]));
  const ratingsPath = join(dir, 'ratings.dat');
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  const ours: (RunResult & { redisMB: number })[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      await redis.flushall();
      const before = await usedMemory(redis);
      const out = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', server.url, dir, `b${r}`], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`bench child failed: ${out.stderr}`);
      const result = JSON.parse(out.stdout) as RunResult;
      ours.push({ ...result, redisMB: ((await usedMemory(redis)) - before) / 2 ** 20 });
    }
  } finally {
    await redis.quit();
    await server.stop();
  }
  const py = [
    'import sys, time, pandas as pd',
    't = time.perf_counter(); c = time.process_time()',
    "df = pd.read_csv(sys.argv[1], sep='::', engine='python', header=None, names=['user', 'movie', 'rating', 'ts'])",
    "print(time.perf_counter() - t, time.process_time() - c, len(df), pd.__version__)",
  ].join('\n');
  const pandas = Array.from({ length: runs }, () => execFileSync('/usr/bin/python3', ['-c', py, ratingsPath], { encoding: 'utf8' }).trim().split(' '));
  rmSync(dir, { recursive: true, force: true });

  const m = (f: (r: (typeof ours)[number]) => number) => median(ours.map(f));
  const pandasWall = median(pandas.map((p) => Number(p[0])));
  const pandasCpu = median(pandas.map((p) => Number(p[1])));
  console.log(`date ${new Date().toISOString()}; ${cpus().length} x ${cpus()[0].model}; Node ${process.version}; pandas ${pandas[0][3]}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`input: ${FILES.join(' + ')} (synthetic ML-1M, seed 42), ${ours[0].ratings.toLocaleString('en-US')} ratings; medians of ${runs} runs\n`);
  console.log('| step | wall s | CPU s | ratings/s (wall) |');
  console.log('|---|---:|---:|---:|');
  console.log(`| upload: stream 3 files into Redis (1 MiB chunks) | ${m((r) => r.uploadS).toFixed(2)} | | |`);
  console.log(`| ingest: parse from Redis, pack, write, switch | ${m((r) => r.ingestS).toFixed(2)} | | |`);
  console.log(`| **end to end** (upload + ingest) | **${m((r) => r.totalS).toFixed(2)}** | ${m((r) => r.cpuS).toFixed(2)} | ${Math.round(ours[0].ratings / m((r) => r.totalS)).toLocaleString('en-US')} |`);
  console.log(`| pandas read_csv(sep='::', engine='python'), parse only | ${pandasWall.toFixed(2)} | ${pandasCpu.toFixed(2)} | ${Math.round(1_000_209 / pandasWall).toLocaleString('en-US')} |`);
  console.log(`\nspeed-up vs pandas: ${(pandasWall / m((r) => r.totalS)).toFixed(1)}x wall, ${(pandasCpu / m((r) => r.cpuS)).toFixed(1)}x CPU`);
  console.log(`peak RSS of the ingest process: ${m((r) => r.maxRssMB).toFixed(0)} MB; Redis used_memory delta: ${m((r) => r.redisMB).toFixed(1)} MB`);
  console.log(`runs (end-to-end wall s): ${ours.map((r) => r.totalS.toFixed(2)).join(', ')}; pandas: ${pandas.map((p) => Number(p[0]).toFixed(2)).join(', ')}`);
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], process.argv[5]);
else await main(Number(process.argv[2] ?? 3));
