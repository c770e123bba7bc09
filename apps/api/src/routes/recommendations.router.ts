import express, { Router } from 'express';
import { z } from 'zod';
import { foldIn } from '@movielens/core';
import type { AppDeps } from '../deps';
import { parseInput } from '../middleware/validate';

const movieId = z.number().int().positive();
const k = z.number().int().min(1).max(100).default(10);
const body = z.union([
  z.object({ ratings: z.array(z.object({ movieId, rating: z.number().min(0.5).max(5) }).strict()).min(1).max(1000), k }).strict(),
  z.object({ liked: z.array(movieId).min(1).max(1000), k }).strict(),
]);

/** `POST /recommendations`: recommendations for an anonymous user by SVD folding-in, without a rebuild. */
export function recommendationsRouter({ readModel }: AppDeps): Router {
  const router = Router();
  router.post('/recommendations', express.json({ limit: '256kb' }), async (req, res) => {
    const input = parseInput(body, req, 'body');
    const snap = await readModel.current();
    const factors = await snap.foldInFactors();
    const given = 'liked' in input ? input.liked.map((id) => ({ movieId: id })) : input.ratings;
    const result = foldIn(factors, given, { n: input.k });
    res.setHeader('X-Model-Version', snap.version);
    res.json({
      model: snap.version,
      ignored: result.unknownMovieIds,
      recommendations: result.recommendations.map((r) => ({ movieId: r.movieId, title: snap.title(r.movieId), score: r.score })),
    });
  });
  return router;
}
