/** Footer and banners: the model being served, the size and kind of its data, and what is being built. */
import type { ApiClient } from '../lib/api-client';
import type { ModelsAnswer, StatusAnswer } from '../lib/api-types';
import { describeError } from '../lib/api-client';
import { formatCount, formatTimestamp } from '../lib/format';
import { h, replaceChildren } from '../ui/dom';
import type { ServiceInfo } from './context';

/** Loads the service info (`GET /models` and `GET /status`); null when the models failed (the status may fail alone). */
export async function loadServiceInfo(api: ApiClient): Promise<ServiceInfo> {
  const [answer, status] = await Promise.all([api.get<ModelsAnswer>('/models'), api.get<StatusAnswer>('/status').catch(() => null)]);
  const current = answer.versions.find((v) => v.version === answer.current) ?? null;
  const counts = current?.metrics?.counts;
  return { model: answer.current, movies: counts?.movies ?? null, users: counts?.users ?? null, ratings: counts?.ratings ?? null, status };
}

/** The footer line: the model and the size of its data. */
export function renderFooter(footer: HTMLElement, info: ServiceInfo | null, error?: unknown): void {
  if (info === null) {
    replaceChildren(footer, h('span', {}, `Service status unavailable: ${describeError(error)}`));
  } else if (info.model === null) {
    replaceChildren(footer, h('span', {}, 'No model is being served yet.'));
  } else {
    replaceChildren(
      footer,
      h('span', {}, 'Model ', h('code', { id: 'footer-model' }, info.model)),
      h('span', {}, `${formatCount(info.ratings)} ratings`),
      h('span', {}, `${formatCount(info.users)} users`),
      h('span', {}, `${formatCount(info.movies)} movies`),
    );
  }
}

/** Where the data comes from: MovieLens, or the synthetic generator (never credited to GroupLens). */
export function renderCredit(credit: HTMLElement, info: ServiceInfo | null): void {
  if (info?.status?.dataset?.synthetic === true) {
    replaceChildren(credit, 'Data: synthetic, made by ', h('code', {}, 'movielens generate'), ' in the MovieLens format (not real ratings)');
  } else {
    replaceChildren(credit, 'Data: ', h('a', { href: 'https://grouplens.org/datasets/movielens/' }, 'MovieLens'), ' (GroupLens Research)');
  }
}

/**
 * The banners above every view: synthetic data (always, while it is served), and "a new
 * dataset is being built" while the served model is older than the current dataset (its
 * answers still come from the previous data).
 */
export function renderBanners(banners: HTMLElement, info: ServiceInfo | null): void {
  const status = info?.status ?? null;
  const synthetic =
    status?.dataset?.synthetic === true
      ? h(
          'div',
          { class: 'banner banner-synthetic', id: 'banner-synthetic', role: 'note' },
          h('strong', {}, 'Synthetic demo data. '),
          'The movies, users and ratings here are made up by the generator (no MovieLens release was loaded), so titles will not be familiar. ',
          'Load a real release with ',
          h('code', {}, 'npm start -- <folder>'),
          ' or on the ',
          h('a', { href: '#/admin' }, 'Admin page'),
          '.',
        )
      : null;
  const fresh = status?.newDataset ?? null;
  const building =
    fresh === null
      ? null
      : h(
          'div',
          { class: 'banner banner-building', id: 'banner-building', role: 'status' },
          h('span', { class: 'spinner', 'aria-hidden': 'true' }),
          h(
            'span',
            {},
            h('strong', {}, 'A new dataset is being built'),
            fresh.createdAt === null ? '' : ` (uploaded ${formatTimestamp(Date.parse(fresh.createdAt))})`,
            '. Until its model is ready, search, similar movies and recommendations answer from the previous dataset.',
          ),
        );
  replaceChildren(banners, synthetic, building);
}
