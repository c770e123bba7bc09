import { createQueue, QueueName } from '@movielens/jobs';
import { DatasetStore, ModelStore } from '@movielens/store';
import type { Command, CommandContext } from '../command';
import { connectRedis } from '../redis-connection';

/** Job counts of one queue, and how many workers listen on it. */
interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  workers: number;
}

async function run(ctx: CommandContext): Promise<unknown> {
  const conn = await connectRedis(ctx);
  try {
    const datasets = new DatasetStore(conn.redis, conn.keys);
    const models = new ModelStore(conn.redis, conn.keys);
    const datasetVersion = await datasets.currentVersion();
    const datasetMeta = datasetVersion === null ? null : await datasets.meta(datasetVersion);
    const modelVersion = await models.currentVersion();
    const modelMeta = modelVersion === null ? null : await models.meta(modelVersion);
    const queues: Record<string, QueueDepth> = {};
    for (const name of Object.values(QueueName)) {
      const queue = createQueue(name, { connection: conn.bull, keyPrefix: conn.keyPrefix });
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
      const workers = (await queue.getWorkers()).length;
      queues[name] = { waiting: counts.waiting, active: counts.active, delayed: counts.delayed, failed: counts.failed, completed: counts.completed, workers };
      await queue.close();
    }
    const dataset = datasetMeta && {
      version: datasetMeta.version,
      createdAt: new Date(datasetMeta.createdAt).toISOString(),
      release: datasetMeta.release,
      counts: datasetMeta.counts,
      versions: (await datasets.listVersions()).map((v) => v.version),
    };
    const model = modelMeta && { version: modelMeta.id, datasetVersion: modelMeta.datasetVersion, k: modelMeta.k, createdAt: new Date(modelMeta.createdAt).toISOString() };

    const fmt = (n: number) => n.toLocaleString('en-US');
    ctx.print(`redis    ${conn.url} (prefix ${conn.keyPrefix})`);
    ctx.print(
      dataset
        ? `dataset  ${dataset.version} (${dataset.release}, ${dataset.createdAt}): ${fmt(dataset.counts.ratings)} ratings, ${fmt(dataset.counts.users)} users, ${fmt(dataset.counts.movies)} movies`
        : 'dataset  none yet: run `movielens ingest <folder>`',
    );
    ctx.print(
      model
        ? `model    ${model.version} (k=${model.k}, from dataset ${model.datasetVersion}${model.datasetVersion === dataset?.version ? '' : ', stale: the dataset changed since'})`
        : 'model    none yet: no model has been built (a rebuild runs after each ingest when a compute worker is up)',
    );
    for (const [name, q] of Object.entries(queues)) {
      ctx.print(`queue    ${name.padEnd(14)} waiting ${q.waiting}, active ${q.active}, delayed ${q.delayed}, failed ${q.failed}; ${q.workers} worker(s)`);
    }
    return { redis: conn.url, dataset, model, queues };
  } finally {
    await conn.close();
  }
}

/** `movielens status`: current dataset and model versions, and queue depths. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'Show the current dataset and model versions and the job queues',
  usage: 'Usage: movielens status [--redis URL] [--json]\n\nPrints the current dataset (counts), the current model (or that there is none), and per queue the waiting/active/delayed/failed jobs and listening workers.',
  options: {},
  run,
};
