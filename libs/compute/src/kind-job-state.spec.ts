import { describe, expect, it } from 'vitest';
import { RebuildJobError } from './errors';
import { decodeKindRowsState, decodeRowResults, decodeTrainedState } from './kind-job-state';

describe('decodeKindRowsState', () => {
  it('reads the kind, its planned kinds and the current round, with defaults for single-round kinds', () => {
    const data = { kind: 'svd', params: { k: 5 }, datasetVersion: 'd1', planned: ['svd', 'analytics'], step: 'rows', trained: { expected: { similar: 8, recs: 8 }, rows: [], retries: 0 } };
    expect(decodeKindRowsState(data, '7')).toEqual({ kind: 'svd', planned: ['svd', 'analytics'], trained: { expected: { similar: 8, recs: 8 }, round: 0, roundsTotal: 1 } });
    expect(decodeKindRowsState({ kind: 'mf' }, '8')).toEqual({ kind: 'mf', planned: [] });
  });

  it('refuses data of another shape with a RebuildJobError naming the job and each bad path', () => {
    const bad = { kind: 3, trained: { expected: { similar: '8' }, round: -1 } };
    let err: unknown;
    try {
      decodeKindRowsState(bad, '42');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RebuildJobError);
    expect((err as RebuildJobError).code).toBe('BAD_JOB');
    expect((err as Error).message).toMatch(/^kind job 42: its data is not of the expected shape \(kind: .*; trained\.expected\.similar: .*; trained\.round: /);
    expect(() => decodeKindRowsState(null, '43')).toThrow(/kind job 43: /);
  });
});

describe('decodeRowResults', () => {
  it('reads each returned row job’s table and round (absent round = 0)', () => {
    const values = { 'bull:q:1': { modelVersion: 'v', table: 'similar', part: 0, rows: 3 }, 'bull:q:2': { table: 'recs', round: 2 } };
    expect(decodeRowResults(values, '7')).toEqual([
      { table: 'similar', round: 0 },
      { table: 'recs', round: 2 },
    ]);
  });

  it('names the child whose result is corrupt', () => {
    expect(() => decodeRowResults({ 'bull:q:1': { table: 'recs' }, 'bull:q:9': 'garbage' }, '7')).toThrow(RebuildJobError);
    expect(() => decodeRowResults({ 'bull:q:9': { table: null } }, '7')).toThrow(/^kind job 7: the result of its row job bull:q:9 is not of the expected shape \(table: /);
  });
});

describe('decodeTrainedState', () => {
  const state = { datasetVersion: 'd1', datasetCreatedAt: 1, createdAt: 2, params: { k: 4 }, buildParams: { k: 4, mf: false }, info: { singularValues: [3, 2] }, timings: { svd: 5 }, shards: 4, scratch: ['staging:factors'], expected: { similar: 2 }, rowsAddedAt: 3, startedAt: 2 };

  it('reads a state saved before rounds, retries and row workers existed with their defaults', () => {
    expect(decodeTrainedState(state, '7')).toEqual({ ...state, rows: [], round: 0, roundsTotal: 1, retries: 0, rowWorkers: {} });
  });

  it('refuses a state of another shape with a RebuildJobError naming the job and each bad path', () => {
    expect(() => decodeTrainedState({ ...state, shards: 0, rows: [{ table: 'similar' }] }, '9')).toThrow(RebuildJobError);
    expect(() => decodeTrainedState({ ...state, shards: 0 }, '9')).toThrow(/^kind job 9: its trained state is not of the expected shape \(shards: /);
  });
});
