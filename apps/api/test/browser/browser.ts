/**
 * Chromium for the browser tests: Debian's package, driven by playwright-core (which
 * downloads no browser of its own). Screenshots go to `apps/api/screenshots/` (git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Debian installs Chromium (CI installs the `chromium` package). */
export const chromiumPath = '/usr/bin/chromium';

/** Folder of the screenshots of a run (git-ignored). */
export const screenshotDir = fileURLToPath(new URL('../../screenshots/', import.meta.url));

/** Set to `1` to skip the browser tests (machines without Chromium). */
export const skipBrowser = process.env.MOVIELENS_SKIP_BROWSER === '1';

/** Launches headless Chromium, or fails with what to install. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: the browser tests need Debian's chromium package (apt-get install chromium). ` +
        'Set MOVIELENS_SKIP_BROWSER=1 to skip them on a machine without it.',
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Saves a full-page screenshot as `screenshots/<name>.png`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = `${screenshotDir}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Collects uncaught page errors and console errors, so a test can assert there were none.
 * Chromium's own "Failed to load resource" lines are left out: an API error answer the page
 * shows as designed (a 404 for an unknown movie) logs one.
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(`console: ${message.text()}`);
  });
  return errors;
}
