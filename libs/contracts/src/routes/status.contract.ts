/** `GET /api/v1/status`: what is served and what is being built. */
import { z } from 'zod';
import { readErrors } from '../common.schema';
import { defineRoute } from '../route';

/** Sizes of a dataset. */
export const datasetCounts = z.object({ ratings: z.int(), users: z.int(), movies: z.int() });

/** A build waiting or running (a rebuild, kind or row job). */
export const buildStatus = z.object({
  id: z.string().describe('Queue-qualified id, as GET /jobs/{id} takes it'),
  name: z.string().describe('BullMQ job name, e.g. rebuild'),
  state: z.string().describe('active, waiting-children, waiting, delayed, prioritized or paused'),
  stage: z.string().nullable().describe("Stage last reported (for a rebuild, its slowest kind's); null before the first report"),
  percent: z.number().nullable().describe('Percent done, 0..100 (a rebuild: over all its kinds); null before the first report'),
  lstm: z.boolean().describe('It trains the next-movie LSTM'),
  lstmPercent: z.number().nullable().describe('How far the LSTM is, 0..100, when reported'),
  trigger: z.string().nullable().describe('Who asked: ingest, cli or api'),
  datasetVersion: z.string().nullable(),
  createdAt: z.string().describe('ISO 8601'),
  startedAt: z.string().nullable(),
});

/** One `?algorithm=` of `GET /users/:id/recommendations`, as the served set offers it (the page's algorithm choice). */
export const servedAlgorithm = z.object({
  algorithm: z.string().describe('The ?algorithm= value, e.g. puresvd'),
  kind: z.string().describe('The model kind serving it, e.g. svd'),
  scoreUnit: z.string().describe('What its score means'),
  served: z.boolean().describe('The set has a version of its kind (else ?algorithm= it answers 503 NOT_READY)'),
  default: z.boolean().describe('Recommendations use it when no ?algorithm= is given (the model selection winner, else puresvd)'),
});

/** `GET /status`. */
export const statusAnswer = z
  .object({
    model: z
      .object({ version: z.string(), createdAt: z.string().nullable(), datasetVersion: z.string(), nextMovies: z.boolean().describe('The set has an LSTM'), algorithms: z.array(servedAlgorithm).describe('Every ranking kind, in registry order') })
      .nullable()
      .describe('The set served, or null before the first'),
    dataset: z
      .object({
        version: z.string(),
        release: z.string().describe('ml-1m, ml-100k or ml-csv'),
        createdAt: z.string(),
        synthetic: z.boolean().describe("The synthetic generator's catalogue (the offline demo set): not real ratings"),
        demographics: z.boolean().describe('A users file (gender, age, occupation) was ingested'),
        counts: datasetCounts,
      })
      .nullable()
      .describe("The served set's dataset (null without a set, or when its version is gone)"),
    newDataset: z.object({ version: z.string(), createdAt: z.string().nullable() }).nullable().describe('The current dataset when the served set is not built from it yet: a new one is being built'),
    builds: z.array(buildStatus).describe('Builds waiting or running, running first'),
    searchExample: z.string().nullable().describe('A title of the catalogue (the most rated movie)'),
  })
  .meta({ id: 'Status' });

/** `GET /api/v1/status` */
export const statusRoute = defineRoute({
  method: 'get',
  path: '/api/v1/status',
  tag: 'models',
  summary: 'What is served (model, its dataset: synthetic?, demographics?) and what is being built (a newer dataset, rebuild jobs with stage and percent); never cached',
  responses: { 200: { description: 'OK', schema: statusAnswer }, 503: readErrors[503] },
});

/** Every route of this resource. */
export const statusRoutes = [statusRoute];
