import { describe, expect, it } from 'vitest';
import { findRebuildJob, ingestOutcome, ingestProgress, ingestShare, isFinished, monotonicReporter, overallRebuildPercent, rebuildProgress, toJobStatus } from './job-progress';

describe('toJobStatus', () => {
  it('reads a numeric progress as a percent', () => {
    expect(toJobStatus({ id: 'rebuild:1', state: 'active', progress: 37 })).toMatchObject({ id: 'rebuild:1', percent: 37, stage: null });
  });

  it('reads { stage, percent } progress', () => {
    expect(toJobStatus({ id: 'rebuild:1', state: 'active', progress: { stage: 'factorize', percent: 55 } })).toMatchObject({ stage: 'factorize', percent: 55 });
  });

  it("reads the ingest's { phase, done, total } byte progress", () => {
    expect(toJobStatus({ id: 'ingest:3', state: 'active', progress: { phase: 'parse', done: 250, total: 1000 } })).toMatchObject({ stage: 'parse', percent: 25 });
  });

  it('clamps percents and shows a completed job as 100% whatever it last reported', () => {
    expect(toJobStatus({ state: 'active', progress: 140 }).percent).toBe(100);
    expect(toJobStatus({ state: 'completed', progress: 12 }).percent).toBe(100);
    expect(toJobStatus({ state: 'active', progress: { phase: 'parse', done: 1, total: 0 } }).percent).toBe(0);
  });

  it('keeps the failure reason', () => {
    expect(toJobStatus({ state: 'failed', failedReason: 'ratings.dat line 3: rating 9 out of range' }).failedReason).toBe('ratings.dat line 3: rating 9 out of range');
  });
});

describe('upload progress', () => {
  it('gives the ingest the first part of the bar and the rebuild the rest', () => {
    expect(ingestProgress(toJobStatus({ state: 'active', progress: 50 })).percent).toBe(ingestShare / 2);
    expect(rebuildProgress(toJobStatus({ state: 'active', progress: 50 })).percent).toBe(ingestShare + (100 - ingestShare) / 2);
    expect(rebuildProgress(toJobStatus({ state: 'active', progress: 50 }), 100).percent).toBe(50);
  });

  it("takes a rebuild's percent over the whole build as the rebuild reports it, and names each kind's stage", () => {
    // As libs/compute's RebuildProgressReporter stores it: the mean of the kinds, each kind's stage and percent.
    const progress = { stage: 'similarity', percent: 55, kinds: { svd: { stage: 'similarity', percent: 70 }, analytics: { stage: 'analytics', percent: 100 }, mf: { stage: 'mf', percent: 0 } } };
    const job = toJobStatus({ state: 'active', progress });
    expect(overallRebuildPercent(job)).toBe(55);
    expect(job.kinds).toEqual([
      { kind: 'svd', stage: 'similarity', percent: 70 },
      { kind: 'analytics', stage: 'analytics', percent: 100 },
      { kind: 'mf', stage: 'mf', percent: 0 },
    ]);
    expect(rebuildProgress(job, 100)).toEqual({ phase: 'rebuild', percent: 55, message: 'Building model: svd similarity 70%, analytics done, mf mf 0%' });
    expect(overallRebuildPercent(toJobStatus({ state: 'completed', progress }))).toBe(100);
    // Every kind done but the job not ended yet: the bar waits at 99 for the job to report.
    expect(overallRebuildPercent(toJobStatus({ state: 'active', progress: { ...progress, percent: 100 } }))).toBe(99);
  });

  it('finishes on a completed rebuild or any failure, with the reason shown', () => {
    const done = rebuildProgress(toJobStatus({ state: 'completed' }));
    expect(done).toMatchObject({ phase: 'done', percent: 100 });
    const failed = ingestProgress(toJobStatus({ state: 'failed', failedReason: 'bad line' }));
    expect(failed.phase).toBe('failed');
    expect(failed.message).toContain('bad line');
    expect(isFinished(done) && isFinished(failed)).toBe(true);
    expect(isFinished(ingestProgress(toJobStatus({ state: 'active' })))).toBe(false);
  });

  it('says a queued job is queued', () => {
    expect(ingestProgress(toJobStatus({ state: 'waiting' })).message).toMatch(/queued/);
    expect(rebuildProgress(toJobStatus({ state: 'delayed' })).message).toMatch(/queued/);
  });
});

describe('following the rebuild of an ingest', () => {
  it('reads the dataset version and whether anything changed', () => {
    expect(ingestOutcome({ datasetVersion: 'd7', unchanged: false })).toEqual({ datasetVersion: 'd7', unchanged: false });
    expect(ingestOutcome(null)).toEqual({ datasetVersion: null, unchanged: false });
  });

  it('picks the newest rebuild job for that dataset version', () => {
    const jobs = {
      jobs: [
        { id: 'rebuild:1', data: { datasetVersion: 'd6' }, createdAt: '2026-11-25T10:00:00.000Z' },
        { id: 'rebuild:2', data: { datasetVersion: 'd7' }, createdAt: '2026-11-25T11:00:00.000Z' },
        { id: 'rebuild:3', data: { datasetVersion: 'd7' }, createdAt: '2026-11-25T12:00:00.000Z' },
      ],
    };
    expect(findRebuildJob(jobs, 'd7')).toBe('rebuild:3');
    expect(findRebuildJob(jobs, 'd8')).toBeNull();
    expect(findRebuildJob({}, 'd7')).toBeNull();
  });
});

describe('monotonicReporter', () => {
  it('never moves the bar backwards, but shows a failure at its own percent', () => {
    const seen: number[] = [];
    const report = monotonicReporter((p) => seen.push(p.percent));
    report({ phase: 'rebuild', percent: 40, message: 'svd' });
    report({ phase: 'rebuild', percent: 30, message: 'analytics reported late' });
    report({ phase: 'rebuild', percent: 55, message: 'similarity' });
    report({ phase: 'failed', percent: 10, message: 'failed' });
    expect(seen).toEqual([40, 40, 55, 10]);
  });
});
