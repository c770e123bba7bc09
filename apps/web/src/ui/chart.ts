/**
 * Bar charts with Chart.js (bundled; only the pieces used are registered so the bundle
 * stays small). Every chart is a `<figure>` with a caption and the same numbers in a
 * data table, so screen-reader users and keyboard users get the data, not a picture.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { h } from './dom';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** Series colours: blue / orange pair is distinguishable with the common colour-vision deficiencies. */
export const palette = ['#2563eb', '#ea580c', '#059669', '#7c3aed'];

/** One series of a bar chart. */
export interface Series {
  label: string;
  values: number[];
  /** Colour; default from {@link palette} by position. */
  color?: string;
}

/** What to draw. */
export interface BarChartSpec {
  /** Caption (also the chart's accessible name). */
  title: string;
  /** Keep the caption for screen readers only, when a heading right above already says it. Default false. */
  hideCaption?: boolean;
  labels: string[];
  /** Heading of the label column in the table; default `Item`. */
  labelHeading?: string;
  series: Series[];
  /** Horizontal bars: the right choice for long labels such as movie titles. Default false. */
  horizontal?: boolean;
  /** Axis title of the values. */
  valueAxis?: string;
  /** Formats values in the table and tooltips; default `String`. */
  format?: (value: number) => string;
  /** More columns for the table only (e.g. rating counts beside mean ratings), each with its own format. */
  columns?: { label: string; values: number[]; format: (value: number) => string }[];
  /** Value axis bounds, e.g. 1..5 for mean ratings. */
  min?: number;
  max?: number;
}

/** A drawn chart: its element and a `destroy` to free the canvas when the view changes. */
export interface DrawnChart {
  element: HTMLElement;
  destroy: () => void;
}

function dataTable(spec: BarChartSpec): HTMLElement {
  const format = spec.format ?? String;
  const columns = [...spec.series.map((s) => ({ label: s.label, values: s.values, format })), ...(spec.columns ?? [])];
  return h(
    'details',
    { class: 'chart-table' },
    h('summary', {}, 'Show the numbers'),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, spec.labelHeading ?? 'Item'), columns.map((c) => h('th', { scope: 'col', class: 'num' }, c.label)))),
        h(
          'tbody',
          {},
          spec.labels.map((label, i) => h('tr', {}, h('th', { scope: 'row' }, label), columns.map((c) => h('td', { class: 'num' }, c.format(c.values[i] ?? Number.NaN))))),
        ),
      ),
    ),
  );
}

/** Draws a bar chart; bar charts of long lists grow tall instead of squeezing labels. */
export function barChart(spec: BarChartSpec): DrawnChart {
  const horizontal = spec.horizontal ?? false;
  const height = horizontal ? Math.max(220, 28 * spec.labels.length + 60) : 300;
  const canvas = h('canvas', { role: 'img', 'aria-label': `${spec.title}. The numbers are in the table below.` });
  const figure = h(
    'figure',
    { class: 'chart' },
    h('figcaption', { class: spec.hideCaption === true ? 'visually-hidden' : null }, spec.title),
    h('div', { class: 'chart-canvas', style: `height:${height}px` }, canvas),
    dataTable(spec),
  );
  const format = spec.format ?? String;
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s, i) => ({
        label: s.label,
        data: s.values,
        backgroundColor: s.color ?? palette[i % palette.length],
        borderRadius: 3,
        maxBarThickness: 36,
      })),
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: spec.series.length > 1, position: 'bottom' },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: ${format(Number(ctx.raw))}` } },
      },
      scales: {
        [horizontal ? 'x' : 'y']: {
          min: spec.min,
          max: spec.max,
          title: { display: spec.valueAxis !== undefined, text: spec.valueAxis ?? '' },
          grid: { color: '#e5e7eb' },
        },
        [horizontal ? 'y' : 'x']: {
          grid: { display: false },
          ticks: {
            autoSkip: false,
            font: { size: 12 },
            // Long titles would squeeze the bars (or be cut mid-word by the canvas edge) on a
            // phone: shorten them there; the table below and the tooltip keep the full title.
            callback(value) {
              const label = this.getLabelForValue(Number(value));
              const max = this.chart.width < 520 ? 20 : 44;
              return label.length > max ? `${label.slice(0, max - 1)}…` : label;
            },
          },
        },
      },
    },
  });
  return { element: figure, destroy: () => chart.destroy() };
}
