/**
 * One serving process: wire the stores, listen, and drain on SIGTERM/SIGINT (stop accepting,
 * let in-flight requests finish within SHUTDOWN_TIMEOUT_MS, close Redis, exit 0). Runs alone
 * (API_WORKERS=1) or as each node:cluster worker.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { Logger } from '@movielens/config';
import type { RedisClient } from '@movielens/store';
import { createApp } from './app';
import { answerClientErrors } from './middleware/client-error';
import { apiSettings, type ApiConfig } from './config';
import { wireDeps } from './services/wiring';

/** How long a starting process waits for its Redis connection before listening anyway, ms. */
const STARTUP_REDIS_WAIT_MS = 5000;

/** Resolves true once `client` is connected and ready, false after `timeoutMs` without that. */
function whenReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    client.once('ready', onReady);
  });
}

/** Starts the HTTP server of this process and installs its shutdown handlers. */
export function runServer(config: ApiConfig, logger: Logger): void {
  const deps = wireDeps({ redisUrl: config.REDIS_URL, cluster: config.REDIS_CLUSTER, keyPrefix: config.KEY_PREFIX, settings: apiSettings(config), logger });
  const { handler } = createApp(deps, { clusterWorker: cluster.isWorker });
  const server = createServer(handler);
  answerClientErrors(server);
  // Longer than any load balancer's idle timeout (typically 60 s), so the proxy closes idle sockets first.
  server.keepAliveTimeout = 65_000;
  // Listen once the Redis connection is up: the client fails fast (no offline queue), so a
  // process listening before it connects would answer its first requests 503. When Redis is
  // down at startup, listen anyway after the wait: /healthz answers and the rest says 503
  // until Redis returns.
  void whenReady(deps.redis, STARTUP_REDIS_WAIT_MS).then((ready) => {
    if (!ready) logger.warn({ waitedMs: STARTUP_REDIS_WAIT_MS }, 'Redis is not reachable yet: listening anyway (503 until it is)');
    server.listen(config.PORT, config.HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.PORT;
      logger.info({ port, writes: config.API_KEY ? 'enabled' : 'disabled (no API_KEY)' }, `API listening on http://localhost:${port}`);
    });
  });

  let stopping = false;
  async function shutdown(reason: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    // Stop accepting first, then say so: whoever reads the line can rely on it.
    const closed = new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    logger.info({ reason }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      logger.warn('drain timed out; closing remaining connections');
      server.closeAllConnections();
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    await closed;
    await deps.close();
    logger.info('stopped');
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // A worker whose primary is gone (killed without draining) drains itself rather than serve unsupervised.
  if (cluster.isWorker) cluster.worker?.on('disconnect', () => void shutdown('primary disconnected'));
}
