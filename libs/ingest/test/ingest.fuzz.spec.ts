/**
 * Fuzzing of the ingest pipeline, seeded, against a real Redis (issue 12). Mutated real ML-100K
 * files and mutated synthetic files of every format are ingested; each outcome must match the
 * reference model in test/fuzz/reference.ts: accepted with exactly its counts, or refused with
 * file, line and reason and every key as before (see test/fuzz/fuzz-case.ts).
 *
 * INGEST_FUZZ_SEED reproduces a run and INGEST_FUZZ_RUNS sets its length: that many synthetic cases
 * (about 10 ms each) and a quarter as many real ML-100K ones (about 130 ms each); CI: 400 + 100.
 * `node tools/fuzz-ingest.mjs --runs 20000 [--seed N]` for a long one. A failure prints the seed,
 * the path and the shrunk case.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharedDataDir, skipReason } from '@movielens/test-support';
import { ingestFiles, useTestRedis } from '../src/ingest.fixtures';
import { BASES, baseFiles, type Base } from './fuzz/corpus';
import { fuzzCase, runCase } from './fuzz/fuzz-case';

const RUNS = Number(process.env.INGEST_FUZZ_RUNS ?? 400);
const REAL_RUNS = Math.max(1, Math.round(RUNS / 4));
const SEED = Number(process.env.INGEST_FUZZ_SEED ?? 20260512);
const ml100k = sharedDataDir('ml-100k');
if (!ml100k) console.warn(skipReason('ml-100k'));

const t = useTestRedis('fuzz');

/** Ingests an unmutated upload of `base` first (so refusals have a dataset to leave alone), then RUNS cases. */
async function fuzz(bases: readonly Base[], runs: number, seed: number): Promise<Map<string, number>> {
  const start = baseFiles(bases[0], 0, ml100k)!;
  await ingestFiles(t, Object.fromEntries(start.map((f) => [f.name, f.bytes])));
  const outcomes = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(fuzzCase(bases), async (c) => {
      const outcome = await runCase(t, c, ml100k);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
  if (process.env.FUZZ_REPORT === '1') console.log(bases.join(', '), Object.fromEntries(outcomes));
  return outcomes;
}

describe('ingest fuzzing', () => {
  it.skipIf(!ml100k)(`mutated real ML-100K files: ${REAL_RUNS} cases accepted with the reference's counts or refused leaving Redis as it was`, async () => {
    const outcomes = await fuzz(['ml-100k-real'], REAL_RUNS, SEED);
    expect(outcomes.get('accepted')).toBeGreaterThan(0);
    expect(outcomes.get('refused')).toBeGreaterThan(0);
  });

  it(`mutated synthetic files of every format: ${RUNS} cases accepted with the reference's counts or refused leaving Redis as it was`, async () => {
    const outcomes = await fuzz(BASES.filter((b) => b !== 'ml-100k-real'), RUNS, SEED + 1);
    expect(outcomes.get('accepted')).toBeGreaterThan(0);
    expect(outcomes.get('refused')).toBeGreaterThan(0);
  });
});
