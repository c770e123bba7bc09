/**
 * Filters, paging and explanations of ranked lists (a user's recommendations, a visitor's,
 * similar movies): the query fields and the answer fields they add.
 */
import { z } from 'zod';
import { kQuery } from './common.schema';

/** Largest `?offset=`: a page reaches at most entry offset + k = 900 + 100. */
export const MAX_OFFSET = 900;

/** A query value given once, repeated (`?genre=a&genre=b`) or comma-separated (`?genre=a,b`), as one list of trimmed non-empty strings. */
const queryList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '')));

/** `?genre=`, `?exclude=`, `?offset=`: what a ranked list keeps, and where its page starts. */
export const listFilterQuery = z.object({
  genre: queryList
    .pipe(z.array(z.string().max(50)).max(20))
    .describe('Keep movies of any of these genres (catalogue names, case-insensitive; comma-separated or repeated). An unknown genre is a 400 naming it'),
  exclude: queryList
    .pipe(z.array(z.string().regex(/^\d{1,10}$/, 'expected movie ids, e.g. 1,2,3').transform(Number)).max(1000))
    .describe('Movie ids left out (comma-separated or repeated, up to 1000)'),
  offset: z.coerce.number().int().min(0).max(MAX_OFFSET).default(0).describe(`Entries skipped before the k returned (0..${MAX_OFFSET}, default 0); pages keep the unpaged order`),
});

/** `?k=` and the list filters. */
export const listQuery = kQuery.extend(listFilterQuery.shape);

/** `?explain=1`: each recommendation names the rated movies that contributed most. */
export const explainQuery = z.object({
  explain: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true')
    .describe('1: add `because` to each recommendation, the up to 3 rated movies that contributed most to its score'),
});

/** One rated movie that contributed to a recommendation. */
export const because = z.object({
  movieId: z.int(),
  title: z.string().nullable(),
  weight: z.number().describe("Its share of the score, in the answer's scoreUnit (factor kinds: (rating - user mean) x (V_i . V_j) for PureSVD, the fold-in's ridge term for MF)"),
});

/** Answer fields of a paged, filtered list. */
export const pageFields = {
  offset: z.int().describe('The ?offset= of this page'),
  exhausted: z.boolean().describe('True when fewer than offset + k movies passed the filters: the list ends on this page (it may hold fewer than k)'),
};
