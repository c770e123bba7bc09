import express, { Router, type RequestHandler } from 'express';
import { kindVersionParams, rebuildBody, versionParams } from '@movielens/contracts';
import { SELECTION_KIND } from '@movielens/compute';
import { requestRebuild } from '@movielens/jobs';
import { KindVersionError } from '@movielens/store';
import type { AppDeps } from '../deps';
import { HttpError, notFound, unavailable } from '../middleware/errors';
import { parseInput } from '../middleware/validate';

/** Names of the rebuild parameters the raw body sets (none when it has no `params` object, or no body at all). */
function namedParams(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || !('params' in body)) return [];
  const params: unknown = body.params;
  return typeof params === 'object' && params !== null ? Object.keys(params) : [];
}

/**
 * `/models`: set versions with their kinds, parameters and metrics; rebuilds; rollback of the
 * whole set or of one kind.
 * @param guard - API key check and write rate limit for the write routes
 */
export function modelsRouter({ models, admin, kinds, queues, readModel }: AppDeps, guard: RequestHandler[]): Router {
  const router = Router();
  // Every kind's slice of the build parameters, from the registry this app serves.
  const rebuildInput = rebuildBody(kinds.paramsSchema);

  router.get('/models', async (_req, res) => {
    if (!readModel.redisReady()) throw unavailable();
    const versions = await models.listVersions();
    const metas = await Promise.all(versions.map((v) => models.meta(v.id)));
    const current = versions.find((v) => v.current)?.id ?? null;
    const ref = metas.find((m) => m?.id === current)?.kinds?.[SELECTION_KIND];
    const selection = ref === undefined ? null : ((await models.kindMeta(ref.version))?.info ?? null);
    res.json({
      current,
      selection,
      versions: versions
        .map((v, i) => {
          const m = metas[i];
          return {
            version: v.id,
            current: v.current,
            createdAt: new Date(v.createdAt).toISOString(),
            datasetVersion: m?.datasetVersion ?? null,
            params: m?.params ?? null,
            // Which kind version (and dataset version) serves each kind in this set.
            kinds: m?.kinds ?? null,
            metrics: m === null ? null : { k: m.k, explainedVariance: m.explainedVariance, counts: m.counts, timingsMs: m.timings },
          };
        })
        .reverse(),
    });
  });

  router.post('/models/rebuild', ...guard, express.json({ limit: '16kb' }), async (req, res) => {
    const { params } = parseInput(rebuildInput, req, 'body');
    // Only the values the caller named: zod fills every default into the partial object, and a
    // default is not an explicit value (it would override model selection's tuned values and
    // become the recipe later uploads inherit).
    const named = new Set(namedParams(req.body));
    const explicit = Object.fromEntries(Object.entries(params).filter(([name]) => named.has(name)));
    if (!readModel.redisReady()) throw unavailable();
    const job = await requestRebuild(queues.rebuild, { trigger: 'api', params: explicit });
    res.status(202).json({ jobId: `rebuild:${job.id}` });
  });

  router.post('/models/:version/activate', ...guard, async (req, res) => {
    const { version } = parseInput(versionParams, req, 'params');
    if (!readModel.redisReady()) throw unavailable();
    if ((await models.meta(version)) === null) throw notFound(`Model version ${version} does not exist.`);
    await admin.activate(version);
    await readModel.refresh();
    res.json({ current: version });
  });

  router.get('/models/kinds/:kind', async (req, res) => {
    const { kind } = parseInput(kindVersionParams.pick({ kind: true }), req, 'params');
    if (kinds.get(kind) === undefined) throw notFound(`No model kind ${kind} (kinds: ${kinds.kinds.map((k) => k.name).join(', ')}).`);
    if (!readModel.redisReady()) throw unavailable();
    const versions = await admin.kindVersions(kind);
    res.json({ kind, versions: versions.map((v) => ({ version: v.id, served: v.served, readyAt: new Date(v.createdAt).toISOString() })).reverse() });
  });

  // Per-kind rollback: a new served set with this kind's earlier (listed) version, the other kinds as served.
  router.post('/models/kinds/:kind/:version/activate', ...guard, async (req, res) => {
    const { kind, version } = parseInput(kindVersionParams, req, 'params');
    if (kinds.get(kind) === undefined) throw notFound(`No model kind ${kind} (kinds: ${kinds.kinds.map((k) => k.name).join(', ')}).`);
    if (!readModel.redisReady()) throw unavailable();
    try {
      const set = await admin.activateKind(kind, version, kinds.composition());
      await readModel.refresh();
      res.json({ current: set.id, kinds: set.kinds });
    } catch (err) {
      if (err instanceof KindVersionError) throw new HttpError(404, 'NOT_FOUND', `${err.message}.`, { cause: err });
      throw err;
    }
  });

  return router;
}
