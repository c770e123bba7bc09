/**
 * What Explore shows before anything is typed: movies worth clicking. Top rated (with a
 * minimum number of ratings, scaled to the dataset), most rated, recently popular (the
 * newest tenth of the dataset's own timeline) and the genres, each a link to its search.
 */
import type { RankingAnswer } from '../lib/api-types';
import { startingMinimum, type GroupStat } from '../lib/chart-data';
import { formatCount, formatTimestamp } from '../lib/format';
import { formatHash } from '../lib/route';
import { ApiError } from '../lib/api-client';
import { h } from '../ui/dom';
import { failure } from '../ui/status';
import type { ViewContext } from './context';
import { load } from './context';
import { countFigure, meanFigure, rankedList, recentFigure } from './movie-lists';

/** Movies per ranking. */
const homeK = 10;

/** A card whose body loads `path` and draws it with `draw`. */
function card<T>(ctx: ViewContext, id: string, title: string, task: () => Promise<T>, draw: (answer: T, body: HTMLElement, note: HTMLElement) => void): HTMLElement {
  const note = h('p', { class: 'muted card-note' });
  const body = h('div');
  void load(ctx, body, task, (answer) => draw(answer, body, note), `Loading ${title.toLowerCase()}…`);
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), note, body);
}

/** The home sections, in a grid of cards; one "no model yet" state instead while nothing is served. */
export function homeSections(ctx: ViewContext): HTMLElement {
  const slot = h('div', { class: 'home' });
  void ctx.infoLoaded().then((info) => {
    if (ctx.signal.aborted) return;
    if (info?.model === null) slot.replaceChildren(failure(new ApiError(503, 'NOT_READY', 'No model has been built yet.')));
    else slot.replaceChildren(homeCards(ctx));
  });
  return slot;
}

function homeCards(ctx: ViewContext): HTMLElement {
  const get = <T>(path: string, query: Record<string, number>) => ctx.api.get<T>(path, query, ctx.signal);
  const topRated = card(
    ctx,
    'home-top-rated',
    'Top rated',
    async () => {
      const info = (await ctx.infoLoaded()) ?? ctx.info();
      // The minimum scales with the dataset (100 ratings on ML-1M would leave a small set empty).
      const minRatings = startingMinimum(info?.ratings ?? null, info?.movies ?? null, 100, 1);
      return { minRatings, answer: await get<RankingAnswer>('/analytics/top-rated', { minRatings, limit: homeK }) };
    },
    ({ minRatings, answer }, body, note) => {
      note.textContent = `Highest mean rating among movies with at least ${formatCount(minRatings)} ratings.`;
      body.append(rankedList(answer.movies, (m) => meanFigure(m.mean, m.count)));
    },
  );
  const mostRated = card(ctx, 'home-most-rated', 'Most rated', () => get<RankingAnswer>('/analytics/most-rated', { limit: homeK }), (answer, body, note) => {
    note.textContent = 'Rated by the most people.';
    body.append(rankedList(answer.movies, (m) => countFigure(m.count, m.mean)));
  });
  const recent = card(ctx, 'home-recent', 'Recently popular', () => get<RankingAnswer>('/analytics/recently-popular', { limit: homeK }), (answer, body, note) => {
    const since = answer.since === undefined ? null : formatTimestamp(Date.parse(answer.since)).slice(0, 10);
    const until = answer.until === undefined ? null : formatTimestamp(Date.parse(answer.until)).slice(0, 10);
    note.textContent = since === null ? 'Most rated lately.' : `Most rated from ${since} to ${until}: the newest tenth of the ratings, where the data ends.`;
    body.append(rankedList(answer.movies, (m) => recentFigure(m.value, m.count)));
  });
  const genres = card(ctx, 'home-genres', 'Genres', () => ctx.api.get<Record<string, unknown>>('/analytics/by-genre', undefined, ctx.signal), (answer, body, note) => {
    const rows = (Array.isArray(answer['by-genre']) ? (answer['by-genre'] as GroupStat[]) : []).filter((g) => g.count > 0).sort((a, b) => b.count - a.count);
    note.textContent = 'Browse by genre; the number is how many ratings its movies have.';
    body.append(
      h(
        'ul',
        { class: 'chips genre-chips' },
        rows.map((g) => h('li', {}, h('a', { class: 'chip chip-link', href: formatHash({ name: 'search', query: '', genre: g.group }), title: `${formatCount(g.count)} ratings` }, g.group, h('span', { class: 'chip-count' }, ` ${formatCount(g.count)}`)))),
      ),
    );
  });
  return h('div', { class: 'home-grid', id: 'home' }, topRated, mostRated, recent, genres);
}
