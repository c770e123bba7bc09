/**
 * Rating controls for one movie: five star radios (arrow keys move between them, as in any
 * radio group) and a "like" toggle. The caller owns the state; this only reports choices.
 */
import type { RatedMovie } from '../lib/rate-state';
import { h } from './dom';

/** What the user chose. */
export type RateChoice = { kind: 'stars'; stars: number } | { kind: 'like' } | { kind: 'remove' };

/**
 * Builds the controls. `scope` keeps ids unique when the same movie appears twice on the
 * page (search results and the rated list).
 */
export function rateControl(scope: string, movie: { movieId: number; title: string }, current: RatedMovie['rating'] | null, onChoose: (choice: RateChoice) => void, removable = false): HTMLElement {
  const name = `${scope}-${movie.movieId}`;
  const stars = [1, 2, 3, 4, 5].map((n) => {
    const id = `${name}-s${n}`;
    const input = h('input', { type: 'radio', name, id, value: n, class: 'star-input', checked: current === n });
    input.addEventListener('change', () => onChoose({ kind: 'stars', stars: n }));
    return [input, h('label', { for: id, class: 'star-label', title: `${n} star${n > 1 ? 's' : ''}` }, h('span', { class: 'visually-hidden' }, `${n} star${n > 1 ? 's' : ''}`), h('span', { 'aria-hidden': 'true' }, '★'))];
  });
  const liked = current === 'like';
  return h(
    'div',
    { class: 'rate-control' },
    h('fieldset', { class: 'stars' }, h('legend', { class: 'visually-hidden' }, `Your rating of ${movie.title}`), stars),
    h('button', { type: 'button', id: `${name}-like`, class: liked ? 'button like on' : 'button like', 'aria-pressed': liked ? 'true' : 'false', onclick: () => onChoose({ kind: 'like' }) }, liked ? '♥ Liked' : '♡ Like'),
    removable ? h('button', { type: 'button', id: `${name}-remove`, class: 'button secondary small', 'aria-label': `Remove ${movie.title}`, onclick: () => onChoose({ kind: 'remove' }) }, 'Remove') : null,
  );
}
