import { Router } from 'express';
import type { AppDeps } from '../deps';
import { sendModelAnswer } from '../middleware/cache';
import { notFound } from '../middleware/errors';
import { parseInput } from '../middleware/validate';
import { idParams, kQuery } from './params';

/** `/users`: demographics and precomputed recommendations. */
export function usersRouter({ readModel, models, datasets }: AppDeps): Router {
  const router = Router();

  router.get('/users/:id', async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `user:${id}`, async () => {
      const [user, means] = await Promise.all([datasets.getUser(snap.meta.datasetVersion, id), snap.userMeans()]);
      const meanRating = means.get(id);
      if (user === null && meanRating === undefined) throw notFound(`User ${id} does not exist.`);
      const ratingCount = await snap.userRatingCount(id);
      return {
        model: snap.version,
        user: user ?? { id, gender: null, age: null, ageGroup: null, occupation: null, zip: null },
        ratingCount,
        meanRating: meanRating ?? null,
      };
    });
  });

  router.get('/users/:id/recommendations', async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const { k } = parseInput(kQuery, req, 'query');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `recs:${id}:${k}`, async () => {
      const list = await models.recommendations(snap.version, id);
      if (list === null) throw notFound(`User ${id} is not in model ${snap.version}.`);
      const recommendations = list.slice(0, k).map(({ movieId, score }) => ({ movieId, title: snap.title(movieId), score }));
      return { userId: id, model: snap.version, recommendations };
    });
  });

  return router;
}
