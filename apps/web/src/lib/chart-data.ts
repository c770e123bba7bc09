/**
 * Turns analytics answers (`GET /api/v1/analytics/*`, see `routes/analytics.router.ts`) into
 * chart data. Pure, so the mapping from each endpoint's JSON to what is drawn is unit-tested.
 * A missing number is NaN (drawn as no bar, shown as "–"), never 0.
 */
import type { DistributionBinAnswer, GroupStatAnswer, RankedMovie, RankingAnswer as RankingContract } from '@movielens/contracts';
import type { ChartId } from './route';

/** A row of a group table (the API's contract): a rater group or a genre; `mean` in stars, null without ratings. */
export type GroupStat = GroupStatAnswer;

/** One chart's data: category labels and one or more numeric series of the same length. */
export interface ChartData {
  labels: string[];
  series: { label: string; values: number[] }[];
  /** What the values are, for the axis title. */
  valueAxis: string;
  /** Suggested value-axis range (mean ratings use 1..5). */
  min?: number;
  max?: number;
  /** Bars along the y axis: for long labels (titles, occupations). */
  horizontal: boolean;
  /** Counts are formatted as integers, ratings with two decimals. */
  kind: 'count' | 'rating';
  /** Rating counts per label, shown in the chart's table (not drawn: another scale); absent when the chart is counts. */
  counts?: number[];
}

/**
 * A movie of a ranking (top rated, most rated, divisive, gender gap), as the API's contract has
 * it: the fields charted. `value` is what it is ranked by; `meanWomen`/`meanMen` only for the gap.
 */
export type RankedRow = Pick<RankedMovie, 'movieId' | 'title' | 'value' | 'count' | 'mean' | 'meanWomen' | 'meanMen'>;

/** Answer of the rankings (`{ model, by, movies }`): the fields charted. */
export type RankingAnswer = Pick<RankingContract, 'model'> & { movies: RankedRow[] };

/** One bin of the rating distribution: `stars` is 0.5..5 in half steps. */
export type DistributionBin = DistributionBinAnswer;

/** The answer of each chart. Group tables come under the chart's own name, e.g. `{ 'by-age': [...] }`. */
export type AnalyticsAnswer = RankingAnswer | { model: string; distribution: DistributionBin[] } | ({ model: string } & Record<string, GroupStat[]>);

function num(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN;
}

function field<T>(answer: unknown, name: string): T[] {
  const value = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>)[name] : undefined;
  return Array.isArray(value) ? (value as T[]) : [];
}

const meanAxis = { valueAxis: 'Mean rating (stars)', min: 1, max: 5, kind: 'rating' } as const;
const countAxis = { valueAxis: 'Number of ratings', min: 0, kind: 'count' } as const;

/**
 * The distribution's bars. Releases rated in whole stars leave every half-star bin empty:
 * those bins are dropped then, so ML-1M shows five bars, not ten with five empty.
 */
export function distributionBars(bins: readonly DistributionBin[]): DistributionBin[] {
  const halves = bins.filter((b) => !Number.isInteger(b.stars));
  return halves.every((b) => b.count === 0) ? bins.filter((b) => Number.isInteger(b.stars)) : [...bins];
}

function groups(rows: GroupStat[], horizontal: boolean): ChartData {
  return { labels: rows.map((r) => r.group), series: [{ label: 'Mean rating', values: rows.map((r) => num(r.mean)) }], horizontal, ...meanAxis, counts: rows.map((r) => num(r.count)) };
}

/** Chart data for `chart` from its endpoint's answer. */
export function chartData(chart: ChartId, answer: unknown): ChartData {
  const movies = field<RankedRow>(answer, 'movies');
  // A movie the catalogue lacks has no title (null): labelled by its id, as the lists do.
  const titles = movies.map((m) => m.title ?? `movie ${m.movieId}`);
  const counts = movies.map((m) => num(m.count));
  switch (chart) {
    case 'top-rated':
      return { labels: titles, series: [{ label: 'Mean rating', values: movies.map((m) => num(m.mean)) }], horizontal: true, ...meanAxis, counts };
    case 'most-rated':
      return { labels: titles, series: [{ label: 'Ratings', values: movies.map((m) => num(m.count)) }], horizontal: true, ...countAxis };
    case 'gender-gap':
      return {
        labels: titles,
        series: [
          { label: 'Women', values: movies.map((m) => num(m.meanWomen)) },
          { label: 'Men', values: movies.map((m) => num(m.meanMen)) },
        ],
        horizontal: true,
        ...meanAxis,
        counts,
      };
    case 'divisive':
      return { labels: titles, series: [{ label: 'Standard deviation', values: movies.map((m) => num(m.value)) }], horizontal: true, valueAxis: 'Standard deviation of ratings (stars)', min: 0, kind: 'rating', counts };
    case 'distribution': {
      const bins = distributionBars(field<DistributionBin>(answer, 'distribution'));
      return { labels: bins.map((b) => `${b.stars} ★`), series: [{ label: 'Ratings', values: bins.map((b) => num(b.count)) }], horizontal: false, ...countAxis };
    }
    case 'by-age':
      return groups(field<GroupStat>(answer, 'by-age'), false);
    case 'by-occupation':
    case 'by-genre':
      return groups(field<GroupStat>(answer, chart), true);
  }
}

/**
 * A starting minimum count for the ranking sliders that shows something on any dataset:
 * the API's defaults (100 ratings, 50 per gender) suit ML-1M but leave a small dataset's
 * charts empty. `share` of the mean ratings per movie, capped at `cap`; `cap` when the
 * dataset size is unknown.
 */
export function startingMinimum(ratings: number | null, movies: number | null, cap: number, share: number): number {
  if (ratings === null || movies === null || movies === 0) return cap;
  return Math.max(1, Math.min(cap, Math.round((share * ratings) / movies)));
}
