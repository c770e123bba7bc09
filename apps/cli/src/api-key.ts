/**
 * The API key of the local system (`movielens up` and `cluster`): made once, kept in
 * `.movielens/api-key` (mode 0600, readable by its owner only) and reused by every later
 * start, so the admin page and scripts keep working across restarts. `movielens key` prints
 * it. An `API_KEY` in the environment wins over the file (and the file is then not made).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the key lives. */
export interface ApiKeyOptions {
  /** Project state folder. Default `./.movielens` (relative to the working directory). */
  baseDir?: string;
  /** The environment to read `API_KEY` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The key and where it came from. */
export interface LocalApiKey {
  key: string;
  /** `env`: the API_KEY variable; `file`: the kept key (made now when `created`). */
  source: 'env' | 'file';
  /** The key file (also for `env`: where the key would be kept). */
  path: string;
  /** True when this call made the file. */
  created: boolean;
}

/** Path of the key file. */
export function apiKeyPath(options: ApiKeyOptions = {}): string {
  return join(resolve(options.baseDir ?? '.movielens'), 'api-key');
}

/** The API's minimum key length (apps/api config: API_KEY needs at least 12 characters). */
const MIN_LENGTH = 12;

/**
 * The local API key: `API_KEY` when set, else the kept one, else a new random one (32
 * URL-safe characters, 192 bits) written with mode 0600. A kept file that is too short to be
 * accepted by the API is replaced.
 */
export function localApiKey(options: ApiKeyOptions = {}): LocalApiKey {
  const path = apiKeyPath(options);
  const fromEnv = (options.env ?? process.env).API_KEY;
  if (fromEnv !== undefined && fromEnv !== '') return { key: fromEnv, source: 'env', path, created: false };
  try {
    const kept = readFileSync(path, 'utf8').trim();
    if (kept.length >= MIN_LENGTH) {
      // A key copied in by hand may carry looser permissions: the owner alone should read it.
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
      return { key: kept, source: 'file', path, created: false };
    }
  } catch {
    // No key kept yet: make one below.
  }
  mkdirSync(resolve(path, '..'), { recursive: true });
  const key = randomBytes(24).toString('base64url');
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // writeFileSync's mode applies only when it creates the file
  return { key, source: 'file', path, created: true };
}
