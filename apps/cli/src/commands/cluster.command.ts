import { InputError } from '@movielens/core';
import type { Command, CommandContext } from '../command';
import { localApiKey } from '../api-key';
import { ensureWebBuilt, startTopology, untilStopped } from '../cluster/topology';
import { releaseLocalRedisOnStop } from '../local-redis';
import { connectRedis } from '../redis-connection';

/** Parses a positive integer option with a default. */
export function positiveInt(ctx: CommandContext, name: string, fallback: number): number {
  const raw = ctx.args.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InputError(`--${name} must be a whole number, got '${String(raw)}'`);
  return n;
}

/** Options shared by `cluster` and `up`. */
export const topologyOptions = {
  'compute-workers': { type: 'string' },
  port: { type: 'string' },
} as const;

/**
 * Builds the web page if needed and starts the topology as `--compute-workers`/`--port` say,
 * with the local API key (API_KEY, else the one kept in .movielens/api-key).
 */
export function startTopologyFromArgs(ctx: CommandContext, conn: { url: string; keyPrefix: string }) {
  ensureWebBuilt((line) => console.error(line));
  const apiKey = localApiKey();
  const topology = startTopology({
    redisUrl: conn.url,
    keyPrefix: conn.keyPrefix,
    computeWorkers: positiveInt(ctx, 'compute-workers', 2),
    port: positiveInt(ctx, 'port', 3000),
    apiKey: apiKey.key,
  });
  return { ...topology, apiKeySource: apiKey.source === 'env' ? 'the API_KEY environment variable' : `${apiKey.path} (\`npx movielens key\` prints it)` };
}

/** `movielens cluster`: the production topology as local processes, until Ctrl-C. */
export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'Run Redis, the API, an ingest worker and N compute workers locally (Ctrl-C stops all)',
  usage: [
    'Usage: movielens cluster [--compute-workers 2] [--port 3000]',
    '',
    'Starts the same topology as docker-compose.yml as local processes, with logs prefixed',
    'by process. Uses --redis/REDIS_URL, else the local redis-server in .movielens/.',
    'Ctrl-C or SIGTERM stops every process gracefully; none is left behind, and a local',
    'redis-server this command started is stopped too (one already running is left alone).',
    'The API key is API_KEY, else the one kept in .movielens/api-key (`movielens key`).',
  ].join('\n'),
  options: topologyOptions,
  async run(ctx) {
    const releaseRedis = await releaseLocalRedisOnStop(ctx.redisUrl);
    const conn = await connectRedis(ctx);
    await conn.close();
    const topology = startTopologyFromArgs(ctx, conn);
    console.error(`cluster: API on ${topology.apiUrl} (API key in ${topology.apiKeySource}); Ctrl-C stops everything`);
    const reason = await untilStopped(topology.group);
    console.error(`cluster: stopping (${reason})`);
    await topology.group.stop();
    console.error(`cluster: ${await releaseRedis()}`);
    return { stopped: reason, redis: conn.url };
  },
};
