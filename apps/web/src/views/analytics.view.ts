/** Analytics: one chart at a time, chosen from a sub-navigation, with the controls it takes. */
import { chartData, startingMinimum } from '../lib/chart-data';
import { formatCount, formatRating } from '../lib/format';
import type { ChartId } from '../lib/route';
import { chartIds, formatHash } from '../lib/route';
import type { Query } from '../lib/api-client';
import { barChart } from '../ui/chart';
import { h, replaceChildren } from '../ui/dom';
import { empty, loading } from '../ui/status';
import { debounce } from '../lib/debounce';
import type { ServiceInfo, ViewContext } from './context';
import { hasDemographics, load, supersedingSignal } from './context';

/** Title, one-line explanation and table label heading of each chart. */
const charts: Record<ChartId, { title: string; about: string; item: string }> = {
  'top-rated': { title: 'Top rated', about: 'Movies with the highest mean rating among those with at least the chosen number of ratings.', item: 'Movie' },
  'most-rated': { title: 'Most rated', about: 'Movies rated by the most people.', item: 'Movie' },
  'gender-gap': { title: 'Gender gap', about: 'Movies women and men rate most differently, each with at least the chosen number of ratings from both.', item: 'Movie' },
  divisive: { title: 'Most divisive', about: 'Movies whose ratings disagree the most: the highest standard deviation, among those with enough ratings.', item: 'Movie' },
  distribution: { title: 'Rating distribution', about: 'How many ratings of each star value the dataset holds.', item: 'Stars' },
  'by-age': { title: 'By age group', about: 'Mean rating given by each age group of raters.', item: 'Age group' },
  'by-occupation': { title: 'By occupation', about: 'Mean rating given by each occupation of raters.', item: 'Occupation' },
  'by-genre': { title: 'By genre', about: 'Mean rating of the movies of each genre.', item: 'Genre' },
};

/** Charts that rest on the raters' demographics (a users file): not shown for a dataset without one. */
const demographicCharts: ReadonlySet<ChartId> = new Set(['gender-gap', 'by-age', 'by-occupation']);

/** Charts with a minimum number of ratings to lower when they come out empty. */
const withMinimum: ReadonlySet<ChartId> = new Set(['top-rated', 'divisive', 'gender-gap']);

/** Controls a chart takes, as query parameters; each change redraws the chart. */
interface Controls {
  element: HTMLElement | null;
  query: () => Query;
}

function slider(id: string, label: string, min: number, max: number, value: number, onChange: () => void): { element: HTMLElement; value: () => number } {
  const output = h('output', { for: id, class: 'slider-value' }, String(value));
  const input = h('input', { id, type: 'range', min, max, step: 1, value, class: 'slider' });
  const changed = debounce(onChange, 300);
  input.addEventListener('input', () => {
    output.textContent = input.value;
    changed();
  });
  return { element: h('div', { class: 'control' }, h('label', { for: id, class: 'label' }, label), h('div', { class: 'slider-row' }, input, output)), value: () => Number(input.value) };
}

function controlsFor(chart: ChartId, info: ServiceInfo | null, redraw: () => void): Controls {
  if (chart === 'top-rated' || chart === 'divisive') {
    const s = slider('min-ratings', 'Minimum number of ratings', 1, 500, startingMinimum(info?.ratings ?? null, info?.movies ?? null, 100, 1), redraw);
    return { element: s.element, query: () => ({ minRatings: s.value() }) };
  }
  if (chart === 'gender-gap') {
    const radios = (['women', 'men'] as const).map((d) => {
      const input = h('input', { type: 'radio', name: 'direction', id: `dir-${d}`, value: d, checked: d === 'women' });
      input.addEventListener('change', redraw);
      return h('span', { class: 'radio' }, input, h('label', { for: `dir-${d}` }, d === 'women' ? 'Women rate higher' : 'Men rate higher'));
    });
    const fieldset = h('fieldset', { class: 'control segmented' }, h('legend', { class: 'label' }, 'Direction'), radios);
    const s = slider('min-per-gender', 'Minimum ratings from each gender', 1, 200, startingMinimum(info?.ratings ?? null, info?.movies ?? null, 50, 0.25), redraw);
    return {
      element: h('div', { class: 'controls' }, fieldset, s.element),
      query: () => ({ direction: fieldset.querySelector<HTMLInputElement>('input:checked')?.value ?? 'women', minPerGender: s.value() }),
    };
  }
  return { element: null, query: () => ({}) };
}

/** Renders the analytics page on `chart`. */
export function analyticsView(ctx: ViewContext, chart: ChartId): void {
  const meta = charts[chart];
  ctx.setTitle(`Analytics: ${meta.title}`);
  const tabs = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Charts' },
    h('ul', {}, chartIds.map((id) => h('li', {}, h('a', { href: formatHash({ name: 'analytics', chart: id }), 'aria-current': id === chart ? 'page' : null }, charts[id].title)))),
  );
  const body = h('div', { class: 'chart-body' });
  let destroy: (() => void) | null = null;
  ctx.onCleanup(() => destroy?.());
  const nextSignal = supersedingSignal(ctx);

  const draw = (): void => {
    const signal = nextSignal();
    void load(
      ctx,
      body,
      () => ctx.api.get<unknown>(`/analytics/${chart}`, controls?.query() ?? {}, signal),
      (answer) => {
        destroy?.();
        destroy = null;
        const data = chartData(chart, answer);
        if (data.labels.length === 0) {
          replaceChildren(body, empty('Nothing to show.', withMinimum.has(chart) ? 'No movie has that many ratings; try a lower minimum.' : 'This dataset has no rows for this chart.'));
          ctx.announce(`${meta.title}: nothing to show`);
          return;
        }
        const drawn = barChart({
          title: meta.title,
          hideCaption: true,
          labelHeading: meta.item,
          ...data,
          format: data.kind === 'count' ? formatCount : (v) => formatRating(v),
          columns: data.counts === undefined ? [] : [{ label: 'Ratings', values: data.counts, format: formatCount }],
        });
        destroy = drawn.destroy;
        body.append(drawn.element);
        ctx.announce(`${meta.title}: ${data.labels.length} rows shown`);
      },
      'Loading the chart…',
      signal,
    );
  };
  let controls: Controls | null = null;
  const controlsSlot = h('div');
  ctx.root.append(
    h('h1', {}, 'Analytics'),
    tabs,
    h('section', { class: 'card', 'aria-labelledby': 'chart-h' }, h('h2', { id: 'chart-h' }, meta.title), h('p', { class: 'muted' }, meta.about), controlsSlot, body),
  );
  replaceChildren(body, loading('Loading the chart…'));
  // The sliders start from the dataset size, so wait for it on a first visit straight to a chart.
  void ctx.infoLoaded().then((info) => {
    if (ctx.signal.aborted) return;
    if (!hasDemographics(info ?? ctx.info())) {
      // No users file (the CSV releases): the gender, age and occupation charts cannot be drawn.
      for (const link of tabs.querySelectorAll('a')) {
        if (demographicCharts.has(link.getAttribute('href')?.split('/').pop() as ChartId)) link.closest('li')?.remove();
      }
      if (demographicCharts.has(chart)) {
        replaceChildren(
          body,
          empty('This dataset has no demographics.', 'Its release has no users file (the CSV releases of MovieLens have none), so ratings by gender, age and occupation cannot be shown. The other charts can.'),
        );
        ctx.announce(`${meta.title}: this dataset has no demographics`);
        return;
      }
    }
    controls = controlsFor(chart, info ?? ctx.info(), draw);
    replaceChildren(controlsSlot, controls.element);
    draw();
  });
}
