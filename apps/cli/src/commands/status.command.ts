import { SELECTION_KIND, selectionInfoSchema } from '@movielens/compute';
import { buildsInProgress, createQueue, QueueName, type BuildInProgress } from '@movielens/jobs';
import { DatasetStore, ModelStore } from '@movielens/store';
import type { Command, CommandContext } from '../command';
import { connectRedis } from '../redis-connection';
import { formatInt, formatTable, type Column } from '../table';
import { selectionLines } from './selection-lines';

/** Job counts of one queue, and how many workers listen on it. */
interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  workers: number;
}

/** Columns of the builds table: where each waiting or running rebuild is. */
const buildColumns: Column<BuildInProgress>[] = [
  { header: 'job', cell: (b) => b.id },
  { header: 'state', cell: (b) => b.state },
  { header: 'done', align: 'right', cell: (b) => (b.percent === null ? '-' : `${Math.round(b.percent)}%`) },
  { header: 'slowest stage', cell: (b) => b.stage ?? '-' },
  { header: 'LSTM', cell: (b) => (b.lstm ? (b.lstmPercent === null ? 'yes' : `yes, ${Math.round(b.lstmPercent)}%`) : 'no') },
  { header: 'asked by', cell: (b) => b.trigger ?? '-' },
  { header: 'for', cell: (b) => (b.startedAt === null ? `queued ${ago(b.createdAt)}` : `running ${ago(b.startedAt)}`) },
];

/** Columns of the queues table. */
const queueColumns: Column<[string, QueueDepth]>[] = [
  { header: 'queue', cell: ([name]) => name },
  ...(['waiting', 'active', 'delayed', 'failed', 'workers'] as const).map((k) => ({ header: k, align: 'right' as const, cell: ([, q]: [string, QueueDepth]) => formatInt(q[k]) })),
];

/** `1234567` ms ago as `20 min`, `45 s`, `2 h 5 min`. */
function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
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
    const opened = Object.values(QueueName).map((name) => createQueue(name, { connection: conn.bull, keyPrefix: conn.keyPrefix }));
    let builds: BuildInProgress[];
    try {
      for (const queue of opened) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
        const workers = (await queue.getWorkers()).length;
        queues[queue.name] = { waiting: counts.waiting, active: counts.active, delayed: counts.delayed, failed: counts.failed, completed: counts.completed, workers };
      }
      // The rebuild jobs (each reports its kinds' progress), not their many short child jobs.
      builds = await buildsInProgress(opened.filter((q) => q.name === QueueName.rebuild));
    } finally {
      await Promise.all(opened.map((q) => q.close()));
    }
    const dataset = datasetMeta && {
      version: datasetMeta.version,
      createdAt: new Date(datasetMeta.createdAt).toISOString(),
      release: datasetMeta.release,
      counts: datasetMeta.counts,
      versions: (await datasets.listVersions()).map((v) => v.version),
    };
    const model = modelMeta && { version: modelMeta.id, datasetVersion: modelMeta.datasetVersion, k: modelMeta.k, createdAt: new Date(modelMeta.createdAt).toISOString() };
    // The served set's model selection (its winner is the default recommendations), when it has one.
    const selectionRef = modelMeta?.kinds?.[SELECTION_KIND];
    const parsedSelection = selectionRef === undefined ? null : selectionInfoSchema.safeParse((await models.kindMeta(selectionRef.version))?.info);
    const selection = parsedSelection?.success === true ? parsedSelection.data : null;

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
    if (dataset !== null && model !== null && model.datasetVersion !== dataset.version) {
      ctx.print(`building a model of dataset ${dataset.version}: until it is published, answers come from dataset ${model.datasetVersion}`);
    }
    if (selection !== null) for (const line of selectionLines(selection, { full: ctx.args.values.grid === true })) ctx.print(line);
    if (builds.length === 0) ctx.print('builds   none waiting or running');
    else {
      ctx.print('builds');
      for (const line of formatTable(buildColumns, builds)) ctx.print(line);
    }
    ctx.print('queues');
    for (const line of formatTable(queueColumns, Object.entries(queues))) ctx.print(line);
    const building = builds.map((b) => ({ ...b, createdAt: new Date(b.createdAt).toISOString(), startedAt: b.startedAt === null ? null : new Date(b.startedAt).toISOString() }));
    return { redis: conn.url, dataset, model, selection, queues, builds: building };
  } finally {
    await conn.close();
  }
}

/** `movielens status`: current dataset and model versions, and queue depths. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'Show the current dataset and model versions and the job queues',
  usage:
    'Usage: movielens status [--grid] [--redis URL] [--json]\n\nPrints the current dataset (counts), the current model (or that there is none), its model selection (the winner served as the default recommendations, the validation split, and each kind\'s best grid point with its NDCG@10; --grid lists every grid point), the rebuilds waiting or running (percent done over their kinds, the stage of the slowest, whether they train the next-movie LSTM and how far it is, since when), and per queue the waiting/active/delayed/failed jobs and listening workers. --json adds `builds` and `selection`.',
  options: { grid: { type: 'boolean', default: false } },
  run,
};
