import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appNodeArgs, repoRoot } from './app-entry';
import { ProcessGroup } from './process-group';

/** Options of {@link startTopology}. */
export interface TopologyOptions {
  /** Redis URL every process uses. */
  redisUrl: string;
  /** Key prefix (KEY_PREFIX). */
  keyPrefix: string;
  /** Compute worker processes. Default 2. */
  computeWorkers?: number;
  /** API port. Default 3000. */
  port?: number;
  /** API key for write endpoints; default: API_KEY from the environment, else a random one. */
  apiKey?: string;
  /** Where prefixed log lines go. */
  write?: (line: string) => void;
}

/** A running local cluster. */
export interface Topology {
  group: ProcessGroup;
  apiUrl: string;
  apiKey: string;
}

/**
 * Bundles the web page when it has not been built yet (a fresh clone has only its
 * sources; `npm run build` or the Docker image build it too). Throws when the build fails.
 */
export function ensureWebBuilt(log: (line: string) => void): void {
  if (existsSync(join(repoRoot, 'apps/web/dist/index.html'))) return;
  log('building the web page (first start) ...');
  const tsx = import.meta.resolve('tsx');
  const result = spawnSync(process.execPath, ['--import', tsx, join(repoRoot, 'apps/web/tools/build.ts'), '--skip-typecheck'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('building the web page failed (see above); try `npm run build -w @movielens/web`');
}

/**
 * Starts the production topology as local processes: one API, one ingest worker and N
 * compute workers, each configured only through its environment, exactly as in
 * docker-compose.yml.
 */
export function startTopology(options: TopologyOptions): Topology {
  const group = new ProcessGroup({ write: options.write });
  const apiKey = options.apiKey ?? process.env.API_KEY ?? randomBytes(16).toString('hex');
  const port = options.port ?? 3000;
  const env = { REDIS_URL: options.redisUrl, KEY_PREFIX: options.keyPrefix, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
  group.start({ name: 'api', nodeArgs: appNodeArgs('api'), env: { ...env, PORT: String(port), API_KEY: apiKey } });
  group.start({ name: 'ingest', nodeArgs: appNodeArgs('ingest-worker'), env });
  for (let i = 1; i <= (options.computeWorkers ?? 2); i++) {
    group.start({ name: `compute-${i}`, nodeArgs: appNodeArgs('compute-worker'), env });
  }
  return { group, apiUrl: `http://localhost:${port}`, apiKey };
}

/** Resolves when SIGINT or SIGTERM arrives, or a child exits on its own; returns which. */
export async function untilStopped(group: ProcessGroup): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => () => resolve(signal);
    process.once('SIGINT', onSignal('SIGINT'));
    process.once('SIGTERM', onSignal('SIGTERM'));
    void group.firstExit.then((name) => resolve(`${name} exited`));
  });
}
