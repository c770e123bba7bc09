// What each app compiles to, and whether its compiled output is older than its sources.
// No dependencies (node: modules only): the `movielens` bin imports this on every run, so it
// must load in a millisecond or two; esbuild is loaded only when something must be built.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tools/build -> ../..). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Worker-thread entries, bundled beside `main.js`: a thread is started from the file next to
 * the code that starts it (`new URL('./compute.worker.js', import.meta.url)`, see
 * libs/core/src/threads/start-thread.ts), so every bundle of an app lives in one folder.
 */
const THREADS = {
  'compute.worker': 'libs/compute/src/thread/compute.worker.ts',
  'train.worker': 'libs/core/src/sequence/train.worker.ts',
  'mf-gibbs.worker': 'libs/core/src/factorization/mf-gibbs.worker.ts',
  'selection.worker': 'libs/compute/src/kinds/selection/selection.worker.ts',
};

/**
 * Entries of each app, relative to the repository root; each one becomes
 * `apps/<app>/dist/<name>.js`. The API and the ingest worker start no compute thread.
 */
export const APPS = {
  api: { main: 'apps/api/src/main.ts' },
  'ingest-worker': { main: 'apps/ingest-worker/src/main.ts' },
  'compute-worker': { main: 'apps/compute-worker/src/main.ts', ...THREADS },
  cli: { main: 'apps/cli/src/main.ts', ...THREADS },
};

/** The compiled entry point of `app` (absolute path). */
export function distMain(app) {
  return join(repoRoot, 'apps', app, 'dist', 'main.js');
}

/** Newest modification time (ms) of the TypeScript sources under `dir`; 0 when there are none. */
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/** Modification time of `file` in ms, or null when it does not exist. */
function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Apps whose `dist/main.js` is missing or older than one of their sources, a library's,
 * `package.json` or the lock file (bundled dependencies changed). About 3 ms for every app
 * of this repository.
 */
export function staleApps(apps = Object.keys(APPS)) {
  const libs = readdirSync(join(repoRoot, 'libs')).map((lib) => newestSource(join(repoRoot, 'libs', lib, 'src')));
  const shared = Math.max(mtime(join(repoRoot, 'package.json')) ?? 0, mtime(join(repoRoot, 'package-lock.json')) ?? 0, ...libs);
  return apps.filter((app) => {
    const built = mtime(distMain(app));
    return built === null || Math.max(shared, newestSource(join(repoRoot, 'apps', app, 'src'))) > built;
  });
}
