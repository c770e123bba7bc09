/** `/api/v1/jobs`: the state of ingest and rebuild jobs (details only for the API key holder). */
import { z } from 'zod';
import { errorAnswer, limitField, readErrors } from '../common.schema';
import { defineRoute } from '../route';

/** The queues whose jobs the API shows. */
export const JOB_QUEUES = ['ingest', 'rebuild', 'rebuild-shard'] as const;

/** `:id` of a job: `<queue>:<id>`, e.g. `ingest:12`. */
export const jobParams = z.object({
  id: z
    .string()
    .regex(/^(ingest|rebuild|rebuild-shard):[A-Za-z0-9_.:-]{1,100}$/, 'expected <queue>:<id>, queue one of ingest, rebuild, rebuild-shard (e.g. ingest:12)')
    .describe('Queue-qualified id, e.g. ingest:12 or rebuild:5'),
});

/** `GET /jobs` query. */
export const jobListQuery = z.object({ limit: limitField, queue: z.enum(JOB_QUEUES).optional().describe('Only this queue (default: ingest and rebuild)') });

/** A job as the API shows it. */
export const jobAnswer = z
  .object({
    id: z.string().describe('Queue-qualified id'),
    queue: z.enum(JOB_QUEUES),
    name: z.string(),
    state: z.string().describe('BullMQ state: waiting, active, completed, failed, ...'),
    progress: z.unknown().describe('As the job reports it: a number, or { stage, percent, kinds } for a rebuild'),
    data: z.unknown().describe('The job payload; null without the API key'),
    result: z.unknown().describe('The job result (an ingest report names files and quotes lines); null without the API key'),
    failedReason: z.string().nullable().describe('Why it failed; without the API key only that it did'),
    redacted: z.boolean().describe('True when the caller presented no key, so data, result and failedReason are withheld'),
    attemptsMade: z.int(),
    createdAt: z.string().describe('ISO 8601'),
    processedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Job' });

/** `GET /jobs`: newest first. */
export const jobListAnswer = z.object({ jobs: z.array(jobAnswer) });

const keyRefused = { 403: errorAnswer('A wrong API key (no key is fine: details are withheld)') };

/** `GET /api/v1/jobs` */
export const listJobsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/jobs',
  tag: 'jobs',
  summary: 'Recent ingest and rebuild jobs, newest first',
  description: 'Without the API key, data, result and failedReason are null and redacted is true: they name uploaded files and quote their lines. A wrong key is refused (403).',
  query: jobListQuery,
  responses: { 200: { description: 'OK', schema: jobListAnswer }, ...readErrors, ...keyRefused },
});

/** `GET /api/v1/jobs/:id` */
export const getJobRoute = defineRoute({
  method: 'get',
  path: '/api/v1/jobs/:id',
  tag: 'jobs',
  summary: 'One job (queue-qualified id, e.g. ingest:12); details only with the API key, as for the list',
  params: jobParams,
  responses: { 200: { description: 'OK', schema: jobAnswer }, ...readErrors, ...keyRefused },
});

/** Every route of this resource. */
export const jobRoutes = [listJobsRoute, getJobRoute];
