/** Explore: search movies by title as you type (each result opens the movie); before typing, the home rankings. */
import { formatHash } from '../lib/route';
import { titleWithYear } from '../lib/format';
import { h } from '../ui/dom';
import { movieSearch } from '../ui/movie-search';
import type { ViewContext } from './context';
import { homeSections } from './home';

let lastSearch = '#/';

/** The hash of the last search typed, so "back to search" finds the same results. */
export function lastSearchHash(): string {
  return lastSearch;
}

/** A link to a movie, with its genres underneath. */
export function movieLink(movie: { id: number; title: string; year?: number | null; genres?: string[] }): HTMLElement {
  return h(
    'a',
    { class: 'movie-link', href: formatHash({ name: 'movie', id: movie.id }) },
    h('span', { class: 'movie-title' }, titleWithYear(movie.title, movie.year)),
    movie.genres !== undefined && movie.genres.length > 0 ? h('span', { class: 'movie-genres' }, movie.genres.join(' · ')) : null,
  );
}

/** Genre names of the served model (from the by-genre table), sorted, for the filters (search, a user's recommendations). */
export function loadGenres(ctx: ViewContext): Promise<string[]> {
  return ctx.api.get<Record<string, unknown>>('/analytics/by-genre', undefined, ctx.signal).then((answer) => {
    const rows = answer['by-genre'];
    return Array.isArray(rows) ? rows.map((r: { group?: unknown }) => String(r.group)).sort((a, b) => a.localeCompare(b)) : [];
  });
}

/** Renders the search page; the terms are kept in the URL so back returns to the same results. */
export function searchView(ctx: ViewContext, query: string, genre: string): void {
  ctx.setTitle('Explore movies');
  const search = movieSearch(ctx, {
    id: 'movie-query',
    label: 'Search movies by title',
    initial: { query, genre },
    genres: loadGenres(ctx),
    renderItem: movieLink,
    onTerms: (terms) => {
      // replaceState: typing must not add one history entry per keystroke.
      const hash = formatHash({ name: 'search', ...terms });
      lastSearch = hash;
      if (location.hash !== hash && !(hash === '#/' && location.hash === '')) history.replaceState(null, '', hash);
    },
    // Before anything is typed: rankings and genres worth clicking.
    idle: () => homeSections(ctx),
  });
  ctx.root.append(h('h1', {}, 'Explore movies'), h('section', { class: 'card' }, search));
  const input = ctx.root.querySelector<HTMLInputElement>('#movie-query');
  if (input !== null && query === '' && genre === '') input.focus();
}
