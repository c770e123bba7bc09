/** Footer: the model being served and the size of the data it was built from. */
import type { ApiClient } from '../lib/api-client';
import type { ModelsAnswer } from '../lib/api-types';
import { describeError } from '../lib/api-client';
import { formatCount } from '../lib/format';
import { h, replaceChildren } from '../ui/dom';
import type { ServiceInfo } from './context';

/** Loads the service info (from `GET /models`) and shows it in `footer`; resolves to it (null on failure). */
export async function loadFooter(api: ApiClient, footer: HTMLElement): Promise<ServiceInfo | null> {
  try {
    const answer = await api.get<ModelsAnswer>('/models');
    const current = answer.versions.find((v) => v.version === answer.current) ?? null;
    const counts = current?.metrics?.counts ?? {};
    const info: ServiceInfo = { model: answer.current, movies: counts.movies ?? null, users: counts.users ?? null, ratings: counts.ratings ?? null };
    if (info.model === null) {
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
    return info;
  } catch (error) {
    replaceChildren(footer, h('span', {}, `Service status unavailable: ${describeError(error)}`));
    return null;
  }
}
