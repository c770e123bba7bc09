#!/usr/bin/env node
// Compiles the apps to JavaScript: one ES module bundle per entry (esbuild), our libraries
// and their npm dependencies included, so production runs `node apps/<app>/dist/main.js`
// with no TypeScript loader and no node_modules walk at start-up (tsx stays for development
// and tests). Threads get their own bundles beside main.js (see apps.mjs).
//
//   node tools/build/bundle.mjs [app ...]     default: every app; prints one line per app
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APPS, repoRoot } from './apps.mjs';

/**
 * `msgpackr-extract` is an optional native addon that msgpackr (BullMQ) tries to require
 * inside a try/catch and does without. The bundles carry a stub that throws at once, so every
 * process uses msgpackr's JavaScript decoder, as in the images (no native addons there), and
 * the CLI does not walk node_modules looking for the addon at each start (~10 ms).
 * Nothing is external: the API finds two packages of static files by resolving them at run
 * time (bull-board's UI, Swagger UI's files for /docs), so those stay on disk in node_modules
 * (the Docker image copies just them).
 */
const NATIVE_STUBS = {
  name: 'native-stubs',
  setup(build) {
    build.onResolve({ filter: /^msgpackr-extract$/ }, (args) => ({ path: args.path, namespace: 'native-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'native-stub' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not bundled (optional native addon)`)});`,
      loader: 'js',
    }));
  },
};

/**
 * CommonJS dependencies inside an ES module bundle call `require` (Node built-ins, and
 * bull-board's `require.resolve`) and read `__dirname`; give them the real ones.
 */
const BANNER = [
  "import { createRequire as __createRequire } from 'node:module';",
  "import { fileURLToPath as __fileURLToPath } from 'node:url';",
  "import { dirname as __pathDirname } from 'node:path';",
  'const require = __createRequire(import.meta.url);',
  'const __filename = __fileURLToPath(import.meta.url);',
  'const __dirname = __pathDirname(__filename);',
].join('\n');

/**
 * Bundles `app` into apps/<app>/dist. Builds into a fresh folder and moves the files in, so a
 * process starting meanwhile (or a second build racing this one) never reads half a file.
 * @returns the output files, relative to the repository root, with their sizes in bytes
 */
export async function bundleApp(app) {
  const { build } = await import('esbuild');
  const entries = APPS[app];
  if (entries === undefined) throw new Error(`unknown app '${app}' (known: ${Object.keys(APPS).join(', ')})`);
  const outdir = join(repoRoot, 'apps', app, 'dist');
  const tmp = `${outdir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    const result = await build({
      entryPoints: Object.fromEntries(Object.entries(entries).map(([name, src]) => [name, join(repoRoot, src)])),
      outdir: tmp,
      bundle: true,
      platform: 'node',
      format: 'esm',
      // The oldest Node the sources support (package.json engines).
      target: 'node24',
      plugins: [NATIVE_STUBS],
      banner: { js: BANNER },
      // Not minified: stack traces keep readable names and lines; the bundles stay a few MB.
      minify: false,
      legalComments: 'none',
      metafile: true,
      logLevel: 'error',
      absWorkingDir: repoRoot,
    });
    mkdirSync(outdir, { recursive: true });
    const files = Object.entries(result.metafile.outputs).map(([file, meta]) => ({ file: join(repoRoot, file), bytes: meta.bytes }));
    // main.js last: its modification time is what staleApps() compares with the sources.
    files.sort((a, b) => Number(a.file.endsWith('/main.js')) - Number(b.file.endsWith('/main.js')));
    for (const { file } of files) renameSync(file, join(outdir, relative(tmp, file)));
    return files.map(({ file, bytes }) => ({ file: relative(repoRoot, join(outdir, relative(tmp, file))), bytes }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const apps = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(APPS);
  for (const app of apps) {
    const started = performance.now();
    const files = await bundleApp(app);
    const sizes = files.map((f) => `${f.file} ${(f.bytes / 1e6).toFixed(1)} MB`).join(', ');
    console.log(`${app}: ${sizes} (${Math.round(performance.now() - started)} ms)`);
  }
}
