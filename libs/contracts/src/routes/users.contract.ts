/** `/api/v1/users/:id`: a user's profile, recommendations, next movies (LSTM), predicted ratings (MF). */
import { z } from 'zod';
import { idParams, kQuery, listedFields, modelAnswer, modelHeaders, readErrors, source } from '../common.schema';
import { because, explainQuery, listQuery, pageFields } from '../list-query.schema';
import type { RankerFacts, RegistryFacts } from '../registry-facts';
import { defineRoute } from '../route';

/** The default `?algorithm=`: the stored PureSVD lists of the original method. */
export const DEFAULT_ALGORITHM = 'puresvd';

/**
 * `GET /users/:id/recommendations` query: `k`, the list filters and paging, `?explain=1`, and
 * `algorithm`, one of the ranking kinds' algorithms (default: the served set's model selection
 * winner, else {@link DEFAULT_ALGORITHM}, else the first).
 */
export function recommendationsQuery(rankers: readonly RankerFacts[]) {
  const algorithms = rankers.map((r) => r.algorithm);
  if (algorithms.length === 0) throw new Error('recommendationsQuery: the registry has no ranking kind');
  const fallback = algorithms.includes(DEFAULT_ALGORITHM) ? DEFAULT_ALGORITHM : algorithms[0];
  return listQuery
    .extend({
      algorithm: z
        .enum(algorithms as [string, ...string[]])
        .optional()
        .describe(`The ranking model kind: ${rankers.map((r) => `${r.algorithm} (kind ${r.kind}; score: ${r.scoreUnit})`).join(', ')}. Default: the model selection's winner when the served set has one, else ${fallback}. 503 NOT_READY when the served set has no version of that kind`),
    })
    .extend(explainQuery.shape);
}

/** `GET /users/:id/predictions` query: `?movies=1,2,3`, 1..1000 movie ids, repeats dropped (first occurrence kept). */
export const predictionsQuery = z.object({
  movies: z
    .string()
    .regex(/^\d{1,10}(,\d{1,10})*$/, 'a comma-separated list of movie ids, e.g. 1,2,3')
    .describe('Comma-separated movie ids (1..1000)')
    .transform((s) => [...new Set(s.split(',').map(Number))])
    .pipe(z.array(z.number().int().positive()).min(1).max(1000)),
});

/** A user's demographics (core's `User` on the wire); absent ones are null. */
export const userProfile = z.object({
  id: z.int(),
  gender: z.enum(['F', 'M']).nullable(),
  age: z.int().nullable().describe('Years (ML-100K) or the ML-1M age-group code'),
  ageGroup: z.string().nullable(),
  occupation: z.string().nullable(),
  zip: z.string().nullable(),
});

/** A genre a user rated most, with how many of their ratings and their mean in it. */
export const favouriteGenre = z.object({ genre: z.string(), count: z.int(), mean: z.number() });

/** A movie a user rated, with their stars. */
export const ratedMovie = z.object({ ...listedFields, rating: z.number() });

/** `GET /users/:id`. */
export const userAnswer = z
  .object({
    model: z.string(),
    user: userProfile,
    ratingCount: z.int(),
    meanRating: z.number().nullable(),
    favouriteGenres: z.array(favouriteGenre).describe("Up to 5 genres with the most of the user's ratings (ties: higher mean, then name)"),
    topRated: z.array(ratedMovie).describe("The user's up to 10 highest ratings (ties: ascending movie id)"),
  })
  .meta({ id: 'User' });

/** One recommendation; what `score` means is the answer's `scoreUnit`. */
export const recommendation = z.object({
  ...listedFields,
  score: z.number().describe('See scoreUnit: predicted stars for puresvd and mf (may fall outside the rating scale)'),
  because: z.array(because).optional().describe('With ?explain=1 (kinds that explain): up to 3 rated movies that contributed most, largest first'),
});

