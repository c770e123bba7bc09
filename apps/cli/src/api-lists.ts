/** The ranked lists the CLI asks the API for (`recommend`, `similar` with filters): query strings and tables. */
import { displayTitle } from './model-reader';
import type { Column } from './table';

/** The list options every API-answered list takes (`--genre`, `--exclude`, `--offset`). */
export const LIST_FILTER_OPTIONS = {
  genre: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  offset: { type: 'string' },
  api: { type: 'string' },
} as const;

/** Usage lines of {@link LIST_FILTER_OPTIONS}. */
export const LIST_FILTER_USAGE = [
  '  --genre G       keep movies of this genre (repeat, or comma-separate, for any of several)',
  '  --exclude IDS   leave these movie ids out (comma-separated or repeated)',
  '  --offset N      skip the first N entries (the next page: --offset 10 after -k 10)',
  '  --api URL       the API (default http://localhost:3000)',
];

/** The options among `names` the user gave (a boolean counts when true). */
export function givenOptions(values: Record<string, unknown>, names: readonly string[]): string[] {
  return names.filter((name) => values[name] !== undefined && values[name] !== false);
}

/** The option's values as given once or repeated, each possibly comma-separated. */
function listValues(value: unknown): string[] {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return values.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** `k`, `genre` (repeated), `exclude` (comma-joined) and `offset` of the options, as the API's list query. */
export function listQueryParams(values: Record<string, unknown>, k: number): URLSearchParams {
  const query = new URLSearchParams({ k: String(k) });
  for (const genre of listValues(values.genre)) query.append('genre', genre);
  const exclude = listValues(values.exclude);
  if (exclude.length > 0) query.set('exclude', exclude.join(','));
  if (values.offset !== undefined) query.set('offset', String(values.offset));
  return query;
}

/** A listed movie of an API answer. */
export interface ListedEntry {
  movieId: number;
  title: string | null;
  year: number | null;
  genres: string[];
  score: number;
}

/** The columns of an API list page: rank from `offset + 1`, score, movie id, title (year), genres. */
export function pageColumns<E extends ListedEntry>(offset: number): Column<E>[] {
  return [
    { header: '#', align: 'right', cell: (_e, i) => String(offset + i + 1) },
    { header: 'score', align: 'right', cell: (e) => e.score.toFixed(3) },
    { header: 'movie id', align: 'right', cell: (e) => String(e.movieId) },
    { header: 'title', cell: (e) => displayTitle(e) },
    { header: 'genres', cell: (e) => e.genres.join('|') },
  ];
}

/** The line under a page that ended the filtered list (nothing when more entries follow). */
export function exhaustedLine(page: { exhausted: boolean }, shown: number): string | null {
  if (!page.exhausted) return null;
  return shown === 0 ? '(no movie passes the filters here)' : '(the end of the list: no more movies pass the filters)';
}
