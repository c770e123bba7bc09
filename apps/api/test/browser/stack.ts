/**
 * The whole system for the browser tests, in one process on the test Redis: the API
 * (createApp with real deps, serving the built page), an ingest worker and the compute
 * workers (the same processors the worker apps run). Datasets go in the way they do in
 * production: a multipart upload to `POST /api/v1/datasets`, then ingest, then rebuild.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'bullmq';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Redis } from 'ioredis';
import { createLogger } from '@movielens/config';
import { generateDataset, type GenerateOptions } from '@movielens/core';
import { startComputeWorkers, type ComputeWorkers } from '@movielens/compute';
import { createIngestProcessor } from '@movielens/ingest';
import { bullPrefix, createQueue, createWorker, QueueName } from '@movielens/jobs';
import { testRedisUrl } from '@movielens/test-support';
import { eventually, startHarness, testSettings, type Harness } from '../fixtures';
import { launchChromium, watchErrors } from './browser';

/** Folder of the built page (`apps/web/dist`). */
export const webDist = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** The API key of the test app. */
export const apiKey = testSettings().apiKey!;

/**
 * Bundles the page (without its type-check: `build` does that; here only fresh bytes matter),
 * so the tests never drive a stale bundle.
 */
export function buildPage(): void {
  const script = fileURLToPath(new URL('../../../web/tools/build.ts', import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, '--skip-typecheck'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the page failed:\n${result.stdout}\n${result.stderr}`);
}

/** Writes a synthetic dataset in the ML-1M file layout into a fresh temporary folder; returns the file paths. */
export function writeSyntheticFiles(options: GenerateOptions): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'ml-browser-'));
  const dataset = generateDataset(options);
  const paths = dataset.files.map((file) => {
    const path = join(dir, file.name);
    writeFileSync(path, Buffer.concat([...file.chunks()]));
    return path;
  });
  return { dir, paths };
}

/** A running stack. */
export interface Stack {
  /** `http://127.0.0.1:<port>/`. */
  baseUrl: string;
  harness: Harness;
  /** Uploads files through the API (as an admin would) and resolves once their model is served. */
  uploadAndWait(paths: string[], mode?: 'replace' | 'append'): Promise<string>;
  close(): Promise<void>;
}

async function currentModel(baseUrl: string): Promise<string | null> {
  const res = await fetch(`${baseUrl}api/v1/models`);
  if (!res.ok) return null;
  return ((await res.json()) as { current: string | null }).current;
}

/** Starts the API with its workers on a fresh prefix of the test Redis. */
export async function startStack(): Promise<Stack> {
  const harness = await startHarness({ settings: { webDir: webDist } });
  const { prefix, keys } = harness;
  const logger = createLogger('browser-test', 'silent');
  const redisUrl = testRedisUrl();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const rebuildQueue = createQueue(QueueName.rebuild, { connection, keyPrefix: prefix });
  const shardQueue = createQueue(QueueName.rebuildShard, { connection, keyPrefix: prefix });
  const ingest: Worker = createWorker(QueueName.ingest, createIngestProcessor({ redis, keys, rebuildQueue, rebuildDebounceMs: 0, logger }), { connection, keyPrefix: prefix });
  const compute: ComputeWorkers = startComputeWorkers({ redis, connection, keys, bullPrefix: bullPrefix(prefix), logger });
  await ingest.waitUntilReady();

  const server: Server = harness.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    baseUrl,
    harness,
    async uploadAndWait(paths, mode = 'replace') {
      const before = await currentModel(baseUrl);
      const form = new FormData();
      form.set('mode', mode);
      for (const path of paths) form.append('files', new Blob([readFileSync(path)]), path.split('/').pop());
      const res = await fetch(`${baseUrl}api/v1/datasets`, { method: 'POST', body: form, headers: { 'X-API-Key': apiKey } });
      if (res.status !== 202) throw new Error(`upload refused: ${res.status} ${await res.text()}`);
      await eventually(async () => {
        const model = await currentModel(baseUrl);
        return model !== null && model !== before;
      }, 120_000);
      // Kinds publish on their own (svd first): the upload's whole rebuild, and the follow-up that
      // trains with the selection's tuned values, end before the next test queues builds of its own.
      await eventually(async () => {
        const counts = await Promise.all([rebuildQueue, shardQueue].map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'waiting-children', 'prioritized')));
        return counts.every((c) => Object.values(c).every((n) => n === 0));
      }, 240_000);
      const served = await currentModel(baseUrl);
      if (served === null) throw new Error('no model served after the rebuild ended');
      return served;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await ingest.close();
      await compute.close();
      await Promise.all([rebuildQueue.close(), shardQueue.close()]);
      await Promise.all([redis.quit(), connection.quit()]);
      await harness.close();
    },
  };
}

/** Removes a folder made by {@link writeSyntheticFiles}. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Chromium on a fresh stack: one desktop-sized page (1280 x 800) whose script errors are collected. */
export interface BrowserStack {
  stack: Stack;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors of `page`. */
  errors: string[];
  close(): Promise<void>;
}

/** Launches Chromium, bundles the page and starts the stack. */
export async function startBrowserStack(): Promise<BrowserStack> {
  const browser = await launchChromium();
  buildPage();
  const stack = await startStack();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return {
    stack,
    browser,
    context,
    page,
    errors: watchErrors(page),
    async close() {
      await context.close();
      await browser.close();
      await stack.close();
    },
  };
}
