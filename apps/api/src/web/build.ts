/**
 * Builds the web page into `src/web/dist/` (git-ignored), which the API serves at `/`.
 *
 * 1. Type-checks the page sources with their own tsconfig (DOM lib; the API's tsconfig
 *    excludes `src/web` so Node code never sees DOM types and vice versa).
 * 2. Bundles `main.ts` and everything it imports (Chart.js included) into one ES module,
 *    and `styles.css` into one stylesheet: no CDN, the page works offline.
 * 3. Copies `index.html` and writes `favicon.ico` (drawn by `icon.ts`).
 *
 * Usage: `node --import tsx src/web/build.ts [--skip-typecheck]`.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { iconIco } from './icon';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/', import.meta.url));

function typecheck(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', `${webDir}tsconfig.json`], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('web: type-check failed (see above)');
    process.exit(result.status ?? 1);
  }
}

async function bundle(): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { app: `${webDir}main.ts`, styles: `${webDir}styles.css` },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  copyFileSync(`${webDir}index.html`, `${outDir}index.html`);
  writeFileSync(`${outDir}favicon.ico`, iconIco());
}

if (!process.argv.includes('--skip-typecheck')) typecheck();
await bundle();
console.log(`web: built ${outDir}`);
