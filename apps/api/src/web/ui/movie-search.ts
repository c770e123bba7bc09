/**
 * A title search box with debounced, as-you-type results. Used by Explore and by "Rate
 * a few movies"; the caller decides how each result is drawn (a link, or rating controls).
 */
import type { MovieSearchAnswer, MovieSummary } from '../lib/api-types';
import { debounce } from '../lib/debounce';
import { pluralize } from '../lib/format';
import type { ViewContext } from '../views/context';
import { load, supersedingSignal } from '../views/context';
import { h, replaceChildren } from './dom';
import { empty } from './status';

/** Options of {@link movieSearch}. */
export interface MovieSearchOptions {
  /** Id of the input (so a label elsewhere can point to it). */
  id: string;
  label: string;
  initialQuery?: string;
  /** Results per query; default 20. */
  limit?: number;
  /** Draws one result as a list item's content. */
  renderItem: (movie: MovieSummary) => HTMLElement;
  /** Called with the query after each debounced change (e.g. to store it in the URL). */
  onQuery?: (query: string) => void;
  /** Shown while the box is empty. */
  idle?: () => HTMLElement;
}

/** Builds the search box and its result list. */
export function movieSearch(ctx: ViewContext, options: MovieSearchOptions): HTMLElement {
  const results = h('div', { class: 'search-results', 'aria-live': 'polite' });
  const input = h('input', {
    id: options.id,
    type: 'search',
    class: 'input input-search',
    placeholder: 'e.g. Toy Story',
    autocomplete: 'off',
    spellcheck: 'false',
    value: options.initialQuery ?? '',
  });

  const nextSignal = supersedingSignal(ctx);
  const run = (query: string): void => {
    options.onQuery?.(query);
    const trimmed = query.trim();
    const signal = nextSignal();
    if (trimmed === '') {
      replaceChildren(results, options.idle?.() ?? null);
      return;
    }
    void load(
      ctx,
      results,
      () => ctx.api.get<MovieSearchAnswer>('/movies', { query: trimmed, limit: options.limit ?? 20 }, signal),
      (answer) => {
        if (answer.movies.length === 0) {
          replaceChildren(results, empty(`No movie matches “${trimmed}”.`, 'Try fewer words or another spelling; accents do not matter.'));
          ctx.announce(`No movie matches ${trimmed}`);
          return;
        }
        const total = answer.total ?? answer.movies.length;
        const summary = total > answer.movies.length ? `Showing ${answer.movies.length} of ${pluralize(total, 'movie')}` : pluralize(total, 'movie');
        replaceChildren(results, h('p', { class: 'muted result-count' }, summary), h('ul', { class: 'result-list' }, answer.movies.map((m) => h('li', {}, options.renderItem(m)))));
        ctx.announce(`${summary} found`);
      },
      'Searching…',
      signal,
    );
  };
  const debounced = debounce(run, 250);
  ctx.onCleanup(debounced.cancel);
  input.addEventListener('input', () => debounced(input.value));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      debounced.cancel();
      run(input.value);
    }
  });
  run(input.value);

  return h('div', { class: 'movie-search' }, h('label', { for: options.id, class: 'label' }, options.label), input, results);
}
