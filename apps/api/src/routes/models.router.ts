import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { rebuildParamsSchema, requestRebuild } from '@movielens/jobs';
import type { AppDeps } from '../deps';
import { notFound, unavailable } from '../middleware/errors';
import { parseInput } from '../middleware/validate';

const versionParams = z.object({ version: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - only') });
const rebuildBody = z.object({ params: rebuildParamsSchema.partial().strict().default({}) }).strict();

/**
 * `/models`: versions with parameters and metrics, rebuilds, rollback.
 * @param guard - API key check and write rate limit for the write routes
 */
export function modelsRouter({ models, queues, readModel }: AppDeps, guard: RequestHandler[]): Router {
  const router = Router();

  router.get('/models', async (_req, res) => {
    if (!readModel.redisReady()) throw unavailable();
    const versions = await models.listVersions();
    const metas = await Promise.all(versions.map((v) => models.meta(v.id)));
    const current = versions.find((v) => v.current)?.id ?? null;
    res.json({
      current,
      versions: versions
        .map((v, i) => {
          const m = metas[i];
          return {
            version: v.id,
            current: v.current,
            createdAt: new Date(v.createdAt).toISOString(),
            datasetVersion: m?.datasetVersion ?? null,
            params: m?.params ?? null,
            metrics: m === null ? null : { k: m.k, explainedVariance: m.explainedVariance, counts: m.counts, timingsMs: m.timings },
          };
        })
        .reverse(),
    });
  });

  router.post('/models/rebuild', ...guard, express.json({ limit: '16kb' }), async (req, res) => {
    const { params } = parseInput(rebuildBody, req, 'body');
    if (!readModel.redisReady()) throw unavailable();
    const job = await requestRebuild(queues.rebuild, { trigger: 'api', params });
    res.status(202).json({ jobId: `rebuild:${job.id}` });
  });

  router.post('/models/:version/activate', ...guard, async (req, res) => {
    const { version } = parseInput(versionParams, req, 'params');
    if (!readModel.redisReady()) throw unavailable();
    if ((await models.meta(version)) === null) throw notFound(`Model version ${version} does not exist.`);
    await models.activate(version);
    await readModel.refresh();
    res.json({ current: version });
  });

  return router;
}
