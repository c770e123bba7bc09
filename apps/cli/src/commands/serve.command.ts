import { spawn } from 'node:child_process';
import { appNodeArgs } from '../cluster/app-entry';
import type { Command, CommandContext } from '../command';
import { ensureLocalRedis } from '../local-redis';

async function run(ctx: CommandContext): Promise<unknown> {
  const port = String(ctx.args.values.port ?? '3000');
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new Error(`--port must be a TCP port (0..65535), got '${port}'`);
  const workers = ctx.args.values.workers === undefined ? undefined : String(ctx.args.values.workers);
  if (workers !== undefined && (!/^\d{1,2}$/.test(workers) || Number(workers) < 1 || Number(workers) > 64)) throw new Error(`--workers must be a number of processes (1..64), got '${workers}'`);
  const redisUrl = ctx.redisUrl ?? (await ensureLocalRedis({ log: (line) => (ctx.json ? undefined : console.error(line)) }));
  // Apps never import apps: the API runs as a child process, the same `node apps/api/dist/main.js`
  // an operator would run (see appNodeArgs).
  const child = spawn(process.execPath, appNodeArgs('api'), {
    // --workers overrides API_WORKERS; without it the API reads API_WORKERS from the environment (default 1).
    env: { ...process.env, PORT: port, REDIS_URL: redisUrl, ...(workers === undefined ? {} : { API_WORKERS: workers }) },
    stdio: 'inherit',
  });
  // Ctrl-C / SIGTERM go to the API, which drains in-flight requests and exits 0 by itself.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 0 : 1))));
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  if (code !== 0) throw new Error(`the API exited with code ${code}`);
  return { port: Number(port), redis: redisUrl, ...(workers === undefined ? {} : { workers: Number(workers) }), exitCode: code };
}

/** `movielens serve [--port 3000] [--workers N]`: runs the HTTP API (and the web page) in the foreground. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the HTTP API and web page (foreground; Ctrl-C stops it gracefully)',
  usage: [
    'Usage: movielens serve [--port 3000] [--workers N] [--redis URL]',
    '',
    'Serves /api/v1 (similar movies, recommendations, analytics, uploads), /docs, /metrics and the web page.',
    '--workers N runs N HTTP worker processes (node:cluster) on the port; default API_WORKERS, else 1.',
    'Ctrl-C or SIGTERM drains every worker, then exits 0.',
    'Write endpoints need API_KEY set in the environment; without it they answer 403.',
  ].join('\n'),
  options: { port: { type: 'string', short: 'p', default: '3000' }, workers: { type: 'string', short: 'w' } },
  run,
};
