/** "Rate a few movies": rate or like movies anonymously, get recommendations by folding-in at once. */
import type { RecommendationsAnswer } from '../lib/api-types';
import { debounce } from '../lib/debounce';
import { pluralize, titleWithYear } from '../lib/format';
import type { RateAction, RatedMovie } from '../lib/rate-state';
import { rateReducer, restoreRated, toFoldInBody } from '../lib/rate-state';
import { h, replaceChildren } from '../ui/dom';
import { movieSearch } from '../ui/movie-search';
import type { RateChoice } from '../ui/rate-control';
import { rateControl } from '../ui/rate-control';
import { empty } from '../ui/status';
import type { ViewContext } from './context';
import { load, supersedingSignal } from './context';
import { movieLink } from './search.view';
import { recommendationList } from './user.view';

/** Where the visitor's ratings are kept between visits (this browser only; nothing is sent until they ask). */
const storageKey = 'movielens.rated';

/** Recommendations requested per fold-in. */
const foldInK = 20;

function toAction(movie: { movieId: number; title: string }, choice: RateChoice, current: RatedMovie['rating'] | null): RateAction {
  if (choice.kind === 'remove') return { type: 'remove', movieId: movie.movieId };
  if (choice.kind === 'like') return current === 'like' ? { type: 'remove', movieId: movie.movieId } : { type: 'like', ...movie };
  return { type: 'rate', ...movie, rating: choice.stars };
}

/** Renders the page. */
export function rateView(ctx: ViewContext): void {
  ctx.setTitle('Rate a few movies');
  let state = restoreRated(localStorage.getItem(storageKey));
  const ratedBody = h('div');
  const recsBody = h('div');

  const ratingOf = (movieId: number): RatedMovie['rating'] | null => state.find((m) => m.movieId === movieId)?.rating ?? null;

  const dispatch = (action: RateAction): void => {
    state = rateReducer(state, action);
    localStorage.setItem(storageKey, JSON.stringify(state));
    renderRated();
    refresh();
  };
  const choose = (movie: { movieId: number; title: string }) => (choice: RateChoice) => dispatch(toAction(movie, choice, ratingOf(movie.movieId)));

  function renderRated(): void {
    // Re-rendering replaces the focused control; put focus back on its twin by id.
    const focusedId = document.activeElement?.id ?? '';
    if (state.length === 0) {
      replaceChildren(ratedBody, empty('Nothing rated yet.', 'Search above and rate or like three or more movies you know.'));
    } else {
      replaceChildren(
        ratedBody,
        h('ul', { class: 'rated-list' }, state.map((m) => h('li', {}, movieLink({ id: m.movieId, title: m.title }), rateControl('rated', m, m.rating, choose(m), true)))),
        h('button', { type: 'button', class: 'button secondary small', onclick: () => dispatch({ type: 'clear' }) }, 'Clear all'),
      );
    }
    if (focusedId !== '') document.getElementById(focusedId)?.focus();
  }

  /** Controls of a search result, redrawn after each choice so the like button shows its state. */
  function searchControl(movie: { movieId: number; title: string }): HTMLElement {
    const slot = h('div', { class: 'rate-slot' });
    const draw = (): void => {
      const focusedId = document.activeElement?.id ?? '';
      slot.replaceChildren(
        rateControl('search', movie, ratingOf(movie.movieId), (choice) => {
          choose(movie)(choice);
          draw();
        }),
      );
      if (focusedId !== '') slot.querySelector<HTMLElement>(`#${CSS.escape(focusedId)}`)?.focus();
    };
    draw();
    return slot;
  }

  const nextSignal = supersedingSignal(ctx);
  const fetchRecommendations = (): void => {
    const body = toFoldInBody(state);
    const signal = nextSignal();
    if (body === null) {
      replaceChildren(recsBody, empty('Your recommendations appear here.', 'They update as soon as you rate a movie.'));
      return;
    }
    void load(
      ctx,
      recsBody,
      () => ctx.api.postJson<RecommendationsAnswer>('/recommendations', { ...body, k: foldInK }, false, signal),
      (answer) => {
        recsBody.append(h('p', { class: 'muted' }, `Based on ${pluralize(state.length, 'movie')} you rated.`), recommendationList(answer));
        ctx.announce(`${pluralize(answer.recommendations.length, 'recommendation')} updated`);
      },
      'Finding movies for you…',
      signal,
    );
  };
  const refresh = debounce(fetchRecommendations, 300);
  ctx.onCleanup(refresh.cancel);

  const search = movieSearch(ctx, {
    id: 'rate-query',
    label: 'Find a movie you have seen',
    limit: 10,
    renderItem: (movie) =>
      h('div', { class: 'rate-row' }, h('span', { class: 'movie-title' }, titleWithYear(movie.title, movie.year)), searchControl({ movieId: movie.id, title: titleWithYear(movie.title, movie.year) })),
    idle: () => empty('Search for movies you have seen.', 'Rate them with stars or just like them.'),
  });

  ctx.root.append(
    h('h1', {}, 'Rate a few movies'),
    h('p', { class: 'lead' }, 'No account needed: your ratings stay in this browser and are folded into the model to recommend movies to you instantly.'),
    h(
      'div',
      { class: 'grid-2' },
      h('div', {}, h('section', { class: 'card' }, search), h('section', { class: 'card', 'aria-labelledby': 'rated-h' }, h('h2', { id: 'rated-h' }, 'Your ratings'), ratedBody)),
      h('section', { class: 'card', 'aria-labelledby': 'foldin-h' }, h('h2', { id: 'foldin-h' }, 'Recommended for you'), recsBody),
    ),
  );
  renderRated();
  fetchRecommendations();
}
