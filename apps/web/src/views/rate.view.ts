/** "Rate a few movies": rate or like movies anonymously, get recommendations by folding-in at once, and the sequence model's next movies after the picks. */
import type { RecommendationsAnswer, SessionNextAnswer } from '../lib/api-types';
import { debounce } from '../lib/debounce';
import { pluralize, titleWithYear } from '../lib/format';
import type { RateAction, RatedMovie } from '../lib/rate-state';
import { nextMovieMinStars, rateReducer, restoreRated, sessionPicks, toFoldInBody } from '../lib/rate-state';
import { h, replaceChildren } from '../ui/dom';
import { movieSearch } from '../ui/movie-search';
import type { RateChoice } from '../ui/rate-control';
import { rateControl } from '../ui/rate-control';
import { empty, loading } from '../ui/status';
import type { ViewContext } from './context';
import { load, supersedingSignal } from './context';
import { nextMoviesList, nextMoviesUnavailable } from './next-movies';
import { movieLink } from './search.view';
import { recommendationList } from './user.view';

/** Where the visitor's ratings are kept between visits (this browser only; nothing is sent until they ask). */
const storageKey = 'movielens.rated';

/** Recommendations requested per fold-in. */
const foldInK = 20;

/** Next movies requested from the sequence model. */
const sessionNextK = 10;

/**
 * "Because you just watched ...": the visitor's picks they liked (a like, or 3 stars or more:
 * see `sessionPicks`), in the order they made them (the rated list keeps first-pick order),
 * read as a session by the sequence model. The movie named is the last such pick the model
 * knows (unknown ids come back in `ignored`). While an LSTM is trained, without one, or on any
 * failure a one-line note replaces the list: it is an extra beside the fold-in
 * recommendations, not worth an error box or a retry button.
 */
async function showSessionNext(ctx: ViewContext, rated: readonly RatedMovie[], body: HTMLElement, signal: AbortSignal): Promise<void> {
  const note = (text: string): void => replaceChildren(body, h('p', { class: 'muted', id: 'session-next-note' }, text));
  const picks = sessionPicks(rated);
  if (picks.length === 0) {
    note(`Rate a movie ${nextMovieMinStars} stars or more, or like it, to see what you might watch next: a movie you disliked does not ask for more like it.`);
    return;
  }
  replaceChildren(body, loading('Guessing what you will watch next…'));
  try {
    const movies = picks.map((m) => m.movieId);
    // The API leaves out the session's movies; the disliked ones, not in the session, are left out here (asking for as many more).
    const disliked = new Set(rated.filter((m) => !movies.includes(m.movieId)).map((m) => m.movieId));
    const answer = await ctx.api.postJson<SessionNextAnswer>('/sessions/next', { movies, k: sessionNextK + disliked.size }, false, signal);
    if (signal.aborted) return;
    const last = picks.filter((m) => !answer.ignored.includes(m.movieId)).at(-1);
    const next = answer.next.filter((m) => !disliked.has(m.movieId)).slice(0, sessionNextK);
    if (last === undefined || next.length === 0) {
      note('The sequence model does not know these movies yet.');
      return;
    }
    replaceChildren(body, ...nextMoviesList('you', { movieId: last.movieId, title: last.title }, next));
  } catch (error) {
    if (signal.aborted) return;
    note(nextMoviesUnavailable(error, ctx.info()));
  }
}

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
  const nextBody = h('div');
  const nextCard = h('section', { class: 'card', id: 'session-next', 'aria-labelledby': 'session-next-h', hidden: true }, h('h2', { id: 'session-next-h' }, 'Up next'), nextBody);

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
      () => ctx.api.postJson<RecommendationsAnswer>('/recommendations?explain=1', { ...body, k: foldInK }, false, signal),
      (answer) => {
        recsBody.append(h('p', { class: 'muted' }, `Based on ${pluralize(state.length, 'movie')} you rated.`), recommendationList(answer, 'you'));
        ctx.announce(`${pluralize(answer.recommendations.length, 'recommendation')} updated`);
      },
      'Finding movies for you…',
      signal,
    );
  };
  const nextMoviesSignal = supersedingSignal(ctx);
  const fetchNextMovies = (): void => {
    const signal = nextMoviesSignal();
    nextCard.hidden = state.length === 0;
    if (state.length > 0) void showSessionNext(ctx, state, nextBody, signal);
  };
  const update = (): void => {
    fetchRecommendations();
    fetchNextMovies();
  };
  const refresh = debounce(update, 300);
  ctx.onCleanup(refresh.cancel);

  const search = movieSearch(ctx, {
    id: 'rate-query',
    label: 'Find a movie you have seen',
    limit: 10,
    renderItem: (movie) =>
      h(
        'div',
        { class: 'rate-row' },
        h('span', { class: 'rate-movie' }, h('span', { class: 'movie-title' }, titleWithYear(movie.title, movie.year)), movie.genres.length > 0 ? h('span', { class: 'movie-genres' }, movie.genres.join(' · ')) : null),
        searchControl({ movieId: movie.id, title: titleWithYear(movie.title, movie.year) }),
      ),
    idle: () => empty('Search for movies you have seen.', 'Rate them with stars or just like them.'),
  });

  ctx.root.append(
    h('h1', {}, 'Rate a few movies'),
    h('p', { class: 'lead' }, 'No account needed: your ratings stay in this browser and are folded into the model to recommend movies to you instantly.'),
    h(
      'div',
      { class: 'grid-2' },
      h('div', {}, h('section', { class: 'card' }, search), h('section', { class: 'card', 'aria-labelledby': 'rated-h' }, h('h2', { id: 'rated-h' }, 'Your ratings'), ratedBody)),
      h('div', {}, h('section', { class: 'card', 'aria-labelledby': 'foldin-h' }, h('h2', { id: 'foldin-h' }, 'Recommended for you'), recsBody), nextCard),
    ),
  );
  renderRated();
  update();
}
