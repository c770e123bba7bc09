#!/usr/bin/env node
// Rewrites docs/screenshot.png, the README's picture: the home page of a running instance in
// Debian's Chromium (playwright-core, no browser download), 1280 x 900, once its rankings show.
// The README's picture is taken on ML-100K: `npm start -- ../shared/data/ml-100k`, then
//
//   node tools/docs-screenshot.mjs [base URL, default http://localhost:3000/]
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://localhost:3000/';
const out = fileURLToPath(new URL('../docs/screenshot.png', import.meta.url));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(new URL('#/', base).href);
  await page.waitForSelector('#home-recent .ranked-list li', { timeout: 60_000 });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
