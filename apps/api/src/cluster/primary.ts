/**
 * The node:cluster primary of `API_WORKERS > 1`: forks the workers (each runs `runServer`
 * on the shared port; the primary hands out connections round-robin), replaces a worker that
 * dies, answers workers' `/metrics` requests with the aggregate of all of them, and on
 * SIGTERM/SIGINT drains every worker and exits 0 once all have exited cleanly.
 * It opens no Redis connection and serves no request itself.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@movielens/config';
import type { ApiConfig } from '../config';
import { serveClusterMetrics } from './metrics-ipc';

/** More unexpected worker exits than this within {@link CRASH_WINDOW_MS} stop the whole API (a crash loop, not bad luck). */
const MAX_CRASHES = 5;
/** Window of {@link MAX_CRASHES}, ms. */
const CRASH_WINDOW_MS = 60_000;
/** Grace beyond the workers' own drain timeout before the primary kills them, ms. */
const KILL_GRACE_MS = 5000;

/** Forks `config.API_WORKERS` workers and supervises them until a signal stops them all. */
export function runPrimary(config: ApiConfig, logger: Logger): void {
  let stopping = false;
  let failed = false;
  const crashes: number[] = [];
  // Our own record of live workers: cluster.workers may still list a worker when its 'exit' fires.
  const live = new Set<Worker>();
  serveClusterMetrics();

  const fork = () => live.add(cluster.fork());
  for (let i = 0; i < config.API_WORKERS; i++) fork();
  logger.info({ workers: config.API_WORKERS, port: config.PORT }, 'API cluster started');

  const stopAll = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason, workers: live.size }, 'draining every worker');
    for (const worker of live) worker.process.kill('SIGTERM');
    const kill = setTimeout(() => {
      logger.warn('workers did not drain in time; killing them');
      failed = true;
      for (const worker of live) worker.process.kill('SIGKILL');
    }, config.SHUTDOWN_TIMEOUT_MS + KILL_GRACE_MS);
    kill.unref();
    if (live.size === 0) process.exit(failed ? 1 : 0);
  };

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      if (live.size === 0) {
        logger.info('every worker stopped');
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && crashes[0] < now - CRASH_WINDOW_MS) crashes.shift();
    if (crashes.length > MAX_CRASHES) {
      logger.error({ pid: worker.process.pid, code, signal }, `more than ${MAX_CRASHES} worker exits within ${CRASH_WINDOW_MS / 1000} s; stopping`);
      failed = true;
      stopAll('crash loop');
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'worker exited unexpectedly; starting a replacement');
    fork();
  });

  process.on('SIGTERM', () => stopAll('SIGTERM'));
  process.on('SIGINT', () => stopAll('SIGINT'));
}
