import { Router } from 'express';
import type { AppDeps } from '../deps';
import { unavailable } from '../middleware/errors';
import type { ModelSnapshot } from '../services/model-snapshot';
import { isNoModel, serviceStatus } from '../services/status';

/**
 * `GET /status`: what is served and what is being built, for the page's banners (synthetic
 * data, no demographics, "a new dataset is being built", LSTM training) and the admin view.
 * Public: it shows no payload, file or failure reason. Never cached (it changes as builds move).
 */
export function statusRouter({ readModel, datasets, queues, kinds }: AppDeps): Router {
  const router = Router();
  router.get('/status', async (_req, res) => {
    if (!readModel.redisReady()) throw unavailable();
    let snap: ModelSnapshot | null = null;
    try {
      snap = await readModel.current();
    } catch (err) {
      if (!isNoModel(err)) throw err;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(await serviceStatus(snap, datasets, queues, kinds));
  });
  return router;
}
