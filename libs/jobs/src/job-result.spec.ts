import { ingestReportSchema as contractReport } from '@movielens/contracts';
import { describe, expect, it } from 'vitest';
import { ingestReportSchema } from './ingest.job';
import { rebuildResultSchema } from './rebuild.job';
import { decodeJobResult, JobResultError } from './job-result';

/** An ingest result as the ingest processor returns it (shape of `ingestReportSchema`). */
const report = {
  mode: 'replace',
  unchanged: false,
  datasetVersion: 'd1',
  parentVersion: null,
  files: [{ name: 'u.data', kind: 'ratings', release: 'ml-100k', size: 8, sha256: 'ab', lines: 1, skipped: 0, encoding: 'ascii' }],
  read: { ratings: 1, movies: 0, users: 0 },
  skipped: [],
  skippedTotal: 0,
  duplicates: { count: 0, examples: [] },
  overwritten: 0,
  durationMs: 3,
};

describe('decodeJobResult', () => {
  it('returns a result of the expected shape', () => {
    expect(decodeJobResult(ingestReportSchema, report, 'ingest job 1')).toEqual(report);
  });

  it('refuses a result of another shape with a JobResultError naming the job and the bad paths', () => {
    const bad = { ...report, datasetVersion: 7, read: { ratings: 1, movies: 0 } };
    expect(() => decodeJobResult(ingestReportSchema, bad, 'ingest job 1')).toThrow(JobResultError);
    expect(() => decodeJobResult(ingestReportSchema, bad, 'ingest job 1')).toThrow(/^ingest job 1: its result is not of the expected shape \(datasetVersion: .*; read\.users: /);
    expect(() => decodeJobResult(ingestReportSchema, null, 'ingest job 2')).toThrow(/ingest job 2: .*\(value\): /);
  });
});

describe('ingestReportSchema', () => {
  it('is the one schema of @movielens/contracts (the dataset meta in libs/store validates its report with it too)', () => {
    expect(ingestReportSchema).toBe(contractReport);
  });

  it('refuses negative counts in a report, naming the path', () => {
    const bad = { ...report, read: { ratings: -1, movies: 0, users: 0 }, duplicates: { count: 0, examples: [{ file: 'u.data', line: -2, reason: 'x' }] } };
    expect(() => decodeJobResult(ingestReportSchema, bad, 'ingest job 3')).toThrow(/read\.ratings: .*; duplicates\.examples\.0\.line: /);
  });
});

describe('rebuildResultSchema', () => {
  const kind = { kind: 'svd', version: 'svd-1-ab', datasetVersion: 'd1', outcome: 'published', modelVersion: 'm1-ab', timings: { total: 5 }, host: 'h', pid: 7, workers: [{ host: 'h', pid: 7, jobs: 3 }] };
  const result = { modelVersion: 'm1-ab', noop: false, datasetVersion: 'd1', kinds: { svd: kind }, timings: { total: 9 }, singularValues: [3, 1], explainedVariance: 0.4, shardWorkers: [{ host: 'h', pid: 7, jobs: 4 }] };

  it('reads a rebuild result as the rebuild processor returns it', () => {
    expect(decodeJobResult(rebuildResultSchema, result, 'rebuild job 1')).toEqual(result);
  });

  it('refuses an unknown kind outcome or a missing worker count, naming the paths', () => {
    const bad = { ...result, kinds: { svd: { ...kind, outcome: 'done' } }, shardWorkers: [{ host: 'h', pid: 7 }] };
    expect(() => decodeJobResult(rebuildResultSchema, bad, 'rebuild job 2')).toThrow(/^rebuild job 2: .*kinds\.svd\.outcome: .*; shardWorkers\.0\.jobs: /);
  });
});
