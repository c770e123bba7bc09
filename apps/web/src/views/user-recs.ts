/**
 * The user page's recommendations card: the visitor picks the ranking algorithm (default: the
 * served set's model selection) and a genre, and pages through the list. Each entry keeps its
 * "Because they liked ..." line; the heading names the algorithm that answered and a line says
 * what its score means. The filters are kept in the route (replaceState: choosing does not add a
 * history entry per click, and a reload shows the same page).
 */
import type { RecommendationsAnswer } from '../lib/api-types';
import { formatHash } from '../lib/route';
import { pluralize } from '../lib/format';
import type { RecsFilters, RecsProblem, ServedAlgorithm } from '../lib/recs-filters';
import { algorithmOptions, nextOffset, noRecsFilters, pageRanks, previousOffset, recsProblem, recsQuery, scoresAreStars } from '../lib/recs-filters';
import { h, replaceChildren } from '../ui/dom';
import { empty } from '../ui/status';
import type { ViewContext } from './context';
import { load, supersedingSignal } from './context';
import { becauseLine, predictedFigure, rankedList } from './movie-lists';
import { loadGenres } from './search.view';

/** Recommendations per page (`?k=`). */
export const RECS_PAGE_SIZE = 20;

/** The card, and `reload` to ask with the current filters (the view calls it first, and again after a live rating). */
export interface RecommendationsCard {
  card: HTMLElement;
  reload: () => void;
}

/** A non-star score (item weights, preferences: only the order means something), labelled with its unit. */
function rawScoreFigure(score: number, unit: string): HTMLElement {
  return h('span', { class: 'score', title: `Score: ${unit}` }, h('span', { class: 'figure' }, `score ${score.toFixed(3)}`));
}

/** One page of the answer, or the empty state the filters explain. */
function recsPage(answer: RecommendationsAnswer, filters: RecsFilters): HTMLElement {
  if (answer.recommendations.length === 0) {
    if (answer.offset > 0) return empty('No more recommendations.', 'The list ended on the previous page.');
    if (filters.genre !== '') return empty(`No recommendations in ${filters.genre}.`, 'Every movie of this genre is rated already, or the model ranks none; try another genre.');
    return empty('No recommendations.', 'The model has nothing new to suggest here.');
  }
  const stars = scoresAreStars(answer.scoreUnit);
  return rankedList(
    answer.recommendations,
    (r) => h('span', { class: 'rec-figure' }, stars ? predictedFigure(r.score) : rawScoreFigure(r.score, answer.scoreUnit), becauseLine(r.because, 'they')),
    { id: 'recs-list', start: String(answer.offset + 1) },
  );
}

/** A refused filter (a kind not trained, a 400): said in the card, with a way back to no filter. */
function problemState(problem: RecsProblem, clear: () => void): HTMLElement {
  return h(
    'div',
    { class: 'state state-error', role: 'alert', id: 'recs-problem' },
    h('strong', {}, problem.title),
    h('p', {}, problem.hint),
    h('button', { type: 'button', class: 'button secondary', onclick: () => clear() }, 'Clear the filters'),
  );
}

/** A labelled select (the label above it, as the page's other forms). */
function labelledSelect(id: string, label: string, onChange: (value: string) => void): [HTMLLabelElement, HTMLSelectElement] {
  const select = h('select', { id, class: 'input input-narrow' });
  select.addEventListener('change', () => onChange(select.value));
  return [h('label', { for: id, class: 'label' }, label), select];
}

