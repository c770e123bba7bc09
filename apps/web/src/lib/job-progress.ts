/**
 * Following an upload to the end: the ingest job, then the rebuild job it starts. Pure:
 * normalizes `GET /api/v1/jobs/:id` answers and folds them into one progress bar.
 */

/** A job as the page needs it, whatever shape its `progress` had. */
export interface JobStatus {
  id: string;
  /** BullMQ state: waiting, delayed, active, completed, failed, ... (`unknown` if absent). */
  state: string;
  /** Stage name reported by the worker (e.g. `parse`, `factorize`), or null. */
  stage: string | null;
  /** 0..100. For a rebuild, over the whole build (the mean of its kinds). */
  percent: number;
  /** A rebuild's model kinds, each with its stage and 0..100 (they train side by side); empty otherwise. */
  kinds: { kind: string; stage: string; percent: number }[];
  result: unknown;
  failedReason: string | null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function clampPercent(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
}

/**
 * Normalizes a job answer (`GET /jobs/:id`). `progress` may be a number (percent),
 * `{ stage, percent }`, or the ingest's `{ phase, done, total }` (bytes); a completed job is
 * 100% whatever it last reported.
 */
export function toJobStatus(answer: unknown): JobStatus {
  const job = record(answer);
  const state = typeof job.state === 'string' ? job.state : 'unknown';
  const progress = job.progress;
  const p = record(progress);
  const stageValue = p.stage ?? p.phase ?? p.step;
  const stage = typeof stageValue === 'string' ? stageValue : null;
  let percent: number;
  if (typeof progress === 'number') percent = clampPercent(progress);
  else if (typeof p.percent === 'number') percent = clampPercent(p.percent);
  else if (typeof p.done === 'number' && typeof p.total === 'number' && p.total > 0) percent = clampPercent((100 * p.done) / p.total);
  else percent = 0;
  if (state === 'completed') percent = 100;
  const kinds = Object.entries(record(p.kinds)).flatMap(([kind, value]) => {
    const k = record(value);
    return typeof k.stage === 'string' ? [{ kind, stage: k.stage, percent: clampPercent(k.percent) }] : [];
  });
  return {
    id: String(job.id ?? ''),
    state,
    stage,
    percent,
    kinds,
    result: job.result ?? null,
    failedReason: typeof job.failedReason === 'string' ? job.failedReason : null,
  };
}

/** What an ingest job's result says about the rebuild that follows it. */
export interface IngestOutcome {
  /** Dataset version the ingest made current. */
  datasetVersion: string | null;
  /** True when the upload equalled the current dataset: nothing changed, no rebuild follows. */
  unchanged: boolean;
}

/** Reads an ingest job's result. */
export function ingestOutcome(result: unknown): IngestOutcome {
  const r = record(result);
  return { datasetVersion: typeof r.datasetVersion === 'string' ? r.datasetVersion : null, unchanged: r.unchanged === true };
}

/**
 * The id of the rebuild job that follows an ingest, from a `GET /jobs?queue=rebuild` answer:
 * the newest job whose payload names `datasetVersion`, or null while none is queued yet
 * (the ingest worker requests the rebuild after it finishes, debounced).
 */
export function findRebuildJob(jobsAnswer: unknown, datasetVersion: string): string | null {
  const jobs = record(jobsAnswer).jobs;
  if (!Array.isArray(jobs)) return null;
  let best: { id: string; created: string } | null = null;
  for (const item of jobs) {
    const job = record(item);
    if (record(job.data).datasetVersion !== datasetVersion || typeof job.id !== 'string') continue;
    const created = typeof job.createdAt === 'string' ? job.createdAt : '';
    if (best === null || created > best.created) best = { id: job.id, created };
  }
  return best?.id ?? null;
}

/** Where an upload is. */
export type UploadPhase = 'idle' | 'uploading' | 'ingest' | 'rebuild' | 'done' | 'failed';

/** The whole upload as one progress bar. */
export interface UploadProgress {
  phase: UploadPhase;
  /** 0..100 over the whole flow: ingest fills the first part, rebuild the rest. */
  percent: number;
  /** One line for the user, e.g. `Building model: factorize (40%)`. */
  message: string;
}

/** Share of the bar given to the ingest phase; the model build is the longer part. */
export const ingestShare = 40;

/** The starting state. */
export const idleUpload: UploadProgress = { phase: 'idle', percent: 0, message: 'No upload yet.' };

function stageText(job: JobStatus): string {
  // A rebuild: each kind's own stage, as they train side by side on any compute worker.
  if (job.kinds.length > 0) return job.kinds.map((k) => (k.percent >= 100 ? `${k.kind} done` : `${k.kind} ${k.stage} ${Math.round(k.percent)}%`)).join(', ');
  return job.stage === null ? `${Math.round(job.percent)}%` : `${job.stage} (${Math.round(job.percent)}%)`;
}

/** Progress once the upload request is sent and before the server answers. */
export function uploadingProgress(): UploadProgress {
  return { phase: 'uploading', percent: 0, message: 'Uploading files…' };
}

/** Progress from the ingest job's status. */
export function ingestProgress(job: JobStatus): UploadProgress {
  if (job.state === 'waiting' || job.state === 'delayed') return { phase: 'ingest', percent: 0, message: 'Import queued…' };
  if (job.state === 'failed') return { phase: 'failed', percent: (job.percent * ingestShare) / 100, message: `Import failed: ${job.failedReason ?? 'unknown reason'}` };
  return { phase: 'ingest', percent: (job.percent * ingestShare) / 100, message: `Importing dataset: ${stageText(job)}` };
}

/**
 * Percent over the whole rebuild: the rebuild reports it itself (the mean of its kinds'
 * progress, each over its own stages), so the page keeps no copy of the stage list.
 */
export function overallRebuildPercent(job: JobStatus): number {
  // Full only when the job has ended: its kinds can all be at 100 a moment before it reports.
  return job.state === 'completed' ? 100 : Math.min(99, job.percent);
}

/** Progress from the rebuild job's status; `share` is its part of the bar (100 for a rebuild on its own). */
export function rebuildProgress(job: JobStatus, share = 100 - ingestShare): UploadProgress {
  const percent = 100 - share + (overallRebuildPercent(job) * share) / 100;
  if (job.state === 'failed') return { phase: 'failed', percent, message: `Model build failed: ${job.failedReason ?? 'unknown reason'}` };
  if (job.state === 'completed') return { phase: 'done', percent: 100, message: 'Done: the new model is being served.' };
  if (job.state === 'delayed' || job.state === 'waiting') return { phase: 'rebuild', percent, message: 'Model build queued…' };
  return { phase: 'rebuild', percent, message: `Building model: ${stageText(job)}` };
}

/** True when polling can stop. */
export function isFinished(progress: UploadProgress): boolean {
  return progress.phase === 'done' || progress.phase === 'failed';
}

/**
 * Wraps a progress reporter so that the bar never moves backwards while one upload or build
 * is followed: stages can report out of order (analytics beside the SVD, shards finishing in
 * any order) and a poll can land between them. A failure is shown at its own percent.
 */
export function monotonicReporter(report: (p: UploadProgress) => void): (p: UploadProgress) => void {
  let highest = 0;
  return (p) => {
    if (p.phase === 'failed') return report(p);
    highest = Math.max(highest, p.percent);
    report({ ...p, percent: highest });
  };
}
