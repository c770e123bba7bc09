/**
 * Hash routing: the page state lives in `location.hash` (`#/movie/1`), so links, reload
 * and back/forward all work without a server-side router. Pure: parse and format only.
 */
import type { RecsFilters } from './recs-filters';
import { formatRecsFilters, parseRecsFilters } from './recs-filters';

/** Analytics charts, in the order the page lists them. */
export const chartIds = [
  'top-rated',
  'most-rated',
  'gender-gap',
  'divisive',
  'distribution',
  'by-age',
  'by-occupation',
  'by-genre',
] as const;

/** One analytics chart. */
export type ChartId = (typeof chartIds)[number];

/** Every page the app can show. */
export type Route =
  | { name: 'search'; query: string; genre: string }
  | { name: 'movie'; id: number }
  | { name: 'user'; id: number | null; recs: RecsFilters }
  | { name: 'rate' }
  | { name: 'analytics'; chart: ChartId }
  | { name: 'admin' }
  | { name: 'not-found'; path: string };

/** Top-level sections shown in the navigation, with the route each opens. */
export const sections = [
  { label: 'Explore', hash: '#/' },
  { label: 'Users', hash: '#/user' },
  { label: 'Rate movies', hash: '#/rate' },
  { label: 'Analytics', hash: '#/analytics' },
  { label: 'Admin', hash: '#/admin' },
] as const;

function positiveInt(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,9}$/.test(text)) return null;
  const n = Number(text);
  return n > 0 ? n : null;
}

/**
 * Parses `location.hash` into a route. Unknown paths give `not-found` (shown as such,
 * never silently redirected). An empty hash is the search page.
 */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart, queryPart = ''] = raw.split('?', 2);
  const path = pathPart === '' ? '/' : pathPart;
  const parts = path.split('/').filter((p) => p !== '');
  const params = new URLSearchParams(queryPart);

  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'search')) {
    return { name: 'search', query: params.get('q') ?? '', genre: params.get('genre') ?? '' };
  }
  const [head, arg] = parts;
  if (parts.length <= 2) {
    if (head === 'movie' && parts.length === 2) {
      const id = positiveInt(arg);
      if (id !== null) return { name: 'movie', id };
    }
    if (head === 'user') {
      // The recommendation filters are kept without a user too, so picking one keeps them.
      const recs = parseRecsFilters(params);
      if (parts.length === 1) return { name: 'user', id: null, recs };
      const id = positiveInt(arg);
      if (id !== null) return { name: 'user', id, recs };
    }
    if (head === 'rate' && parts.length === 1) return { name: 'rate' };
    if (head === 'admin' && parts.length === 1) return { name: 'admin' };
    if (head === 'analytics') {
      if (parts.length === 1) return { name: 'analytics', chart: chartIds[0] };
      const chart = chartIds.find((c) => c === arg);
      if (chart !== undefined) return { name: 'analytics', chart };
    }
  }
  return { name: 'not-found', path };
}

/** The hash of a route; `parseHash(formatHash(r))` equals `r` for every valid route. */
export function formatHash(route: Route): string {
  switch (route.name) {
    case 'search': {
      const params = new URLSearchParams();
      if (route.query !== '') params.set('q', route.query);
      if (route.genre !== '') params.set('genre', route.genre);
      const text = params.toString();
      return text === '' ? '#/' : `#/search?${text}`;
    }
    case 'movie':
      return `#/movie/${route.id}`;
    case 'user': {
      const query = formatRecsFilters(route.recs);
      return `${route.id === null ? '#/user' : `#/user/${route.id}`}${query === '' ? '' : `?${query}`}`;
    }
    case 'rate':
      return '#/rate';
    case 'analytics':
      return `#/analytics/${route.chart}`;
    case 'admin':
      return '#/admin';
    case 'not-found':
      return `#${route.path}`;
  }
}

/** The navigation section a route belongs to (its `hash` in {@link sections}), for `aria-current`. */
export function sectionOf(route: Route): string | null {
  switch (route.name) {
    case 'search':
    case 'movie':
      return '#/';
    case 'user':
      return '#/user';
    case 'rate':
      return '#/rate';
    case 'analytics':
      return '#/analytics';
    case 'admin':
      return '#/admin';
    case 'not-found':
      return null;
  }
}
