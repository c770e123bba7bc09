/**
 * "Rate for this user" on a dataset user's page: a live rating (`POST /users/:id/ratings`, an
 * admin call), shown in their recommendations at once. Visitors rate on the rate page instead
 * (folding-in, no key); without the admin key saved in this tab the card says where to enter it.
 */
import { describeError } from '../lib/api-client';
import { loadApiKey } from '../lib/api-key';
import { parseLiveRating } from '../lib/live-rating';
import { formatHash } from '../lib/route';
import { h } from '../ui/dom';
import { idField } from '../ui/id-field';
import type { ViewContext } from './context';

/** The card; `onRated` runs after each accepted rating (to reload what it changes). */
export function rateUserCard(ctx: ViewContext, userId: number, onRated: () => void): HTMLElement {
  const card = h('section', { class: 'card', id: 'rate-user' }, h('h2', {}, 'Rate for this user'));
  if (loadApiKey() === null) {
    card.append(h('p', { class: 'muted' }, 'Rating for a dataset user is an admin action: save the API key on the ', h('a', { href: formatHash({ name: 'admin' }) }, 'Admin page'), ' first.'));
    return card;
  }
  const [movieLabel, movie] = idField('rate-user-movie', 'movie', 'Movie id');
  const stars = h('input', { id: 'rate-user-stars', name: 'stars', type: 'number', min: 0.5, max: 5, step: 0.5, class: 'input input-narrow', required: true, value: 4 });
  const status = h('p', { class: 'muted', role: 'status' });
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Rate a movie for this user' },
    movieLabel,
    movie,
    h('label', { for: 'rate-user-stars', class: 'label' }, 'Stars'),
    stars,
    h('button', { type: 'submit', class: 'button' }, 'Rate'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = parseLiveRating(movie.value, stars.value);
    if (typeof input === 'string') {
      status.textContent = input;
      return;
    }
    status.textContent = 'Sending…';
    ctx.api.postJson(`/users/${userId}/ratings`, input, true, ctx.signal).then(
      () => {
        status.textContent = `Rated movie ${input.movieId} ${input.rating} ★: their recommendations above already count it.`;
        ctx.announce(status.textContent);
        onRated();
      },
      (error: unknown) => {
        if (!ctx.signal.aborted) status.textContent = describeError(error);
      },
    );
  });
  card.append(form, status);
  return card;
}
