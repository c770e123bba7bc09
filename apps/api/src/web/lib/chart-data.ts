/**
 * Turns analytics answers into chart rows. Pure, so the mapping from each endpoint's JSON
 * to what is drawn is unit-tested. Rows are read by field name; a missing number is NaN
 * (drawn as no bar, shown as "–"), never 0.
 */
import type { ChartId } from './route';
import { titleWithYear } from './format';

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
  /** Whether values are counts (formatted as integers) or ratings (two decimals). */
  kind: 'count' | 'rating';
}

type Row = Record<string, unknown>;

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The rows of an answer: the answer itself if it is an array, else its first array-of-objects field. */
export function rowsOf(answer: unknown): Row[] {
  if (Array.isArray(answer)) return answer.filter(isRow);
  if (!isRow(answer)) return [];
  for (const value of Object.values(answer)) {
    if (Array.isArray(value) && value.length > 0 && value.every(isRow)) return value;
  }
  return [];
}

/** The first finite number among `keys` of `row`, else NaN. */
export function numberField(row: Row, keys: readonly string[]): number {
  for (const key of keys) {
    const value = row[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return Number.NaN;
}

/** A row's category label: a movie title (with year), or a genre, age group, occupation, rating. */
export function labelOf(row: Row): string {
  if (typeof row.title === 'string') return titleWithYear(row.title, typeof row.year === 'number' ? row.year : null);
  for (const key of ['label', 'genre', 'ageGroup', 'occupation', 'group', 'name', 'age', 'rating', 'stars']) {
    const value = row[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return '?';
}

const meanKeys = ['mean', 'meanRating', 'avg', 'average'];
const countKeys = ['count', 'ratings', 'ratingCount', 'n'];

function ratingChart(rows: Row[], label: string, horizontal: boolean): ChartData {
  return { labels: rows.map(labelOf), series: [{ label, values: rows.map((r) => numberField(r, meanKeys)) }], valueAxis: 'Mean rating (stars)', min: 1, max: 5, horizontal, kind: 'rating' };
}

function countChart(rows: Row[], label: string, horizontal: boolean): ChartData {
  return { labels: rows.map(labelOf), series: [{ label, values: rows.map((r) => numberField(r, countKeys)) }], valueAxis: 'Number of ratings', min: 0, horizontal, kind: 'count' };
}

/** The star histogram of `distribution`: `{ histogram: [n1..n5] }` or rows `{ rating, count }`. */
function distribution(answer: unknown): ChartData {
  const histogram = isRow(answer) ? (answer.histogram ?? answer.counts) : undefined;
  if (Array.isArray(histogram) && histogram.every((n) => typeof n === 'number')) {
    const values = histogram as number[];
    return { labels: values.map((_, i) => `${i + 1} ★`), series: [{ label: 'Ratings', values }], valueAxis: 'Number of ratings', min: 0, horizontal: false, kind: 'count' };
  }
  const rows = rowsOf(answer);
  return { ...countChart(rows, 'Ratings', false), labels: rows.map((r) => `${labelOf(r)} ★`) };
}

/** Women's and men's mean rating per movie, side by side. */
function genderGap(rows: Row[]): ChartData {
  return {
    labels: rows.map(labelOf),
    series: [
      { label: 'Women', values: rows.map((r) => numberField(r, ['meanF', 'womenMean', 'female', 'women', 'F'])) },
      { label: 'Men', values: rows.map((r) => numberField(r, ['meanM', 'menMean', 'male', 'men', 'M'])) },
    ],
    valueAxis: 'Mean rating (stars)',
    min: 1,
    max: 5,
    horizontal: true,
    kind: 'rating',
  };
}

/** Chart data for `chart` from its endpoint's answer. */
export function chartData(chart: ChartId, answer: unknown): ChartData {
  const rows = rowsOf(answer);
  switch (chart) {
    case 'top-rated':
      return ratingChart(rows, 'Mean rating', true);
    case 'most-rated':
      return countChart(rows, 'Ratings', true);
    case 'gender-gap':
      return genderGap(rows);
    case 'divisive':
      return {
        labels: rows.map(labelOf),
        series: [{ label: 'Standard deviation', values: rows.map((r) => numberField(r, ['std', 'stddev', 'stdev', 'sd', 'deviation'])) }],
        valueAxis: 'Standard deviation of ratings (stars)',
        min: 0,
        horizontal: true,
        kind: 'rating',
      };
    case 'distribution':
      return distribution(answer);
    case 'by-age':
      return ratingChart(rows, 'Mean rating', false);
    case 'by-occupation':
    case 'by-genre':
      return ratingChart(rows, 'Mean rating', true);
  }
}

/** Rating counts per row of a grouped chart (age, occupation, genre), when the answer has them. */
export function countsOf(answer: unknown): number[] {
  return rowsOf(answer).map((r) => numberField(r, countKeys));
}
