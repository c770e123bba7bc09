import { Router } from 'express';
import { z } from 'zod';
import { findIdIndex, predictMf, type MfModel } from '@movielens/core';
import type { AppDeps } from '../deps';
import { sendModelAnswer, sendUncachedModelAnswer } from '../middleware/cache';
import { kindNotReady, mfNotReady, notFound } from '../middleware/errors';
import { parseInput } from '../middleware/validate';
import type { ModelSnapshot } from '../services/model-snapshot';
import { nextMoviesOfUser } from '../services/next-movies';
import { explainNoLstm } from '../services/status';
import { favouriteGenres, topRated } from '../services/user-profile';
import { similarUsersAnswer, similarUsersSource } from '../services/similar-users';
import { idParams, kQuery } from './params';
import { explainQuery, listFilter, listQuery, listResource } from './list-query';
import { rankUser } from '../services/rank-user';
import { defaultAlgorithm } from '../services/default-algorithm';
import type { UserRow } from '@movielens/compute';

/**
 * `?algorithm=`: any ranking kind's algorithm name (`puresvd`, `mf`...; default: the model
 * selection's winner, else `puresvd`), the list filters and paging (`listQuery`) and `?explain=1`.
 */
function recsQuery(algorithms: readonly string[]) {
  return listQuery.extend({ algorithm: z.enum(algorithms as [string, ...string[]]).optional() }).extend(explainQuery.shape);
}

/** `?movies=1,2,3`: 1..1000 movie ids, repeats dropped (first occurrence kept). */
const predictionsQuery = z.object({
  movies: z
    .string()
    .regex(/^\d{1,10}(,\d{1,10})*$/, 'a comma-separated list of movie ids, e.g. 1,2,3')
    .transform((s) => [...new Set(s.split(',').map(Number))])
    .pipe(z.array(z.number().int().positive()).min(1).max(1000)),
});

/** The MF model and the user's row in it; 503 when the version has no MF model, 404 for a user it does not know. */
async function mfUser(snap: ModelSnapshot, userId: number): Promise<{ model: MfModel; u: number }> {
  const model = await snap.mf();
  if (model === null) throw mfNotReady(snap.version);
  const u = findIdIndex(model.userIds, userId);
  if (u < 0) throw notFound(`User ${userId} is not in model ${snap.version}.`);
  return { model, u };
}

/** `/users`: demographics and taste, precomputed recommendations, and MF predictions. */
export function usersRouter({ readModel, models, datasets, queues, kinds }: AppDeps): Router {
  const router = Router();
  const recommenders = kinds.recommenders();
  const recsParams = recsQuery([...recommenders.keys()]);
  const noLstm = explainNoLstm(queues);

  router.get('/users/:id', async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `user:${id}`, async () => {
      const [user, means, rated] = await Promise.all([datasets.getUser(snap.meta.datasetVersion, id), snap.userMeans(), snap.userRatings(id)]);
      const meanRating = means.get(id);
      if (user === null && meanRating === undefined) throw notFound(`User ${id} does not exist.`);
      const row = rated ?? { movieIds: new Int32Array(0), ratings: new Float32Array(0) };
      return {
        model: snap.version,
        user: user ?? { id, gender: null, age: null, ageGroup: null, occupation: null, zip: null },
        ratingCount: row.movieIds.length,
        meanRating: meanRating ?? null,
        favouriteGenres: favouriteGenres(row, snap.movies),
        topRated: topRated(row, (movieId) => snap.listed(movieId)),
      };
    });
  });

  router.get('/users/:id/recommendations', async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const q = parseInput(recsParams, req, 'query');
    const snap = await readModel.current();
    const algorithm = q.algorithm ?? (await defaultAlgorithm(snap));
    const { kind, recommender } = recommenders.get(algorithm)!;
    const source = snap.source(kind);
    if (source === null) throw kindNotReady(snap.version, kind, algorithm);
    const filter = listFilter(snap, q);
    await sendModelAnswer(req, res, snap, `recs:${algorithm}:${id}:${listResource(q)}:${q.explain ? 1 : 0}`, async () => {
      // Exclude what the user rated: their row of the per-version index, O(their ratings).
      const stored = await snap.userRatings(id);
      const rated = new Set(stored?.movieIds ?? []);
      const row: UserRow | null = stored === null ? null : { userId: id, movieIds: stored.movieIds, ratings: stored.ratings, changed: false };
      const page = await rankUser({ snap, models, scorers: readModel.scorers, kind, recommender, row, rated, q, filter });
      if (page === null) throw notFound(`User ${id} is not in model ${snap.version}.`);
      const recommendations = page.items.map(({ movieId, score, because }) => ({ movieId, ...snap.listed(movieId), score, ...(because === undefined ? {} : { because }) }));
      return { userId: id, model: snap.version, algorithm, source, scoreUnit: recommender.scoreUnit, offset: q.offset, exhausted: page.exhausted, recommendations };
    });
  });

  router.get('/users/:id/next', async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const { k } = parseInput(kQuery, req, 'query');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `next:${id}:${k}`, async () => {
      const { lastWatched, next } = await nextMoviesOfUser(snap, id, k, noLstm);
      return { userId: id, model: snap.version, source: snap.source('lstm'), lastWatched, next };
    });
  });

  router.get('/users/:id/similar', async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const { k } = parseInput(kQuery, req, 'query');
    const snap = await readModel.current();
    const source = similarUsersSource(snap);
    await sendModelAnswer(req, res, snap, `similar-users:${id}:${k}`, () => similarUsersAnswer(models, snap, source, id, k));
  });

  router.get('/users/:id/predictions', async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const { movies } = parseInput(predictionsQuery, req, 'query');
    const snap = await readModel.current();
    const { model, u } = await mfUser(snap, id);
    const predictions: { movieId: number; title: string | null; rating: number }[] = [];
    const ignored: number[] = [];
    for (const movieId of movies) {
      const m = findIdIndex(model.movieIds, movieId);
      if (m < 0) ignored.push(movieId);
      else predictions.push({ movieId, title: snap.title(movieId), rating: predictMf(model, u, m) });
    }
    // Not put in the answer cache (arbitrary movie lists would evict the hot entries), but validated like every model answer.
    sendUncachedModelAnswer(req, res, snap, `predictions:${id}:${movies.join(',')}`, { userId: id, model: snap.version, source: snap.source('mf'), predictions, ignored });
  });

  return router;
}
