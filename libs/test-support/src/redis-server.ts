import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A Redis server started for tests, with the URL to reach it and a way to stop it. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** How it was obtained: our own child process, an external REDIS_URL, or a Testcontainers container. */
  origin: 'redis-server' | 'env' | 'testcontainers';
  /** Stops the server (a no-op for `env`). */
  stop(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface StartRedisOptions {
  /** Extra `redis-server` arguments, e.g. `['--appendonly', 'yes']`. Default: none. */
  args?: string[];
  /** Data directory; default: a fresh temp dir removed on stop. */
  dir?: string;
  /** Port; default: a free port chosen by the OS. */
  port?: number;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(address.port));
    });
  });
}

/**
 * Starts a private `redis-server` from PATH: no persistence unless asked, data in a
 * temp dir, bound to 127.0.0.1 on a free port. Resolves once it accepts connections.
 */
export async function startRedisServer(options: StartRedisOptions = {}): Promise<TestRedis & { process: ChildProcess; port: number; dir: string }> {
  const port = options.port ?? (await freePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'movielens-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...(options.args ?? [])];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', (err) => reject(new Error(`cannot start redis-server: ${err.message}`, { cause: err })));
    child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}: ${output.slice(-500)}`)));
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    origin: 'redis-server',
    process: child,
    port,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True when a `redis-server` binary is on PATH. */
export function hasRedisServerBinary(): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      return statSync(join(dir, 'redis-server')).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * The Redis every test run uses, in order of preference: `REDIS_URL` when set; a private
 * `redis-server` from PATH; a Testcontainers Redis when Docker is available.
 */
export async function acquireTestRedis(): Promise<TestRedis> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, origin: 'env', stop: async () => {} };
  if (hasRedisServerBinary()) return startRedisServer();
  const { RedisContainer } = await import('@testcontainers/redis');
  const container = await new RedisContainer('redis:7-alpine').start().catch((err: unknown) => {
    throw new Error('No redis-server on PATH and no Docker for Testcontainers: install redis-server (apt-get install -y redis-server) or set REDIS_URL', { cause: err });
  });
  return { url: container.getConnectionUrl(), origin: 'testcontainers', stop: async () => void (await container.stop()) };
}
