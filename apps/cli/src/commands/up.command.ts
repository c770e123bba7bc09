import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createQueue, QueueName, requestRebuild } from '@movielens/jobs';
import { DatasetStore, ModelStore } from '@movielens/store';
import type { Command, CommandContext } from '../command';
import { chooseDatasetSource } from '../cluster/dataset-source';
import { untilStopped } from '../cluster/topology';
import { releaseLocalRedisOnStop } from '../local-redis';
import { connectRedis } from '../redis-connection';
import { startTopologyFromArgs, topologyOptions } from './cluster.command';
import { generateCommand } from './generate.command';
import { ingestCommand } from './ingest.command';
import { queueLstmRebuild } from './up-lstm';

/** Runs another command in-process with the given arguments (same Redis, human output). */
function subcommand(ctx: CommandContext, redisUrl: string, values: Record<string, string | boolean>, positionals: string[]): CommandContext {
  return { ...ctx, json: false, redisUrl, args: { values: { ...values }, positionals } };
}

/** Waits until a model is published, printing a line every 15 s; resolves with its version. */
async function waitForModel(models: ModelStore, log: (line: string) => void): Promise<string> {
  const started = Date.now();
  let lastNote = started;
  for (;;) {
    const ver = await models.currentVersion();
    if (ver !== null) return ver;
    if (Date.now() - lastNote > 15_000) {
      lastNote = Date.now();
      log(`up: still building the model (${Math.round((Date.now() - started) / 1000)} s) ...`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `movielens up`: the whole system locally, with data and a model, until Ctrl-C. */
export const upCommand: Command = {
  name: 'up',
  summary: 'Run the whole system locally: Redis, workers, API; load data and build a model if none',
  usage: [
    'Usage: movielens up [folder] [--compute-workers 2] [--port 3000]',
    '',
    'Starts a local Redis (unless --redis/REDIS_URL), the API, an ingest worker and compute',
    'workers. When Redis holds no dataset it ingests, in order of preference: the folder you',
    'name, ML-1M downloaded from GroupLens (checksums verified), or a synthetic ML-1M-shaped',
    'set; then it waits for the model and prints where to look. When that model has no',
    'next-movie LSTM, it queues one more rebuild with lstm: true (minutes; the first model',
    'serves meanwhile). Ctrl-C stops everything: the processes, and the local redis-server when',
    'this command started it (one that was already running is left alone; the data stays in',
    '.movielens/redis/). The admin API key is API_KEY, else the one kept in .movielens/api-key',
    '(made on first start, reused after; `movielens key` prints it).',
  ].join('\n'),
  options: topologyOptions,
  async run(ctx) {
    const log = (line: string) => console.error(line);
    const releaseRedis = await releaseLocalRedisOnStop(ctx.redisUrl);
    const conn = await connectRedis(ctx);
    const datasets = new DatasetStore(conn.redis, conn.keys);
    const models = new ModelStore(conn.redis, conn.keys);
    const topology = startTopologyFromArgs(ctx, conn);
    const stopped = untilStopped(topology.group);
    let source = 'existing dataset in Redis';
    let lstmRebuild = false;
    try {
      const folder = ctx.args.positionals[0];
      if ((await datasets.currentVersion()) === null || folder !== undefined) {
        const stateDir = resolve('.movielens');
        const chosen = await chooseDatasetSource(folder, stateDir, log);
        source = chosen.note;
        if (chosen.kind === 'synthetic' && !existsSync(join(chosen.dir, 'ratings.dat'))) {
          await generateCommand.run(subcommand(ctx, conn.url, { shape: 'ml-1m', out: chosen.dir, seed: '42' }, []));
        }
        await ingestCommand.run(subcommand(ctx, conn.url, { mode: 'replace' }, [chosen.dir]));
      } else if ((await models.currentVersion()) === null) {
        const queue = createQueue(QueueName.rebuild, { connection: conn.bull, keyPrefix: conn.keyPrefix });
        await requestRebuild(queue, { trigger: 'cli' }, { debounceMs: 0 });
        await queue.close();
      }
      log('up: waiting for the model (the compute workers are building it) ...');
      const model = await Promise.race([waitForModel(models, log), stopped.then(() => null)]);
      if (model !== null) {
        log('');
        log(`up: ready. Model ${model} from ${source}.`);
        log(`up:   web page     ${topology.apiUrl}/`);
        log(`up:   API docs     ${topology.apiUrl}/docs`);
        log(`up:   queues       ${topology.apiUrl}/admin/queues`);
        log(`up:   API key      in ${topology.apiKeySource}; paste it on the Admin page`);
        log('up: Ctrl-C stops everything, Redis included when up started it (the data stays in .movielens/redis/).');
        const queue = createQueue(QueueName.rebuild, { connection: conn.bull, keyPrefix: conn.keyPrefix });
        try {
          lstmRebuild = await queueLstmRebuild(models, model, queue);
        } finally {
          await queue.close();
        }
        if (lstmRebuild) {
          log('up: queued a rebuild with the next-movie LSTM (lstm: true); "Because you just watched" appears on the page when it is served.');
          log('up:   on 2 cores it took 1.5 min on ML-100K, and 2 min (quiet machine) to 20 min (busy one) on ML-1M-sized data (README: what to expect);');
          log('up:   follow it on the Admin page or with `npx movielens status`. The first model answers meanwhile.');
        }
      }
      const reason = await stopped;
      log(`up: stopping (${reason})`);
      return { model, source, apiUrl: topology.apiUrl, lstmRebuild, stopped: reason };
    } finally {
      await topology.group.stop();
      await conn.close();
      log(`up: ${await releaseRedis()}`);
    }
  },
};
