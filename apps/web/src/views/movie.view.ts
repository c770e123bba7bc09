/** One movie: year, genres, rating statistics with a histogram, and its similar movies. */
import type { MovieAnswer, SimilarAnswer } from '../lib/api-types';
import { formatCount, formatRating, pluralize, titleWithYear } from '../lib/format';
import { distributionBars } from '../lib/chart-data';
import { barChart } from '../ui/chart';
import { h } from '../ui/dom';
import { empty } from '../ui/status';
import type { ViewContext } from './context';
import { load } from './context';
import { rankedList, similarityFigure } from './movie-lists';
import { lastSearchHash } from './search.view';

/** How many similar movies to show. */
const similarK = 20;

function statsPanel(ctx: ViewContext, answer: MovieAnswer): HTMLElement {
  const stats = answer.stats;
  if (stats === null || stats.count === 0) return empty('No ratings yet for this movie.');
  const figure = h(
    'dl',
    { class: 'stat-row' },
    h('div', { class: 'stat' }, h('dt', {}, 'Mean rating'), h('dd', { class: 'stat-value' }, formatRating(stats.mean), h('span', { class: 'stat-unit' }, ' / 5'))),
    h('div', { class: 'stat' }, h('dt', {}, 'Ratings'), h('dd', { class: 'stat-value' }, formatCount(stats.count))),
    stats.std === undefined || stats.std === null ? null : h('div', { class: 'stat' }, h('dt', {}, 'Spread (std. dev.)'), h('dd', { class: 'stat-value' }, formatRating(stats.std))),
  );
  if (stats.histogram === null) return figure;
  const bins = distributionBars(stats.histogram);
  const chart = barChart({
    title: 'How people rated it',
    labelHeading: 'Stars',
    labels: bins.map((b) => `${b.stars} ★`),
    series: [{ label: 'Ratings', values: bins.map((b) => b.count) }],
    valueAxis: 'Number of ratings',
    format: formatCount,
  });
  ctx.onCleanup(chart.destroy);
  return h('div', {}, figure, chart.element);
}

function similarList(answer: SimilarAnswer): HTMLElement {
  if (answer.similar.length === 0) return empty('No similar movies.', 'The model found no neighbours for this movie (too few ratings).');
  return rankedList(answer.similar, (s) => similarityFigure(s.score, s.count), { id: 'similar-list' });
}

/** Renders the movie page. */
export function movieView(ctx: ViewContext, id: number): void {
  const header = h('div', { class: 'page-head' }, h('h1', {}, `Movie ${id}`));
  const stats = h('section', { class: 'card', 'aria-labelledby': 'stats-h' });
  const similarBody = h('div');
  const similar = h('section', { class: 'card', 'aria-labelledby': 'similar-h' }, h('h2', { id: 'similar-h' }, 'Similar movies'), similarBody);
  ctx.root.append(h('p', {}, h('a', { href: lastSearchHash(), class: 'back-link' }, '← Back to search')), header, h('div', { class: 'grid-2' }, stats, similar));

  void load(
    ctx,
    stats,
    () => ctx.api.get<MovieAnswer>(`/movies/${id}`, undefined, ctx.signal),
    (answer) => {
      const title = titleWithYear(answer.movie.title, answer.movie.year);
      ctx.setTitle(title);
      header.replaceChildren(
        h('h1', {}, title),
        h('ul', { class: 'chips', 'aria-label': 'Genres' }, answer.movie.genres.map((g) => h('li', { class: 'chip' }, g))),
      );
      stats.append(h('h2', { id: 'stats-h' }, 'Ratings'), statsPanel(ctx, answer));
      ctx.announce(`${title}: mean rating ${formatRating(answer.stats?.mean)} from ${pluralize(answer.stats?.count ?? 0, 'rating')}`);
    },
    'Loading the movie…',
  );
  void load(
    ctx,
    similarBody,
    () => ctx.api.get<SimilarAnswer>(`/movies/${id}/similar`, { k: similarK }, ctx.signal),
    (answer) => {
      similarBody.append(similarList(answer));
      ctx.announce(`${pluralize(answer.similar.length, 'similar movie')} listed`);
    },
    'Finding similar movies…',
  );
}
