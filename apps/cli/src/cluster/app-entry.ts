import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The processes the CLI starts. */
export type AppName = 'api' | 'ingest-worker' | 'compute-worker';

/** True when this module runs from the compiled bundle (apps/cli/dist/main.js). */
const compiled = !import.meta.url.endsWith('.ts');

/**
 * The repository root: this file is apps/cli/src/cluster/app-entry.ts, and it is bundled
 * into apps/cli/dist/main.js, one folder less deep.
 */
export const repoRoot = fileURLToPath(new URL(compiled ? '../../../' : '../../../../', import.meta.url));

/**
 * Node's arguments that start `app` the way this CLI itself runs: the compiled CLI (the
 * `movielens` bin, which rebuilt every stale bundle first) starts `apps/<app>/dist/main.js`;
 * the CLI run from its TypeScript sources (tests, `node --import tsx`) starts
 * `apps/<app>/src/main.ts` through tsx, so a test never runs a bundle older than its sources.
 */
export function appNodeArgs(app: AppName): string[] {
  if (compiled) return [join(repoRoot, 'apps', app, 'dist', 'main.js')];
  return ['--import', import.meta.resolve('tsx'), join(repoRoot, 'apps', app, 'src', 'main.ts')];
}
