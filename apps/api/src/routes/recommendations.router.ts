import express, { Router } from 'express';
import { z } from 'zod';
import { foldIn } from '@movielens/core';
import type { AppDeps } from '../deps';
import { HttpError } from '../middleware/errors';
import { parseInput } from '../middleware/validate';

const movieIdMessage = 'expected a positive integer movie id';
const movieId = z.number({ error: movieIdMessage }).int({ error: movieIdMessage }).positive({ error: movieIdMessage });
const k = z.number().int().min(1).max(100).default(10);
const ratingsBody = z
  .object({
    ratings: z
      .array(z.object({ movieId, rating: z.number({ error: 'expected a rating from 0.5 to 5' }).min(0.5).max(5) }).strict())
      .min(1)
      .max(1000),
    k,
  })
  .strict();
const likedBody = z.object({ liked: z.array(movieId).min(1).max(1000), k }).strict();

/**
 * The body schema the client meant, chosen by which list it sent. A zod union of the two
 * would only say `body: Invalid input` when neither matches; choosing first lets the 400
 * name the bad field, e.g. `body.liked[0]: expected a positive integer movie id`.
 * @throws HttpError 400 when the body has neither list
 */
function bodySchema(raw: unknown): typeof ratingsBody | typeof likedBody {
  if (typeof raw === 'object' && raw !== null && 'ratings' in raw) return ratingsBody;
  if (typeof raw === 'object' && raw !== null && 'liked' in raw) return likedBody;
  throw new HttpError(400, 'BAD_REQUEST', 'body: give `ratings` (a list of {movieId, rating}) or `liked` (a list of movie ids).');
}

/** `POST /recommendations`: recommendations for an anonymous user by SVD folding-in, without a rebuild. */
export function recommendationsRouter({ readModel }: AppDeps): Router {
  const router = Router();
  router.post('/recommendations', express.json({ limit: '256kb' }), async (req, res) => {
    const input = parseInput(bodySchema(req.body), req, 'body');
    const snap = await readModel.current();
    const factors = await snap.foldInFactors();
    const given = 'liked' in input ? input.liked.map((id) => ({ movieId: id })) : input.ratings;
    const result = foldIn(factors, given, { n: input.k });
    res.setHeader('X-Model-Version', snap.version);
    res.json({
      model: snap.version,
      ignored: result.unknownMovieIds,
      recommendations: result.recommendations.map((r) => ({ movieId: r.movieId, ...snap.listed(r.movieId), score: r.score })),
    });
  });
  return router;
}