/** `GET /users/:id/recommendations`. */
export const recommendationsAnswer = z
  .object({
    userId: z.int(),
    model: z.string(),
    algorithm: z.string().describe('The ?algorithm= that ranked the list'),
    source,
    scoreUnit: z.string().describe('What score means for this algorithm'),
    ...pageFields,
    recommendations: z.array(recommendation),
  })
  .meta({ id: 'Recommendations' });

/** One next-movie guess of the LSTM; `score` is its logit: only the order means something. */
export const nextMovie = z.object({ ...listedFields, score: z.number().describe('LSTM logit: only the order means something (higher is likelier next)') });

/** `GET /users/:id/next`. */
export const userNextAnswer = z
  .object({
    userId: z.int(),
    model: z.string(),
    source,
    lastWatched: z.object({ movieId: z.int(), title: z.string().nullable() }).nullable().describe('The most recent movie of the history'),
    drivenBy: z
      .object({
        movieId: z.int(),
        title: z.string().nullable(),
        rating: z.number().nullable().describe('The stars the user gave it, as the LSTM read them (null: unknown)'),
        stepsAgo: z.int().describe('Steps before the end of the history (0 = the last movie rated)'),
        scoreDrop: z.number().describe("The first suggestion's logit minus its logit without this step (> 0: the step raised it)"),
      })
      .nullable()
      .describe('The step of the history that drove the first suggestion: of the last 20, the one whose removal lowers its score most (null without a suggestion)'),
    next: z.array(nextMovie),
  })
  .meta({ id: 'UserNext' });

/** One predicted rating. */
export const prediction = z.object({ movieId: z.int(), title: z.string().nullable(), rating: z.number().describe('Predicted stars (MF model, clipped to the rating range)') });

/** `GET /users/:id/predictions`. */
export const predictionsAnswer = z
  .object({
    userId: z.int(),
    model: z.string(),
    source,
    predictions: z.array(prediction),
    ignored: z.array(z.int()).describe('Requested movie ids the MF model does not know'),
  })
  .meta({ id: 'Predictions' });

/** `GET /api/v1/users/:id` */
export const getUserRoute = defineRoute({
  method: 'get',
  path: '/api/v1/users/:id',
  tag: 'users',
  summary: 'A user: demographics, rating count and mean, favourite genres, highest-rated movies',
  params: idParams,
  responses: { ...modelAnswer(userAnswer), ...readErrors },
});

/** `GET /api/v1/users/:id/next` */
export const userNextRoute = defineRoute({
  method: 'get',
  path: '/api/v1/users/:id/next',
  tag: 'users',
  summary: 'Next movies for a known user from their rating history ordered by time, excluding movies they rated (LSTM; 503 LSTM_TRAINING while one is being trained, NOT_READY when none was asked for)',
  params: idParams,
  query: kQuery,
  responses: { ...modelAnswer(userNextAnswer), ...readErrors },
});

/** `GET /api/v1/users/:id/predictions` */
export const predictionsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/users/:id/predictions',
  tag: 'users',
  summary: 'Predicted ratings (stars) of a known user for given movies, from the trained MF model; 503 NOT_READY when the model has none',
  params: idParams,
  query: predictionsQuery,
  responses: { 200: { description: 'OK', schema: predictionsAnswer, headers: { 'X-Model-Version': modelHeaders['X-Model-Version'] } }, ...readErrors },
});

/** `GET /api/v1/users/:id/recommendations`: its `?algorithm=` values come from the registry. */
export function recommendationsRoute(facts: Pick<RegistryFacts, 'rankers'>) {
  return defineRoute({
    method: 'get',
    path: '/api/v1/users/:id/recommendations',
    tag: 'users',
    summary: 'Recommendations of a known user, excluding movies they rated, ranked by the chosen model kind (503 NOT_READY when the served set has no version of it)',
    params: idParams,
    query: recommendationsQuery(facts.rankers),
    responses: { ...modelAnswer(recommendationsAnswer), ...readErrors },
  });
}

/** Every route of this resource. */
export function userRoutes(facts: Pick<RegistryFacts, 'rankers'>) {
  return [getUserRoute, recommendationsRoute(facts), userNextRoute, predictionsRoute];
}
