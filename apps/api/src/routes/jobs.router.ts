import type { Job, Queue } from 'bullmq';
import { Router } from 'express';
import { jobListQuery as listQuery, jobParams } from '@movielens/contracts';
import type { AppDeps } from '../deps';
import { keyHolderCheck } from '../middleware/auth';
import { notFound, unavailable } from '../middleware/errors';
import { parseInput } from '../middleware/validate';

/**
 * A job as the API shows it: queue-qualified id, state, progress, result or failure. The payload,
 * the result and the failure reason name uploaded files, their hashes and quote their lines, so
 * only the key holder sees them (`detailed`); anyone else gets `null` there and `redacted: true`.
 */
async function describeJob(queueName: string, queue: Queue, job: Job, detailed: boolean) {
  const state = await job.getState();
  // The job was read before its state: one that finished in between lacks its result or
  // failure reason (a client would see `failed` with no reason), so read it again.
  if ((state === 'completed' || state === 'failed') && job.finishedOn === undefined) job = (await queue.getJob(job.id!)) ?? job;
  return {
    id: `${queueName}:${job.id}`,
    queue: queueName,
    name: job.name,
    state,
    progress: job.progress,
    data: detailed ? (job.data as unknown) : null,
    result: detailed ? ((job.returnvalue ?? null) as unknown) : null,
    failedReason: detailed ? (job.failedReason ?? null) : state === 'failed' ? 'The job failed; the reason is shown with the API key.' : null,
    redacted: !detailed,
    attemptsMade: job.attemptsMade,
    createdAt: new Date(job.timestamp).toISOString(),
    processedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}

/** `/jobs`: the state of ingest and rebuild jobs (details with the API key, see describeJob). */
export function jobsRouter({ queues, readModel, settings }: AppDeps): Router {
  const router = Router();
  const isKeyHolder = keyHolderCheck(settings.apiKey);
  const byName: Record<string, Queue> = { ingest: queues.ingest, rebuild: queues.rebuild, 'rebuild-shard': queues.rebuildShard };

  router.get('/jobs/:id', async (req, res) => {
    const { id } = parseInput(jobParams, req, 'params');
    const detailed = isKeyHolder((name) => req.get(name));
    if (!readModel.redisReady()) throw unavailable();
    const colon = id.indexOf(':');
    const queueName = id.slice(0, colon);
    const job = await byName[queueName].getJob(id.slice(colon + 1));
    if (job === undefined || job === null) throw notFound(`Job ${id} does not exist (or was removed after completion).`);
    res.json(await describeJob(queueName, byName[queueName], job, detailed));
  });

  router.get('/jobs', async (req, res) => {
    const { limit, queue } = parseInput(listQuery, req, 'query');
    const detailed = isKeyHolder((name) => req.get(name));
    if (!readModel.redisReady()) throw unavailable();
    const names = queue === undefined ? ['ingest', 'rebuild'] : [queue];
    const all: { queueName: string; job: Job }[] = [];
    for (const name of names) {
      const jobs = await byName[name].getJobs(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'], 0, limit - 1);
      for (const job of jobs) if (job) all.push({ queueName: name, job });
    }
    all.sort((a, b) => b.job.timestamp - a.job.timestamp);
    res.json({ jobs: await Promise.all(all.slice(0, limit).map(({ queueName, job }) => describeJob(queueName, byName[queueName], job, detailed))) });
  });

  return router;
}
