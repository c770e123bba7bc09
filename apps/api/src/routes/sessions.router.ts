import express, { Router } from 'express';
import { sessionNextBody as body } from '@movielens/contracts';
import type { AppDeps } from '../deps';
import { parseInput } from '../middleware/validate';
import { nextMoviesOfSession } from '../services/next-movies';
import { explainNoLstm } from '../services/status';

/**
 * `POST /sessions/next`: next movies for an anonymous session from the movies it watched (LSTM
 * inference in this process; the LSTM reads the last SESSION_MAX_STEPS known movies).
 */
export function sessionsRouter({ readModel, queues }: AppDeps): Router {
  const router = Router();
  const noLstm = explainNoLstm(queues);
  router.post('/sessions/next', express.json({ limit: '64kb' }), async (req, res) => {
    const input = parseInput(body, req, 'body');
    const snap = await readModel.current();
    const answer = await nextMoviesOfSession(snap, input.movies, input.k, noLstm);
    res.setHeader('X-Model-Version', snap.version);
    res.json({ model: snap.version, ...answer });
  });
  return router;
}
