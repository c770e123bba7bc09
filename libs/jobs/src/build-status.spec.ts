import { describe, expect, it } from 'vitest';
import { describeBuild, type JobLike } from './build-status';

/** A job as BullMQ stores it: `progress` 0 until the processor reports. */
function job(data: object, progress: JobLike['progress'] = 0, processedOn?: number): JobLike {
  return { id: '7', name: 'x', data, progress, timestamp: 1000, processedOn };
}

describe('describeBuild', () => {
  it('reads "no report yet" from BullMQ\'s default progress 0, not 0%', () => {
    expect(describeBuild('rebuild', 'waiting', job({ trigger: 'api', params: { lstm: true } }))).toEqual({
      id: 'rebuild:7', name: 'x', state: 'waiting', stage: null, percent: null, lstm: true, lstmPercent: null, trigger: 'api', datasetVersion: null, createdAt: 1000, startedAt: null,
    });
  });

  it('takes the LSTM\'s own percent from a rebuild that reports its kinds', () => {
    const build = describeBuild('rebuild', 'waiting-children', job({ trigger: 'cli', params: { lstm: true } }, { stage: 'lstm', percent: 70, kinds: { svd: { stage: 'publish', percent: 100 }, lstm: { stage: 'lstm', percent: 40 } } }, 2000));
    expect(build).toMatchObject({ stage: 'lstm', percent: 70, lstm: true, lstmPercent: 40, startedAt: 2000 });
  });

  it('marks only the lstm kind job of an LSTM build as training the LSTM (every kind job carries the build params)', () => {
    const params = { lstm: true };
    expect(describeBuild('rebuild-shard', 'active', job({ kind: 'svd', params }, { stage: 'svd', percent: 50 }))).toMatchObject({ lstm: false, lstmPercent: null });
    expect(describeBuild('rebuild-shard', 'active', job({ kind: 'lstm', params }, { stage: 'lstm', percent: 25 }))).toMatchObject({ lstm: true, lstmPercent: 25 });
  });

  it('reads a rebuild that reports one stage at a time (the LSTM percent is its percent at the lstm stage)', () => {
    expect(describeBuild('rebuild', 'active', job({ params: {} }, { stage: 'lstm', percent: 30 }))).toMatchObject({ lstm: true, lstmPercent: 30 });
    expect(describeBuild('rebuild', 'active', job({ params: {} }, { stage: 'svd', percent: 30 }))).toMatchObject({ lstm: false, lstmPercent: null });
  });
});
