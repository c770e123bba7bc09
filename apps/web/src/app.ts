/**
 * The app shell: reads the route from the hash, tears the previous view down (aborting its
 * requests, destroying its charts), renders the next one, and moves focus to it so keyboard
 * and screen-reader users land on the new content.
 */
import { ApiClient } from './lib/api-client';
import { loadApiKey } from './lib/api-key';
import type { Route } from './lib/route';
import { parseHash, sectionOf, sections } from './lib/route';
import { byId, h, replaceChildren } from './ui/dom';
import { empty } from './ui/status';
import { adminView } from './views/admin.view';
import { analyticsView } from './views/analytics.view';
import type { ServiceInfo, ViewContext } from './views/context';
import { loadServiceInfo, renderBanners, renderCredit, renderFooter } from './views/footer';
import { movieView } from './views/movie.view';
import { rateView } from './views/rate.view';
import { searchView } from './views/search.view';
import { userView } from './views/user.view';

const appName = 'MovieLens Explorer';

/** How often the footer and banners reload `GET /status`, ms. */
const statusPollMs = 5000;

/** Starts the app on the current document. */
export function startApp(): void {
  const api = new ApiClient({ apiKey: loadApiKey });
  const main = byId('main');
  const nav = byId('nav');
  const footer = byId('footer-info');
  const credit = byId('footer-credit');
  const banners = byId('banners');
  const announcer = byId('announcer');
  let info: ServiceInfo | null = null;
  let cleanups: (() => void)[] = [];
  let controller = new AbortController();
  let firstRender = true;

  // Messages arriving together (a movie and its similar list) are read as one; clearing the
  // region first makes screen readers repeat a message equal to the previous one.
  let pending: string[] = [];
  let flush: number | undefined;
  const announce = (message: string): void => {
    pending.push(message);
    if (flush !== undefined) return;
    announcer.textContent = '';
    flush = window.setTimeout(() => {
      announcer.textContent = pending.join('. ');
      pending = [];
      flush = undefined;
    }, 100);
  };
  let infoLoaded: Promise<ServiceInfo | null> = Promise.resolve(null);
  const refreshFooter = (): void => {
    infoLoaded = loadServiceInfo(api).then(
      (loaded) => {
        info = loaded;
        renderFooter(footer, info);
        renderCredit(credit, info);
        renderBanners(banners, info);
        return info;
      },
      (error: unknown) => {
        renderFooter(footer, null, error);
        return info;
      },
    );
  };

  // The skip link must not change the hash: that is the router's.
  document.querySelector('.skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  replaceChildren(nav, h('ul', {}, sections.map((s) => h('li', {}, h('a', { href: s.hash }, s.label)))));

  const render = (route: Route): void => {
    controller.abort();
    for (const fn of cleanups) fn();
    cleanups = [];
    controller = new AbortController();
    const root = h('div', { class: 'view' });
    replaceChildren(main, root);
    const ctx: ViewContext = {
      api,
      root,
      signal: controller.signal,
      onCleanup: (fn) => cleanups.push(fn),
      announce,
      info: () => info,
      infoLoaded: () => infoLoaded,
      setTitle: (title) => (document.title = `${title} · ${appName}`),
    };
    const section = sectionOf(route);
    for (const link of nav.querySelectorAll('a')) {
      if (link.getAttribute('href') === section) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    switch (route.name) {
      case 'search':
        searchView(ctx, route.query, route.genre);
        break;
      case 'movie':
        movieView(ctx, route.id);
        break;
      case 'user':
        userView(ctx, route.id, route.recs);
        break;
      case 'rate':
        rateView(ctx);
        break;
      case 'analytics':
        analyticsView(ctx, route.chart);
        break;
      case 'admin':
        adminView(ctx, { modelChanged: refreshFooter });
        break;
      case 'not-found':
        ctx.setTitle('Not found');
        root.append(h('h1', {}, 'Page not found'), empty(`There is no page at “${route.path}”.`, 'Use the navigation above to continue.'));
        break;
    }
    // Move focus to the new view (not on first load: the browser's own start point is better there),
    // unless the view already focused a field of its own.
    if (!firstRender && !main.contains(document.activeElement)) main.focus({ preventScroll: false });
    firstRender = false;
  };

  window.addEventListener('hashchange', () => render(parseHash(location.hash)));
  refreshFooter();
  // Builds start and end on their own (an upload elsewhere, the LSTM after the first model):
  // the banners and the footer follow within a few seconds, while the tab is visible.
  window.setInterval(() => {
    if (document.visibilityState === 'visible') refreshFooter();
  }, statusPollMs);
  render(parseHash(location.hash));
}
