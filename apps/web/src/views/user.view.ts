/** A user: profile, favourite genres, highest-rated movies and recommendations. */
import { ApiError } from '../lib/api-client';
import type { NextMoviesAnswer, RecommendationsAnswer, UserAnswer } from '../lib/api-types';
import type { RecsFilters } from '../lib/recs-filters';
import { noRecsFilters } from '../lib/recs-filters';
import { formatCount, formatRating, genderLabel, pluralize } from '../lib/format';
import { formatHash, parseHash } from '../lib/route';
import { h, replaceChildren } from '../ui/dom';
import { idField } from '../ui/id-field';
import { empty } from '../ui/status';
import type { ViewContext } from './context';
import { hasDemographics, load } from './context';
import { drivenByLine, nextMoviesList, nextMoviesUnavailable } from './next-movies';
import { becauseLine, predictedFigure, rankedList, ratedFigure } from './movie-lists';
import { rateUserCard } from './rate-user';
import { recommendationsCard } from './user-recs';
import { randomUserId } from '../lib/random-user';

/**
 * The hash of another user's page: the recommendation filters of the current route (the card keeps
 * them there) carry over, from their first page.
 */
function userHash(id: number): string {
  const current = parseHash(location.hash);
  const recs = current.name === 'user' ? current.recs : noRecsFilters;
  return formatHash({ name: 'user', id, recs: { ...recs, offset: 0 } });
}

function pickForm(ctx: ViewContext, id: number | null): HTMLElement {
  const [label, input] = idField('user-id', 'user', 'User id', id ?? '');
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Choose a user' },
    label,
    input,
    h('button', { type: 'submit', class: 'button' }, 'Show'),
    h('button', { type: 'button', class: 'button secondary', id: 'surprise', onclick: () => (location.hash = userHash(randomUserId(ctx.info()?.users ?? null, id))) }, 'Surprise me'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = Number(input.value);
    if (Number.isInteger(value) && value > 0) location.hash = userHash(value);
  });
  return form;
}

/**
 * The profile card. `demographics` false (the dataset has no users file, as in the CSV
 * releases): gender, age, occupation and zip code are left out, with one line saying why,
 * instead of four "Not given".
 */
function profile(answer: UserAnswer, demographics: boolean): HTMLElement {
  const u = answer.user;
  const rows: [string, string][] = demographics
    ? [
        ['Gender', genderLabel(u.gender)],
        ['Age', u.ageGroup ?? (u.age === null ? 'Not given' : String(u.age))],
        ['Occupation', u.occupation ?? 'Not given'],
        ['Zip code', u.zip ?? 'Not given'],
      ]
    : [];
  // Figures the API may not know are left out rather than shown as a dash.
  if (answer.ratingCount !== null) rows.push(['Ratings', formatCount(answer.ratingCount)]);
  if (answer.meanRating !== undefined && answer.meanRating !== null) rows.push(['Mean rating given', `${formatRating(answer.meanRating)} ★`]);
  const genres = answer.favouriteGenres;
  return h(
    'div',
    {},
    h('dl', { class: 'facts' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))),
    demographics ? null : h('p', { class: 'muted', id: 'no-demographics' }, 'This dataset has no demographics (no users file), so gender, age and occupation are not known.'),
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
  return rankedList(movies, (m) => ratedFigure(m.rating));
}

/**
 * A ranked list of recommendations with the stars the model predicts for each and, when the
 * answer explains them, "Because <who> liked X and Y" under each.
 */
export function recommendationList(answer: RecommendationsAnswer, who: 'you' | 'they'): HTMLElement {
  if (answer.recommendations.length === 0) return empty('No recommendations.', 'The model has nothing new to suggest here.');
  return rankedList(answer.recommendations, (r) => h('span', { class: 'rec-figure' }, predictedFigure(r.score), becauseLine(r.because, who)));
}

/** Renders the user page; without an id, only the picker. `recs`: the recommendation filters of the route. */
export function userView(ctx: ViewContext, id: number | null, recs: RecsFilters): void {
  ctx.setTitle(id === null ? 'Users' : `User ${id}`);
  ctx.root.append(h('h1', {}, id === null ? 'Users' : `User ${id}`), h('section', { class: 'card' }, pickForm(ctx, id)));
  if (id === null) {
    ctx.root.append(empty('Pick a user id, or let chance choose.', 'You will see their profile, the movies they rated highest, and what the model recommends to them.'));
    return;
  }
  const profileBody = h('div');
  const ratedBody = h('div');
  const nextBody = h('div');
  const recsCard = recommendationsCard(ctx, id, recs);
  const nextCard = h('section', { class: 'card', id: 'next-movies', hidden: true }, h('h2', {}, 'Up next'), nextBody);
  const ratedCard = h('section', { class: 'card' }, h('h2', {}, 'Highest rated'), ratedBody);
  ctx.root.append(
    h(
      'div',
      { class: 'grid-3' },
      h('section', { class: 'card' }, h('h2', {}, 'Profile'), profileBody),
      ratedCard,
      recsCard.card,
    ),
    nextCard,
  );
  // After a live rating, the profile, ratings and recommendations are read again (the API answers with the rating in).
  const userId = id;
  const rateCard = rateUserCard(ctx, userId, () => showUser());
  ctx.root.append(rateCard);
  showUser();

  function showUser(): void {
    // Both cards come from one request; a failed request is forgotten so "Try again" refetches.
    let pending: Promise<UserAnswer> | undefined;
    const getUser = (): Promise<UserAnswer> =>
      (pending ??= ctx.api.get<UserAnswer>(`/users/${userId}`, undefined, ctx.signal).catch((error: unknown) => {
        pending = undefined;
        throw error;
      }));
    void load(
      ctx,
      profileBody,
      async () => {
        const [answer, info] = await Promise.all([getUser(), ctx.infoLoaded()]);
        return { answer, demographics: hasDemographics(info ?? ctx.info()) };
      },
      ({ answer, demographics }) => profileBody.append(profile(answer, demographics)),
      'Loading the profile…',
    );
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
    recsCard.reload();
    replaceChildren(nextBody);
    void showNextMovies(ctx, userId, nextCard, nextBody);
  }
}

/**
 * "Because they just watched ...": the sequence model's guesses from the order of the user's
 * ratings. "They", not "you": this page shows another user's history (the visitor's own picks
 * get "you" on the rate page). While an LSTM is being trained (503 LSTM_TRAINING) the card
 * says so; it stays hidden when the model has none (NOT_READY) or on any other error: it is an
 * extra, and the recommendations above already cover the user.
 */
async function showNextMovies(ctx: ViewContext, id: number, card: HTMLElement, body: HTMLElement): Promise<void> {
  try {
    const answer = await ctx.api.get<NextMoviesAnswer>(`/users/${id}/next`, { k: 10 }, ctx.signal);
    if (ctx.signal.aborted || answer.next.length === 0) return;
    body.append(...nextMoviesList('they', answer.lastWatched, answer.next));
    const driver = drivenByLine('they', answer.drivenBy);
    if (driver !== null) body.append(driver);
    card.hidden = false;
  } catch (error) {
    if (ctx.signal.aborted) return;
    const training = error instanceof ApiError && error.code === 'LSTM_TRAINING';
    if (training) body.append(h('p', { class: 'muted', id: 'next-movies-note' }, nextMoviesUnavailable(error, ctx.info())));
    card.hidden = !training;
  }
}
