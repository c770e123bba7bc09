/**
 * What is being built now, for status displays (`GET /api/v1/status`, `movielens status`):
 * the jobs of the rebuild queues that wait or run, each with the stage and percent it last
 * reported. Read-only, and tolerant of payload shapes: it reads `data.kind` (a kind job),
 * `data.params.lstm`, `data.trigger`, `data.datasetVersion` and `progress.{stage, percent,
 * kinds}` when they are there, so it describes any job of these queues without knowing its
 * processor.
 */
import type { Job, Queue } from 'bullmq';

/** One job waiting or running in a rebuild queue. */
export interface BuildInProgress {
  /** Queue-qualified id, `<queue>:<job id>` (as `GET /jobs/:id` takes it). */
  id: string;
  /** BullMQ job name, e.g. `rebuild`. */
  name: string;
  /** `active`, `waiting-children` (its child jobs run), `waiting`, `delayed`, `prioritized` or `paused` (the queue is paused). */
  state: string;
  /** Stage last reported (`svd`, `lstm`, ...; for a rebuild, its slowest kind's), null before the first report. */
  stage: string | null;
  /** Percent done as the job reports it (a rebuild: over all its kinds), 0..100; null before the first report. */
  percent: number | null;
  /**
   * True when it trains the next-movie LSTM: an `lstm` kind job, or a rebuild that asked for
   * one (`params.lstm`) or reports an `lstm` stage or kind.
   */
  lstm: boolean;
  /** How far the LSTM itself is, 0..100, when the job reports it (the `lstm` kind's percent); else null. */
  lstmPercent: number | null;
  /** Who asked (`ingest`, `cli`, `api`), when the payload says. */
  trigger: string | null;
  /** Dataset version that prompted it, when the payload says. */
  datasetVersion: string | null;
  /** When it was queued and when it started (ms since the epoch; null while waiting). */
  createdAt: number;
  startedAt: number | null;
}

/** States of a job that is not finished. */
const UNFINISHED = ['active', 'waiting-children', 'waiting', 'delayed', 'prioritized', 'paused'] as const;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A finite number clamped to 0..100, else null. */
function percentOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : null;
}

/** The fields of a job that {@link describeBuild} reads. */
export type JobLike = Pick<Job, 'id' | 'name' | 'data' | 'progress' | 'timestamp' | 'processedOn'>;

/** One unfinished job of queue `queueName`, in state `state`, as status displays show it. */
export function describeBuild(queueName: string, state: string, job: JobLike): BuildInProgress {
  const data = record(job.data);
  const progress = record(job.progress);
  const stage = typeof progress.stage === 'string' ? progress.stage : null;
  const lstmKind = record(record(progress.kinds).lstm);
  const isKindJob = typeof data.kind === 'string';
  const lstm = isKindJob ? data.kind === 'lstm' : record(data.params).lstm === true || stage === 'lstm' || Object.keys(lstmKind).length > 0;
  // A job that never reported has progress 0 (BullMQ's default): that is "no report", not 0%.
  const percent = percentOf(progress.percent) ?? (typeof job.progress === 'number' && job.progress > 0 ? percentOf(job.progress) : null);
  return {
    id: `${queueName}:${job.id}`,
    name: job.name,
    state,
    stage,
    percent,
    lstm,
    lstmPercent: !lstm ? null : isKindJob ? percent : (percentOf(lstmKind.percent) ?? (stage === 'lstm' ? percent : null)),
    trigger: typeof data.trigger === 'string' ? data.trigger : null,
    datasetVersion: typeof data.datasetVersion === 'string' ? data.datasetVersion : null,
    createdAt: job.timestamp,
    startedAt: job.processedOn ?? null,
  };
}

/**
 * The unfinished jobs of `queues` (at most `limit` per queue and state), running ones first,
 * then by age (oldest first).
 */
export async function buildsInProgress(queues: readonly Queue[], limit = 20): Promise<BuildInProgress[]> {
  const out: BuildInProgress[] = [];
  for (const queue of queues) {
    for (const state of UNFINISHED) {
      for (const job of await queue.getJobs([state], 0, limit - 1)) if (job) out.push(describeBuild(queue.name, state, job));
    }
  }
  const running = (b: BuildInProgress) => (b.state === 'active' || b.state === 'waiting-children' ? 0 : 1);
  return out.sort((a, b) => running(a) - running(b) || a.createdAt - b.createdAt);
}
