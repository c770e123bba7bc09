/**
 * The user page's recommendation filters (issue 14), in Chromium against the real API and
 * workers on a synthetic ML-1M-shaped dataset: choosing an algorithm and a genre, paging with
 * Next/Previous, the filters surviving a reload in the route, and a refused filter said in the
 * card. Every expected list is the API's own answer to the same query.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, skipBrowser } from './browser';
import { removeDir, startBrowserStack, writeSyntheticFiles, type BrowserStack, type Stack } from './stack';

/** Enough movies per genre that a genre still holds two pages of 20 unrated ones for a user. */
const dataset = { shape: 'ml-1m', seed: 31, ratings: 9000, users: 150, movies: 400 } as const;
/** The card's page size (`RECS_PAGE_SIZE` of apps/web/src/views/user-recs.ts). */
const k = 20;

interface Recs {
  algorithm: string;
  scoreUnit: string;
  offset: number;
  exhausted: boolean;
  recommendations: { movieId: number; genres: string[] }[];
}
interface Status {
  model: { algorithms: { algorithm: string; served: boolean; default: boolean }[] };
}

describe.skipIf(skipBrowser)("a user's recommendations by algorithm and genre, paged, in Chromium", () => {
  let session: BrowserStack;
  let stack: Stack;
  let page: Page;
  const dirs: string[] = [];
  let algorithm: string;
  let genre: string;
  const user = 1;

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${stack.baseUrl}api/v1${path}`);
    expect(res.status, `GET ${path}`).toBe(200);
    return (await res.json()) as T;
  }
  const recs = (query: string) => api<Recs>(`/users/${user}/recommendations?explain=1&${query}`);
  /** Movie ids of the card's list, in order (from each entry's link). */
  const shownIds = async () => (await page.locator('#recs-list a.movie-link').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).map((href) => Number(href?.split('/').pop()));

  beforeAll(async () => {
    session = await startBrowserStack();
    ({ stack, page } = session);
    const files = writeSyntheticFiles(dataset);
    dirs.push(files.dir);
    await stack.uploadAndWait(files.paths);
    // An algorithm the selection did not choose (so choosing it changes what answers), and the
    // genre with the most movies whose filtered list for it has at least two pages.
    const { model } = await api<Status>('/status');
    const served = model.algorithms.filter((a) => a.served);
    algorithm = (served.find((a) => !a.default) ?? served[0]).algorithm;
    const { 'by-genre': byGenre } = await api<{ 'by-genre': { group: string; movies?: number; count: number }[] }>('/analytics/by-genre');
    for (const g of [...byGenre].sort((a, b) => b.count - a.count)) {
      const first = await recs(`k=${k}&algorithm=${algorithm}&genre=${encodeURIComponent(g.group)}`);
      if (!first.exhausted) {
        genre = g.group;
        break;
      }
    }
    expect(genre, 'a genre with two pages of recommendations').toBeDefined();
  }, 300_000);

  afterAll(async () => {
    await session?.close();
    for (const dir of dirs) removeDir(dir);
  });

  it('shows the model selection’s algorithm by default, naming it and its score unit', async () => {
    const want = await recs(`k=${k}`);
    await page.goto(`${stack.baseUrl}#/user/${user}`);
    await expect.poll(() => page.locator('#recs-heading').textContent()).toBe(`Recommended by ${want.algorithm}`);
    expect(await page.locator('#recs-about').textContent()).toBe(`Chosen by model selection. Score: ${want.scoreUnit}.`);
    expect(await shownIds()).toEqual(want.recommendations.map((r) => r.movieId));
    // The select's default entry names the winner; the others are the served algorithms.
    expect(await page.getByLabel('Algorithm').inputValue()).toBe('');
  });

  it('filters by the chosen algorithm and genre: every movie shown has the genre, and the heading names the algorithm', async () => {
    await page.getByLabel('Algorithm').selectOption(algorithm);
    await expect.poll(() => page.locator('#recs-heading').textContent()).toBe(`Recommended by ${algorithm}`);
    await page.getByLabel('Genre').selectOption(genre);
    await page.waitForURL((url) => url.hash.includes('genre='));
    const want = await recs(`k=${k}&algorithm=${algorithm}&genre=${encodeURIComponent(genre)}`);
    expect(want.recommendations).toHaveLength(k);
    await expect.poll(shownIds).toEqual(want.recommendations.map((r) => r.movieId));
    const genres = await page.locator('#recs-list .movie-genres').allTextContents();
    expect(genres).toHaveLength(k);
    for (const line of genres) expect(line.split(' · ')).toContain(genre);
    expect(await page.locator('#recs-heading').textContent()).toBe(`Recommended by ${algorithm}`);
    expect(await page.locator('#recs-about').textContent()).toBe(`Score: ${want.scoreUnit}.`);
    expect(await page.locator('#recs-ranks').textContent()).toBe(` 1–${k} `);
    expect(new URL(page.url()).hash).toBe(`#/user/${user}?algorithm=${algorithm}&genre=${encodeURIComponent(genre).replace(/%20/g, '+')}`);
    await screenshot(page, '30-user-recs-filtered');
  });

  it('Next shows the following page, continuing the unpaged order; a reload keeps it; Previous goes back', async () => {
    const first = await shownIds();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.locator('#recs-ranks').textContent()).toMatch(new RegExp(`^ ${k + 1}–`));
    const second = await shownIds();
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    // Pages keep the unpaged order: page 1 then page 2 is the first entries of one longer list.
    const whole = await recs(`k=${2 * k}&algorithm=${algorithm}&genre=${encodeURIComponent(genre)}`);
    expect([...first, ...second]).toEqual(whole.recommendations.map((r) => r.movieId).slice(0, first.length + second.length));
    // The list numbers continue too (the <ol> starts at k + 1).
    expect(await page.locator('#recs-list').getAttribute('start')).toBe(String(k + 1));
    for (const line of await page.locator('#recs-list .movie-genres').allTextContents()) expect(line.split(' · ')).toContain(genre);
    expect(new URL(page.url()).hash).toContain(`offset=${k}`);

    await page.reload();
    await expect.poll(shownIds).toEqual(second);
    expect(await page.getByLabel('Algorithm').inputValue()).toBe(algorithm);
    expect(await page.getByLabel('Genre').inputValue()).toBe(genre);
    await expect.poll(() => page.locator('#recs-heading').textContent()).toBe(`Recommended by ${algorithm}`);

    await page.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(shownIds).toEqual(first);
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    await screenshot(page, '31-user-recs-paged');
  });

  it('says in the card when the API refuses a filter, and the rest of the page still works', async () => {
    await page.goto(`${stack.baseUrl}#/user/${user}?genre=NoSuchGenre`);
    const problem = page.locator('#recs-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/These filters were refused.*unknown genre "NoSuchGenre"/);
    // The profile card is unaffected, and clearing the filters brings the default list back.
    await page.locator('dl.facts').waitFor();
    await problem.getByRole('button', { name: 'Clear the filters' }).click();
    await page.locator('#recs-list li').first().waitFor();
    expect(new URL(page.url()).hash).toBe(`#/user/${user}`);
    expect(session.errors).toEqual([]);
  });
});
