/** A user: profile, favourite genres, highest-rated movies and recommendations. */
import type { NextMoviesAnswer, RecommendationsAnswer, UserAnswer } from '../lib/api-types';
import { formatCount, formatRating, formatScore, genderLabel, pluralize, starsText } from '../lib/format';
import { formatHash } from '../lib/route';
import { h } from '../ui/dom';
import { empty } from '../ui/status';
import type { ViewContext } from './context';
import { load } from './context';
import { nextMoviesList } from './next-movies';
import { movieLink } from './search.view';

/** Recommendations shown per user. */
const recommendationsK = 20;

/** A uniformly random user id in 1..users (MovieLens numbers users from 1 without gaps). */
export function randomUserId(users: number | null): number {
  const n = users !== null && users > 0 ? users : 943;
  return 1 + Math.floor(Math.random() * n);
}

function pickForm(ctx: ViewContext, id: number | null): HTMLElement {
  const input = h('input', { id: 'user-id', name: 'user', type: 'number', min: 1, step: 1, inputmode: 'numeric', class: 'input input-narrow', required: true, value: id ?? '' });
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Choose a user' },
    h('label', { for: 'user-id', class: 'label' }, 'User id'),
    input,
    h('button', { type: 'submit', class: 'button' }, 'Show'),
    h('button', { type: 'button', class: 'button secondary', id: 'surprise', onclick: () => (location.hash = formatHash({ name: 'user', id: randomUserId(ctx.info()?.users ?? null) })) }, 'Surprise me'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = Number(input.value);
    if (Number.isInteger(value) && value > 0) location.hash = formatHash({ name: 'user', id: value });
  });
  return form;
}

function profile(answer: UserAnswer): HTMLElement {
  const u = answer.user;
  const rows: [string, string][] = [
    ['Gender', genderLabel(u.gender)],
    ['Age', u.ageGroup ?? (u.age === null ? 'Not given' : String(u.age))],
    ['Occupation', u.occupation ?? 'Not given'],
    ['Zip code', u.zip ?? 'Not given'],
  ];
  // Figures the API may not know are left out rather than shown as a dash.
  if (answer.ratingCount !== null) rows.push(['Ratings', formatCount(answer.ratingCount)]);
  if (answer.meanRating !== undefined && answer.meanRating !== null) rows.push(['Mean rating given', `${formatRating(answer.meanRating)} ★`]);
  const genres = answer.favouriteGenres;
  return h(
    'div',
    {},
    h('dl', { class: 'facts' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))),
    // Older API versions do not send favourite genres: leave the heading out rather than claim there are none.
    genres === undefined ? null : h('h3', {}, 'Favourite genres'),
    genres === undefined
      ? null
      : genres.length === 0
      ? h('p', { class: 'muted' }, 'Not enough ratings to tell.')
      : h(
          'ul',
          { class: 'chips' },
          genres.map((g) => h('li', { class: 'chip', title: g.count === undefined ? undefined : `${pluralize(g.count, 'rating')}, mean ${formatRating(g.mean)}` }, g.genre)),
        ),
  );
}

function topRated(answer: UserAnswer): HTMLElement {
  const movies = answer.topRated ?? [];
  if (movies.length === 0) return empty('No rated movies to show.');
  return h(
    'ol',
    { class: 'ranked-list' },
    movies.map((m) => h('li', {}, movieLink({ id: m.movieId, title: m.title }), h('span', { class: 'stars', 'aria-label': `${m.rating} stars` }, starsText(m.rating)))),
  );
}

/** A ranked list of recommendations with their scores. */
export function recommendationList(answer: RecommendationsAnswer): HTMLElement {
  if (answer.recommendations.length === 0) return empty('No recommendations.', 'The model has nothing new to suggest here.');
  return h(
    'ol',
    { class: 'ranked-list' },
    answer.recommendations.map((r) =>
      h('li', {}, movieLink({ id: r.movieId, title: r.title }), h('span', { class: 'score', title: 'Predicted score of the model' }, `score ${formatScore(r.score)}`)),
    ),
  );
}

/** Renders the user page; without an id, only the picker. */
export function userView(ctx: ViewContext, id: number | null): void {
  ctx.setTitle(id === null ? 'Users' : `User ${id}`);
  ctx.root.append(h('h1', {}, id === null ? 'Users' : `User ${id}`), h('section', { class: 'card' }, pickForm(ctx, id)));
  if (id === null) {
    ctx.root.append(empty('Pick a user id, or let chance choose.', 'You will see their profile, the movies they rated highest, and what the model recommends to them.'));
    return;
  }
  const profileBody = h('div');
  const ratedBody = h('div');
  const recsBody = h('div');
  const nextBody = h('div');
  const nextCard = h('section', { class: 'card', id: 'next-movies', hidden: true }, h('h2', {}, 'Up next'), nextBody);
  const ratedCard = h('section', { class: 'card' }, h('h2', {}, 'Highest rated'), ratedBody);
  ctx.root.append(
    h(
      'div',
      { class: 'grid-3' },
      h('section', { class: 'card' }, h('h2', {}, 'Profile'), profileBody),
      ratedCard,
      h('section', { class: 'card', id: 'recommendations' }, h('h2', {}, 'Recommended'), recsBody),
    ),
    nextCard,
  );
  // Both cards come from one request; a failed request is forgotten so "Try again" refetches.
  let pending: Promise<UserAnswer> | undefined;
  const getUser = (): Promise<UserAnswer> =>
    (pending ??= ctx.api.get<UserAnswer>(`/users/${id}`, undefined, ctx.signal).catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
  void load(ctx, profileBody, getUser, (answer) => profileBody.append(profile(answer)), 'Loading the profile…');
  void load(
    ctx,
    ratedBody,
    getUser,
    (answer) => {
      if (answer.topRated === undefined) ratedCard.hidden = true;
      else ratedBody.append(topRated(answer));
    },
    'Loading their ratings…',
  );
  void load(
    ctx,
    recsBody,
    () => ctx.api.get<RecommendationsAnswer>(`/users/${id}/recommendations`, { k: recommendationsK }, ctx.signal),
    (answer) => {
      recsBody.append(recommendationList(answer));
      ctx.announce(`${pluralize(answer.recommendations.length, 'recommendation')} for user ${id}`);
    },
    'Computing recommendations…',
  );
  void showNextMovies(ctx, id, nextCard, nextBody);
}

/**
 * "Because they just watched ...": the sequence model's guesses from the order of the user's
 * ratings. "They", not "you": this page shows another user's history (the visitor's own picks
 * get "you" on the rate page). The card stays hidden when the model has no LSTM (503
 * NOT_READY) or on any error: it is an extra, and the recommendations above already cover the user.
 */
async function showNextMovies(ctx: ViewContext, id: number, card: HTMLElement, body: HTMLElement): Promise<void> {
  try {
    const answer = await ctx.api.get<NextMoviesAnswer>(`/users/${id}/next`, { k: 10 }, ctx.signal);
    if (ctx.signal.aborted || answer.next.length === 0) return;
    body.append(...nextMoviesList('they', answer.lastWatched, answer.next));
    card.hidden = false;
  } catch {
    card.hidden = true;
  }
}
