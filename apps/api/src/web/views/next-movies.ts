/** The sequence model's "what next" list, shared by a user's page and the visitor's own picks. */
import type { NextMovie } from '../lib/api-types';
import { formatScore } from '../lib/format';
import { h } from '../ui/dom';
import { movieLink } from './search.view';

/**
 * "Because <who> just watched <movie>:" over the ranked next movies. `who` is `'you'` for
 * the visitor's own picks (the rate view) and `'they'` on a user's page, whose history
 * belongs to that user, not to the reader. Without a last movie the lead names the order of
 * the ratings instead.
 */
export function nextMoviesList(who: 'you' | 'they', last: { movieId: number; title: string | null } | null, next: readonly NextMovie[]): HTMLElement[] {
  const lead =
    last === null
      ? `From the order of ${who === 'you' ? 'your' : 'their'} ratings:`
      : h('span', {}, `Because ${who} just watched `, movieLink({ id: last.movieId, title: last.title ?? `movie ${last.movieId}` }), ':');
  return [
    h('p', { class: 'next-lead' }, lead),
    h(
      'ol',
      { class: 'ranked-list' },
      next.map((m) => h('li', {}, movieLink({ id: m.movieId, title: m.title ?? `movie ${m.movieId}` }), h('span', { class: 'score', title: 'Sequence model (LSTM) score' }, `score ${formatScore(m.score)}`))),
    ),
  ];
}
