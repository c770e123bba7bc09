#!/usr/bin/env node
// The `movielens` command. It runs the compiled bundle apps/cli/dist/main.js (plain
// JavaScript: no TypeScript loader at run time). In a checkout, every app's bundle is
// rebuilt first when a source is newer than it (esbuild, a second or two, once after an
// edit), so the command works right after `npm ci`, and the processes that `up`, `cluster`
// and `serve` start (apps/*/dist/main.js) always match the sources.
import module from 'node:module';
import { pathToFileURL } from 'node:url';
import { distMain, staleApps } from '../../../tools/build/apps.mjs';

// Node >= 22.1 keeps V8's compiled code between runs (in the OS temp folder): a warm start
// skips compiling the bundle again.
module.enableCompileCache?.();

const stale = staleApps();
if (stale.length > 0) {
  if (process.stderr.isTTY) process.stderr.write(`movielens: compiling ${stale.join(', ')} (sources changed) ...\n`);
  try {
    const { bundleApp } = await import('../../../tools/build/bundle.mjs');
    for (const app of stale) await bundleApp(app);
  } catch (err) {
    console.error(`movielens: compiling ${stale.join(', ')} failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
await import(pathToFileURL(distMain('cli')).href);
