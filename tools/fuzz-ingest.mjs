#!/usr/bin/env node
// A long run of the ingest fuzzer (libs/ingest/test/ingest.fuzz.spec.ts), which CI runs with
// 400 synthetic and 100 real ML-100K cases. --runs N gives N synthetic cases and N/4 real ones.
// Usage: node tools/fuzz-ingest.mjs [--runs 20000] [--seed N]   (needs redis-server, as npm test does)
// A failure prints the seed, the fast-check path and the shrunk case; rerun with that --seed.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20000' }, seed: { type: 'string', default: String(Date.now() % 2 ** 31) } } });
if (!/^\d+$/.test(values.runs) || !/^\d+$/.test(values.seed)) {
  console.error('fuzz-ingest: --runs and --seed take whole numbers');
  process.exit(2);
}
console.log(`fuzz-ingest: ${values.runs} synthetic and ${Math.round(values.runs / 4)} real ML-100K cases, seed ${values.seed}`);
const result = spawnSync('npx', ['vitest', 'run', '--root', 'libs/ingest', 'test/ingest.fuzz.spec.ts', '--testTimeout', String(24 * 3600_000)], {
  stdio: 'inherit',
  env: { ...process.env, INGEST_FUZZ_RUNS: values.runs, INGEST_FUZZ_SEED: values.seed, FUZZ_REPORT: '1' },
});
process.exit(result.status ?? 1);
