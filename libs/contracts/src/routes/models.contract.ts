/** `/api/v1/models`: set versions, rebuilds, rollback of the whole set or of one kind. */
import { z } from 'zod';
import { bodyErrors, jobAccepted, readErrors, writeErrors } from '../common.schema';
import type { RegistryFacts } from '../registry-facts';
import { defineRoute } from '../route';

/** `:version` of a set or kind version. */
export const versionParams = z.object({ version: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - only').describe('Version id, e.g. m1764082800000-3fa2') });

/** `:kind` of a model kind (which ones exist is the registry's: an unknown name is a 404). */
export const kindParams = z.object({ kind: z.string().regex(/^[a-z][a-z0-9]{0,30}$/, 'a kind name, e.g. mf').describe('Model kind') });

/** `:kind/:version` of a per-kind rollback. */
export const kindVersionParams = kindParams.extend({ version: versionParams.shape.version.describe('Kind version id, e.g. mf-1764082800000-3fa2') });

/** `POST /models/rebuild` body: any subset of the registry's rebuild parameters. */
export function rebuildBody(rebuildParams: z.ZodObject) {
  return z.object({ params: rebuildParams.partial().strict().default({}).describe("Every kind's slice of the build parameters (from the kind registry); absent ones are inherited from the served set") }).strict();
}

/** A kind as a set serves it: its version and the dataset version it was trained on (further fields: its parameters and timings). */
export const kindRef = z.object({ version: z.string(), datasetVersion: z.string() }).loose();

/** One set version of `GET /models`. */
export const modelVersion = z.object({
  version: z.string(),
  current: z.boolean(),
  createdAt: z.string().describe('ISO 8601'),
  datasetVersion: z.string().nullable(),
  params: z.record(z.string(), z.unknown()).nullable().describe('Build parameters of every kind in the set, merged'),
  kinds: z.record(z.string(), kindRef).nullable().describe('Which kind version serves each kind in this set'),
  metrics: z
    .object({
      k: z.number().optional(),
      explainedVariance: z.number().optional(),
      counts: z.object({ users: z.number(), movies: z.number(), ratings: z.number() }).optional(),
      timingsMs: z.record(z.string(), z.number()).optional(),
    })
    .nullable(),
});

/** `GET /models`: newest first. */
export const modelsAnswer = z
  .object({
    current: z.string().nullable(),
    selection: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe(
        "The served set's model selection (kind `selection`): the validation split, every kind's grid point with its NDCG@10 and precision@10, each kind's best parameters (`tuned`) and the `winner`, served as the default ?algorithm=; null when the set has none",
      ),
    versions: z.array(modelVersion),
  })
  .meta({ id: 'Models' });

/** `GET /models/kinds/:kind`: the kind's listed versions, newest first. */
export const kindVersionsAnswer = z.object({
  kind: z.string(),
  versions: z.array(z.object({ version: z.string(), served: z.boolean(), readyAt: z.string().describe('ISO 8601') })),
});

/** `POST /models/:version/activate`. */
export const activateAnswer = z.object({ current: z.string() });

/** `POST /models/kinds/:kind/:version/activate`: the new set and its kinds. */
export const activateKindAnswer = z.object({ current: z.string(), kinds: z.record(z.string(), kindRef).optional() });

/** `GET /api/v1/models` */
export const listModelsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/models',
  tag: 'models',
  summary: 'Model set versions with their kinds, parameters and metrics',
  responses: { 200: { description: 'OK', schema: modelsAnswer }, 503: readErrors[503] },
});

/** `POST /api/v1/models/:version/activate` */
export const activateRoute = defineRoute({
  method: 'post',
  path: '/api/v1/models/:version/activate',
  tag: 'models',
  summary: 'Serve an earlier (or later) published set version: rollback of every kind at once',
  auth: true,
  params: versionParams,
  responses: { 200: { description: 'OK', schema: activateAnswer }, ...writeErrors },
});

/** The routes whose documentation names the registry's kinds or takes its parameters. */
export function modelRoutes(facts: Pick<RegistryFacts, 'kinds' | 'rebuildParams'>) {
  const kindNames = facts.kinds.join(', ');
  return [
    listModelsRoute,
    defineRoute({
      method: 'post',
      path: '/api/v1/models/rebuild',
      tag: 'models',
      summary: 'Build the model kinds that the served set lacks for the current dataset and these parameters; each kind trains as its own job and publishes on its own',
      auth: true,
      body: rebuildBody(facts.rebuildParams),
      responses: { 202: { description: 'Accepted: follow jobId at /api/v1/jobs/{id}', schema: jobAccepted }, ...writeErrors, ...bodyErrors },
    }),
    activateRoute,
    defineRoute({
      method: 'get',
      path: '/api/v1/models/kinds/:kind',
      tag: 'models',
      summary: `The listed versions of one model kind (${kindNames}), newest first, and which one is served`,
      params: kindParams,
      responses: { 200: { description: 'OK', schema: kindVersionsAnswer }, ...readErrors },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/models/kinds/:kind/:version/activate',
      tag: 'models',
      summary: `Per-kind rollback (${kindNames}): serve a new set with this listed version of the kind, every other kind as served`,
      auth: true,
      params: kindVersionParams,
      responses: { 200: { description: 'OK', schema: activateKindAnswer }, ...writeErrors },
    }),
  ];
}
