#!/usr/bin/env node
// A long run of the API route fuzzer (apps/api/test/fuzz.spec.ts), which CI runs with 3,000 cases.
// Usage: node tools/fuzz-api.mjs [--runs 100000] [--seed N]   (needs redis-server, as npm test does)
// A failure prints the seed and the request; rerun with that --seed to reproduce it.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string', default: String(Date.now() % 2 ** 31) } } });
if (!/^\d+$/.test(values.runs) || !/^\d+$/.test(values.seed)) {
  console.error('fuzz-api: --runs and --seed take whole numbers');
  process.exit(2);
}
console.log(`fuzz-api: ${values.runs} requests, seed ${values.seed}`);
const result = spawnSync('npx', ['vitest', 'run', '--root', 'apps/api', 'test/fuzz.spec.ts', '--testTimeout', String(24 * 3600_000)], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: values.runs, FUZZ_SEED: values.seed },
});
process.exit(result.status ?? 1);