/** Builds the card for `userId`, starting from `initial` (the route's filters); it loads on `reload`. */
export function recommendationsCard(ctx: ViewContext, userId: number, initial: RecsFilters): RecommendationsCard {
  let filters = initial;
  const heading = h('h2', { id: 'recs-heading' }, 'Recommended');
  const body = h('div', { id: 'recs-body' });
  const [algorithmLabel, algorithmSelect] = labelledSelect('recs-algorithm', 'Algorithm', (algorithm) => change({ ...filters, algorithm, offset: 0 }));
  const [genreLabel, genreSelect] = labelledSelect('recs-genre', 'Genre', (genre) => change({ ...filters, genre, offset: 0 }));
  const nextSignal = supersedingSignal(ctx);
  let algorithms: readonly ServedAlgorithm[] | undefined;
  let genres: string[] = [];

  const fillAlgorithms = (): void =>
    replaceChildren(algorithmSelect, algorithmOptions(algorithms, filters.algorithm).map((o) => h('option', { value: o.value, selected: o.value === filters.algorithm }, o.label)));
  // A genre the route asks for that the list lacks stays selectable, so the select shows what was asked (the API's 400 says why).
  const fillGenres = (): void =>
    replaceChildren(
      genreSelect,
      h('option', { value: '' }, 'Any genre'),
      [...genres, ...(filters.genre === '' || genres.includes(filters.genre) ? [] : [filters.genre])].map((g) => h('option', { value: g, selected: g === filters.genre }, g)),
    );
  fillAlgorithms();
  fillGenres();
  void ctx.infoLoaded().then((info) => {
    algorithms = info?.status?.model?.algorithms;
    if (!ctx.signal.aborted) fillAlgorithms();
  });
  void loadGenres(ctx).then(
    (names) => {
      genres = names;
      if (!ctx.signal.aborted) fillGenres();
    },
    () => undefined, // No genre list (no model yet): "Any genre" and what the route asked stay.
  );

  function change(next: RecsFilters): void {
    filters = next;
    const hash = formatHash({ name: 'user', id: userId, recs: filters });
    if (location.hash !== hash) history.replaceState(null, '', hash);
    fillAlgorithms();
    fillGenres();
    show();
  }

  function pager(answer: RecommendationsAnswer): HTMLElement | null {
    const previous = previousOffset(answer.offset, RECS_PAGE_SIZE);
    const next = nextOffset(answer, RECS_PAGE_SIZE);
    if (previous === null && next === null) return null;
    const button = (label: string, offset: number | null, id: string) =>
      h('button', { type: 'button', class: 'button secondary small', id, disabled: offset === null, onclick: () => offset !== null && change({ ...filters, offset }) }, label);
    return h(
      'nav',
      { class: 'pager more', 'aria-label': 'Recommendation pages' },
      button('Previous', previous, 'recs-previous'),
      h('span', { class: 'muted', id: 'recs-ranks' }, ` ${pageRanks(answer.offset, answer.recommendations.length)} `),
      button('Next', next, 'recs-next'),
    );
  }

  function show(): void {
    const signal = nextSignal();
    const asked = filters;
    heading.textContent = 'Recommended';
    void load(
      ctx,
      body,
      async (): Promise<{ answer: RecommendationsAnswer } | { problem: RecsProblem }> => {
        try {
          return { answer: await ctx.api.get<RecommendationsAnswer>(`/users/${userId}/recommendations`, recsQuery(asked, RECS_PAGE_SIZE), signal) };
        } catch (error) {
          const problem = recsProblem(error, asked);
          if (problem === null) throw error;
          return { problem };
        }
      },
      (result) => {
        if ('problem' in result) {
          body.append(problemState(result.problem, () => change(noRecsFilters)));
          ctx.announce(result.problem.title);
          return;
        }
        const { answer } = result;
        heading.textContent = `Recommended by ${answer.algorithm}`;
        replaceChildren(
          body,
          h('p', { class: 'muted', id: 'recs-about' }, `${asked.algorithm === '' ? 'Chosen by model selection. ' : ''}Score: ${answer.scoreUnit}.`),
          recsPage(answer, asked),
          pager(answer),
        );
        const where = asked.genre === '' ? '' : ` in ${asked.genre}`;
        ctx.announce(`${pluralize(answer.recommendations.length, 'recommendation')}${where} for user ${userId} by ${answer.algorithm}`);
      },
      'Computing recommendations…',
      signal,
    );
  }

  const card = h(
    'section',
    { class: 'card', id: 'recommendations' },
    heading,
    h('form', { class: 'inline-form recs-filters', 'aria-label': 'Recommendation filters', onsubmit: (event: Event) => event.preventDefault() }, h('div', {}, algorithmLabel, algorithmSelect), h('div', {}, genreLabel, genreSelect)),
    body,
  );
  return { card, reload: show };
}
