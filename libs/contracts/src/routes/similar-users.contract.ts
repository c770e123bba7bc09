/** `GET /api/v1/users/:id/similar`: the users most like a user (the `similarusers` kind). */
import { z } from 'zod';
import { idParams, kQuery, modelAnswer, readErrors, source } from '../common.schema';
import { defineRoute } from '../route';

/** One similar user. */
export const similarUser = z.object({
  userId: z.int(),
  score: z.number().describe('Cosine similarity of the two users\' rated-movie sets (0..1): movies in common / sqrt(product of their counts)'),
  common: z.int().describe('Movies both users rated'),
});

/** `GET /users/:id/similar`. */
export const similarUsersAnswer = z
  .object({
    userId: z.int(),
    model: z.string(),
    source,
    users: z.array(similarUser).describe('Most similar first (ties: lower user id); users who share no rated movie are not listed'),
  })
  .meta({ id: 'SimilarUsers' });

/** `GET /api/v1/users/:id/similar` */
export const similarUsersRoute = defineRoute({
  method: 'get',
  path: '/api/v1/users/:id/similar',
  tag: 'users',
  summary: 'Users most like a known user: cosine of their rated-movie sets, as stored by the similarusers kind (k up to its similarUsersN, default 50; 503 NOT_READY when the served set has no version of it)',
  params: idParams,
  query: kQuery,
  responses: { ...modelAnswer(similarUsersAnswer), ...readErrors },
});
