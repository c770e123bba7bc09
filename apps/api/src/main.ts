/**
 * The API process: parse config, then serve in this process (API_WORKERS=1) or supervise
 * API_WORKERS node:cluster workers sharing the port. Either way SIGTERM/SIGINT drains
 * in-flight requests and exits 0.
 */
import cluster from 'node:cluster';
import { ConfigError, createLogger, loadConfig } from '@movielens/config';
import { runPrimary } from './cluster/primary';
import { apiEnvSchema, type ApiConfig } from './config';
import { runServer } from './server';

let config: ApiConfig;
try {
  config = loadConfig(apiEnvSchema);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(2);
}
const logger = createLogger('api', config.LOG_LEVEL);
if (config.API_WORKERS > 1 && cluster.isPrimary) runPrimary(config, logger);
else runServer(config, logger);
