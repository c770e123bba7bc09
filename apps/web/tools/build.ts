/**
 * Builds the web page into `apps/web/dist/` (git-ignored): static files that the API serves
 * at `/` (its `WEB_DIR`).
 *
 * 1. Type-checks the page sources (`src/`) with their own tsconfig (DOM lib, no Node types);
 *    this script and `icon.ts` run in Node and are checked by `tools/tsconfig.json`.
 * 2. Bundles `main.ts` and everything it imports (Chart.js included) into one ES module,
 *    and `styles.css` into one stylesheet: no CDN, the page works offline.
 * 3. Copies `index.html` and writes `favicon.ico` (drawn by `icon.ts`).
 *
 * Usage: `node --import tsx tools/build.ts [--skip-typecheck]` (from apps/web; `npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { iconIco } from './icon';

/** The app's folder (tools/ -> ..). */
const appDir = fileURLToPath(new URL('../', import.meta.url));
const srcDir = `${appDir}src/`;
const outDir = `${appDir}dist/`;

function typecheck(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', `${appDir}tsconfig.json`], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('web: type-check failed (see above)');
    process.exit(result.status ?? 1);
  }
}

async function bundle(): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { app: `${srcDir}main.ts`, styles: `${srcDir}styles.css` },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  copyFileSync(`${srcDir}index.html`, `${outDir}index.html`);
  writeFileSync(`${outDir}favicon.ico`, iconIco());
}

if (!process.argv.includes('--skip-typecheck')) typecheck();
await bundle();
console.log(`web: built ${outDir}`);
