/** `POST /api/v1/sessions/next`: next movies for an anonymous session (LSTM). */
import { z } from 'zod';
import { bodyErrors, readErrors } from '../common.schema';
import type { RegistryFacts } from '../registry-facts';
import { defineRoute } from '../route';
import { nextMovie } from './users.contract';

/** The body: the movie ids watched in this session, oldest first, and `k`. */
export const sessionNextBody = z
  .object({
    movies: z.array(z.number().int().positive()).min(1).max(1000).describe('Movie ids watched in this session, oldest first'),
    k: z.number().int().min(1).max(100).default(10).describe('How many next movies (1..100, default 10)'),
  })
  .strict();

/** `POST /sessions/next`. */
export const sessionNextAnswer = z
  .object({
    model: z.string(),
    ignored: z.array(z.int()).describe('Session movie ids the LSTM does not know'),
    moviesRead: z.int().describe('How many session movies the LSTM read: the most recent known ones (older ones are not read, to bound latency, but are still excluded from next)'),
    next: z.array(nextMovie),
  })
  .meta({ id: 'SessionNext' });

/** `POST /api/v1/sessions/next`: its description names the LSTM's step cap (core's). */
export function sessionNextRoute(facts: Pick<RegistryFacts, 'sessionMaxSteps'>) {
  return defineRoute({
    method: 'post',
    path: '/api/v1/sessions/next',
    tag: 'users',
    summary: 'Next movies for an anonymous session from the movies it watched, oldest first (LSTM; 503 LSTM_TRAINING while one is being trained, NOT_READY without one)',
    description: `The LSTM reads the session's ${facts.sessionMaxSteps} most recent known movies (moviesRead in the answer): the recurrence costs a step per movie, and this cap keeps p99 under 5 ms for the longest accepted session (1,000 movies). Every session movie is still excluded from next; unknown ids are listed in ignored.`,
    body: sessionNextBody,
    responses: { 200: { description: 'OK', schema: sessionNextAnswer, headers: { 'X-Model-Version': 'The set version that answered' } }, ...readErrors, ...bodyErrors },
  });
}

/** Every route of this resource. */
export function sessionRoutes(facts: Pick<RegistryFacts, 'sessionMaxSteps'>) {
  return [sessionNextRoute(facts)];
}
