/** The sequence model's "what next" list, shared by a user's page and the visitor's own picks. */
import { ApiError } from '../lib/api-client';
import type { NextMovie, NextMoviesAnswer } from '../lib/api-types';
import type { ServiceInfo } from './context';
import { h } from '../ui/dom';
import { listedLink, nextRankFigure, rankedList } from './movie-lists';

/**
 * "Because <who> just watched <movie>:" over the ranked next movies. `who` is `'you'` for
 * the visitor's own picks (the rate view) and `'they'` on a user's page, whose history
 * belongs to that user, not to the reader. Without a last movie the lead names the order of
 * the ratings instead.
 */
export function nextMoviesList(who: 'you' | 'they', last: { movieId: number; title: string | null } | null, next: readonly NextMovie[]): HTMLElement[] {
  // The movie named inside the sentence: its title only (the year and genres are for list entries).
  const lead = last === null ? `From the order of ${who === 'you' ? 'your' : 'their'} ratings:` : h('span', {}, `Because ${who} just watched `, listedLink({ movieId: last.movieId, title: last.title, year: null, genres: [] }), ':');
  return [h('p', { class: 'next-lead' }, lead), rankedList(next, (_m, rank) => nextRankFigure(rank))];
}

/**
 * "The first one mostly because they rated <movie> 4★": the step of the history the API names
 * as the one whose removal lowers the first suggestion's score most (`drivenBy`). Null when the
 * answer names none.
 */
export function drivenByLine(who: 'you' | 'they', drivenBy: NextMoviesAnswer['drivenBy']): HTMLElement | null {
  if (drivenBy === null) return null;
  const stars = drivenBy.rating === null ? '' : ` ${drivenBy.rating}★`;
  const when = drivenBy.stepsAgo === 0 ? ' (the last one)' : ` (${drivenBy.stepsAgo} ratings ago)`;
  return h('p', { class: 'next-driven-by muted', id: 'next-driven-by' }, `The first one mostly because ${who} rated `,
    listedLink({ movieId: drivenBy.movieId, title: drivenBy.title, year: null, genres: [] }), `${stars}${when}.`);
}

/**
 * One line instead of next movies when the API has none to give: the sequence model is
 * being trained (503 LSTM_TRAINING; with its percent when the status has it), was never
 * asked for (NOT_READY), or the request failed.
 */
export function nextMoviesUnavailable(error: unknown, info: ServiceInfo | null): string {
  if (error instanceof ApiError && error.code === 'LSTM_TRAINING') {
    const build = info?.status?.builds.find((b) => b.lstmPercent !== null);
    const done = build === undefined ? '' : ` (${Math.round(build.lstmPercent!)}% done)`;
    return `The sequence model (LSTM) is being trained${done}; next-movie suggestions appear here when it is ready, usually within minutes.`;
  }
  if (error instanceof ApiError && error.code === 'NOT_READY') return 'Next-movie suggestions appear once the served model includes the sequence model (LSTM).';
  return 'Next-movie suggestions are unavailable right now.';
}
