import { Job, type MinimalQueue } from 'bullmq';

/** Job states in which a job may still run (running, waiting for its children, or waiting to run or retry). */
export const LIVE_JOB_STATES: ReadonlySet<string> = new Set(['active', 'waiting-children', 'delayed', 'waiting', 'prioritized']);

/**
 * True when job `jobId` of `queue` may still run: it exists and is in one of
 * {@link LIVE_JOB_STATES}. A completed, failed or removed job is not live, so what it left
 * behind (a lock, staged keys) can be taken over or swept.
 */
export async function jobIsLive(queue: MinimalQueue, jobId: string): Promise<boolean> {
  const job = await Job.fromId(queue, jobId);
  return job !== undefined && LIVE_JOB_STATES.has(await job.getState());
}
