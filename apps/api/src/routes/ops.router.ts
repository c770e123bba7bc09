import { Router } from 'express';
import type { AppDeps } from '../deps';
import type { ApiMetrics } from '../middleware/metrics';
import { openApiDocumentOf } from '../openapi';

/** Races a promise against a timer, so a probe never hangs on a dead connection. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);
}

/** Root routes outside the API prefix: probes, metrics and the OpenAPI document (its page: docs.router.ts). */
export function opsRouter({ redis, readModel, kinds }: AppDeps, metrics: ApiMetrics): Router {
  const router = Router();
  // Generated once from the route contracts and the kinds this app serves (its ?algorithm= values, rebuild parameters).
  const document = openApiDocumentOf(kinds);

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  router.get('/readyz', async (_req, res) => {
    try {
      await within(1000, redis.ping());
    } catch (err) {
      res.status(503).json({ status: 'unready', reason: `Redis is unreachable: ${(err as Error).message}` });
      return;
    }
    const version = await within(1000, readModel.refresh()).catch(() => null);
    if (version === null) {
      res.status(503).json({ status: 'unready', reason: 'No model has been built yet (upload a dataset or run `npx movielens rebuild`).' });
      return;
    }
    // A pointer is not enough: ready means the model's snapshot (meta and catalogue) loads, as every model read needs it.
    try {
      await within(5000, readModel.current());
    } catch (err) {
      res.status(503).json({ status: 'unready', model: version, reason: `Model ${version} cannot be served: ${(err as Error).message}` });
      return;
    }
    res.json({ status: 'ready', model: version });
  });

  router.get('/metrics', async (_req, res) => {
    const text = await metrics.render();
    res.setHeader('Content-Type', metrics.contentType);
    res.end(text);
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  return router;
}
