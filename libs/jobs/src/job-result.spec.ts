import { ingestReportSchema as contractReport } from '@movielens/contracts';
import { describe, expect, it } from 'vitest';
import { ingestReportSchema } from './ingest.job';
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
