/**
 * The web page in a real browser against the real API: Chromium drives the built page served
 * by createApp, which reads a model built by the real ingest and compute code from a synthetic
 * ML-1M-shaped dataset on the test Redis. Every scenario saves a screenshot in `screenshots/`.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultKinds } from '@movielens/compute';
import { chartIds } from '../../../web/src/lib/route';
import { launchChromium, screenshot, skipBrowser, watchErrors } from './browser';
import { apiKey, buildPage, removeDir, startStack, writeSyntheticFiles, type Stack } from './stack';


/** Dataset sizes: small enough to build in seconds, big enough for every chart to have rows. */
const initial = { shape: 'ml-1m', seed: 11, ratings: 8000, users: 150, movies: 120 } as const;
const uploaded = { shape: 'ml-1m', seed: 12, ratings: 6000, users: 120, movies: 100 } as const;

if (skipBrowser) console.log('SKIPPED: browser tests (MOVIELENS_SKIP_BROWSER=1)');

describe.skipIf(skipBrowser)('the web page in Chromium against the real API', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const dirs: string[] = [];

  /** The API's answer to `path` (for choosing what to click and checking what is shown). */
  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${stack.baseUrl}api/v1${path}`);
    expect(res.status, `GET ${path}`).toBe(200);
    return (await res.json()) as T;
  }

  async function open(hash: string): Promise<void> {
    await page.goto(`${stack.baseUrl}${hash}`);
  }

  beforeAll(async () => {
    browser = await launchChromium();
    buildPage();
    stack = await startStack();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
    for (const dir of dirs) removeDir(dir);
  });

  it('before any model exists, says so instead of showing an empty page', async () => {
    await open('#/');
    await expect.poll(() => page.locator('#footer-info').textContent()).toBe('No model is being served yet.');
    await page.getByLabel('Search movies by title').fill('a');
    const state = page.locator('.state-not-ready');
    await state.waitFor();
    expect(await state.textContent()).toContain('No model yet');
    expect(await state.getByRole('link').getAttribute('href')).toBe('#/admin');
    await screenshot(page, '00-not-ready');
  });

  it('loads a synthetic dataset through the API (ingest, then rebuild by the compute workers)', async () => {
    const files = writeSyntheticFiles(initial);
    dirs.push(files.dir);
    const model = await stack.uploadAndWait(files.paths);
    expect(model).toMatch(/\S/);
  });

  it('searches movies by title as you type and opens one with its rating statistics', async () => {
    const { movies } = await api<{ movies: { movieId: number; title: string; count: number; mean: number }[] }>('/analytics/most-rated?limit=1');
    const target = movies[0];
    await open('#/');
    // Lower case and only the start of the title: search is case- and accent-insensitive.
    const query = target.title.slice(0, Math.min(8, target.title.length)).toLowerCase();
    await page.getByLabel('Search movies by title').pressSequentially(query, { delay: 30 });
    await page.waitForURL((url) => url.hash.startsWith('#/search?q='));
    const link = page.locator('.result-list a', { hasText: target.title }).first();
    await link.waitFor();
    await screenshot(page, '01-search');
    await link.click();

    await page.waitForURL(`**#/movie/${target.movieId}`);
    await expect.poll(() => page.locator('h1').textContent()).toContain(target.title);
    // The mean and count shown are the API's, formatted.
    const stats = page.locator('.stat-value');
    await stats.first().waitFor();
    expect(await stats.nth(0).textContent()).toContain(target.mean.toFixed(2));
    expect((await stats.nth(1).textContent())?.replace(/,/g, '')).toBe(String(target.count));
    await page.locator('figure.chart canvas').waitFor();
    await page.locator('#similar-list li').first().waitFor();
    // Screen readers hear a one-line summary through the live region.
    await expect.poll(() => page.locator('#announcer').textContent()).toMatch(/similar movies listed|mean rating/);
    await screenshot(page, '02-movie');
  });

  it('follows a similar movie, and back returns to the previous one', async () => {
    const from = Number(new URL(page.url()).hash.split('/').pop());
    const { similar } = await api<{ similar: { movieId: number; title: string; year: number }[] }>(`/movies/${from}/similar?k=20`);
    expect(similar.length).toBeGreaterThan(0);
    const shown = await page.locator('#similar-list li .movie-title').allTextContents();
    expect(shown).toEqual(similar.map((s) => `${s.title} (${s.year})`));

    await page.locator('#similar-list a').first().click();
    await page.waitForURL(`**#/movie/${similar[0].movieId}`);
    await expect.poll(() => page.locator('h1').textContent()).toContain(similar[0].title);
    await page.locator('#similar-list li').first().waitFor();
    await screenshot(page, '03-similar');

    await page.goBack();
    await page.waitForURL(`**#/movie/${from}`);
    await page.goForward();
    await page.waitForURL(`**#/movie/${similar[0].movieId}`);
  });

  it("shows a user's profile and recommendations with predicted stars", async () => {
    const { recommendations, scoreUnit } = await api<{ recommendations: { title: string; year: number; score: number }[]; scoreUnit: string }>('/users/1/recommendations?k=20');
    await open('#/user/1');
    const recs = page.locator('#recommendations .ranked-list li');
    await recs.first().waitFor();
    expect(await page.locator('#recommendations .movie-title').allTextContents()).toEqual(recommendations.map((r) => `${r.title} (${r.year})`));
    // Stars for the kinds that predict them (PureSVD, MF: their scoreUnit says so); the model selection may serve another kind, whose score is shown as a number.
    const top = recommendations[0].score;
    expect(await recs.first().locator('.score').textContent()).toBe(scoreUnit.startsWith('predicted stars') ? `predicted ★ ${Math.min(5, Math.max(1, top)).toFixed(2)} / 5` : `score ${top.toFixed(3)}`);
    // "Because they liked X and Y" under each recommendation: the rated movies ?explain=1 names, in its order.
    const explained = await api<{ recommendations: { because?: { title: string }[] }[] }>('/users/1/recommendations?k=20&explain=1');
    const prose = (names: string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);
    const want = explained.recommendations.map((r) => (r.because?.length ? `Because they liked ${prose(r.because.map((b) => b.title))}` : null));
    expect(want.filter((w) => w !== null).length).toBeGreaterThan(0);
    const shown = await Promise.all((await recs.all()).map(async (li) => ((await li.locator('.because').count()) > 0 ? await li.locator('.because').textContent() : null)));
    expect(shown).toEqual(want);
    await expect.poll(() => page.locator('.facts').textContent()).toMatch(/Gender.*Age.*Occupation/);
    await screenshot(page, '04-user');

    await page.getByRole('button', { name: 'Surprise me' }).click();
    await page.waitForURL((url) => /^#\/user\/\d+$/.test(url.hash) && url.hash !== '#/user/1');
    await page.locator('#recommendations .ranked-list li, #recommendations .state').first().waitFor();
  });

  it('rates and likes a few movies anonymously and recommends by folding them in', async () => {
    await context.clearCookies();
    await open('#/rate');
    // Strings, not functions: this file is type-checked without the DOM library.
    await page.evaluate('localStorage.clear()');
    await page.reload();
    const { movies } = await api<{ movies: { title: string; year: number }[] }>('/analytics/most-rated?limit=3');
    for (const [i, movie] of movies.entries()) {
      const search = page.getByLabel('Find a movie you have seen');
      await search.fill(movie.title);
      // The row of this very movie: its whole title and year (another title may contain this one).
      const row = page.locator('.result-list .rate-row').filter({ has: page.locator('.movie-title').getByText(`${movie.title} (${movie.year})`, { exact: true }) }).first();
      await row.waitFor();
      if (i === 2) await row.getByRole('button', { name: /Like/ }).click();
      else await row.locator('label.star-label').nth(4 - i).click();
    }
    const rated = page.locator('.rated-list li');
    await expect.poll(() => rated.count()).toBe(3);
    // Five stars, four stars, a like: as chosen.
    const checked = await page.locator('.rated-list input:checked').all();
    expect(await Promise.all(checked.map((input) => input.getAttribute('value')))).toEqual(['5', '4']);
    expect(await page.locator('.rated-list button[aria-pressed="true"]').count()).toBe(1);
    await page.getByText('Based on 3 movies you rated.').waitFor();
    const recs = page.locator('section[aria-labelledby="foldin-h"] .ranked-list li');
    expect(await recs.count()).toBeGreaterThan(0);
    // Movies the visitor rated are not recommended back to them.
    const recommended = await page.locator('section[aria-labelledby="foldin-h"] .ranked-list .movie-title').allTextContents();
    for (const movie of movies) expect(recommended).not.toContain(`${movie.title} (${movie.year})`);
    // Each recommendation says which of the visitor's picks it comes from ("Because you liked ...").
    const because = await page.locator('section[aria-labelledby="foldin-h"] .ranked-list .because').allTextContents();
    expect(because.length).toBeGreaterThan(0);
    for (const line of because) {
      expect(line).toMatch(/^Because you liked /);
      const named = movies.filter((m) => line.includes(m.title));
      expect(named.length).toBeGreaterThan(0);
    }
    // This model was built without the LSTM: the next-movie card says so in one line (API: 503).
    await expect.poll(() => page.locator('#session-next-note').textContent()).toContain('sequence model (LSTM)');
    expect(await page.locator('#session-next .ranked-list').count()).toBe(0);
    await screenshot(page, '05-rate');

    // The list survives a reload (kept in this browser only).
    await page.reload();
    await expect.poll(() => page.locator('.rated-list li').count()).toBe(3);
  });

  it('after a rebuild with a small LSTM, says "Because you just watched <last pick>" over next-movie titles', async () => {
    const before = (await api<{ current: string }>('/models')).current;
    // One epoch on the small dataset: seconds, and enough for the page to have a list to show.
    const res = await fetch(`${stack.baseUrl}api/v1/models/rebuild`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': apiKey },
      body: JSON.stringify({ params: { lstm: true, lstmEpochs: 1 } }),
    });
    expect(res.status).toBe(202);
    // Kinds publish on their own: wait for a served set that has the LSTM, not just any new set.
    const servedLstm = async () => {
      const models = await api<{ current: string; versions: { version: string; kinds?: Record<string, unknown> | null }[] }>('/models');
      return models.current !== before && models.versions.some((v) => v.version === models.current && v.kinds?.lstm !== undefined);
    };
    await expect.poll(servedLstm, { timeout: 120_000, interval: 200 }).toBe(true);

    // The previous test's three picks are still in this browser, in the order they were made.
    await open('#/rate');
    const picks = JSON.parse(String(await page.evaluate("localStorage.getItem('movielens.rated')"))) as { movieId: number; title: string }[];
    expect(picks).toHaveLength(3);
    const session = await fetch(`${stack.baseUrl}api/v1/sessions/next`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ movies: picks.map((m) => m.movieId), k: 10 }),
    });
    expect(session.status).toBe(200);
    const { next, ignored } = (await session.json()) as { next: { title: string; year: number }[]; ignored: number[] };
    expect(next.length).toBeGreaterThan(0);
    // The page names the last pick the LSTM read: a picked title may share its name with a
    // movie nobody rated (synthetic titles repeat), which the model does not know and skips.
    const lastRead = picks.filter((m) => !ignored.includes(m.movieId)).at(-1)!;
    await page.reload();
    const card = page.locator('#session-next');
    await card.locator('.ranked-list li').first().waitFor();
    expect(await card.locator('.next-lead').textContent()).toBe(`Because you just watched ${lastRead.title}:`);
    expect(await card.locator('.ranked-list .movie-title').allTextContents()).toEqual(next.map((m) => `${m.title} (${m.year})`));
    // The LSTM's scores are logits: the page shows its order, labelled.
    expect(await card.locator('.ranked-list .score').first().textContent()).toBe('next-movie rank 1');
    await screenshot(page, '05-rate-next');

    // A user's page is someone else's history: there it reads "they".
    await open('#/user/1');
    await page.locator('#next-movies .ranked-list li').first().waitFor();
    expect(await page.locator('#next-movies .next-lead').textContent()).toMatch(/^Because they just watched .+:$/);
    // Below it, the step the API names as driving the first suggestion (drivenBy).
    await expect.poll(() => page.locator('#next-movies #next-driven-by').textContent()).toMatch(/^The first one mostly because they rated .+\.$/);
  });

  it('draws every analytics chart, with its numbers in a table', async () => {
    for (const chart of chartIds) {
      await open(`#/analytics/${chart}`);
      await page.locator('figure.chart canvas').waitFor();
      const rows = await page.locator('figure.chart tbody tr').count();
      expect(rows, chart).toBeGreaterThan(0);
      expect(await page.locator('.tabs a[aria-current="page"]').getAttribute('href')).toBe(`#/analytics/${chart}`);
      await screenshot(page, `06-analytics-${chart}`);
    }
    // The gender gap in the other direction: men's mean above women's in the first row.
    await open('#/analytics/gender-gap');
    await page.locator('figure.chart canvas').waitFor();
    await page.getByLabel('Men rate higher', { exact: true }).check();
    await expect.poll(async () => {
      const cells = await page.locator('figure.chart tbody tr').first().locator('td').allTextContents();
      return Number(cells[1]) > Number(cells[0]);
    }).toBe(true);
    await screenshot(page, '06-analytics-gender-gap-men');
  });

  it('filters by genre and pages through the results', async () => {
    const { 'by-genre': genres } = await api<{ 'by-genre': { group: string; count: number }[] }>('/analytics/by-genre');
    const genre = [...genres].sort((a, b) => b.count - a.count)[0].group;
    const { total } = await api<{ total: number }>(`/movies?genre=${encodeURIComponent(genre)}&limit=1`);
    await open('#/');
    await page.getByLabel('Genre', { exact: true }).selectOption(genre);
    await page.waitForURL((url) => url.hash === `#/search?${new URLSearchParams({ genre }).toString()}`);
    const items = page.locator('.result-list li');
    await items.first().waitFor();
    for (const text of await page.locator('.result-list .movie-genres').allTextContents()) expect(text).toContain(genre);
    if (total > 20) {
      await page.getByRole('button', { name: 'Show more' }).click();
      await expect.poll(() => items.count()).toBe(Math.min(40, total));
    }
    expect(await page.locator('.result-count').textContent()).toContain(String(total));
    await screenshot(page, '06-genre');
  });

  it('works with the keyboard alone: type, Tab past the genre filter to a result, Enter to open it', async () => {
    await open('#/');
    await page.reload();
    const { movies } = await api<{ movies: { movieId: number; title: string }[] }>('/analytics/most-rated?limit=1');
    // The search box has focus on arrival.
    await page.keyboard.type(movies[0].title, { delay: 10 });
    await page.locator('.result-list a').first().waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('movie-query-genre');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.className')).toBe('movie-link');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/movie\/\d+$/);
    // Focus moved to the new view, so the next Tab starts inside it.
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('main');
  });

  it('shows a designed error for a movie that does not exist', async () => {
    await open('#/movie/999999');
    const alert = page.getByRole('alert').first();
    await alert.waitFor();
    expect(await alert.textContent()).toContain('does not exist');
    await screenshot(page, '07-not-found');
  });

  it('uploads a dataset as admin and follows the progress bar to the end', async () => {
    const files = writeSyntheticFiles(uploaded);
    dirs.push(files.dir);
    const before = await api<{ current: string }>('/models');
    await open('#/admin');
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#dataset-files').setInputFiles(files.paths);
    // Record every state the bar goes through (polling from here could miss a short one).
    await page.evaluate(`(() => {
      const bar = document.getElementById('job-progress');
      const box = bar.closest('.progress');
      window.__seen = [];
      new MutationObserver(() => window.__seen.push(box.dataset.phase + ' ' + bar.value)).observe(box, { attributes: true, subtree: true });
      const message = document.getElementById('job-message');
      window.__messages = [];
      new MutationObserver(() => window.__messages.push(message.textContent)).observe(message, { childList: true, characterData: true, subtree: true });
    })()`);
    await page.getByRole('button', { name: 'Upload' }).click();

    const progress = page.locator('#job-progress');
    await expect.poll(() => page.locator('#job-message').textContent(), { timeout: 120_000, interval: 100 }).toMatch(/^Done/);
    expect(Number(await progress.getAttribute('value'))).toBe(100);
    const seen = (await page.evaluate('window.__seen')) as string[];
    const phases = [...new Set(seen.map((s) => s.split(' ')[0]))];
    // Upload, then the import, then (possibly too fast to show) the build, then done; the bar only moves forward.
    expect(phases.slice(0, 2), seen.join(' | ')).toEqual(['uploading', 'ingest']);
    expect(phases.at(-1)).toBe('done');
    const values = seen.map((s) => Number(s.split(' ')[1]));
    expect(values.some((v) => v > 0 && v < 100), seen.join(' | ')).toBe(true);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    // The build's lines name the model kinds as the rebuild reports them (no stage list copied into the page),
    // and the bar is full only once the job is done.
    const messages = (await page.evaluate('window.__messages')) as string[];
    const building = messages.filter((m) => m.startsWith('Building model:'));
    // Every kind of the registry may be named (each is its own job), a lower-case name then its stage or 'done'.
    const kindName = defaultKinds.kinds.map((k) => k.name).join('|');
    const line = new RegExp(`^Building model: ((${kindName}) [^,]+)(, (${kindName}) [^,]+)*$`);
    for (const m of building) expect(m, messages.join(' | ')).toMatch(line);
    expect(seen.filter((s) => s.startsWith('rebuild ')).every((s) => Number(s.split(' ')[1]) < 100), seen.join(' | ')).toBe(true);

    const after = await api<{ current: string }>('/models');
    expect(after.current).not.toBe(before.current);
    await expect.poll(() => page.locator('#footer-model').textContent()).toBe(after.current);
    await expect.poll(() => page.locator('table.models tbody tr').count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, '08-admin-upload');
  });

  it("shows the served model selection on the admin page: the chosen kind, each kind's best grid point, and every point on request", async () => {
    const { selection } = await api<{ selection: { winner: { algorithm: string; kind: string; ndcg: number } | null; grid: { kind: string; ndcg: number | null }[] } | null }>('/models');
    expect(selection).not.toBeNull();
    await open('#/admin');
    const card = page.locator('#selection');
    await card.waitFor();
    if (selection!.winner !== null) await expect.poll(() => card.locator('p').first().textContent()).toMatch(new RegExp(`^Default recommendations: ${selection!.winner.algorithm} .*NDCG@10 ${selection!.winner.ndcg.toFixed(3)}\\.$`));
    const kinds = [...new Set(selection!.grid.map((g) => g.kind))];
    const best = card.locator('table.selection-best tbody tr');
    expect(await best.count()).toBe(kinds.length);
    expect(await best.locator('th').allTextContents()).toEqual(kinds.map((k) => (selection!.winner?.kind === k ? `${k}Chosen` : k)));
    expect(await card.locator('table.selection-best tbody tr.current').count()).toBe(selection!.winner === null ? 0 : 1);
    // Each row is its kind's best NDCG@10 and says how many points the kind tried.
    for (const [i, kind] of kinds.entries()) {
      const points = selection!.grid.filter((g) => g.kind === kind);
      const top = Math.max(...points.map((g) => g.ndcg ?? -1));
      const cells = await best.nth(i).locator('td').allTextContents();
      expect(cells[1]).toBe(String(points.length));
      expect(cells[2]).toBe(top < 0 ? '–' : top.toFixed(3));
    }
    const all = card.locator('details.selection-all');
    if (selection!.grid.length > kinds.length) {
      await expect.poll(() => all.locator('summary').textContent()).toBe(`All ${selection!.grid.length} grid points`);
      expect(await all.locator('table').isVisible()).toBe(false);
      await all.locator('summary').click();
      await expect.poll(() => all.locator('table').isVisible()).toBe(true);
      expect(await all.locator('tbody tr').count()).toBe(selection!.grid.length);
      expect(await all.locator('tbody tr.current').count()).toBe(selection!.winner === null ? 0 : 1);
    } else expect(await all.count()).toBe(0);
  });

  it('rolls back to the previous model version from the admin page', async () => {
    const { current, versions } = await api<{ current: string; versions: { version: string }[] }>('/models');
    const previous = versions.find((v) => v.version !== current)!.version;
    await page.locator('table.models tr', { hasText: previous }).getByRole('button', { name: 'Activate' }).click();
    await expect.poll(async () => (await api<{ current: string }>('/models')).current).toBe(previous);
    await expect.poll(() => page.locator('#footer-model').textContent()).toBe(previous);
    await screenshot(page, '09-admin-rollback');
  });

  it('triggers a rebuild from the admin page and follows it to the end', async () => {
    await page.getByRole('button', { name: 'Rebuild model' }).click();
    await expect.poll(() => page.locator('#job-message').textContent(), { timeout: 120_000, interval: 100 }).toMatch(/^Done/);
    expect(Number(await page.locator('#job-progress').getAttribute('value'))).toBe(100);
    await screenshot(page, '10-admin-rebuild');
  });

  it("rates a movie for a dataset user with the saved admin key, and their recommendations drop it at once", async () => {
    const before = await api<{ recommendations: { movieId: number }[] }>('/users/3/recommendations?k=20');
    const top = before.recommendations[0].movieId;
    await open('#/user/3');
    await page.locator('#recommendations .ranked-list li').first().waitFor();
    await page.locator('#rate-user-movie').fill(String(top));
    await page.locator('#rate-user-stars').fill('5');
    await page.getByRole('button', { name: 'Rate', exact: true }).click();
    await expect.poll(() => page.locator('#rate-user [role=status]').textContent()).toMatch(/^Rated movie/);
    const after = await api<{ recommendations: { movieId: number; title: string; year: number }[] }>('/users/3/recommendations?k=20');
    expect(after.recommendations.map((r) => r.movieId)).not.toContain(top);
    await expect.poll(() => page.locator('#recommendations .movie-title').allTextContents()).toEqual(after.recommendations.map((r) => `${r.title} (${r.year})`));
    await screenshot(page, '10b-user-rated');
  });

  it('fits a phone screen without horizontal scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    try {
      const id = Number((await api<{ movies: { movieId: number }[] }>('/analytics/most-rated?limit=1')).movies[0].movieId);
      const views: [string, string][] = [
        ['#/', '#home-recent .ranked-list li'],
        [`#/movie/${id}`, '#similar-list li'],
        ['#/user/2', '#recommendations .ranked-list li'],
        // A first visit straight to a ranking: its slider starts from the dataset size, so bars show.
        ['#/analytics/top-rated', 'figure.chart canvas'],
        ['#/rate', '#rate-query'],
        ['#/admin', 'table.models'],
      ];
      for (const [hash, ready] of views) {
        await phone.goto(`${stack.baseUrl}${hash}`);
        await phone.locator(ready).first().waitFor();
        const overflow = Number(await phone.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
        expect(overflow, hash).toBeLessThanOrEqual(0);
        await screenshot(phone, `11-phone-${hash.split('/')[1] || 'home'}`);
      }
    } finally {
      await phone.close();
    }
  });

  it('raised no script errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
