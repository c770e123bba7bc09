/**
 * The CLI's own Redis when no `--redis`/REDIS_URL is given: a redis-server with its data in
 * `./.movielens/redis/`, started in the background on first use and reused by later commands
 * (its pid and port are kept in `server.json`). AOF is on, so datasets survive `movielens down`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';

/** Where the local server lives. */
export interface LocalRedisOptions {
  /** Project state folder. Default `./.movielens` (relative to the working directory). */
  baseDir?: string;
  /** Progress lines (e.g. "starting redis-server"); default: none. */
  log?: (line: string) => void;
}

/** What `server.json` records. */
interface ServerState {
  pid: number;
  port: number;
}

function redisDir(options: LocalRedisOptions): string {
  return join(resolve(options.baseDir ?? '.movielens'), 'redis');
}

/** True for a positive integer (a pid or a port). */
function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * What `server.json` says, checked field by field (it is a file on disk: a hand edit or a cut
 * write is possible); null when it is absent, not JSON or not of that shape, which is treated
 * as no server started (the port is probed before any reuse).
 */
function readState(dir: string): ServerState | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { pid, port } = value as Partial<Record<keyof ServerState, unknown>>;
  return isId(pid) && isId(port) && port < 65536 ? { pid, port } : null;
}

/** The pid of the redis-server answering on `port`, or null when none answers. */
async function serverPid(port: number): Promise<number | null> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    const match = /process_id:(\d+)/.exec(info);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** True when an executable `redis-server` is on PATH. */
function hasRedisServer(): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => {
    try {
      return statSync(join(d, 'redis-server')).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Makes sure redis-server is installed: as root, installs it with apt-get (non-interactive);
 * otherwise fails with the exact command to run.
 */
function ensureInstalled(log: (line: string) => void): void {
  if (hasRedisServer()) return;
  const howTo = 'Install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS), or pass --redis URL to use an existing Redis.';
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    log('redis-server not found: installing it with apt-get (running as root)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (install.status === 0 && hasRedisServer()) return;
    throw new Error(`redis-server is not installed and \`apt-get install -y redis-server\` failed. ${howTo}`);
  }
  throw new Error(`redis-server is not installed. ${howTo}`);
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (address && typeof address === 'object' ? ok(address.port) : fail(new Error('no free port'))));
    });
  });
}

/**
 * True when the local Redis of `options.baseDir` is running now. A command that finds it not
 * running and then starts it (through {@link ensureLocalRedis}) owns it: `up` and `cluster`
 * stop it again when they stop, and leave one that was already running alone.
 */
export async function localRedisRunning(options: LocalRedisOptions = {}): Promise<boolean> {
  const state = readState(redisDir(options));
  return state !== null && (await serverPid(state.port)) === state.pid;
}

/**
 * For commands that run until stopped (`up`, `cluster`), called before they connect: resolves
 * to what to do when they stop. When no Redis URL was given and the local Redis is not running
 * yet (so the command is about to start it), that stops it and says so; otherwise it leaves
 * Redis alone and says why. Either way the data stays in `.movielens/redis/`.
 */
export async function releaseLocalRedisOnStop(redisUrl: string | undefined, options: LocalRedisOptions = {}): Promise<() => Promise<string>> {
  if (redisUrl !== undefined) return async () => `Redis at ${redisUrl} was given (--redis/REDIS_URL): left running`;
  if (await localRedisRunning(options)) {
    return async () => 'the local redis-server was running before this command started: left running (`npx movielens down` stops it)';
  }
  return async () => {
    const stopped = await stopLocalRedis(options);
    return stopped === null ? 'the local redis-server had already stopped' : `stopped the local redis-server it started (pid ${stopped.pid}); the data stays in .movielens/redis/`;
  };
}

/**
 * URL of the local Redis, starting it first if it is not running. The server is detached
 * (it outlives this command) and logs to `redis.log` beside its data.
 */
export async function ensureLocalRedis(options: LocalRedisOptions = {}): Promise<string> {
  const log = options.log ?? (() => {});
  const dir = redisDir(options);
  const state = readState(dir);
  if (state !== null && (await serverPid(state.port)) === state.pid) return `redis://127.0.0.1:${state.port}`;
  ensureInstalled(log);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  log(`starting a local redis-server on port ${port} (data in ${dir})`);
  const logFd = openSync(join(dir, 'redis.log'), 'a');
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'yes'], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  child.unref();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if ((await serverPid(port)) === child.pid) {
      writeFileSync(join(dir, 'server.json'), JSON.stringify({ pid: child.pid, port } satisfies ServerState));
      return `redis://127.0.0.1:${port}`;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the local redis-server did not start; see ${join(dir, 'redis.log')}`);
}

/**
 * Stops the local Redis (SHUTDOWN, which flushes the AOF); returns its pid, or null when
 * none was running.
 */
export async function stopLocalRedis(options: LocalRedisOptions = {}): Promise<{ pid: number; port: number } | null> {
  const dir = redisDir(options);
  const state = readState(dir);
  if (state === null) return null;
  rmSync(join(dir, 'server.json'), { force: true });
  if ((await serverPid(state.port)) !== state.pid) return null;
  const client = new Redis({ port: state.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  await client.shutdown().catch(() => undefined); // the connection drops as the server exits
  client.disconnect();
  for (let i = 0; i < 100 && (await serverPid(state.port)) !== null; i++) await new Promise((r) => setTimeout(r, 50));
  return state;
}
