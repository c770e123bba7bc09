/** `/api/v1/analytics/*`: rankings of the served model's movie statistics, and stored group tables. */
import { z } from 'zod';
import { limitField, listedFields, modelAnswer, readErrors } from '../common.schema';
import { defineRoute } from '../route';

const count = z.coerce.number().int().min(1).max(1_000_000);

/** `?limit=` only. */
export const rankingLimitQuery = z.object({ limit: limitField });

/** `?minRatings=&limit=`: only movies with at least `minRatings` ratings (default 100). */
export const minRatingsQuery = z.object({ minRatings: count.default(100).describe('Only movies with at least this many ratings (default 100)'), limit: limitField });

/** `GET /analytics/gender-gap` query. */
export const genderGapQuery = z.object({
  direction: z.enum(['women', 'men']).default('women').describe('Which gender prefers the movie (default women)'),
  minPerGender: count.default(50).describe('Minimum ratings from each gender (default 50)'),
  limit: limitField,
});

/** One movie of a ranking: `value` is what it is ranked by; `count` all its ratings. */
export const rankedMovie = z.object({
  ...listedFields,
  value: z.number().describe('What the ranking sorts by (see `by`)'),
  count: z.number(),
  mean: z.number().nullable(),
  meanWomen: z.number().nullable().optional().describe('gender-gap only'),
  meanMen: z.number().nullable().optional().describe('gender-gap only'),
});

/** Every ranking: the model, what it ranks by, its movies; the fields of its query that shaped it. */
export const rankingAnswer = z
  .object({
    model: z.string(),
    by: z.string().describe('What value is: mean, count, std, the gap, or ratings in the recent window'),
    movies: z.array(rankedMovie),
    minRatings: z.int().optional().describe('top-rated, divisive'),
    direction: z.enum(['women', 'men']).optional().describe('gender-gap'),
    minPerGender: z.int().optional().describe('gender-gap'),
    since: z.string().optional().describe('recently-popular: start of the window (ISO 8601)'),
    until: z.string().optional().describe('recently-popular: end of the window (ISO 8601)'),
    ratings: z.int().optional().describe('recently-popular: ratings in the window'),
  })
  .meta({ id: 'MovieRanking' });

/** Ratings per half star (0.5..5). */
export const distributionBin = z.object({ stars: z.number(), count: z.number() });

/** Ratings of one group of raters (`F`/`M`, an age group, an occupation) or of one genre. */
export const groupStat = z.object({ group: z.string(), count: z.number(), mean: z.number().nullable().describe('Stars; null without ratings') });

/** The stored tables, by route name, with their schema. */
export const STORED_TABLES = {
  distribution: { summary: 'Histogram of all ratings', table: z.array(distributionBin) },
  'by-age': { summary: 'Ratings by age group', table: z.array(groupStat) },
  'by-occupation': { summary: 'Ratings by occupation', table: z.array(groupStat) },
  'by-genre': { summary: 'Ratings by genre', table: z.array(groupStat) },
  'by-gender': { summary: 'Ratings by gender', table: z.array(groupStat) },
} as const;

/** A stored table's name. */
export type StoredTableName = keyof typeof STORED_TABLES;

/** `{ model, <name>: table }` of a stored table. */
function storedAnswer<N extends StoredTableName>(name: N) {
  return z.object({ model: z.string(), [name]: STORED_TABLES[name].table } as { model: z.ZodString } & Record<N, (typeof STORED_TABLES)[N]['table']>);
}

/** A ranking route. */
function rankingRoute<Q extends z.ZodObject>(name: string, summary: string, query: Q) {
  return defineRoute({ method: 'get', path: `/api/v1/analytics/${name}`, tag: 'analytics', summary, query, responses: { ...modelAnswer(rankingAnswer), ...readErrors } });
}

/** A stored table's route. */
function storedRoute<N extends StoredTableName>(name: N) {
  return defineRoute({ method: 'get', path: `/api/v1/analytics/${name}`, tag: 'analytics', summary: STORED_TABLES[name].summary, responses: { ...modelAnswer(storedAnswer(name)), ...readErrors } });
}

/** `GET /api/v1/analytics/distribution` answer. */
export const distributionAnswer = storedAnswer('distribution');

/** Every route of this resource. */
export const analyticsRoutes = [
  rankingRoute('top-rated', 'Highest mean rating', minRatingsQuery),
  rankingRoute('most-rated', 'Most ratings', rankingLimitQuery),
  rankingRoute(
    'recently-popular',
    "Most ratings among the newest 10% of the dataset's ratings (its own recent past): value = ratings in that window, since/until = the window",
    rankingLimitQuery,
  ),
  rankingRoute('gender-gap', 'Largest difference between women and men', genderGapQuery),
  rankingRoute('divisive', 'Largest rating standard deviation', minRatingsQuery),
  ...(Object.keys(STORED_TABLES) as StoredTableName[]).map(storedRoute),
];
