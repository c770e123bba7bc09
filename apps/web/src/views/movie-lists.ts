/**
 * The ranked movie lists of the page (similar movies, recommendations, next movies, a
 * user's highest rated, the home page's rankings): each entry links to its movie with its
 * year and genres, and shows one number, always labelled with what it is.
 */
import type { ListedMovie } from '../lib/api-types';
import { formatCount, formatPredicted, formatRating, formatSimilarity, starsText } from '../lib/format';
import { h } from '../ui/dom';
import { movieLink } from './search.view';

/** A link to a list entry's movie (a movie the catalogue lacks reads "movie <id>"). */
export function listedLink(m: ListedMovie): HTMLElement {
  return movieLink({ id: m.movieId, title: m.title ?? `movie ${m.movieId}`, year: m.year, genres: m.genres });
}

/** An ordered list of movies, each with the figure `figure` draws for it (rank is 1-based). */
export function rankedList<T extends ListedMovie>(items: readonly T[], figure: (item: T, rank: number) => HTMLElement | null, attrs: Record<string, string> = {}): HTMLElement {
  return h('ol', { class: 'ranked-list', ...attrs }, items.map((m, i) => h('li', {}, listedLink(m), figure(m, i + 1))));
}

/** "62% similar" with a bar from 0 to 100%: the cosine similarity of the two movies in the model. */
export function similarityFigure(cosine: number, ratings: number | null): HTMLElement {
  return h(
    'span',
    { class: 'score', title: 'Cosine similarity of the two movies in the model: 100% = the same taste profile, 0% = unrelated' },
    h('meter', { min: 0, max: 1, value: Math.max(0, cosine), 'aria-hidden': 'true' }),
    h('span', { class: 'figure' }, `${formatSimilarity(cosine)} similar`),
    ratings === null ? null : h('span', { class: 'muted' }, ` · ${formatCount(ratings)} ratings`),
  );
}

/** "predicted ★ 4.35 / 5": the stars the model expects the user to give (clamped to the scale). */
export function predictedFigure(score: number): HTMLElement {
  return h(
    'span',
    { class: 'score', title: `The model predicts this rating (raw score ${score.toFixed(3)}), on the 1–5 star scale` },
    h('span', { class: 'figure' }, 'predicted ', h('span', { class: 'star', 'aria-hidden': 'true' }, '★'), ` ${formatPredicted(score)} / 5`),
  );
}

/** "X", "X and Y", "X, Y and Z". */
function namesInProse(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * "Because you liked X and Y": the rated movies that contributed most to a recommendation
 * (`?explain=1`), `who` = "you" on the visitor's own picks, "they" on another user's page; null
 * when the answer names none.
 */
export function becauseLine(because: readonly { movieId: number; title: string | null }[] | undefined, who: 'you' | 'they'): HTMLElement | null {
  if (because === undefined || because.length === 0) return null;
  const names = because.map((b) => b.title ?? `movie ${b.movieId}`);
  return h('span', { class: 'because', title: 'The movies rated that pushed this recommendation up the most' }, `Because ${who} liked ${namesInProse(names)}`);
}

/** "next-movie rank 1": the sequence model's order (its scores mean nothing on their own). */
export function nextRankFigure(rank: number): HTMLElement {
  return h('span', { class: 'score', title: 'Order of the sequence model (LSTM): 1 = the most likely next movie' }, h('span', { class: 'figure' }, `next-movie rank ${rank}`));
}

/** "rated ★★★★☆": a user's own stars. */
export function ratedFigure(rating: number): HTMLElement {
  return h('span', { class: 'stars', 'aria-label': `rated ${rating} stars` }, h('span', { class: 'muted' }, 'rated '), starsText(rating));
}

/** "mean ★ 4.52 · 1,234 ratings": a movie's mean rating and how many ratings it rests on. */
export function meanFigure(mean: number | null, count: number): HTMLElement {
  return h('span', { class: 'score' }, h('span', { class: 'figure' }, 'mean ', h('span', { class: 'star', 'aria-hidden': 'true' }, '★'), ` ${formatRating(mean)}`), ` · ${formatCount(count)} ratings`);
}

/** "1,234 ratings · mean ★ 3.90". */
export function countFigure(count: number, mean: number | null): HTMLElement {
  return h('span', { class: 'score' }, h('span', { class: 'figure' }, `${formatCount(count)} ratings`), ' · mean ', h('span', { class: 'star', 'aria-hidden': 'true' }, '★'), ` ${formatRating(mean)}`);
}

/** "57 recent ratings · 1,234 in all". */
export function recentFigure(recent: number, count: number): HTMLElement {
  return h('span', { class: 'score' }, h('span', { class: 'figure' }, `${formatCount(recent)} recent ratings`), ` · ${formatCount(count)} in all`);
}
