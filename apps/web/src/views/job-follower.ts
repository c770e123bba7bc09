/** Polls jobs until they finish, folding their states into one progress bar. */
import type { ApiClient } from '../lib/api-client';
import type { UploadProgress } from '../lib/job-progress';
import { findRebuildJob, ingestOutcome, ingestProgress, ingestShare, monotonicReporter, rebuildProgress, toJobStatus } from '../lib/job-progress';

/** Poll period, ms: fast enough for a live bar, gentle on the API. */
const pollMs = 400;

/** How long to wait for the rebuild an ingest requests to appear in the queue, ms. */
const rebuildAppearTimeoutMs = 60_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** Follows a rebuild job to its end, reporting each step. */
export async function followRebuild(api: ApiClient, jobId: string, onProgress: (p: UploadProgress) => void, signal: AbortSignal, share?: number): Promise<UploadProgress> {
  const report = monotonicReporter(onProgress);
  for (;;) {
    const progress = rebuildProgress(toJobStatus(await api.getAdmin<unknown>(`/jobs/${encodeURIComponent(jobId)}`)), share);
    report(progress);
    if (progress.phase === 'done' || progress.phase === 'failed') return progress;
    await sleep(pollMs, signal);
  }
}

/** Follows an ingest job, then the rebuild it triggers, to the end. */
export async function followUpload(api: ApiClient, ingestJobId: string, onProgress: (p: UploadProgress) => void, signal: AbortSignal): Promise<UploadProgress> {
  const report = monotonicReporter(onProgress);
  let status = toJobStatus(await api.getAdmin<unknown>(`/jobs/${encodeURIComponent(ingestJobId)}`));
  for (;;) {
    const progress = ingestProgress(status);
    report(progress);
    if (progress.phase === 'failed') return progress;
    if (status.state === 'completed') break;
    await sleep(pollMs, signal);
    status = toJobStatus(await api.getAdmin<unknown>(`/jobs/${encodeURIComponent(ingestJobId)}`));
  }
  const outcome = ingestOutcome(status.result);
  if (outcome.unchanged || outcome.datasetVersion === null) {
    const done: UploadProgress = { phase: 'done', percent: 100, message: 'Done: the dataset is unchanged, so the current model stays.' };
    report(done);
    return done;
  }
  const deadline = Date.now() + rebuildAppearTimeoutMs;
  for (;;) {
    const jobs = await api.getAdmin<unknown>('/jobs', { queue: 'rebuild', limit: 20 });
    const rebuildId = findRebuildJob(jobs, outcome.datasetVersion);
    if (rebuildId !== null) return followRebuild(api, rebuildId, report, signal);
    if (Date.now() > deadline) {
      const failed: UploadProgress = { phase: 'failed', percent: ingestShare, message: 'The dataset was imported, but no model build started. Is the compute worker running?' };
      report(failed);
      return failed;
    }
    report({ phase: 'rebuild', percent: ingestShare, message: 'Dataset imported; waiting for the model build to start…' });
    await sleep(pollMs, signal);
  }
}
