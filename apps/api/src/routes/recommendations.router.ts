import express, { Router } from 'express';
import { foldInLikedBody, foldInQuery, foldInRatingsBody } from '@movielens/contracts';
import { findIdIndex } from '@movielens/core';
import type { UserRow } from '@movielens/compute';
import type { AppDeps } from '../deps';
import { HttpError, kindNotReady } from '../middleware/errors';
import { parseInput } from '../middleware/validate';
import { defaultAlgorithm, FALLBACK_ALGORITHM } from '../services/default-algorithm';
import { rankUser } from '../services/rank-user';
import { likedScoreUnit } from '../services/served-liked';
import { registryFacts } from '../openapi';
import { listFilter } from './list-query';

/** Stars a movie given as `liked` counts as (the top of the 1-5 scale, as folding-in always assumed). */
const LIKED_STARS = 5;

/**
 * The body schema the client meant, chosen by which list it sent. A zod union of the two
 * would only say `body: Invalid input` when neither matches; choosing first lets the 400
 * name the bad field, e.g. `body.liked[0]: expected a positive integer movie id`.
 * @throws HttpError 400 when the body has neither list
 */
function bodySchema(raw: unknown): typeof foldInRatingsBody | typeof foldInLikedBody {
  if (typeof raw === 'object' && raw !== null && 'ratings' in raw) return foldInRatingsBody;
  if (typeof raw === 'object' && raw !== null && 'liked' in raw) return foldInLikedBody;
  throw new HttpError(400, 'BAD_REQUEST', 'body: give `ratings` (a list of {movieId, rating}) or `liked` (a list of movie ids).');
}

/**
 * `POST /recommendations`: recommendations for an anonymous visitor from the ratings (or liked
 * movies, counted as 5 stars) they give, without a rebuild: the kind's scorer folds the row in
 * (`changed: true`). The same filters, paging and explanations as a user's recommendations.
 */
export function recommendationsRouter({ readModel, models, kinds }: AppDeps): Router {
  const router = Router();
  const recommenders = kinds.recommenders();
  // The query of the contract: algorithm (default: the served default), list filters and paging, ?explain=1; k is in the body.
  const queryParams = foldInQuery(registryFacts(kinds).rankers);
  router.post('/recommendations', express.json({ limit: '256kb' }), async (req, res) => {
    const input = parseInput(bodySchema(req.body), req, 'body');
    const query = parseInput(queryParams, req, 'query');
    const snap = await readModel.current();
    let algorithm = query.algorithm ?? (await defaultAlgorithm(snap));
    // A selected kind that cannot score visitors (no scorer) leaves them the fallback's folding-in.
    if (query.algorithm === undefined && recommenders.get(algorithm)?.recommender.scorer === undefined) algorithm = FALLBACK_ALGORITHM;
    const { kind, recommender } = recommenders.get(algorithm)!;
    const source = snap.source(kind);
    if (source === null) throw kindNotReady(snap.version, kind, algorithm);
    const scorer = await readModel.scorers.get(snap, kind, recommender);
    if (scorer === null) throw new HttpError(400, 'BAD_REQUEST', `query.algorithm: ${algorithm} cannot score a visitor's ratings (kind ${kind} has no scorer).`);
    // A later entry for the same movie replaces an earlier one (as folding-in always did).
    const given = new Map<number, number>('liked' in input ? input.liked.map((id) => [id, LIKED_STARS]) : input.ratings.map((r) => [r.movieId, r.rating]));
    const ignored = [...given.keys()].filter((id) => findIdIndex(scorer.movieIds, id) < 0);
    const row: UserRow = { movieIds: Int32Array.from(given.keys()), ratings: Float64Array.from(given.values()), changed: true };
    const q = { ...query, k: input.k };
    const page = await rankUser({ snap, models, scorers: readModel.scorers, kind, recommender, row, rated: new Set(given.keys()), q, filter: listFilter(snap, q) });
    res.setHeader('X-Model-Version', snap.version);
    res.json({
      model: snap.version,
      algorithm,
      source,
      scoreUnit: likedScoreUnit(recommender.scoreUnit, page?.liked ?? 0),
      ignored,
      offset: q.offset,
      exhausted: page?.exhausted ?? true,
      recommendations: (page?.items ?? []).map(({ movieId, score, because }) => ({ movieId, ...snap.listed(movieId), score, ...(because === undefined ? {} : { because }) })),
    });
  });
  return router;
}
