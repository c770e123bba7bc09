/**
 * The API process: parse config, wire the stores, listen. On SIGTERM/SIGINT it stops
 * accepting connections, lets in-flight requests finish (bounded), closes Redis, exits 0.
 */
import { createServer } from 'node:http';
import { ConfigError, createLogger, loadConfig } from '@movielens/config';
import { createApp } from './app';
import { apiEnvSchema, apiSettings, type ApiConfig } from './config';
import { wireDeps } from './services/wiring';

let config: ApiConfig;
try {
  config = loadConfig(apiEnvSchema);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(2);
}
const logger = createLogger('api', config.LOG_LEVEL);
const deps = wireDeps({ redisUrl: config.REDIS_URL, cluster: config.REDIS_CLUSTER, keyPrefix: config.KEY_PREFIX, settings: apiSettings(config), logger });
const { app } = createApp(deps);
const server = createServer(app);
server.keepAliveTimeout = 65_000;
server.listen(config.PORT, config.HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT;
  logger.info({ port, writes: config.API_KEY ? 'enabled' : 'disabled (no API_KEY)' }, `API listening on http://localhost:${port}`);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: draining in-flight requests');
  const force = setTimeout(() => {
    logger.warn('drain timed out; closing remaining connections');
    server.closeAllConnections();
  }, config.SHUTDOWN_TIMEOUT_MS);
  force.unref();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  await deps.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
