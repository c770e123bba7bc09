import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What one run of the real `movielens` command printed and returned. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Redis to use (`--redis`); REDIS_URL is removed from the child's environment either way. */
  redisUrl?: string;
  /** KEY_PREFIX of the child, so a test's keys stay under its own prefix. */
  keyPrefix?: string;
  /** Working folder of the child (where its `.movielens/` is). Default: the test's. */
  cwd?: string;
}

const bin = fileURLToPath(new URL('../../bin/movielens.js', import.meta.url));

/** Runs `movielens <args>` as a child process, as a user would, and waits for it (REDIS_URL and API_KEY unset). */
export function runCli(args: string[], options: RunCliOptions = {}): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.REDIS_URL;
  delete env.API_KEY;
  if (options.keyPrefix !== undefined) env.KEY_PREFIX = options.keyPrefix;
  const redisArgs = options.redisUrl === undefined ? [] : ['--redis', options.redisUrl];
  const out = spawnSync(process.execPath, [bin, ...args, ...redisArgs], { env, encoding: 'utf8', cwd: options.cwd });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}
