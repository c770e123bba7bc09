/** `/api/v1/users/:id/ratings`: live ratings, shown in the user's answers at once and applied to the next dataset version. */
import { z } from 'zod';
import { bodyErrors, errorAnswer, idParams, writeErrors } from '../common.schema';
import { defineRoute } from '../route';

const movieIdMessage = 'expected a positive integer movie id';

/** One rating given live: stars are checked against the current dataset's scale by the API (400 naming the field). */
export const liveRating = z
  .object({
    movieId: z.number({ error: movieIdMessage }).int({ error: movieIdMessage }).positive({ error: movieIdMessage }).max(2 ** 31 - 1, { error: movieIdMessage }),
    rating: z.number({ error: 'expected a number of stars' }).describe("Stars on the current dataset's scale"),
    timestamp: z.number().int().min(0).max(2 ** 32 - 1).optional().describe('Unix time, s; default: when the server accepts it'),
  })
  .strict();

/** A list of 1..1000 live ratings. */
export const liveRatingList = z.array(liveRating).min(1).max(1000);

/** `POST /users/:id/ratings` body: one rating or a list (the router picks by shape, so a 400 names the bad field). */
export const liveRatingsBody = z.union([liveRating, liveRatingList]);

/** `DELETE /users/:id/ratings/:movieId` path. */
export const deleteRatingParams = idParams.extend({ movieId: z.coerce.number().int().positive().max(2 ** 31 - 1).describe('The movie whose rating is removed') });

/** `202`: the changes as written to the live log (one entry per request). */
export const liveRatingsAccepted = z
  .object({
    userId: z.int(),
    entry: z.string().describe('Live log entry id (a Redis stream id: ms since the epoch and a sequence)'),
    changes: z.array(z.object({ movieId: z.int(), rating: z.number().nullable().describe('Null: the rating is removed'), timestamp: z.int().describe('Unix time, s') })),
  })
  .meta({ id: 'LiveRatingsAccepted' });

const liveErrors = {
  ...writeErrors,
  422: errorAnswer('IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used for another request of this user'),
};
const idempotency =
  'With an Idempotency-Key header (1..200 printable ASCII characters), a retry of the same request answers the same (header Idempotent-Replayed: true); the key with another body is 422. Accepted ratings count against their own rate limit, failed key checks against the write limit.';

/** `POST /api/v1/users/:id/ratings` */
export const postRatingsRoute = defineRoute({
  method: 'post',
  path: '/api/v1/users/:id/ratings',
  tag: 'users',
  summary: "A user's live ratings: one { movieId, rating, timestamp? } or a list; written once to the live log before the 202, shown in the user's answers at once, applied to the next dataset version",
  description: idempotency,
  auth: true,
  params: idParams,
  body: liveRatingsBody,
  responses: { 202: { description: 'Accepted', schema: liveRatingsAccepted }, ...liveErrors, ...bodyErrors },
});

/** `DELETE /api/v1/users/:id/ratings/:movieId` */
export const deleteRatingRoute = defineRoute({
  method: 'delete',
  path: '/api/v1/users/:id/ratings/:movieId',
  tag: 'users',
  summary: "Removes a user's rating of a movie, live (as a POST's ratings are applied)",
  description: idempotency,
  auth: true,
  params: deleteRatingParams,
  responses: { 202: { description: 'Accepted', schema: liveRatingsAccepted }, ...liveErrors },
});

/** Every route of this resource. */
export const ratingRoutes = [postRatingsRoute, deleteRatingRoute];
