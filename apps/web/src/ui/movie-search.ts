/**
 * A title search box with debounced, as-you-type results, an optional genre filter and
 * "Show more" paging. Used by Explore and by "Rate a few movies"; the caller decides how
 * each result is drawn (a link, or rating controls).
 */
import type { MovieSearchAnswer, MovieSummary } from '../lib/api-types';
import { debounce } from '../lib/debounce';
import { pluralize } from '../lib/format';
import type { ViewContext } from '../views/context';
import { load, supersedingSignal } from '../views/context';
import { h, replaceChildren } from './dom';
import { empty } from './status';

/** What is searched: title words and a genre (empty = any). */
export interface SearchTerms {
  query: string;
  genre: string;
}

/** Options of {@link movieSearch}. */
export interface MovieSearchOptions {
  /** Id of the input (so a label elsewhere can point to it). */
  id: string;
  label: string;
  initial?: Partial<SearchTerms>;
  /** Results per page; default 20. */
  limit?: number;
  /** Genres to filter by; no filter is shown when absent. Resolves later (they come from the API). */
  genres?: Promise<string[]>;
  /** Draws one result as a list item's content. */
  renderItem: (movie: MovieSummary) => HTMLElement;
  /** Called with the terms after each debounced change (e.g. to store them in the URL). */
  onTerms?: (terms: SearchTerms) => void;
  /** Shown while nothing is asked. */
  idle?: () => HTMLElement;
}

function genreFilter(id: string, selected: string, genres: Promise<string[]>, onChange: () => void): HTMLSelectElement {
  const select = h('select', { id, class: 'input' }, h('option', { value: '' }, 'Any genre'), selected === '' ? null : h('option', { value: selected, selected: true }, selected));
  select.addEventListener('change', onChange);
  void genres.then(
    (names) => replaceChildren(select, h('option', { value: '' }, 'Any genre'), names.map((g) => h('option', { value: g, selected: g === selected }, g))),
    () => undefined, // No list (no model yet): the filter keeps "Any genre" and what the URL asked for.
  );
  return select;
}

/** Builds the search box, its filter and its result list. */
export function movieSearch(ctx: ViewContext, options: MovieSearchOptions): HTMLElement {
  const limit = options.limit ?? 20;
  const results = h('div', { class: 'search-results' });
  const input = h('input', {
    id: options.id,
    type: 'search',
    class: 'input input-search',
    placeholder: 'Words of a title',
    autocomplete: 'off',
    spellcheck: 'false',
    value: options.initial?.query ?? '',
  });
  // The example is a title of the served catalogue (its most rated movie), so it finds something.
  void ctx.infoLoaded().then((info) => {
    const example = info?.status?.searchExample;
    if (example) input.placeholder = `e.g. ${example}`;
  });
  const terms = (): SearchTerms => ({ query: input.value.trim(), genre: genre?.value ?? '' });
  const nextSignal = supersedingSignal(ctx);

  /** Appends one page of results to `list`, with a "Show more" button while pages remain. */
  const showPage = (answer: MovieSearchAnswer, list: HTMLElement, more: HTMLElement, count: HTMLElement, asked: SearchTerms): void => {
    list.append(...answer.movies.map((m) => h('li', {}, options.renderItem(m))));
    const shown = list.childElementCount;
    const total = answer.total ?? shown;
    count.textContent = total > shown ? `Showing ${shown} of ${pluralize(total, 'movie')}` : pluralize(total, 'movie');
    more.replaceChildren();
    if (total > shown) {
      const button = h('button', { type: 'button', class: 'button secondary small' }, 'Show more');
      button.addEventListener('click', () => {
        button.disabled = true;
        const page = Math.floor(shown / limit) + 1;
        ctx.api
          .get<MovieSearchAnswer>('/movies', { query: asked.query, genre: asked.genre, page, limit }, ctx.signal)
          .then((next) => {
            if (!ctx.signal.aborted) showPage(next, list, more, count, asked);
          })
          .catch(() => {
            button.disabled = false;
          });
      });
      more.append(button);
    }
  };

  const run = (): void => {
    const asked = terms();
    options.onTerms?.(asked);
    const signal = nextSignal();
    if (asked.query === '' && asked.genre === '') {
      replaceChildren(results, options.idle?.() ?? null);
      return;
    }
    void load(
      ctx,
      results,
      () => ctx.api.get<MovieSearchAnswer>('/movies', { query: asked.query, genre: asked.genre, limit }, signal),
      (answer) => {
        const what = [asked.query === '' ? null : `“${asked.query}”`, asked.genre === '' ? null : `in ${asked.genre}`].filter((p) => p !== null).join(' ');
        if (answer.movies.length === 0) {
          replaceChildren(results, empty(`No movie matches ${what}.`, 'Try fewer words or another spelling; accents and capitals do not matter.'));
          ctx.announce(`No movie matches ${what}`);
          return;
        }
        const count = h('p', { class: 'muted result-count' });
        const list = h('ul', { class: 'result-list' });
        const more = h('div', { class: 'more' });
        replaceChildren(results, count, list, more);
        showPage(answer, list, more, count, asked);
        ctx.announce(`${count.textContent ?? ''} found`);
      },
      'Searching…',
      signal,
    );
  };
  const debounced = debounce(run, 250);
  ctx.onCleanup(debounced.cancel);
  input.addEventListener('input', () => debounced());
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      debounced.cancel();
      run();
    }
  });
  const genreId = `${options.id}-genre`;
  const genre = options.genres === undefined ? null : genreFilter(genreId, options.initial?.genre ?? '', options.genres, run);
  run();

  return h(
    'div',
    { class: 'movie-search' },
    h(
      'div',
      { class: 'search-row' },
      h('div', { class: 'search-field' }, h('label', { for: options.id, class: 'label' }, options.label), input),
      genre === null ? null : h('div', { class: 'search-genre' }, h('label', { for: genreId, class: 'label' }, 'Genre'), genre),
    ),
    results,
  );
}
