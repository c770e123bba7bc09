/**
 * A kind meta's `info` is open in the stored schema (each kind writes its own facts), so the
 * kinds that read theirs back into the set meta validate it: a corrupt one is a
 * CorruptRecordError naming the kind version, not a wrong set meta or a TypeError later.
 */
import { CorruptRecordError, type KindMeta } from '@movielens/store';
import { describe, expect, it } from 'vitest';
import { analyticsKind } from './analytics/analytics.kind';
import { svdKind } from './svd/svd.kind';

/** A kind meta as the kind processor writes it, with `info` as given. */
function metaWith(kind: string, info: Record<string, unknown>): KindMeta {
  return { id: `${kind}-1-ab`, kind, datasetVersion: 'd1', datasetCreatedAt: 1, params: {}, timings: {}, shards: 4, tables: {}, info, host: 'h', createdAt: 2 };
}

/** What `fn` throws (fails the test when it returns). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  return expect.fail('did not throw');
}

const svdInfo = { singularValues: [3, 2], explainedVariance: 0.5, k: 2, counts: { users: 3, movies: 4, ratings: 7 } };

describe('svd setFields', () => {
  it('copies its recorded facts into the set fields', () => {
    expect(svdKind.setFields!(metaWith('svd', svdInfo))).toEqual({ datasetVersion: 'd1', singularValues: [3, 2], explainedVariance: 0.5, k: 2, counts: { users: 3, movies: 4, ratings: 7 }, shards: 4 });
  });

  it('refuses an info of another shape, naming the kind version and each bad path', () => {
    const err = thrown(() => svdKind.setFields!(metaWith('svd', { ...svdInfo, singularValues: ['3'], counts: { users: 3, movies: 4 } })));
    expect(err).toBeInstanceOf(CorruptRecordError);
    expect(err.message).toMatch(/^svd kind version svd-1-ab info: singularValues\.0: .*; counts\.ratings: /);
  });
});

describe('analytics setFields', () => {
  it('lists its JSON tables, none when an old build did not record them', () => {
    expect(analyticsKind.setFields!(metaWith('analytics', { tables: ['distribution', 'groups'] }))).toEqual({ analytics: ['distribution', 'groups'] });
    expect(analyticsKind.setFields!(metaWith('analytics', {}))).toEqual({ analytics: [] });
  });

  it('refuses a tables list that is not a list of names', () => {
    const err = thrown(() => analyticsKind.setFields!(metaWith('analytics', { tables: 'distribution' })));
    expect(err).toBeInstanceOf(CorruptRecordError);
    expect(err.message).toMatch(/^analytics kind version analytics-1-ab info: tables: /);
  });
});
