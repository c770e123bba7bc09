import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDataset } from '@movielens/core';

/** The real `movielens up` as a user runs it, in a working folder of the test's. */
const bin = fileURLToPath(new URL('../../bin/movielens.js', import.meta.url));

/** Writes a small synthetic ML-1M-shaped folder under `work`; returns its path. */
export function writeDataset(work: string): string {
  const dir = join(work, 'data');
  mkdirSync(dir, { recursive: true });
  for (const file of generateDataset({ shape: 'ml-1m', seed: 3, ratings: 6000, users: 120, movies: 100 }).files) {
    writeFileSync(join(dir, file.name), Buffer.concat([...file.chunks()]));
  }
  return dir;
}

/** A port nothing listens on (just now). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A running `up`: the child, its stderr so far, the API's port. */
export interface Up {
  child: ChildProcess;
  stderr: () => string;
  port: number;
}

/** Starts `movielens up <args>` in `work` with one compute worker; resolves once it prints `up: ready.`. */
export async function startUp(work: string, args: string[]): Promise<Up> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete env.REDIS_URL;
  delete env.API_KEY;
  const child = spawn(process.execPath, [bin, 'up', ...args, '--port', String(port), '--compute-workers', '1'], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stdout!.resume();
  const deadline = Date.now() + 150_000;
  while (!/up: ready\./.test(text)) {
    if (child.exitCode !== null) throw new Error(`up exited early:\n${text}`);
    if (Date.now() > deadline) throw new Error(`up was not ready in time:\n${text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, stderr: () => text, port };
}

/** Ctrl-C: SIGINT, then the exit code. */
export async function interrupt(up: Up): Promise<number | null> {
  const exited = once(up.child, 'exit');
  up.child.kill('SIGINT');
  const [code] = (await exited) as [number | null];
  return code;
}
