/**
 * The first hour of a new user (issue 16), in Chromium against the real API and workers:
 * the home page, labelled numbers, the synthetic-data banner, "a new dataset is being built",
 * the LSTM being trained, dislikes on the rate page, a release without demographics, the
 * admin key help, the interactive API reference and the offline queue dashboard. Layout
 * checks run at a desktop width (1280) and a phone width (390).
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, skipBrowser, watchErrors } from './browser';
import { apiKey, removeDir, startBrowserStack, writeSyntheticFiles, type BrowserStack, type Stack } from './stack';

const dataset = { shape: 'ml-1m', seed: 21, ratings: 8000, users: 150, movies: 120 } as const;
const phone = { viewport: { width: 390, height: 844 }, isMobile: true };

/** Ranked list entries as the page draws them: `Title (year)` and the genres under it. */
interface ListedMovie {
  movieId: number;
  title: string;
  year: number | null;
  genres: string[];
}
const shownTitle = (m: ListedMovie) => (m.year === null ? m.title : `${m.title} (${m.year})`);

describe.skipIf(skipBrowser)('the first hour of a new user, in Chromium', () => {
  let session: BrowserStack;
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dirs: string[] = [];

  async function api<T>(path: string, init?: RequestInit): Promise<T> {
    const res = await fetch(`${stack.baseUrl}api/v1${path}`, init);
    return (await res.json()) as T;
  }
  const currentModel = async () => (await api<{ current: string | null }>('/models')).current;
  const open = (target: Page, hash: string) => target.goto(`${stack.baseUrl}${hash}`);
  /** Horizontal overflow of the page, px (0 = fits). */
  const overflow = async (target: Page) => Number(await target.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));

  beforeAll(async () => {
    session = await startBrowserStack();
    ({ stack, browser, context, page } = session);
    const files = writeSyntheticFiles(dataset);
    dirs.push(files.dir);
    await stack.uploadAndWait(files.paths);
  });

  afterAll(async () => {
    await stack?.harness.deps.queues.rebuild.resume();
    await session?.close();
    for (const dir of dirs) removeDir(dir);
  });

  it('says plainly that the data is synthetic, and takes the search example from the catalogue', async () => {
    const { searchExample } = await api<{ searchExample: string }>('/status');
    await open(page, '#/');
    await page.locator('#banner-synthetic').waitFor();
    expect(await page.locator('#banner-synthetic').textContent()).toMatch(/Synthetic demo data.*made up/);
    await expect.poll(() => page.locator('#footer-credit').textContent()).toMatch(/^Data: synthetic, made by movielens generate/);
    expect(await page.locator('#footer-credit').textContent()).not.toContain('GroupLens');
    const search = page.getByLabel('Search movies by title');
    await expect.poll(() => search.getAttribute('placeholder')).toBe(`e.g. ${searchExample}`);
    // The example finds what it names.
    await search.fill(searchExample);
    await page.locator('.result-list .movie-title', { hasText: searchExample }).first().waitFor();
  });

  it('shows top rated, most rated, recently popular and genres before anything is typed, at desktop and phone widths', async () => {
    const { movies: recent, since } = await api<{ movies: (ListedMovie & { value: number; count: number })[]; since: string }>('/analytics/recently-popular?limit=10');
    const { movies: most } = await api<{ movies: (ListedMovie & { count: number })[] }>('/analytics/most-rated?limit=10');
    await open(page, '#/');
    for (const id of ['home-top-rated', 'home-most-rated', 'home-recent']) await page.locator(`#${id} .ranked-list li`).first().waitFor();
    // Every entry: title with its year, its genres, one labelled number.
    expect(await page.locator('#home-most-rated .movie-title').allTextContents()).toEqual(most.map(shownTitle));
    expect(await page.locator('#home-most-rated .movie-genres').allTextContents()).toEqual(most.map((m) => m.genres.join(' · ')));
    expect(await page.locator('#home-most-rated .score').first().textContent()).toMatch(new RegExp(`^${most[0].count.toLocaleString('en-US')} ratings · mean ★ \\d\\.\\d\\d$`));
    expect(await page.locator('#home-top-rated .card-note').textContent()).toMatch(/^Highest mean rating among movies with at least \d+ ratings\.$/);
    expect(await page.locator('#home-top-rated .score').first().textContent()).toMatch(/^mean ★ \d\.\d\d · [\d,]+ ratings$/);
    expect(await page.locator('#home-recent .movie-title').allTextContents()).toEqual(recent.map(shownTitle));
    expect(await page.locator('#home-recent .score').first().textContent()).toBe(`${recent[0].value} recent ratings · ${recent[0].count.toLocaleString('en-US')} in all`);
    expect(await page.locator('#home-recent .card-note').textContent()).toContain(`from ${since.slice(0, 10)}`);
    await screenshot(page, 'h1-home');

    // A genre opens its search.
    const chip = page.locator('#home-genres a.chip').first();
    const genre = (await chip.textContent())!.replace(/\s[\d,]+$/, '');
    await chip.click();
    await page.waitForURL((url) => url.hash === `#/search?${new URLSearchParams({ genre }).toString()}`);
    await page.locator('.result-list li').first().waitFor();

    const small = await browser.newPage(phone);
    try {
      await open(small, '#/');
      await small.locator('#home-recent .ranked-list li').first().waitFor();
      expect(await overflow(small)).toBeLessThanOrEqual(0);
      // The cards stack in one column on a phone.
      const boxes = await Promise.all(['#home-top-rated', '#home-most-rated'].map((s) => small.locator(s).boundingBox()));
      expect(boxes[1]!.y).toBeGreaterThan(boxes[0]!.y + boxes[0]!.height - 1);
      await screenshot(small, 'h1-home-phone');
    } finally {
      await small.close();
    }
  });

  it('labels every number of the lists: similarity in percent with bars, predicted stars, and the year and genres of each movie', async () => {
    const [{ movieId }] = (await api<{ movies: { movieId: number }[] }>('/analytics/most-rated?limit=1')).movies;
    const { similar } = await api<{ similar: (ListedMovie & { score: number; count: number })[] }>(`/movies/${movieId}/similar?k=20`);
    await open(page, `#/movie/${movieId}`);
    await page.locator('#similar-list li').first().waitFor();
    expect(await page.locator('#similar-list .movie-title').allTextContents()).toEqual(similar.map(shownTitle));
    const figures = await page.locator('#similar-list .score .figure').allTextContents();
    expect(figures).toEqual(similar.map((s) => `${Math.round(s.score * 100)}% similar`));
    // The bars differ as the scores do (0 to 100%, not -1 to 1).
    const bars = (await page.locator('#similar-list meter').evaluateAll((meters) => meters.map((m) => (m as unknown as { value: number }).value))) as number[];
    expect(bars[0]).toBeCloseTo(Math.max(0, similar[0].score), 5);
    expect(bars.at(-1)).toBeCloseTo(Math.max(0, similar.at(-1)!.score), 5);

    // PureSVD, whose scores are predicted stars (the model selection's default may be a kind whose scores are not).
    const { recommendations } = await api<{ recommendations: (ListedMovie & { score: number })[] }>('/users/1/recommendations?k=20&algorithm=puresvd');
    await open(page, '#/user/1?algorithm=puresvd');
    await page.locator('#recommendations .ranked-list li').first().waitFor();
    expect(await page.locator('#recommendations .movie-title').allTextContents()).toEqual(recommendations.map(shownTitle));
    const predicted = await page.locator('#recommendations .score .figure').allTextContents();
    expect(predicted).toEqual(recommendations.map((r) => `predicted ★ ${Math.min(5, Math.max(1, r.score)).toFixed(2)} / 5`));
    for (const genres of await page.locator('.ranked-list .movie-genres').allTextContents()) expect(genres).toMatch(/\S/);
    await screenshot(page, 'h1-labels');
  });

  it('while an LSTM is trained: the rate page says so (503 LSTM_TRAINING), the admin page shows the build, and next movies follow', async () => {
    const queue = stack.harness.deps.queues.rebuild;
    const before = await currentModel();
    await queue.pause();
    const res = await fetch(`${stack.baseUrl}api/v1/models/rebuild`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': apiKey },
      body: JSON.stringify({ params: { lstm: true, lstmEpochs: 1 } }),
    });
    expect(res.status).toBe(202);
    const next = await fetch(`${stack.baseUrl}api/v1/users/1/next`);
    expect(next.status).toBe(503);
    expect(((await next.json()) as { error: { code: string } }).error.code).toBe('LSTM_TRAINING');

    // Two liked picks on the rate page.
    await open(page, '#/rate');
    await page.evaluate('localStorage.clear()');
    await page.reload();
    const { movies } = await api<{ movies: ListedMovie[] }>('/analytics/most-rated?limit=3');
    for (const movie of movies.slice(0, 2)) {
      await page.getByLabel('Find a movie you have seen').fill(movie.title);
      await page.locator('.result-list .rate-row', { hasText: movie.title }).first().locator('label.star-label').nth(4).click();
    }
    await expect.poll(() => page.locator('#session-next-note').textContent()).toMatch(/^The sequence model \(LSTM\) is being trained.*appear here when it is ready/);
    await screenshot(page, 'h1-rate-training');

    await open(page, '#/admin');
    await expect.poll(() => page.locator('#builds li').first().textContent()).toMatch(/^Model build with the next-movie LSTM \(asked here or through the API\): queued\.$/);
    await screenshot(page, 'h1-admin-builds');

    await queue.resume();
    await expect.poll(currentModel, { timeout: 120_000, interval: 200 }).not.toBe(before);
    await expect.poll(() => page.locator('#builds').textContent(), { timeout: 20_000 }).toBe('No model build is waiting or running.');
  });

  it('a movie rated 1 or 2 stars does not drive "Because you just watched", and long titles keep their stars on their row', async () => {
    await open(page, '#/rate');
    const picks = JSON.parse(String(await page.evaluate("localStorage.getItem('movielens.rated')"))) as { movieId: number; title: string }[];
    expect(picks).toHaveLength(2);
    await page.locator('#session-next .ranked-list li').first().waitFor();
    const lead = await page.locator('#session-next .next-lead').textContent();
    // The longest title of the catalogue, rated one star as the last pick.
    const all = await api<{ movies: ListedMovie[]; total: number }>('/movies?limit=100');
    const longest = [...all.movies].sort((a, b) => shownTitle(b).length - shownTitle(a).length)[0];
    await page.getByLabel('Find a movie you have seen').fill(longest.title);
    const row = page.locator('.result-list .rate-row', { hasText: longest.title }).first();
    await row.waitFor();
    await row.locator('label.star-label').nth(0).click();
    await expect.poll(() => page.locator('.rated-list li').count()).toBe(3);
    await page.locator('#session-next .ranked-list li').first().waitFor();
    // The lead still names the last liked pick, and the disliked movie is not suggested back.
    await expect.poll(() => page.locator('#session-next .next-lead').textContent()).toBe(lead);
    expect(await page.locator('#session-next .movie-title').allTextContents()).not.toContain(shownTitle(longest));
    await screenshot(page, 'h1-rate-dislike');

    /** The stars start beside the title (to its right, within its first line), not under it. */
    const starsBesideTitle = async (target: Page) => {
      const result = target.locator('.result-list .rate-row', { hasText: longest.title }).first();
      await result.waitFor();
      const title = (await result.locator('.movie-title').boundingBox())!;
      const stars = (await result.locator('.stars').boundingBox())!;
      expect(stars.x).toBeGreaterThanOrEqual(title.x + title.width - 1);
      expect(stars.y).toBeLessThan(title.y + title.height);
    };
    await starsBesideTitle(page);
    const small = await browser.newPage(phone);
    try {
      await open(small, '#/rate');
      await small.getByLabel('Find a movie you have seen').fill(longest.title);
      await starsBesideTitle(small);
      expect(await overflow(small)).toBeLessThanOrEqual(0);
      await screenshot(small, 'h1-rate-phone');
    } finally {
      await small.close();
    }
  });

  it('says "a new dataset is being built" while an upload waits for its model, and stops saying it once it is served', async () => {
    const queue = stack.harness.deps.queues.rebuild;
    const before = await currentModel();
    await queue.pause();
    await open(page, '#/');
    expect(await page.locator('#banner-building').count()).toBe(0);
    const files = writeSyntheticFiles({ ...dataset, seed: 22 });
    dirs.push(files.dir);
    const form = new FormData();
    form.set('mode', 'replace');
    for (const path of files.paths) form.append('files', new Blob([readFileSync(path)]), path.split('/').pop());
    const res = await fetch(`${stack.baseUrl}api/v1/datasets`, { method: 'POST', body: form, headers: { 'X-API-Key': apiKey } });
    expect(res.status).toBe(202);
    await page.locator('#banner-building').waitFor({ timeout: 30_000 });
    expect(await page.locator('#banner-building').textContent()).toMatch(/A new dataset is being built.*answer from the previous dataset/);
    expect(await currentModel()).toBe(before);
    await screenshot(page, 'h1-new-dataset');
    await queue.resume();
    await expect.poll(currentModel, { timeout: 120_000, interval: 200 }).not.toBe(before);
    await page.locator('#banner-building').waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('on a release without demographics (CSV), hides the gender, age and occupation views and says why', async () => {
    const files = writeSyntheticFiles({ shape: 'ml-25m', seed: 23, ratings: 6000, users: 120, movies: 100 });
    dirs.push(files.dir);
    await stack.uploadAndWait(files.paths);
    // The set is served as soon as its first kind is; the svd kind, whose data the page describes, may come a little later.
    await expect.poll(async () => (await api<{ dataset: { demographics: boolean } | null }>('/status')).dataset?.demographics, { timeout: 120_000, interval: 250 }).toBe(false);
    await open(page, '#/analytics/top-rated');
    await page.reload();
    await page.locator('figure.chart canvas').waitFor();
    const tabs = await page.locator('.tabs a').allTextContents();
    expect(tabs).toEqual(['Top rated', 'Most rated', 'Most divisive', 'Rating distribution', 'By genre']);
    await open(page, '#/analytics/by-age');
    const state = page.locator('.chart-body .state-empty');
    await state.waitFor();
    expect(await state.textContent()).toMatch(/^This dataset has no demographics\..*no users file/);
    expect(await state.textContent()).not.toContain('lower minimum');
    await screenshot(page, 'h1-no-demographics');

    await open(page, '#/user/1');
    await page.locator('#no-demographics').waitFor();
    const facts = await page.locator('.facts dt').allTextContents();
    expect(facts).not.toContain('Gender');
    expect(facts).toContain('Ratings');
  });

  it('explains where the admin key is', async () => {
    await open(page, '#/admin');
    await page.getByText('Where is my key?').click();
    const help = await page.locator('#key-help').textContent();
    expect(help).toContain('.movielens/api-key');
    expect(help).toContain('npx movielens key');
    expect(help).toContain('API_KEY');
  });

  it('serves an interactive API reference, the icon and the queue dashboard from this server only (works offline)', async () => {
    const origin = new URL(stack.baseUrl).origin;
    const elsewhere: string[] = [];
    const docs = await context.newPage();
    const docsErrors = watchErrors(docs);
    docs.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
    try {
      await docs.goto(`${stack.baseUrl}docs`);
      // Swagger UI puts zero-width spaces after the slashes of a path's text: find it by its data-path.
      await docs.locator('.opblock-summary-path[data-path="/api/v1/movies/{id}/similar"]').click();
      // "Try it out" is on from the start (tryItOutEnabled): fill the id and execute.
      await docs.locator('input[placeholder="id"]').fill('1');
      await docs.getByRole('button', { name: 'Execute' }).click();
      await expect.poll(() => docs.locator('.live-responses-table tbody .response-col_status').first().textContent()).toMatch(/200/);
      await screenshot(docs, 'h1-docs');
      await docs.goto(`${stack.baseUrl}admin/queues?key=${apiKey}`);
      await docs.getByText('rebuild', { exact: true }).first().waitFor();
      await screenshot(docs, 'h1-queues');
      expect(elsewhere).toEqual([]);
      expect(docsErrors).toEqual([]);
    } finally {
      await docs.close();
    }
    const icon = await fetch(`${stack.baseUrl}favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/icon/);
  });

  it('raised no script errors in the page', () => {
    expect(session.errors).toEqual([]);
  });
});
