/**
 * The analytics kind's JSON tables (`analytics:<name>` of its kind version), by name, each with
 * the schema it is decoded with when read back: the group tables are the HTTP contracts' own
 * (`STORED_TABLES`), so what is served is what was checked. Builds from before the per-name
 * tables stored one combined `groups` table (core `GroupAnalytics`: `byAgeGroup`, `byGenre`,
 * `totalRatings`...); {@link LEGACY_GROUP_FIELDS} says where each table is found in it.
 */
import { STORED_TABLES } from '@movielens/contracts';
import { z } from 'zod';

/** Number of ratings and their mean (stars; null without ratings). */
export const ratingSummarySchema = z.object({ totalRatings: z.number().int().min(0), globalMean: z.number().nullable() });

const schemas = {
  summary: ratingSummarySchema,
  distribution: STORED_TABLES.distribution.table,
  'by-gender': STORED_TABLES['by-gender'].table,
  'by-age': STORED_TABLES['by-age'].table,
  'by-occupation': STORED_TABLES['by-occupation'].table,
  'by-genre': STORED_TABLES['by-genre'].table,
} as const;

/** The name of an analytics table. */
export type AnalyticsTableName = keyof typeof schemas;

/** Every analytics table as decoded, by name. */
export type AnalyticsTables = { [N in AnalyticsTableName]: z.infer<(typeof schemas)[N]> };

/** An analytics table as decoded. */
export type AnalyticsTable<N extends AnalyticsTableName> = AnalyticsTables[N];

/**
 * The analytics tables, by name (as under /api/v1/analytics and `movielens analytics`), with
 * their schemas (typed per name, so a reader generic in the name gets that table's type).
 */
export const ANALYTICS_TABLES: { readonly [N in AnalyticsTableName]: z.ZodType<AnalyticsTables[N]> } = schemas;

/** True when `name` is an analytics table's name. */
export function isAnalyticsTableName(name: string): name is AnalyticsTableName {
  return Object.hasOwn(ANALYTICS_TABLES, name);
}

/** Name of the combined table of older builds. */
export const LEGACY_GROUPS_TABLE = 'groups';

/** The combined table of older builds: an object whose fields are checked one by one when read. */
export const legacyGroupsSchema = z.record(z.string(), z.unknown());

/** Where each table is in the combined `groups` table of older builds (a field; `summary` is two top-level fields). */
export const LEGACY_GROUP_FIELDS: Record<AnalyticsTableName, (groups: Record<string, unknown>) => unknown> = {
  summary: (g) => (g.totalRatings === undefined ? undefined : { totalRatings: g.totalRatings, globalMean: g.globalMean }),
  distribution: (g) => g.distribution,
  'by-gender': (g) => g.byGender,
  'by-age': (g) => g.byAgeGroup,
  'by-occupation': (g) => g.byOccupation,
  'by-genre': (g) => g.byGenre,
};
