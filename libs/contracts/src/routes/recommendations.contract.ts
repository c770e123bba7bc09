/** `POST /api/v1/recommendations`: recommendations for an anonymous user, folded into a ranking kind's model. */
import { z } from 'zod';
import { bodyErrors, listedFields, readErrors, source } from '../common.schema';
import { because, explainQuery, listFilterQuery, pageFields } from '../list-query.schema';
import type { RankerFacts, RegistryFacts } from '../registry-facts';
import { defineRoute } from '../route';

const movieIdMessage = 'expected a positive integer movie id';
const movieId = z.number({ error: movieIdMessage }).int({ error: movieIdMessage }).positive({ error: movieIdMessage });
const k = z.number().int().min(1).max(100).default(10).describe('How many recommendations (1..100, default 10)');

/** The body with ratings: 1..1000 `{ movieId, rating }`, stars 0.5..5. */
export const foldInRatingsBody = z
  .object({
    ratings: z
      .array(z.object({ movieId, rating: z.number({ error: 'expected a rating from 0.5 to 5' }).min(0.5).max(5) }).strict())
      .min(1)
      .max(1000),
    k,
  })
  .strict();

/** The body with liked movies: 1..1000 movie ids, each counted as a high rating. */
export const foldInLikedBody = z.object({ liked: z.array(movieId).min(1).max(1000), k }).strict();

/**
 * Either body. The router picks the one the client meant by which list it sent (a union's
 * error would only say `Invalid input`); the document shows the union.
 */
export const foldInBody = z.union([foldInRatingsBody, foldInLikedBody]);

/** `POST /recommendations` query: the ranking kind (one of the registry's algorithms), the list filters and paging (`k` is in the body), `?explain=1`. */
export function foldInQuery(rankers: readonly RankerFacts[]) {
  const algorithms = rankers.map((r) => r.algorithm);
  if (algorithms.length === 0) throw new Error('foldInQuery: the registry has no ranking kind');
  return listFilterQuery
    .extend({
      algorithm: z
        .enum(algorithms as [string, ...string[]])
        .optional()
        .describe("A ranking kind's algorithm that can score a visitor (as GET /users/{id}/recommendations; default the same). 400 when its kind has no scorer"),
    })
    .extend(explainQuery.shape);
}

/** `POST /recommendations`: unknown movie ids are listed in `ignored`. */
export const foldInAnswer = z.object({
  model: z.string(),
  algorithm: z.string().describe('The algorithm that ranked the list'),
  source,
  scoreUnit: z.string().describe('What score means for this algorithm'),
  ignored: z.array(z.int()).describe('Given movie ids the model does not know'),
  ...pageFields,
  recommendations: z.array(
    z.object({
      ...listedFields,
      score: z.number().describe("See scoreUnit (puresvd: the folded-in user's mean + SVD reconstruction, stars; may fall outside the rating scale)"),
      because: z.array(because).optional().describe('With ?explain=1: up to 3 given movies that contributed most, largest first'),
    }),
  ),
});

/** `POST /api/v1/recommendations`: its `?algorithm=` values come from the registry. */
export function foldInRoute(facts: Pick<RegistryFacts, 'rankers'>) {
  return defineRoute({
    method: 'post',
    path: '/api/v1/recommendations',
    tag: 'users',
    summary: 'Recommendations for an anonymous user from ratings or liked movies (folding-in, no rebuild)',
    query: foldInQuery(facts.rankers),
    body: foldInBody,
    responses: { 200: { description: 'OK', schema: foldInAnswer, headers: { 'X-Model-Version': 'The set version that answered' } }, ...readErrors, ...bodyErrors },
  });
}

/** Every route of this resource. */
export function recommendationRoutes(facts: Pick<RegistryFacts, 'rankers'>) {
  return [foldInRoute(facts)];
}
