import { Router } from 'express';
import { predictionsQuery, recommendationsQuery } from '@movielens/contracts';
import { findIdIndex, predictMf, type MfModel } from '@movielens/core';
import type { AppDeps } from '../deps';
import { sendModelAnswer, sendUncachedModelAnswer } from '../middleware/cache';
import { kindNotReady, mfNotReady, notFound } from '../middleware/errors';
import { parseInput } from '../middleware/validate';
import type { ModelSnapshot } from '../services/model-snapshot';
import { explainNoLstm } from '../services/status';
import { favouriteGenres, topRated } from '../services/user-profile';
import { similarUsersAnswer, similarUsersSource } from '../services/similar-users';
import { idParams, kQuery } from './params';
import { registryFacts } from '../openapi';
import { listFilter, listResource } from './list-query';
import { rankUser } from '../services/rank-user';
import { likedScoreUnit } from '../services/served-liked';
import { defaultAlgorithm } from '../services/default-algorithm';
import { predictionsForRow } from '../services/live-predictions';
import { LiveRows } from '../services/live-row';
import { nextMoviesWithLive } from '../services/next-movies';

/** The MF model and the user's row in it; 503 when the version has no MF model, 404 for a user it does not know. */
async function mfUser(snap: ModelSnapshot, userId: number): Promise<{ model: MfModel; u: number }> {
  const model = await snap.mf();
  if (model === null) throw mfNotReady(snap.version);
  const u = findIdIndex(model.userIds, userId);
  if (u < 0) throw notFound(`User ${userId} is not in model ${snap.version}.`);
  return { model, u };
}

/** `/users`: demographics and taste, precomputed recommendations, and MF predictions. */
export function usersRouter({ readModel, models, datasets, queues, kinds, live, liveEpochs }: AppDeps): Router {
  const router = Router();
  // A user's answers: their stored row with their live ratings laid over it, cached under their live epoch.
  const liveRows = new LiveRows(live, datasets);
  const recommenders = kinds.recommenders();
  // The contract's query: ?algorithm= (default: the model selection's winner, else puresvd), the list filters and paging, ?explain=1.
  const recsParams = recommendationsQuery(registryFacts(kinds).rankers);
  const noLstm = explainNoLstm(queues);

  router.get('/users/:id', async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const snap = await readModel.current();
    const scope = liveEpochs.scope(id);
    await sendModelAnswer(req, res, snap, `user:${id}${scope.suffix}`, async () => {
      const [user, means, rated] = await Promise.all([datasets.getUser(snap.meta.datasetVersion, id), snap.userMeans(), liveRows.row(snap, id)]);
      const meanRating = means.get(id);
      if (user === null && meanRating === undefined && rated === null) throw notFound(`User ${id} does not exist.`);
      const row = rated ?? { movieIds: new Int32Array(0), ratings: new Float32Array(0) };
      return {
        model: snap.version,
        user: user ?? { id, gender: null, age: null, ageGroup: null, occupation: null, zip: null },
        ratingCount: row.movieIds.length,
        meanRating: meanRating ?? null,
        favouriteGenres: favouriteGenres(row, snap.movies),
        topRated: topRated(row, (movieId) => snap.listed(movieId)),
      };
    }, scope.current);
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
    const scope = liveEpochs.scope(id);
    await sendModelAnswer(req, res, snap, `recs:${algorithm}:${id}:${listResource(q)}:${q.explain ? 1 : 0}${scope.suffix}`, async () => {
      // Exclude what the user rated: their row of the per-version index with live ratings laid over, O(their ratings).
      const row = await liveRows.row(snap, id);
      const rated = new Set(row?.movieIds ?? []);
      const page = await rankUser({ snap, models, scorers: readModel.scorers, kind, recommender, row, rated, q, filter });
      if (page === null) throw notFound(`User ${id} is not in model ${snap.version}.`);
      const recommendations = page.items.map(({ movieId, score, because }) => ({ movieId, ...snap.listed(movieId), score, ...(because === undefined ? {} : { because }) }));
      return { userId: id, model: snap.version, algorithm, source, scoreUnit: likedScoreUnit(recommender.scoreUnit, page.liked), offset: q.offset, exhausted: page.exhausted, recommendations };
    }, scope.current);
  });

  router.get('/users/:id/next', async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const { k } = parseInput(kQuery, req, 'query');
    const snap = await readModel.current();
    const scope = liveEpochs.scope(id);
    await sendModelAnswer(req, res, snap, `next:${id}:${k}${scope.suffix}`, async () => {
      const { lastWatched, drivenBy, next } = await nextMoviesWithLive(snap, id, k, noLstm, await liveRows.overlay(snap, id));
      return { userId: id, model: snap.version, source: snap.source('lstm'), lastWatched, drivenBy, next };
    }, scope.current);
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
    const row = await liveRows.changedRow(snap, id);
    const scope = liveEpochs.scope(id);
    let answer: { predictions: { movieId: number; title: string | null; rating: number }[]; ignored: number[] };
    if (row !== null) {
      // Live ratings changed the user's row: fold it in through the mf kind's scorer.
      const model = await snap.mf();
      const mf = recommenders.get('mf');
      if (model === null || mf === undefined) throw mfNotReady(snap.version);
      answer = await predictionsForRow(snap, readModel.scorers, { recommender: mf.recommender, model }, row, movies);
    } else {
      const { model, u } = await mfUser(snap, id);
      answer = { predictions: [], ignored: [] };
      for (const movieId of movies) {
        const m = findIdIndex(model.movieIds, movieId);
        if (m < 0) answer.ignored.push(movieId);
        else answer.predictions.push({ movieId, title: snap.title(movieId), rating: predictMf(model, u, m) });
      }
    }
    // Not put in the answer cache (arbitrary movie lists would evict the hot entries), but validated like every model answer.
    sendUncachedModelAnswer(req, res, snap, `predictions:${id}:${movies.join(',')}${scope.suffix}`, { userId: id, model: snap.version, source: snap.source('mf'), ...answer });
  });

  return router;
}
